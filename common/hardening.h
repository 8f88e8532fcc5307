#pragma once
// Process hardening (issue 13.11): what both programs do first thing in main,
// and the locked memory that holds PINs, passwords and keys (common/secret.h).

#include <cstddef>

namespace certdesk {

// No core dumps and no ptrace by other processes of the same user
// (prctl(PR_SET_DUMPABLE, 0), RLIMIT_CORE 0), and umask 077 so that every file
// the program creates in the data folder is 0600 and every folder 0700 —
// whatever the umask of the shell that started it. Call it first in main(),
// before any thread starts. Throws nothing; a step the kernel refuses is
// reported once on stderr.
void harden_process();

// Page-aligned memory of its own pages, locked (mlock) so it never reaches
// swap and marked MADV_DONTDUMP; freed with locked_free, which wipes it first.
// When the kernel refuses the lock (EPERM, ENOMEM past RLIMIT_MEMLOCK) the
// memory is still returned and a one-time warning (with no secret in it) goes
// to stderr. Throws std::bad_alloc when no memory can be mapped.
void* locked_alloc(std::size_t bytes);
void locked_free(void* p, std::size_t bytes) noexcept;
// True when every locked_alloc so far got its lock (for tests and the warning).
bool secret_memory_locked() noexcept;

}  // namespace certdesk
