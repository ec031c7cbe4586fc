#pragma once

// The first-boot disk of a boot2docker VM: a tar stream at the start of an otherwise empty disk. boot2docker
// finds the "please format-me" marker, formats the disk and keeps the .ssh files from the tar.

#include <string>

namespace machine::drivers::virtualbox {

inline constexpr const char* k_format_me_marker = "boot2docker, please format-me";

// The tar stream: the marker file (containing its own name), directory .ssh (0700), .ssh/authorized_keys and
// .ssh/authorized_keys2 (0644) holding `public_key`, then the end-of-archive blocks.
[[nodiscard]] std::string boot2docker_disk_tar(const std::string& public_key);

}  // namespace machine::drivers::virtualbox
