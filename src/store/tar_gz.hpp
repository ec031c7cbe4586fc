#pragma once

// A gzip-compressed POSIX ustar archive of a few small regular files, in memory (machine export/import, issue
// 11). Only what that needs: flat names under 100 bytes, regular files, permission bits.

#include <sys/types.h>

#include <string>
#include <vector>

namespace machine::tar_gz {

struct Entry {
    std::string name;  // relative path inside the archive, e.g. "machine/config.json"
    std::string content;
    mode_t mode = 0600;
};

// The .tar.gz bytes of `entries`. Throws Error on a name that ustar can't hold.
[[nodiscard]] std::string pack(const std::vector<Entry>& entries);

// The regular files of a .tar.gz (or plain .tar); other entry types are skipped. Throws Error on data that is
// not such an archive ("not a gzip-compressed tar archive", "truncated archive", bad checksum).
[[nodiscard]] std::vector<Entry> unpack(const std::string& bytes);

}  // namespace machine::tar_gz
