#pragma once

// Running a helper program (VBoxManage, qemu-img, qemu-system-*) with stdout and stderr kept apart, through a
// seam that unit tests replace with a recording fake.

#include <cstdint>
#include <string>
#include <vector>

namespace machine::drivers {

struct CommandResult {
    int exit_status = 0;  // 128 + signal when killed
    std::string out;
    std::string err;
};

// What the child reads on stdin: `head`, then zero bytes until `total_size` bytes were written (when
// total_size > head.size()), then EOF. Empty: stdin is /dev/null.
struct CommandInput {
    std::string head;
    std::uint64_t total_size = 0;
};

class CommandRunner {
public:
    CommandRunner() = default;
    virtual ~CommandRunner() = default;
    CommandRunner(const CommandRunner&) = delete;
    CommandRunner& operator=(const CommandRunner&) = delete;

    // Runs argv (argv[0] looked up on PATH when it has no slash) and waits for it. Throws Error when it can't
    // be started (`exec: "<name>": <reason>`).
    [[nodiscard]] virtual CommandResult run(const std::vector<std::string>& argv,
                                            const CommandInput& input = {}) = 0;
};

// The process-wide runner that spawns real processes.
[[nodiscard]] CommandRunner& default_command_runner();

// argv joined by single spaces, for messages.
[[nodiscard]] std::string join_args(const std::vector<std::string>& argv);

}  // namespace machine::drivers
