#include "drivers/qemu/nocloud_seed.hpp"

#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "machine/process.hpp"

namespace machine::drivers::qemu {
namespace {

void run_checked(CommandRunner& runner, const std::vector<std::string>& argv) {
    CommandResult result = runner.run(argv);
    if (result.exit_status != 0) {
        throw Error(join_args(argv) + ": exit status " + std::to_string(result.exit_status) + "\n" +
                    result.err);
    }
}

}  // namespace

std::string nocloud_meta_data(const std::string& machine_name) {
    return "instance-id: " + machine_name + "\nlocal-hostname: " + machine_name + "\n";
}

std::string nocloud_user_data(const std::string& machine_name, const std::string& ssh_user,
                              const std::string& public_key) {
    std::string key = public_key;
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) {
        key.pop_back();
    }
    return "#cloud-config\n"
           "hostname: " +
           machine_name +
           "\n"
           "users:\n"
           "  - name: " +
           ssh_user +
           "\n"
           "    sudo: ALL=(ALL) NOPASSWD:ALL\n"
           "    shell: /bin/bash\n"
           "    ssh_authorized_keys:\n"
           "      - " +
           key + "\n";
}

SeedTool find_seed_tool() {
    for (const char* program : {"genisoimage", "xorriso", "mkisofs"}) {
        if (process::find_in_path(program)) {
            return {SeedTool::Kind::Iso, program};
        }
    }
    if (process::find_in_path("mkfs.vfat") && process::find_in_path("mcopy")) {
        return {SeedTool::Kind::Vfat, "mkfs.vfat"};
    }
    throw Error(
        "no tool to make the cloud-init seed: install genisoimage (or xorriso), or dosfstools and mtools");
}

void write_seed_image(CommandRunner& runner, const SeedTool& tool, const std::string& directory,
                      const std::string& image_path, const std::string& meta_data,
                      const std::string& user_data) {
    const std::string meta = directory + "/meta-data";
    const std::string user = directory + "/user-data";
    write_file_atomic(meta, meta_data, 0644);
    write_file_atomic(user, user_data, 0600);
    if (tool.kind == SeedTool::Kind::Iso) {
        std::vector<std::string> argv{tool.program};
        if (tool.program == "xorriso") {
            argv.emplace_back("-as");
            argv.emplace_back("mkisofs");
        }
        for (const char* arg : {"-quiet", "-output"}) {
            argv.emplace_back(arg);
        }
        argv.push_back(image_path);
        for (const char* arg : {"-volid", "cidata", "-joliet", "-rock"}) {
            argv.emplace_back(arg);
        }
        argv.push_back(user);
        argv.push_back(meta);
        run_checked(runner, argv);
        return;
    }
    // 1 MiB FAT image labelled CIDATA with the two files at its root.
    std::string blank(1 << 20, '\0');
    write_file_atomic(image_path, blank, 0600);
    run_checked(runner, {"mkfs.vfat", "-n", "CIDATA", image_path});
    run_checked(runner, {"mcopy", "-o", "-i", image_path, user, meta, "::"});
}

}  // namespace machine::drivers::qemu
