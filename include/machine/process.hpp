#pragma once

// Child processes (scp, rsync, sshfs, ssh) and PATH look-ups.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace machine::process {

struct Output {
    int exit_status = 0;
    std::string output;  // stdout and stderr through one pipe
};

// Runs argv (argv[0] looked up on PATH) with this process's stdin/stdout/stderr; returns its exit status
// (128 + signal when killed). Throws Error if it can't be started.
[[nodiscard]] int run_attached(const std::vector<std::string>& argv);
// Runs argv with stdin/stdout/stderr on /dev/null.
[[nodiscard]] int run_silent(const std::vector<std::string>& argv);
// Feeds `input` to stdin (then EOF) and captures stdout+stderr through one pipe.
[[nodiscard]] Output run_captured(const std::vector<std::string>& argv, std::string_view input = {});
struct SeparateOutput {
    int exit_status = 0;  // 128 + signal when killed
    std::string out;
    std::string err;
};
// Keeps stdout and stderr apart. Stdin gets `input_head`, then zero bytes until `input_size` bytes in all
// (when larger), then EOF; /dev/null when both are empty. Throws Error if it can't be started.
[[nodiscard]] SeparateOutput run_separated(const std::vector<std::string>& argv,
                                           std::string_view input_head = {}, std::uint64_t input_size = 0);
// Full path of an executable on PATH.
[[nodiscard]] std::optional<std::string> find_in_path(const std::string& name);
[[nodiscard]] bool file_exists(const std::string& path);

}  // namespace machine::process
