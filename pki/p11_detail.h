#pragma once
// pki internals shared by module.cpp, token.cpp, ca.cpp, softhsm.cpp: the raw
// PKCS#11 types, CK_RV names, and turning a failed libp11 call into TokenError.
// Not a public header: p11-kit and libp11 are PRIVATE to certdesk_pki, so an
// include from another folder does not even compile.

#include <p11-kit/pkcs11.h>

#include <string>

#include "pki/module.h"

namespace certdesk::pki::detail {

inline CK_FUNCTION_LIST_PTR raw(const Module& m) { return static_cast<CK_FUNCTION_LIST_PTR>(m.functions()); }

// "CKR_PIN_INCORRECT (0xa0)".
std::string ckr_name(unsigned long rv);

// After a libp11 call failed: the CK_RV it recorded in the OpenSSL error
// queue (0 when none), and the queue drained into *detail when given.
unsigned long take_libp11_error(std::string* detail = nullptr);

// The CK_RV of a C_OpenSession that libp11 made and the guard caught on this
// thread since the last call (CKR_OK when none); clears it. (Module::open_session_guarded.)
unsigned long take_open_failure();

// Throws the TokenError a teller can act on for rv; `action` says what was
// being done, a tr_noop() msgid translated here (tr_noop("log in")); serial
// names the token. An unexpected CK_RV's name goes in the technical detail (with_detail).
[[noreturn]] void throw_ckr(unsigned long rv, const std::string& action, const std::string& serial,
                            const char* fallback_code = nullptr);

// Trims a fixed-size PKCS#11 text field: trailing blanks/NULs, leading blanks.
std::string field(const unsigned char* p, size_t n);

}  // namespace certdesk::pki::detail
