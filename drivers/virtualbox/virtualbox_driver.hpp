#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/common/command_runner.hpp"
#include "drivers/common/http_client.hpp"
#include "drivers/virtualbox/hostonly_network.hpp"
#include "drivers/virtualbox/vbox_manage.hpp"
#include "machine/driver.hpp"

namespace machine::drivers {

// The `virtualbox` driver (drivers.md §4.3): a boot2docker VM made and driven with VBoxManage.
// Deviation: the default host-only CIDR is 192.168.56.1/21, because VirtualBox 6.1.28 and later only allow
// host-only networks inside 192.168.56.0/21 unless /etc/vbox/networks.conf says otherwise.
class VirtualBoxDriver final : public Driver {
public:
    // Seams for tests; production uses real processes, libcurl, SSH to the machine and the host's interfaces.
    struct Environment {
        CommandRunner* runner = nullptr;
        std::string vboxmanage_path;  // "" = look up VBoxManage on PATH when first needed
        http::Transport* transport = nullptr;
        std::string github_api_url = "https://api.github.com";
        // Runs a command in the guest over SSH, returns its output (throws Error on failure).
        std::function<std::string(const std::string&)> guest_command;
        std::optional<std::vector<virtualbox::Ipv4Net>> host_networks;
        std::function<int(int)> random;  // a number in [0, n)
        // Picks the NAT host port for SSH: the wanted one when free (0 = any), else one the OS gives.
        std::function<int(int)> choose_port;
        std::chrono::milliseconds poll_interval{1000};
        int host_cpus = 0;  // 0 = std::thread::hardware_concurrency()
        // Whether the CPU has VT-x/AMD-v (default: "vmx" or "svm" among the flags of /proc/cpuinfo).
        std::function<bool()> cpu_has_virtualization;
        std::string home_share_dir = "/home";  // the default shared folder (share "hosthome") on Linux
    };

    static constexpr const char* k_default_hostonly_cidr = "192.168.56.1/21";

    VirtualBoxDriver(std::string machine_name, std::string store_path);
    VirtualBoxDriver(std::string machine_name, std::string store_path, Environment environment);
    static std::unique_ptr<Driver> make(const std::string& machine_name, const std::string& store_path);

    [[nodiscard]] std::string driver_name() const override { return "virtualbox"; }
    [[nodiscard]] std::vector<FlagSpec> create_flags() const override;
    void set_config_from_flags(const FlagValues& flags) override;
    void pre_create_check() override;
    void create() override;
    void remove() override;
    [[nodiscard]] State state() override;
    [[nodiscard]] std::string url() override;
    [[nodiscard]] std::string ip() override;
    void start() override;
    void stop() override;
    void restart() override;
    void kill() override;
    [[nodiscard]] std::string ssh_hostname() override { return "127.0.0.1"; }
    [[nodiscard]] std::string ssh_username() override;
    [[nodiscard]] std::vector<StateField> state_fields() override;

    // "dir:name" split at the last ':' (a Windows "C:\x:share" keeps its drive colon).
    [[nodiscard]] static std::pair<std::string, std::string> parse_share_folder(const std::string& value);

private:
    [[nodiscard]] virtualbox::VBoxManage& vbox();
    [[nodiscard]] virtualbox::HostOnlyNetwork hostonly_network();
    [[nodiscard]] virtualbox::HostOnlySettings hostonly_settings() const;
    // GetState's two answers: the state, or "machine does not exist".
    [[nodiscard]] std::optional<State> state_if_exists();
    void create_vm();
    void import_boot2docker_vm();
    void create_disk();
    void share_folder();
    [[nodiscard]] std::string guest(const std::string& command);
    void wait_for_ip();
    [[nodiscard]] bool vtx_disabled_in_vm_log() const;
    [[nodiscard]] std::vector<std::string> vbox_log_lines() const;
    void set_ssh_port_forwarding();

    Environment m_env;
    std::unique_ptr<virtualbox::VBoxManage> m_vbox;

    RawJson m_vbox_manager{"{}"};
    RawJson m_host_interfaces{"{}"};
    int m_cpu = 1;
    int m_memory = 1024;
    int m_disk_size = 20000;
    std::string m_nat_nic_type = "82540EM";
    std::string m_boot2docker_url;
    std::string m_boot2docker_import_vm;
    bool m_host_dns_resolver = false;
    std::string m_hostonly_cidr = k_default_hostonly_cidr;
    std::string m_hostonly_nic_type = "82540EM";
    std::string m_hostonly_promisc_mode = "deny";
    std::string m_ui_type = "headless";
    bool m_hostonly_no_dhcp = false;
    bool m_no_share = false;
    bool m_dns_proxy = true;
    bool m_no_vtx_check = false;
    std::string m_share_folder;
};

}  // namespace machine::drivers
