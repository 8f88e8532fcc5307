// common/crypto: the password hash tells a wrong password from a failure of scrypt itself.
#include <boost/test/unit_test.hpp>

#include "common/crypto.h"
#include "common/error.h"

using namespace certdesk;

BOOST_AUTO_TEST_CASE(right_and_wrong_password) {
  std::string h = crypto::hash_password(Secret("correct horse"), 10);
  BOOST_TEST(crypto::verify_password(Secret("correct horse"), h));
  BOOST_TEST(!crypto::verify_password(Secret("wrong horse"), h));
}

BOOST_AUTO_TEST_CASE(a_malformed_encoding_is_a_miss) {
  for (const char* enc : {"", "scrypt$x", "scrypt$10$8$1$c2FsdA==", "scrypt$abc$8$1$c2FsdA==$aGFzaA==",
                          "scrypt$10$8$1$c2FsdA=$aGFzaA==", "scrypt$10$8$1$c2FsdA==$", "bcrypt$10$8$1$c2FsdA==$aGFzaA==",
                          "scrypt$99$8$1$c2FsdA==$aGFzaA==", "scrypt$10$8$1$@@@@$aGFzaA=="})
    BOOST_TEST(!crypto::verify_password(Secret("x"), enc), enc);
}

// N = 2^22 with r = 16 needs 8 GiB, beyond OpenSSL's memory limit for scrypt:
// EVP_KDF_derive fails. That is an error of the machine, not a wrong password.
BOOST_AUTO_TEST_CASE(a_failing_scrypt_is_an_error_not_a_wrong_password) {
  bool threw = false;
  try {
    crypto::verify_password(Secret("x"), "scrypt$22$16$1$c2FsdA==$aGFzaA==");
  } catch (const CryptoError& e) {
    threw = true;
    BOOST_TEST(std::string(e.what()).find("scrypt") != std::string::npos);
  }
  BOOST_TEST(threw);
}
