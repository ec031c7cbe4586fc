#pragma once

// Small pieces the cloud drivers share: flag descriptors, "(machine) " prefixed log lines, files.

#include <string>
#include <string_view>
#include <vector>

#include "machine/driver.hpp"

namespace machine::drivers::support {

[[nodiscard]] FlagSpec string_flag(std::string name, std::string usage, std::string env_var,
                                   std::string default_value = {});
[[nodiscard]] FlagSpec int_flag(std::string name, std::string usage, std::string env_var,
                                long long default_value);
[[nodiscard]] FlagSpec bool_flag(std::string name, std::string usage, std::string env_var = {});
[[nodiscard]] FlagSpec slice_flag(std::string name, std::string usage, std::string env_var = {});

// Upstream runs drivers as plugins and prefixes their log lines with "(<machine>) ".
void info(const std::string& machine_name, std::string_view message);
void debug(const std::string& machine_name, std::string_view message);

// The value of an environment variable, or `fallback` when it is unset or empty.
[[nodiscard]] std::string env_or(const char* name, std::string_view fallback);

// Go's `_, err := os.Stat(p); os.IsNotExist(err)`: true only when the path (or a parent) does not exist.
[[nodiscard]] bool path_missing(const std::string& path);

// Upstream's copySSHKey: copies `source` to `target` and makes it 0600. Errors "unable to copy ssh key:
// <err>".
void copy_ssh_key(const std::string& source, const std::string& target);

// Standard base64 (with padding) of `data`.
[[nodiscard]] std::string base64_encode(std::string_view data);
[[nodiscard]] std::string base64_decode(std::string_view text);

// Splits on `separator` keeping empty pieces (Go's strings.Split).
[[nodiscard]] std::vector<std::string> split(std::string_view text, char separator);
// Trims ASCII white space at both ends (strings.TrimSpace for ASCII input).
[[nodiscard]] std::string trim(std::string_view text);

}  // namespace machine::drivers::support
