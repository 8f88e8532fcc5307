#pragma once
// Hashing, HMAC, randomness and password hashing over OpenSSL 3.
// Throws CryptoError when OpenSSL fails.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret.h"

namespace certdesk::crypto {

using Bytes = std::vector<std::uint8_t>;

Bytes sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
Bytes hmac_sha256(std::string_view key, std::string_view data);
Bytes random_bytes(std::size_t n);

std::string to_hex(const std::uint8_t* p, std::size_t n);
inline std::string to_hex(const Bytes& b) { return to_hex(b.data(), b.size()); }
// Throws InputError on odd length or a non-hex character.
Bytes from_hex(std::string_view hex);
std::string base64(const Bytes& b);
// Throws InputError(bad_request) for malformed text; try_from_base64 is its
// non-throwing twin (nothing for malformed text).
Bytes from_base64(std::string_view s);
std::optional<Bytes> try_from_base64(std::string_view s);

// Constant-time comparison of two byte strings of any length.
bool equal_ct(std::string_view a, std::string_view b);

// Staff passwords and authorisation codes: scrypt (OpenSSL EVP_KDF) with a
// random 16-byte salt, encoded "scrypt$N$r$p$salt_b64$hash_b64". Never the clear text.
// log2_n is scrypt's cost; 15 for staff passwords (≈50 ms), tests may pass less.
std::string hash_password(const Secret& password, int log2_n = 15);
// True when the password matches the stored encoding; false for a malformed
// one. Throws CryptoError when scrypt itself fails (OpenSSL): that is never
// reported as a wrong password.
bool verify_password(const Secret& password, std::string_view encoded);
// An encoding with hash_password's parameters (this log2_n, the same r and p)
// that no password matches: verifying against it costs exactly what verifying a
// real hash costs, without hashing anything to make it. For unknown names.
std::string unmatchable_password_hash(int log2_n = 15);
// The cost part "scrypt$N$r$p" of an encoding (empty when it is none).
std::string password_cost(std::string_view encoded);

}  // namespace certdesk::crypto
