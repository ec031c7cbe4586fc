#include "drivers/common/command_runner.hpp"

#include <utility>

#include "machine/process.hpp"

namespace machine::drivers {
namespace {

class ProcessRunner final : public CommandRunner {
public:
    CommandResult run(const std::vector<std::string>& argv, const CommandInput& input) override {
        process::SeparateOutput output = process::run_separated(argv, input.head, input.total_size);
        return {output.exit_status, std::move(output.out), std::move(output.err)};
    }
};

}  // namespace

CommandRunner& default_command_runner() {
    static ProcessRunner runner;
    return runner;
}

std::string join_args(const std::vector<std::string>& argv) {
    std::string out;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        out += (i == 0 ? "" : " ") + argv[i];
    }
    return out;
}

}  // namespace machine::drivers
