#pragma once

namespace machine {

// The version docker-machine reports; scripts parse it, so it stays upstream's.
inline constexpr const char* k_version = "0.16.2";
inline constexpr const char* k_git_commit = "bd45ab13";

}  // namespace machine
