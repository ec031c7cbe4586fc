#pragma once

// Go's path/filepath functions, because docker-machine's stored paths are what filepath.Join produced.

#include <initializer_list>
#include <string>
#include <string_view>

namespace machine::go_path {

// filepath.Clean: lexical clean-up ("./st/" -> "st", "a//b/../c" -> "a/c", "" -> ".").
[[nodiscard]] std::string clean(std::string_view path);
// filepath.Join: joins non-empty parts with "/" and cleans; all empty -> "".
[[nodiscard]] std::string join(std::initializer_list<std::string_view> parts);
// filepath.Dir and filepath.Base.
[[nodiscard]] std::string dir(std::string_view path);
[[nodiscard]] std::string base(std::string_view path);

}  // namespace machine::go_path
