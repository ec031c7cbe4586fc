#include "drivers/virtualbox/virtualbox_driver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "drivers/common/driver_support.hpp"
#include "drivers/virtualbox/b2d_iso.hpp"
#include "drivers/virtualbox/disk_image.hpp"
#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/machine_ssh.hpp"

namespace machine::drivers {

using support::bool_flag;
using support::int_flag;
using support::string_flag;
using virtualbox::VBoxManage;

namespace {

constexpr const char* k_must_enable_vtx =
    "This computer doesn't have VT-X/AMD-v enabled. Enabling it in the BIOS is mandatory";
constexpr int k_ssh_attempts = 60;
constexpr int k_ip_attempts = 5;

// drivers.md §3.3: one VirtualBox call at a time in this process, whatever the machine.
std::recursive_mutex& vbox_lock() {
    static std::recursive_mutex mutex;
    return mutex;
}

bool cpuinfo_has_virtualization() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("flags", 0) != 0) {
            continue;
        }
        for (const auto& flag : support::split(line.substr(line.find(':') + 1), ' ')) {
            if (flag == "vmx" || flag == "svm") {
                return true;
            }
        }
    }
    return false;
}

// getAvailableTCPPort: the wanted port on 127.0.0.1 when it can be bound, else one the OS assigns.
int available_tcp_port(int wanted) {
    for (int port : {wanted, 0}) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            break;
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        socklen_t length = sizeof address;
        bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
        ::close(fd);
        if (bound && ntohs(address.sin_port) != 0) {
            return ntohs(address.sin_port);
        }
    }
    throw Error("unable to allocate tcp port");
}

bool path_exists(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
}

}  // namespace

VirtualBoxDriver::VirtualBoxDriver(std::string machine_name, std::string store_path)
    : VirtualBoxDriver(std::move(machine_name), std::move(store_path), Environment{}) {}

VirtualBoxDriver::VirtualBoxDriver(std::string machine_name, std::string store_path, Environment environment)
    : Driver(std::move(machine_name), std::move(store_path)), m_env(std::move(environment)) {
    if (m_env.runner == nullptr) {
        m_env.runner = &default_command_runner();
    }
    if (m_env.transport == nullptr) {
        m_env.transport = &http::default_transport();
    }
    if (!m_env.random) {
        m_env.random = [](int n) {
            static std::mt19937 generator(std::random_device{}());
            return std::uniform_int_distribution<int>(0, n - 1)(generator);
        };
    }
    if (!m_env.choose_port) {
        m_env.choose_port = available_tcp_port;
    }
    if (!m_env.cpu_has_virtualization) {
        m_env.cpu_has_virtualization = cpuinfo_has_virtualization;
    }
}

std::unique_ptr<Driver> VirtualBoxDriver::make(const std::string& machine_name,
                                               const std::string& store_path) {
    return std::make_unique<VirtualBoxDriver>(machine_name, store_path);
}

std::vector<FlagSpec> VirtualBoxDriver::create_flags() const {
    return {
        int_flag("virtualbox-memory", "Size of memory for host in MB", "VIRTUALBOX_MEMORY_SIZE", 1024),
        int_flag("virtualbox-cpu-count",
                 "number of CPUs for the machine (-1 to use the number of CPUs available)",
                 "VIRTUALBOX_CPU_COUNT", 1),
        int_flag("virtualbox-disk-size", "Size of disk for host in MB", "VIRTUALBOX_DISK_SIZE", 20000),
        string_flag("virtualbox-boot2docker-url",
                    "The URL of the boot2docker image. Defaults to the latest available version",
                    "VIRTUALBOX_BOOT2DOCKER_URL"),
        string_flag("virtualbox-import-boot2docker-vm", "The name of a Boot2Docker VM to import",
                    "VIRTUALBOX_BOOT2DOCKER_IMPORT_VM"),
        bool_flag("virtualbox-host-dns-resolver", "Use the host DNS resolver",
                  "VIRTUALBOX_HOST_DNS_RESOLVER"),
        string_flag("virtualbox-nat-nictype", "Specify the Network Adapter Type", "VIRTUALBOX_NAT_NICTYPE",
                    "82540EM"),
        string_flag("virtualbox-hostonly-cidr", "Specify the Host Only CIDR", "VIRTUALBOX_HOSTONLY_CIDR",
                    k_default_hostonly_cidr),
        string_flag("virtualbox-hostonly-nictype", "Specify the Host Only Network Adapter Type",
                    "VIRTUALBOX_HOSTONLY_NIC_TYPE", "82540EM"),
        string_flag("virtualbox-hostonly-nicpromisc",
                    "Specify the Host Only Network Adapter Promiscuous Mode",
                    "VIRTUALBOX_HOSTONLY_NIC_PROMISC", "deny"),
        string_flag("virtualbox-ui-type", "Specify the UI Type: (gui|sdl|headless|separate)",
                    "VIRTUALBOX_UI_TYPE", "headless"),
        bool_flag("virtualbox-hostonly-no-dhcp", "Disable the Host Only DHCP Server",
                  "VIRTUALBOX_HOSTONLY_NO_DHCP"),
        bool_flag("virtualbox-no-share", "Disable the mount of your home directory", "VIRTUALBOX_NO_SHARE"),
        bool_flag("virtualbox-no-dns-proxy", "Disable proxying all DNS requests to the host",
                  "VIRTUALBOX_NO_DNS_PROXY"),
        bool_flag("virtualbox-no-vtx-check",
                  "Disable checking for the availability of hardware virtualization before the vm is started",
                  "VIRTUALBOX_NO_VTX_CHECK"),
        string_flag("virtualbox-share-folder",
                    "Mount the specified directory instead of the default home location. Format: dir:name",
                    "VIRTUALBOX_SHARE_FOLDER"),
    };
}

void VirtualBoxDriver::set_config_from_flags(const FlagValues& flags) {
    m_cpu = static_cast<int>(flags.integer("virtualbox-cpu-count"));
    m_memory = static_cast<int>(flags.integer("virtualbox-memory"));
    m_disk_size = static_cast<int>(flags.integer("virtualbox-disk-size"));
    m_boot2docker_url = flags.string("virtualbox-boot2docker-url");
    m_base.swarm_master = flags.boolean("swarm-master");
    m_base.swarm_host = flags.string("swarm-host");
    m_base.swarm_discovery = flags.string("swarm-discovery");
    m_host_dns_resolver = flags.boolean("virtualbox-host-dns-resolver");
    m_nat_nic_type = flags.string("virtualbox-nat-nictype");
    m_boot2docker_import_vm = flags.string("virtualbox-import-boot2docker-vm");
    m_hostonly_cidr = flags.string("virtualbox-hostonly-cidr");
    m_hostonly_nic_type = flags.string("virtualbox-hostonly-nictype");
    m_hostonly_promisc_mode = flags.string("virtualbox-hostonly-nicpromisc");
    m_ui_type = flags.string("virtualbox-ui-type");
    m_hostonly_no_dhcp = flags.boolean("virtualbox-hostonly-no-dhcp");
    m_no_share = flags.boolean("virtualbox-no-share");
    m_dns_proxy = !flags.boolean("virtualbox-no-dns-proxy");
    m_no_vtx_check = flags.boolean("virtualbox-no-vtx-check");
    m_share_folder = flags.string("virtualbox-share-folder");
}

VBoxManage& VirtualBoxDriver::vbox() {
    if (!m_vbox) {
        std::string path =
            m_env.vboxmanage_path.empty() ? virtualbox::find_vboxmanage() : m_env.vboxmanage_path;
        m_vbox = std::make_unique<VBoxManage>(*m_env.runner, path);
        if (m_env.poll_interval.count() == 0) {
            m_vbox->set_retry_delay(std::chrono::milliseconds(0));
        }
    }
    return *m_vbox;
}

virtualbox::HostOnlyNetwork VirtualBoxDriver::hostonly_network() {
    virtualbox::HostOnlyNetwork network(
        vbox(), m_env.host_networks ? *m_env.host_networks : virtualbox::host_interface_networks(),
        m_env.random);
    network.set_poll_interval(m_env.poll_interval);
    return network;
}

virtualbox::HostOnlySettings VirtualBoxDriver::hostonly_settings() const {
    // Machines saved before the CIDR was stored (format 0.2) get the default.
    return {m_hostonly_cidr.empty() ? k_default_hostonly_cidr : m_hostonly_cidr, m_hostonly_nic_type,
            m_hostonly_promisc_mode, m_hostonly_no_dhcp};
}

void VirtualBoxDriver::pre_create_check() {
    std::lock_guard lock(vbox_lock());
    std::string version = support::trim(vbox().run({"--version"}));
    auto parsed = virtualbox::parse_vbox_version(version);
    if (!parsed || parsed->major < 4 || (parsed->major == 4 && parsed->minor <= 2)) {
        throw Error("We support Virtualbox starting with version 5. Your VirtualBox install is " +
                    go_quote(version) + ". Please upgrade at https://www.virtualbox.org");
    }
    if (parsed->major == 4) {
        log::warn("You are using version " + version +
                  " of VirtualBox. If you encounter issues, you might want to upgrade to version 5 at "
                  "https://www.virtualbox.org");
    }
    if (!m_no_vtx_check && !m_env.cpu_has_virtualization()) {
        throw Error(k_must_enable_vtx);
    }
    virtualbox::Boot2DockerIso iso(*m_env.transport, m_base.store_path, m_env.github_api_url,
                                   support::env_or("MACHINE_GITHUB_API_TOKEN", ""));
    iso.update_cache(m_boot2docker_url);
    (void)hostonly_network().list_adapters();
}

void VirtualBoxDriver::create() {
    std::lock_guard lock(vbox_lock());
    create_vm();
    support::info(m_base.machine_name, "Starting the VM...");
    start();
}

void VirtualBoxDriver::create_vm() {
    virtualbox::Boot2DockerIso iso(*m_env.transport, m_base.store_path, m_env.github_api_url,
                                   support::env_or("MACHINE_GITHUB_API_TOKEN", ""));
    iso.copy_to_machine_dir(resolve_store_path("."), m_boot2docker_url);
    support::info(m_base.machine_name, "Creating VirtualBox VM...");
    if (!m_boot2docker_import_vm.empty()) {
        import_boot2docker_vm();
    } else {
        support::info(m_base.machine_name, "Creating SSH key...");
        cert::ensure_ssh_key(ssh_key_path());
        support::debug(m_base.machine_name, "Creating disk image...");
        create_disk();
    }
    const std::string& name = m_base.machine_name;
    vbox().run({"createvm", "--basefolder", resolve_store_path("."), "--name", name, "--register"});
    support::debug(name, "VM CPUS: " + std::to_string(m_cpu));
    support::debug(name, "VM Memory: " + std::to_string(m_memory));
    int cpus = m_cpu;
    if (cpus < 1) {
        cpus = m_env.host_cpus > 0 ? m_env.host_cpus : static_cast<int>(std::thread::hardware_concurrency());
    }
    cpus = std::min(cpus, 32);
    vbox().run({"modifyvm",
                name,
                "--firmware",
                "bios",
                "--bioslogofadein",
                "off",
                "--bioslogofadeout",
                "off",
                "--bioslogodisplaytime",
                "0",
                "--biosbootmenu",
                "disabled",
                "--ostype",
                "Linux26_64",
                "--cpus",
                std::to_string(cpus),
                "--memory",
                std::to_string(m_memory),
                "--acpi",
                "on",
                "--ioapic",
                "on",
                "--rtcuseutc",
                "on",
                "--natdnshostresolver1",
                m_host_dns_resolver ? "on" : "off",
                "--natdnsproxy1",
                m_dns_proxy ? "on" : "off",
                "--cpuhotplug",
                "off",
                "--pae",
                "on",
                "--hpet",
                "on",
                "--hwvirtex",
                "on",
                "--nestedpaging",
                "on",
                "--largepages",
                "on",
                "--vtxvpid",
                "on",
                "--accelerate3d",
                "off",
                "--boot1",
                "dvd"});
    vbox().run({"modifyvm", name, "--nic1", "nat", "--nictype1", m_nat_nic_type, "--cableconnected1", "on"});
    vbox().run({"storagectl", name, "--name", "SATA", "--add", "sata", "--hostiocache", "on"});
    vbox().run({"storageattach", name, "--storagectl", "SATA", "--port", "0", "--device", "0", "--type",
                "dvddrive", "--medium", resolve_store_path("boot2docker.iso")});
    vbox().run({"storageattach", name, "--storagectl", "SATA", "--port", "1", "--device", "0", "--type",
                "hdd", "--medium", resolve_store_path("disk.vmdk")});
    // VBoxService's automount of shared folders (when the guest runs it) mounts them at /<share>.
    vbox().run({"guestproperty", "set", name, "/VirtualBox/GuestAdd/SharedFolders/MountPrefix", "/"});
    vbox().run({"guestproperty", "set", name, "/VirtualBox/GuestAdd/SharedFolders/MountDir", "/"});
    share_folder();
}

void VirtualBoxDriver::import_boot2docker_vm() {
    const std::string& source = m_boot2docker_import_vm;
    // Make sure the VM to import is stopped; a failure here (already off) does not matter.
    (void)vbox().run_raw({"controlvm", source, "poweroff"});
    auto info = virtualbox::parse_machine_readable(vbox().run({"showvminfo", source, "--machinereadable"}));
    auto disk = info.find("SATA-1-0");
    if (disk == info.end() || disk->second.empty() || disk->second == "none") {
        throw Error("Unable to find disk image of VM " + go_quote(source));
    }
    if (!path_exists(disk->second)) {
        throw Error("stat " + disk->second + ": no such file or directory");
    }
    vbox().run({"clonehd", disk->second, resolve_store_path("disk.vmdk")});
    support::debug(m_base.machine_name, "Importing VM settings...");
    if (auto cpus = info.find("cpus"); cpus != info.end()) {
        m_cpu = std::stoi(cpus->second);
    }
    if (auto memory = info.find("memory"); memory != info.end()) {
        m_memory = std::stoi(memory->second);
    }
    support::debug(m_base.machine_name, "Importing SSH key...");
    support::copy_ssh_key(support::env_or("HOME", "/") + "/.ssh/id_boot2docker", ssh_key_path());
}

void VirtualBoxDriver::create_disk() {
    std::string public_key = read_file(ssh_key_path() + ".pub");
    CommandInput input{virtualbox::boot2docker_disk_tar(public_key), static_cast<std::uint64_t>(m_disk_size)
                                                                         << 20U};
    vbox().run({"convertfromraw", "stdin", resolve_store_path("disk.vmdk"), std::to_string(input.total_size),
                "--format", "VMDK"},
               input);
}

std::pair<std::string, std::string> VirtualBoxDriver::parse_share_folder(const std::string& value) {
    auto colon = value.rfind(':');
    if (colon == std::string::npos) {
        return {"", value};
    }
    return {value.substr(0, colon), value.substr(colon + 1)};
}

void VirtualBoxDriver::share_folder() {
    std::string share_dir = m_env.home_share_dir;
    std::string share_name = "hosthome";
    if (!m_share_folder.empty()) {
        std::tie(share_dir, share_name) = parse_share_folder(m_share_folder);
    }
    if (share_dir.empty() || m_no_share || !path_exists(share_dir)) {
        return;
    }
    if (share_name.empty()) {
        // VirtualBox mishandles share names that start with '/'.
        share_name = share_dir.substr(share_dir.find_first_not_of('/') == std::string::npos
                                          ? share_dir.size()
                                          : share_dir.find_first_not_of('/'));
    }
    support::debug(m_base.machine_name, "setting up shareDir '" + share_dir + "' -> '" + share_name + "'");
    vbox().run({"sharedfolder", "add", m_base.machine_name, "--name", share_name, "--hostpath", share_dir,
                "--automount"});
    vbox().run({"setextradata", m_base.machine_name,
                "VBoxInternal2/SharedFoldersEnableSymlinksCreate/" + share_name, "1"});
}

std::optional<State> VirtualBoxDriver::state_if_exists() {
    CommandResult result = vbox().run_raw({"showvminfo", m_base.machine_name, "--machinereadable"});
    if (result.err.find("Could not find a registered machine named '") != std::string::npos) {
        return std::nullopt;
    }
    if (result.err.find("error:") != std::string::npos) {
        throw Error(vbox().path() + " showvminfo " + m_base.machine_name + " --machinereadable failed:\n" +
                    result.err);
    }
    if (result.exit_status != 0) {
        throw Error("exit status " + std::to_string(result.exit_status));
    }
    auto info = virtualbox::parse_machine_readable(result.out);
    auto vm_state = info.find("VMState");
    if (vm_state == info.end()) {
        return State::None;
    }
    const std::string& value = vm_state->second;
    if (value == "running") {
        return State::Running;
    }
    if (value == "paused") {
        return State::Paused;
    }
    if (value == "saved") {
        return State::Saved;
    }
    if (value == "poweroff" || value == "aborted") {
        return State::Stopped;
    }
    return State::None;
}

State VirtualBoxDriver::state() {
    std::lock_guard lock(vbox_lock());
    auto current = state_if_exists();
    if (!current) {
        throw Error("machine does not exist");
    }
    return *current;
}

std::string VirtualBoxDriver::guest(const std::string& command) {
    if (m_env.guest_command) {
        return m_env.guest_command(command);
    }
    return run_ssh_command(*this, command);
}

std::string VirtualBoxDriver::ip() {
    std::lock_guard lock(vbox_lock());
    if (state() != State::Running) {
        throw Error("Host is not running");
    }
    auto info = virtualbox::parse_machine_readable(
        vbox().run({"showvminfo", m_base.machine_name, "--machinereadable"}));
    std::string adapter_number;
    for (int nic = 1; nic <= 36 && adapter_number.empty(); ++nic) {
        if (info.count("hostonlyadapter" + std::to_string(nic)) != 0) {
            adapter_number = std::to_string(nic);
        }
    }
    if (adapter_number.empty()) {
        throw Error("Machine does not have a host-only adapter");
    }
    auto mac = info.find("macaddress" + adapter_number);
    if (mac == info.end()) {
        throw Error("Could not find MAC address for adapter " + adapter_number);
    }
    support::debug(m_base.machine_name, "Host-only MAC: " + mac->second);
    std::string output = guest("ip addr show");
    return virtualbox::ip_for_mac(output, mac->second);
}

std::string VirtualBoxDriver::url() {
    std::string address = ip();
    if (address.empty()) {
        return "";
    }
    return "tcp://" + address + ":2376";
}

std::string VirtualBoxDriver::ssh_username() {
    return m_base.ssh_user.empty() ? "docker" : m_base.ssh_user;
}

void VirtualBoxDriver::set_ssh_port_forwarding() {
    int port = m_env.choose_port(m_base.ssh_port);
    if (m_base.ssh_port != 0 && port != m_base.ssh_port) {
        support::debug(m_base.machine_name, "NAT forwarding host port for guest port 22 (ssh) changed from " +
                                                std::to_string(m_base.ssh_port) + " to " +
                                                std::to_string(port));
    }
    (void)vbox().run_raw({"modifyvm", m_base.machine_name, "--natpf1", "delete", "ssh"});
    vbox().run(
        {"modifyvm", m_base.machine_name, "--natpf1", "ssh,tcp,127.0.0.1," + std::to_string(port) + ",,22"});
    m_base.ssh_port = port;
}

std::vector<std::string> VirtualBoxDriver::vbox_log_lines() const {
    std::ifstream in(resolve_store_path(m_base.machine_name) + "/Logs/VBox.log");
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    return lines;
}

bool VirtualBoxDriver::vtx_disabled_in_vm_log() const {
    for (const auto& line : vbox_log_lines()) {
        if (line.find("VT-x is disabled") != std::string::npos &&
            line.find("Falling back to raw-mode: VT-x is disabled in the BIOS") == std::string::npos) {
            return true;
        }
        if (line.find("the host CPU does NOT support HW virtualization") != std::string::npos ||
            line.find("VERR_VMX_UNABLE_TO_START_VM") != std::string::npos ||
            line.find("VERR_SVM_DISABLED") != std::string::npos ||
            (line.find("Power up failed") != std::string::npos &&
             line.find("VERR_VMX_NO_VMX") != std::string::npos)) {
            return true;
        }
    }
    return false;
}

void VirtualBoxDriver::wait_for_ip() {
    bool ssh_ready = false;
    for (int attempt = 0; attempt < k_ssh_attempts && !ssh_ready; ++attempt) {
        try {
            (void)guest("exit 0");
            ssh_ready = true;
        } catch (const Error& error) {
            support::debug(m_base.machine_name,
                           std::string("Error getting ssh command 'exit 0' : ") + error.what());
            std::this_thread::sleep_for(m_env.poll_interval * 3);
        }
    }
    if (!ssh_ready) {
        throw Error(
            "Too many retries waiting for SSH to be available.  Last error: Maximum number of retries (" +
            std::to_string(k_ssh_attempts) + ") exceeded");
    }
    for (int attempt = 0; attempt < k_ip_attempts; ++attempt) {
        try {
            std::string address = ip();
            if (!address.empty()) {
                support::debug(m_base.machine_name, "IP is " + address);
                m_base.ip_address = address;
                return;
            }
        } catch (const Error& error) {
            support::debug(m_base.machine_name, std::string("ERROR getting IP: ") + error.what());
        }
        std::this_thread::sleep_for(m_env.poll_interval * 4);
    }
    throw Error("Maximum number of retries (" + std::to_string(k_ip_attempts) + ") exceeded");
}

void VirtualBoxDriver::start() {
    std::lock_guard lock(vbox_lock());
    State current = state();
    std::optional<virtualbox::HostOnlyAdapter> adapter;
    if (current == State::Stopped) {
        support::info(m_base.machine_name, "Check network to re-create if needed...");
        try {
            adapter = hostonly_network().setup(m_base.machine_name, hostonly_settings());
        } catch (const Error& error) {
            throw Error(std::string("Error setting up host only network on machine start: ") + error.what());
        }
    }
    switch (current) {
        case State::Stopped:
        case State::Saved:
            set_ssh_port_forwarding();
            try {
                vbox().run({"startvm", m_base.machine_name, "--type", m_ui_type});
            } catch (const Error& error) {
                auto lines = vbox_log_lines();
                if (!lines.empty()) {
                    throw Error(std::string("Unable to start the VM: ") + error.what() +
                                "\nDetails: " + lines.back());
                }
                throw Error(std::string("Unable to start the VM: ") + error.what());
            }
            break;
        case State::Paused:
            vbox().run({"controlvm", m_base.machine_name, "resume", "--type", m_ui_type});
            support::info(m_base.machine_name, "Resuming VM ...");
            break;
        default:
            support::info(m_base.machine_name, "VM not in restartable state");
            break;
    }
    if (!m_no_vtx_check && vtx_disabled_in_vm_log()) {
        throw Error(k_must_enable_vtx);
    }
    support::info(m_base.machine_name, "Waiting for an IP...");
    wait_for_ip();
    if (!adapter) {
        return;
    }
    // The adapter can be corrupted by the start (seen on Windows): check it is still there with its address.
    auto network = hostonly_network();
    if (network.still_valid(hostonly_settings())) {
        return;
    }
    log::warn(
        "The host-only adapter is corrupted. Let's stop the VM, fix the host-only adapter and restart the "
        "VM");
    stop();
    std::this_thread::sleep_for(m_env.poll_interval * 5);
    network.save_ipv4(*adapter);
    std::this_thread::sleep_for(m_env.poll_interval * 5);
    try {
        vbox().run({"startvm", m_base.machine_name, "--type", m_ui_type});
    } catch (const Error& error) {
        throw Error(std::string("Unable to start the VM: ") + error.what());
    }
    support::info(m_base.machine_name, "Waiting for an IP...");
    wait_for_ip();
}

void VirtualBoxDriver::stop() {
    std::lock_guard lock(vbox_lock());
    if (state() == State::Paused) {
        vbox().run({"controlvm", m_base.machine_name, "resume"});
        support::info(m_base.machine_name, "Resuming VM ...");
    }
    vbox().run({"controlvm", m_base.machine_name, "acpipowerbutton"});
    while (state() == State::Running) {
        std::this_thread::sleep_for(m_env.poll_interval);
    }
    m_base.ip_address.clear();
}

void VirtualBoxDriver::restart() {
    std::lock_guard lock(vbox_lock());
    try {
        stop();
    } catch (const Error& error) {
        throw Error(std::string("Problem stopping the VM: ") + error.what());
    }
    try {
        start();
    } catch (const Error& error) {
        throw Error(std::string("Problem starting the VM: ") + error.what());
    }
    m_base.ip_address.clear();
    wait_for_ip();
}

void VirtualBoxDriver::kill() {
    std::lock_guard lock(vbox_lock());
    vbox().run({"controlvm", m_base.machine_name, "poweroff"});
}

void VirtualBoxDriver::remove() {
    std::lock_guard lock(vbox_lock());
    auto current = state_if_exists();
    if (!current) {
        return;
    }
    if (*current != State::Stopped && *current != State::Saved) {
        kill();
    }
    vbox().run({"unregistervm", "--delete", m_base.machine_name});
}

std::vector<StateField> VirtualBoxDriver::state_fields() {
    auto fields = base_state_fields();
    fields.push_back({"VBoxManager", &m_vbox_manager});
    fields.push_back({"HostInterfaces", &m_host_interfaces});
    fields.push_back({"CPU", &m_cpu});
    fields.push_back({"Memory", &m_memory});
    fields.push_back({"DiskSize", &m_disk_size});
    fields.push_back({"NatNicType", &m_nat_nic_type});
    fields.push_back({"Boot2DockerURL", &m_boot2docker_url});
    fields.push_back({"Boot2DockerImportVM", &m_boot2docker_import_vm});
    fields.push_back({"HostDNSResolver", &m_host_dns_resolver});
    fields.push_back({"HostOnlyCIDR", &m_hostonly_cidr});
    fields.push_back({"HostOnlyNicType", &m_hostonly_nic_type});
    fields.push_back({"HostOnlyPromiscMode", &m_hostonly_promisc_mode});
    fields.push_back({"UIType", &m_ui_type});
    fields.push_back({"HostOnlyNoDHCP", &m_hostonly_no_dhcp});
    fields.push_back({"NoShare", &m_no_share});
    fields.push_back({"DNSProxy", &m_dns_proxy});
    fields.push_back({"NoVTXCheck", &m_no_vtx_check});
    fields.push_back({"ShareFolder", &m_share_folder});
    return fields;
}

}  // namespace machine::drivers
