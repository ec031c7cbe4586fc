#include "machine/process.hpp"

#include <sys/stat.h>

#include "ssh/subprocess.hpp"

namespace machine::process {

int run_attached(const std::vector<std::string>& argv) { return ssh::detail::run_attached(argv); }

Output run_captured(const std::vector<std::string>& argv, std::string_view input) {
    auto result = ssh::detail::run_captured(argv, input);
    return {result.exit_status, std::move(result.output)};
}

std::optional<std::string> find_in_path(const std::string& name) { return ssh::detail::find_in_path(name); }

bool file_exists(const std::string& path) {
    struct stat info {};
    return !path.empty() && ::stat(path.c_str(), &info) == 0;
}

}  // namespace machine::process
