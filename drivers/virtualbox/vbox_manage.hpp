#pragma once

// VBoxManage, the one tool the virtualbox driver talks to (drivers.md §4.3 "Tooling"), and parsers for the
// output formats it reads.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drivers/common/command_runner.hpp"

namespace machine::drivers::virtualbox {

// Runs VBoxManage with upstream's retry and error rules.
class VBoxManage {
public:
    // `path` is the VBoxManage executable (found on PATH by find_vboxmanage()).
    VBoxManage(CommandRunner& runner, std::string path);

    // Runs `VBoxManage args...` and returns stdout. Retried (5 times, `retry_delay` apart) while stderr holds
    // "error: The object is not ready". Throws Error "<path> <args> failed:\n<stderr>" when stderr holds
    // "error:" (whatever the exit status), Error "exit status N" for another failure.
    std::string run(const std::vector<std::string>& args, const CommandInput& input = {});
    // The same, returning stdout and stderr without turning failures into errors.
    [[nodiscard]] CommandResult run_raw(const std::vector<std::string>& args, const CommandInput& input = {});

    [[nodiscard]] const std::string& path() const { return m_path; }
    void set_retry_delay(std::chrono::milliseconds delay) { m_retry_delay = delay; }

private:
    CommandRunner& m_runner;
    std::string m_path;
    std::chrono::milliseconds m_retry_delay{100};
};

// VBoxManage on PATH; throws Error "VBoxManage not found. Make sure VirtualBox is installed and VBoxManage is
// in the path" when absent.
[[nodiscard]] std::string find_vboxmanage();

// `VBoxManage --version` ("6.1.38r153438") -> {6, 1}; nullopt when it does not start with major.minor.
struct VBoxVersion {
    int major = 0;
    int minor = 0;
};
[[nodiscard]] std::optional<VBoxVersion> parse_vbox_version(const std::string& text);

// `showvminfo <vm> --machinereadable`: key="value" or key=value lines (keys may be quoted too).
[[nodiscard]] std::map<std::string, std::string> parse_machine_readable(const std::string& text);

// One block of `VBoxManage list hostonlyifs`.
struct HostOnlyInterface {
    std::string name;
    std::string guid;
    bool dhcp = false;
    std::string ip;       // IPAddress
    std::string netmask;  // NetworkMask
    std::string hardware_address;
    std::string status;
    std::string network_name;  // VBoxNetworkName
};
[[nodiscard]] std::vector<HostOnlyInterface> parse_hostonly_interfaces(const std::string& text);

// One block of `VBoxManage list dhcpservers` (VirtualBox 5 writes "IP:"/"lowerIPAddress:", 6.1 and later
// "Dhcpd IP:"/"LowerIPAddress:"; both are read).
struct DhcpServer {
    std::string network_name;
    std::string ip;
    std::string netmask;
    std::string lower_ip;
    std::string upper_ip;
    bool enabled = false;
};
[[nodiscard]] std::vector<DhcpServer> parse_dhcp_servers(const std::string& text);

// The IPv4 address of the interface with MAC `mac` (as showvminfo writes it, "0800278E6DB4", any case) in
// the guest's `ip addr show` output. Throws Error "Could not find matching IP for MAC address <mac>".
[[nodiscard]] std::string ip_for_mac(const std::string& ip_addr_output, const std::string& mac);

}  // namespace machine::drivers::virtualbox
