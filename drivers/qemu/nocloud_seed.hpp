#pragma once

// The NoCloud seed of a qemu machine: a small disk labelled "cidata" holding meta-data and user-data, read at
// boot by cloud-init (any cloud image) or by the image's own machine-seed script (contrib/qemu-image).

#include <string>
#include <vector>

#include "drivers/common/command_runner.hpp"

namespace machine::drivers::qemu {

// meta-data: instance id and host name.
[[nodiscard]] std::string nocloud_meta_data(const std::string& machine_name);
// user-data (#cloud-config): user `ssh_user` with passwordless sudo and `public_key` as its only SSH key.
[[nodiscard]] std::string nocloud_user_data(const std::string& machine_name, const std::string& ssh_user,
                                            const std::string& public_key);

// The tool that will make the seed: an ISO9660 maker (genisoimage, xorriso, mkisofs) or mkfs.vfat + mcopy.
// Returns the argv prefixes to run, or throws Error naming the packages to install.
struct SeedTool {
    enum class Kind { Iso, Vfat } kind = Kind::Iso;
    std::string program;  // genisoimage / xorriso / mkisofs / mkfs.vfat
};
[[nodiscard]] SeedTool find_seed_tool();

// Writes `directory`/meta-data and user-data, then makes `image_path` from them with `tool`.
void write_seed_image(CommandRunner& runner, const SeedTool& tool, const std::string& directory,
                      const std::string& image_path, const std::string& meta_data,
                      const std::string& user_data);

}  // namespace machine::drivers::qemu
