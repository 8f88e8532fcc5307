#pragma once
// certdesk-cli's supervisor commands (issue 6), called from app/cli.cpp:
//   day report DATE [--csv OUT] [--pdf OUT]          figures, exceptions first; CSV (UTF-8 + BOM) and PDF exports
//   day close DATE [--pin-file F]                    sign off the day (supervisor's token, else the workstation key)
//   day verify DATE                                  chain, head hash, statement recomputed, signature (exit 3 when not)
//   day export-statement DATE --out F                F (statement), F.sig (DER), F.cert.pem, F.pubkey.pem
//   day correct SEQ --reason TEXT                    a correction entry referring to entry SEQ
//   day list                                         business days with entries, and whether closed
//   staff enroll-token NAME --token SERIAL --new-pin-file F     an admin gives a supervisor a signing token
// All with --as NAME --as-password-file F (or the password prompt). PINs and
// passwords only from files or the terminal. Throws certdesk::Error; cli.cpp
// maps it to the exit status (3 = journal integrity).

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace certdesk::app {

// words: the command words (words[0] = "day" or "staff"); opts: "--option" → value;
// json: print JSON. Returns the exit status.
int run_day_cli(const std::vector<std::string>& words, const std::map<std::string, std::string>& opts, bool json,
                const std::filesystem::path& data_dir);

}  // namespace certdesk::app
