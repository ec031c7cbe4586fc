#pragma once

#include <string_view>

namespace machine::log {

// docker-machine's logger: info and warn go to stdout (stderr for `env` and `config`, whose stdout is
// eval-ed), errors to stderr, debug to stderr only in debug mode. Each call writes one line.
void info(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);
void debug(std::string_view message);

void set_debug(bool enabled);
[[nodiscard]] bool debug_enabled();
void set_info_to_stderr(bool to_stderr);

}  // namespace machine::log
