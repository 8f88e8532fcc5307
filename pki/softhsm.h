#pragma once
// The embedded default token store (SPEC §7): a private SoftHSM2 configuration
// and token directory inside the data folder, and the demo action "insert a
// blank token". A blank token models a factory-fresh USB key: initialised by
// its "vendor" with a transport SO PIN, no user PIN, label "BLANK", and the
// serial printed on the key (SoftHSM2 cannot be told a serial, so the demo
// rewrites it in the new token's object file — demo store only).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/secret.h"
#include "pki/module.h"

namespace certdesk::pki::softhsm {

inline constexpr const char* default_module = "/usr/lib/softhsm/libsofthsm2.so";

// The library Module::load opens when default_module is asked for: the shipped
// lock module (pki/p11lock, libcertdesk-p11lock.so, which forwards to SoftHSM2 and
// locks a key after 10 wrong user PINs like a real USB key) — the installed one
// next to the running binary (../lib/certdesk), else the one of this build tree;
// default_module itself when neither exists. $CERTDESK_P11LOCK names another
// file; "none" there opens SoftHSM2 directly (no lockout).
std::string embedded_module();

// Writes dir/softhsm2.conf (tokendir = dir/tokens, file backend), creates the
// token directory, and returns the conf path. Idempotent.
std::filesystem::path prepare_store(const std::filesystem::path& dir);

// Points SOFTHSM2_CONF at the store's conf and makes the store's lock file
// (lock_file(dir)) the one every later Module::load takes: one process at a
// time works on a store (token_lock.h). Call before Module::load.
void use_store(const std::filesystem::path& dir);
// dir/token.lock.
std::filesystem::path lock_file(const std::filesystem::path& dir);

// Initialises the free slot as a factory-blank token with serial `serial`
// (digits, 4–16 characters; random "21" + 8 digits when empty) and the given
// transport SO PIN. The token is initialised in a forked child (a fresh
// C_Initialize on the store), then its object file is patched with the
// serial. SoftHSM2 reads its token folder only in C_Initialize, so when this
// process has default_module loaded, insert_blank reloads it (Module::reload):
// that logs out every Token of it (a Token logged in as user logs in again by
// itself on next use). Another process must reload or restart to see it.
// SoftHSM2 numbers its slots by the last 8 characters of the serial (read as
// hex) and aborts the process when two collide, so the serial is stored
// right-justified and one whose last 8 digits equal another token's, or read as
// hex are below 0x1000 (where the empty slot's number lies), is refused.
// Returns the serial. Throws RuleRefused(duplicate) when a token with that
// serial (or slot number) exists, InputError for a bad serial. Forks: call it while no other
// thread is inside the PKCS#11 module.
std::string insert_blank(const std::filesystem::path& dir, const std::string& serial, const Secret& transport_so_pin);

}  // namespace certdesk::pki::softhsm
