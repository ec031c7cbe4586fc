#pragma once

#include <sys/types.h>
#include <string>

namespace machine {

// Writes `content` to `path` so that a reader sees either the old file or the whole new one, never a part:
// temp file in the same directory, fsync, rename over `path`, fsync of the directory. Throws Error with the
// system's message (e.g. "open /x/config.json: permission denied").
void write_file_atomic(const std::string& path, const std::string& content, mode_t mode);

// Reads a whole file; throws Error "open <path>: no such file or directory" (Go's wording) on failure.
[[nodiscard]] std::string read_file(const std::string& path);

// Go-style "<op> <path>: <strerror lower-cased>" text for an errno value.
[[nodiscard]] std::string go_path_error(const std::string& op, const std::string& path, int errno_value);

// mkdir -p with the given mode for every directory it creates. Throws Error.
void make_directories(const std::string& path, mode_t mode);

}  // namespace machine
