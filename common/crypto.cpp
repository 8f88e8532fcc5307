#include "common/handle.h"
#include "common/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <charconv>
#include <memory>
#include <optional>
#include <system_error>

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::crypto {

namespace {
using KdfPtr = std::unique_ptr<EVP_KDF, CFree<EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, CFree<EVP_KDF_CTX_free>>;

Bytes scrypt(std::string_view password, const Bytes& salt, uint64_t n, uint32_t r, uint32_t p, std::size_t len) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  if (!kdf) throw CryptoError(tr("The password check cannot run: this OpenSSL has no scrypt. Reinstall certdesk's packages or call support."));
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) throw CryptoError(tr("The password check cannot run: out of memory. Close other programs and try again."));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<char*>(password.data()), password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(salt.data()), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_end()};
  Bytes out(len);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) throw CryptoError(tr("The password check (scrypt) failed inside OpenSSL. Try again; if it repeats, call support."));
  return out;
}
}  // namespace

Bytes sha256(std::string_view data) {
  Bytes out(32);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1) throw CryptoError(tr("Computing a SHA-256 digest failed inside OpenSSL. Try again; if it repeats, call support."));
  return out;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

Bytes hmac_sha256(std::string_view key, std::string_view data) {
  Bytes out(32);
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), out.data(), &len))
    throw CryptoError(tr("Computing an HMAC-SHA256 failed inside OpenSSL. Try again; if it repeats, call support."));
  return out;
}

Bytes random_bytes(std::size_t n) {
  Bytes out(n);
  if (n && RAND_bytes(out.data(), static_cast<int>(n)) != 1) throw CryptoError(tr("The random number generator failed. Try again; if it repeats, call support."));
  return out;
}

std::string to_hex(const std::uint8_t* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    s[2 * i] = digits[p[i] >> 4];
    s[2 * i + 1] = digits[p[i] & 15];
  }
  return s;
}

Bytes from_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2) throw InputError(codes::bad_request, tr("The hexadecimal text has an odd number of digits; check that it was copied whole."));
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) throw InputError(codes::bad_request, tr("The hexadecimal text has a character that is not 0-9 or A-F; check that it was copied correctly."));
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string base64(const Bytes& b) {
  std::string out(4 * ((b.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(), static_cast<int>(b.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<Bytes> try_from_base64(std::string_view s) {
  if (s.size() % 4) return std::nullopt;
  Bytes out(3 * s.size() / 4 + 1);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  std::size_t pad = 0;
  if (!s.empty() && s.back() == '=') ++pad;
  if (s.size() > 1 && s[s.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

Bytes from_base64(std::string_view s) {
  if (s.size() % 4) throw InputError(codes::bad_request, tr("The base64 text has a wrong length; check that it was copied whole."));
  std::optional<Bytes> out = try_from_base64(s);
  if (!out) throw InputError(codes::bad_request, tr("The base64 text is malformed; check that it was copied correctly."));
  return std::move(*out);
}

bool equal_ct(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {
constexpr uint32_t kScryptR = 8, kScryptP = 1;
std::string encode_password_hash(int log2_n, const Bytes& salt, const Bytes& h) {
  return "scrypt$" + std::to_string(log2_n) + "$" + std::to_string(kScryptR) + "$" + std::to_string(kScryptP) + "$" +
         base64(salt) + "$" + base64(h);
}
}  // namespace

std::string hash_password(const Secret& password, int log2_n) {
  Bytes salt = random_bytes(16);
  Bytes h = scrypt(password.reveal(), salt, uint64_t{1} << log2_n, kScryptR, kScryptP, 32);
  return encode_password_hash(log2_n, salt, h);
}

std::string unmatchable_password_hash(int log2_n) {
  // A random 32-byte "hash": finding a password for it is breaking scrypt.
  return encode_password_hash(log2_n, random_bytes(16), random_bytes(32));
}

std::string password_cost(std::string_view encoded) {
  std::size_t end = 0;   // the fourth '$' ends "scrypt$N$r$p"
  for (int i = 0; i < 4; ++i) {
    end = encoded.find('$', i == 0 ? 0 : end + 1);
    if (end == std::string_view::npos) return {};
  }
  return encoded.substr(0, 6) == "scrypt" ? std::string(encoded.substr(0, end)) : std::string();
}

bool verify_password(const Secret& password, std::string_view encoded) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t d = encoded.find('$', start);
    parts.push_back(encoded.substr(start, d == std::string_view::npos ? std::string_view::npos : d - start));
    if (d == std::string_view::npos) break;
    start = d + 1;
  }
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  // A malformed encoding is a miss (false); only a failure of scrypt itself
  // (OpenSSL) throws CryptoError — it is never reported as a wrong password.
  auto number = [](std::string_view t, unsigned long& v) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    return ec == std::errc() && end == t.data() + t.size() && !t.empty();
  };
  unsigned long log2_n = 0, r = 0, p = 0;
  if (!number(parts[1], log2_n) || !number(parts[2], r) || !number(parts[3], p)) return false;
  if (log2_n < 1 || log2_n > 22 || r == 0 || r > 32 || p == 0 || p > 16) return false;
  std::optional<Bytes> salt = try_from_base64(parts[4]);
  std::optional<Bytes> want = try_from_base64(parts[5]);
  if (!salt || !want || want->empty()) return false;
  Bytes got = scrypt(password.reveal(), *salt, uint64_t{1} << log2_n, static_cast<uint32_t>(r), static_cast<uint32_t>(p),
                     want->size());
  return CRYPTO_memcmp(got.data(), want->data(), want->size()) == 0;
}

}  // namespace certdesk::crypto
