#include "provision/detection.hpp"

#include <cctype>
#include <cstdlib>

#include "machine/error.hpp"
#include "machine/log.hpp"

namespace machine::provision {
namespace {

// Go's strconv.ParseFloat, closely enough for VERSION_ID ("16.04", "14.10"): the whole text must parse.
bool parse_float(const std::string& text, double& value) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) {
        return false;
    }
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
}

bool ubuntu_is_systemd(const OsRelease& release, bool& is_systemd) {
    double version = 0;
    if (release.id != "ubuntu" || !parse_float(release.version_id, version)) {
        return false;
    }
    is_systemd = version >= 15.04;
    return true;
}

bool id_like_contains(const OsRelease& release, const std::string& wanted) {
    std::size_t start = 0;
    const std::string& text = release.id_like;
    while (true) {
        std::size_t space = text.find(' ', start);
        if (text.substr(start, space == std::string::npos ? std::string::npos : space - start) == wanted) {
            return true;
        }
        if (space == std::string::npos) {
            return false;
        }
        start = space + 1;
    }
}

}  // namespace

std::unique_ptr<Provisioner> make_provisioner(const ProvisionEnv& env, const OsRelease& release) {
    const std::string& id = release.id;
    if (id == "boot2docker") {
        return make_boot2docker_provisioner(env, release);
    }
    if (bool is_systemd = false; ubuntu_is_systemd(release, is_systemd)) {
        return is_systemd ? make_ubuntu_systemd_provisioner(env, release)
                          : make_ubuntu_upstart_provisioner(env, release);
    }
    if (id == "debian") {
        return make_debian_provisioner(env, release);
    }
    if (id == "rhel") {
        return make_redhat_provisioner(env, release, "redhat");
    }
    if (id == "centos" || id == "fedora" || id == "ol") {
        return make_redhat_provisioner(env, release, id);
    }
    if (id == "coreos") {
        return make_coreos_provisioner(env, release);
    }
    if (id == "rancheros") {
        return make_rancheros_provisioner(env, release);
    }
    if (id == "arch" || release.id_like == "arch") {
        return make_arch_provisioner(env, release);
    }
    if (id_like_contains(release, "suse")) {
        return make_suse_provisioner(env, release);
    }
    return nullptr;
}

void wait_for_ssh(const ProvisionEnv& env) {
    log::info("Waiting for SSH to be available...");
    bool available = wait_for(
        env,
        [&] {
            try {
                ssh::CommandResult result = env.ssh().run("exit 0");
                if (result.exit_status == 0) {
                    return true;
                }
                log::debug("Error getting ssh command 'exit 0' : " +
                           ssh::format_command_error("exit 0", result.exit_status, result.output));
                return false;
            } catch (const ssh::HostKeyMismatch&) {
                throw;
            } catch (const Error& error) {
                log::debug(std::string("Error getting ssh command 'exit 0' : ") + error.what());
                return false;
            }
        },
        k_default_attempts, k_default_interval, "Waiting for SSH");
    if (!available) {
        throw Error("Too many retries waiting for SSH to be available.  Last error: " +
                    max_retries_message(k_default_attempts));
    }
}

std::unique_ptr<Provisioner> detect_provisioner(const ProvisionEnv& env) {
    wait_for_ssh(env);
    log::info("Detecting the provisioner...");
    std::string os_release_text;
    try {
        os_release_text = env.ssh().run_checked("cat /etc/os-release");
    } catch (const ssh::HostKeyMismatch&) {
        throw;
    } catch (const Error& error) {
        throw Error(std::string("Error getting SSH command: ") + error.what());
    }
    OsRelease release = parse_os_release(os_release_text);
    std::unique_ptr<Provisioner> provisioner = make_provisioner(env, release);
    if (!provisioner) {
        throw Error("OS type not recognized");
    }
    log::debug("found compatible host: " + release.id);
    return provisioner;
}

}  // namespace machine::provision
