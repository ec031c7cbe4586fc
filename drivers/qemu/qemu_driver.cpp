#include "drivers/qemu/qemu_driver.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "drivers/common/driver_support.hpp"
#include "drivers/qemu/kvm_probe.hpp"
#include "drivers/qemu/nocloud_seed.hpp"
#include "drivers/qemu/qmp_client.hpp"
#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/machine_ssh.hpp"
#include "machine/process.hpp"

namespace machine::drivers {

using support::int_flag;
using support::string_flag;

namespace {

int free_tcp_port(const std::string& ip, int wanted) {
    for (int port : {wanted, 0}) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            break;
        }
        // As qemu's hostfwd does: the connections of the previous run, in TIME_WAIT after a stop, must not
        // move the SSH port (the host key is pinned for host:port).
        int reuse = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        ::inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
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

bool process_alive(int pid) {
    return pid > 0 && ::kill(pid, 0) == 0;
}

// The SSH server's banner ("SSH-2.0-...") on 127.0.0.1:port. qemu's user-mode network accepts a connection to
// a forwarded port at once, whether or not the guest listens, so only the banner says that sshd is up.
bool ssh_banner_on(const std::string& ip, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    ::inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        pollfd waiting{fd, POLLIN, 0};
        char banner[8] = {};
        if (::poll(&waiting, 1, 3000) == 1 && ::recv(fd, banner, 4, 0) == 4) {
            ok = std::string(banner, 4) == "SSH-";
        }
    }
    ::close(fd);
    return ok;
}

void run_checked(CommandRunner& runner, const std::vector<std::string>& argv) {
    CommandResult result = runner.run(argv);
    if (result.exit_status != 0) {
        std::string details = result.err.empty() ? result.out : result.err;
        throw Error(join_args(argv) + ": exit status " + std::to_string(result.exit_status) +
                    (details.empty() ? "" : "\n" + details));
    }
}

}  // namespace

QemuDriver::QemuDriver(std::string machine_name, std::string store_path)
    : QemuDriver(std::move(machine_name), std::move(store_path), Environment{}) {}

QemuDriver::QemuDriver(std::string machine_name, std::string store_path, Environment environment)
    : Driver(std::move(machine_name), std::move(store_path)), m_env(std::move(environment)) {
    m_base.ssh_user = "docker";
    if (m_env.runner == nullptr) {
        m_env.runner = &default_command_runner();
    }
    if (!m_env.kvm_usable) {
        m_env.kvm_usable = [] { return qemu::kvm_runs_guests(); };
    }
    if (!m_env.choose_port) {
        m_env.choose_port = free_tcp_port;
    }
}

std::unique_ptr<Driver> QemuDriver::make(const std::string& machine_name, const std::string& store_path) {
    return std::make_unique<QemuDriver>(machine_name, store_path);
}

std::vector<FlagSpec> QemuDriver::create_flags() const {
    return {
        string_flag("qemu-image",
                    "Machine image (qcow2 or raw) the machine's disk is an overlay of, e.g. the one "
                    "contrib/qemu-image/build-image.sh makes",
                    "QEMU_IMAGE"),
        string_flag("qemu-kernel", "Kernel to boot directly (empty: boot the image's own boot loader)",
                    "QEMU_KERNEL"),
        string_flag("qemu-initrd", "Initramfs for --qemu-kernel", "QEMU_INITRD"),
        string_flag("qemu-append", "Kernel command line for --qemu-kernel", "QEMU_APPEND",
                    "root=/dev/vda rw console=ttyS0"),
        int_flag("qemu-memory", "Size of memory for host in MB", "QEMU_MEMORY_SIZE", 1024),
        int_flag("qemu-cpu-count", "number of CPUs for the machine", "QEMU_CPU_COUNT", 1),
        int_flag("qemu-disk-size", "Size of disk for host in MB", "QEMU_DISK_SIZE", 20000),
        string_flag("qemu-accel", "Accelerator: auto (KVM when /dev/kvm works, else TCG), kvm or tcg",
                    "QEMU_ACCEL", "auto"),
        string_flag("qemu-binary", "qemu system emulator to run", "QEMU_BINARY", "qemu-system-x86_64"),
        string_flag("qemu-ssh-user", "SSH user of the image", "QEMU_SSH_USER", "docker"),
        string_flag("qemu-cpu", "qemu CPU model (empty: host with KVM, max with TCG)", "QEMU_CPU"),
    };
}

void QemuDriver::set_config_from_flags(const FlagValues& flags) {
    m_image = flags.string("qemu-image");
    m_kernel = flags.string("qemu-kernel");
    m_initrd = flags.string("qemu-initrd");
    m_append = flags.string("qemu-append");
    m_memory = static_cast<int>(flags.integer("qemu-memory"));
    m_cpu = static_cast<int>(flags.integer("qemu-cpu-count"));
    m_disk_size = static_cast<int>(flags.integer("qemu-disk-size"));
    m_accel = flags.string("qemu-accel");
    m_binary = flags.string("qemu-binary");
    m_cpu_model = flags.string("qemu-cpu");
    m_base.ssh_user = flags.string("qemu-ssh-user");
    m_base.swarm_master = flags.boolean("swarm-master");
    m_base.swarm_host = flags.string("swarm-host");
    m_base.swarm_discovery = flags.string("swarm-discovery");
    if (m_image.empty()) {
        throw Error(
            "qemu driver requires the --qemu-image option (contrib/qemu-image/build-image.sh builds one)");
    }
    if (m_accel != "auto" && m_accel != "kvm" && m_accel != "tcg") {
        throw Error("--qemu-accel must be auto, kvm or tcg, not " + go_quote(m_accel));
    }
    if (m_cpu < 1 || m_memory < 128) {
        throw Error("--qemu-cpu-count must be at least 1 and --qemu-memory at least 128");
    }
    // Paths stay valid whatever the working directory of later commands.
    for (std::string* path : {&m_image, &m_kernel, &m_initrd}) {
        if (!path->empty() && path->front() != '/') {
            char buffer[4096];
            if (::getcwd(buffer, sizeof buffer) != nullptr) {
                *path = std::string(buffer) + "/" + *path;
            }
        }
    }
}

std::string QemuDriver::address() const {
    return m_base.ip_address.empty() ? "127.0.0.1" : m_base.ip_address;
}

void QemuDriver::choose_loopback_address() {
    // Each machine gets its own loopback address (all of 127.0.0.0/8 is this host's loopback on Linux), so
    // that its Docker port can be 2376 as on every docker-machine host (`start` checks for 2376 in the
    // guest). The first address of 127.0.N.M (N, M from a hash of the name, then onwards) whose port 2376 is
    // free.
    std::uint32_t seed = 2166136261U;
    for (char c : m_base.machine_name) {
        seed = (seed ^ static_cast<unsigned char>(c)) * 16777619U;
    }
    for (std::uint32_t attempt = 0; attempt < 64; ++attempt) {
        std::uint32_t host = (seed + attempt * 7919U) % (254U * 256U);
        std::string candidate =
            "127.0." + std::to_string(host / 254U % 256U) + "." + std::to_string(2U + host % 253U);
        if (m_env.choose_port(candidate, k_engine_port) == k_engine_port) {
            m_base.ip_address = candidate;
            return;
        }
    }
    throw Error("no free loopback address with port 2376 found");
}

std::string QemuDriver::effective_accel(const std::string& requested, bool kvm_usable) {
    if (requested == "auto") {
        return kvm_usable ? "kvm" : "tcg";
    }
    return requested;
}

void QemuDriver::pre_create_check() {
    if (!process::find_in_path(m_binary)) {
        throw Error(go_quote(m_binary) + " not found: install qemu-system-x86 (or pass --qemu-binary)");
    }
    if (!process::find_in_path("qemu-img")) {
        throw Error("qemu-img not found: install qemu-utils");
    }
    for (const std::string* path : {&m_image, &m_kernel, &m_initrd}) {
        if (!path->empty() && support::path_missing(*path)) {
            throw Error("no such file: " + *path);
        }
    }
    if (!m_initrd.empty() && m_kernel.empty()) {
        throw Error("--qemu-initrd needs --qemu-kernel");
    }
    if (m_accel == "kvm" && !m_env.kvm_usable()) {
        throw Error(
            "--qemu-accel kvm: KVM does not run guests here (/dev/kvm missing, not writable or not working)");
    }
    (void)qemu::find_seed_tool();
    if (machine_file("qmp.sock").size() >= 108) {
        throw Error(
            "the machine directory path is too long for its QMP socket (unix sockets allow 107 bytes): " +
            machine_file("qmp.sock"));
    }
}

void QemuDriver::create_overlay() {
    CommandResult info = m_env.runner->run({"qemu-img", "info", "--output=json", m_image});
    if (info.exit_status != 0) {
        throw Error("qemu-img info " + m_image + ": " + info.err);
    }
    std::string format = "raw";
    long long virtual_size = 0;
    try {
        auto json = nlohmann::json::parse(info.out);
        format = json.value("format", std::string("raw"));
        virtual_size = json.value("virtual-size", 0LL);
    } catch (const nlohmann::json::exception& error) {
        throw Error(std::string("qemu-img info: ") + error.what());
    }
    long long size = std::max(static_cast<long long>(m_disk_size) << 20, virtual_size);
    run_checked(*m_env.runner, {"qemu-img", "create", "-q", "-f", "qcow2", "-F", format, "-b", m_image,
                                machine_file("disk.qcow2"), std::to_string(size)});
}

void QemuDriver::create_seed() {
    std::string public_key = read_file(ssh_key_path() + ".pub");
    std::string seed_dir = machine_file("seed");
    make_directories(seed_dir, 0700);
    qemu::write_seed_image(*m_env.runner, qemu::find_seed_tool(), seed_dir, machine_file("seed.img"),
                           qemu::nocloud_meta_data(m_base.machine_name),
                           qemu::nocloud_user_data(m_base.machine_name, ssh_username(), public_key));
}

void QemuDriver::create() {
    support::info(m_base.machine_name, "Creating SSH key...");
    cert::ensure_ssh_key(ssh_key_path());
    support::info(m_base.machine_name, "Creating disk image...");
    create_overlay();
    create_seed();
    choose_loopback_address();
    support::info(m_base.machine_name, "Starting the VM...");
    start();
}

std::string QemuDriver::cpu_model(const std::string& accel) const {
    if (!m_cpu_model.empty()) {
        return m_cpu_model;
    }
    return accel == "kvm" ? "host" : "max";
}

std::vector<std::string> QemuDriver::command_line(const std::string& accel, const std::string& cpu) const {
    std::vector<std::string> argv{
        m_binary,
        "-name",
        m_base.machine_name,
        "-nodefaults",
        "-display",
        "none",
        "-accel",
        accel == "tcg" ? (m_cpu > 1 ? "tcg,thread=multi" : "tcg") : accel,
        "-cpu",
        cpu,
        "-smp",
        std::to_string(m_cpu),
        "-m",
        std::to_string(m_memory),
        "-daemonize",
        "-pidfile",
        machine_file("qemu.pid"),
        "-qmp",
        "unix:" + machine_file("qmp.sock") + ",server=on,wait=off",
        "-serial",
        "file:" + machine_file("serial.log"),
        "-drive",
        "file=" + machine_file("disk.qcow2") + ",if=virtio,format=qcow2,discard=unmap",
        "-drive",
        "file=" + machine_file("seed.img") + ",if=virtio,format=raw,readonly=on",
        // restrict=on: the guest can't open connections to anything; only the forwarded ports reach it.
        "-netdev",
        "user,id=net0,restrict=on,hostfwd=tcp:" + address() + ":" + std::to_string(m_base.ssh_port) +
            "-:22,hostfwd=tcp:" + address() + ":" + std::to_string(m_engine_port) +
            "-:" + std::to_string(m_engine_port),
        "-device",
        "virtio-net-pci,netdev=net0",
        "-device",
        "virtio-rng-pci",
    };
    if (!m_kernel.empty()) {
        argv.insert(argv.end(), {"-kernel", m_kernel, "-append", m_append});
        if (!m_initrd.empty()) {
            argv.insert(argv.end(), {"-initrd", m_initrd});
        }
    }
    return argv;
}

int QemuDriver::running_pid() const {
    std::string text;
    try {
        text = read_file(machine_file("qemu.pid"));
    } catch (const Error&) {
        return 0;
    }
    int pid = std::atoi(text.c_str());
    if (!process_alive(pid)) {
        return 0;
    }
    // A recycled pid is not our qemu: its command line names our QMP socket.
    std::string cmdline;
    try {
        cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    } catch (const Error&) {
        return 0;
    }
    return cmdline.find(machine_file("qmp.sock")) != std::string::npos ? pid : 0;
}

State QemuDriver::state_for_status(const std::string& status) {
    if (status == "running") {
        return State::Running;
    }
    if (status == "paused" || status == "suspended") {
        return State::Paused;
    }
    if (status == "shutdown") {
        return State::Stopping;
    }
    if (status == "prelaunch" || status == "inmigrate" || status == "restore-vm") {
        return State::Starting;
    }
    if (status == "save-vm" || status == "postmigrate") {
        return State::Saved;
    }
    if (status == "internal-error" || status == "io-error" || status == "guest-panicked") {
        return State::Error;
    }
    return State::None;
}

State QemuDriver::state() {
    if (running_pid() == 0) {
        return State::Stopped;
    }
    try {
        qemu::QmpClient qmp(machine_file("qmp.sock"));
        return state_for_status(qmp.status());
    } catch (const Error& error) {
        support::debug(m_base.machine_name, std::string("QMP: ") + error.what());
        return State::Starting;  // the process is there, its monitor not (yet)
    }
}

std::string QemuDriver::url() {
    if (state() != State::Running) {
        throw Error("Host is not running");
    }
    return "tcp://" + address() + ":" + std::to_string(m_engine_port);
}

void QemuDriver::wait_for_ssh_banner() const {
    auto deadline = std::chrono::steady_clock::now() + m_env.boot_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (ssh_banner_on(address(), m_base.ssh_port)) {
            return;
        }
        if (running_pid() == 0) {
            throw Error("qemu exited while the machine was booting (see " + machine_file("serial.log") + ")");
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    throw Error("the machine's SSH server did not answer on " + address() + ":" +
                std::to_string(m_base.ssh_port) + " within " + std::to_string(m_env.boot_timeout.count()) +
                " s (see " + machine_file("serial.log") + ")");
}

void QemuDriver::start() {
    if (running_pid() != 0) {
        State current = state();
        if (current == State::Paused) {
            qemu::QmpClient qmp(machine_file("qmp.sock"));
            (void)qmp.execute("cont");
            support::info(m_base.machine_name, "Resuming VM ...");
            return;
        }
        support::info(m_base.machine_name, "VM not in restartable state");
        return;
    }
    int port = m_env.choose_port(address(), m_base.ssh_port);
    if (m_base.ssh_port != 0 && port != m_base.ssh_port) {
        support::debug(m_base.machine_name, "SSH host port changed from " + std::to_string(m_base.ssh_port) +
                                                " to " + std::to_string(port));
    }
    m_base.ssh_port = port;
    if (m_env.choose_port(address(), m_engine_port) != m_engine_port) {
        throw Error("the machine's Docker port " + address() + ":" + std::to_string(m_engine_port) +
                    " is taken by another program");
    }
    m_accel_in_use = effective_accel(m_accel, m_env.kvm_usable());
    ::unlink(machine_file("qmp.sock").c_str());
    support::info(m_base.machine_name, "Booting with " + m_accel_in_use + "...");
    std::string cpu = cpu_model(m_accel_in_use);
    CommandResult result = m_env.runner->run(command_line(m_accel_in_use, cpu));
    // Nested KVM (a VM inside a VM) may refuse the host's IA32_ARCH_CAPABILITIES MSR; the same CPU without
    // that feature boots.
    if (result.exit_status != 0 && cpu == "host" && m_cpu_model.empty() &&
        result.err.find("failed to set MSR 0x10a") != std::string::npos) {
        support::debug(m_base.machine_name,
                       "KVM refused MSR 0x10a; retrying with -cpu host,-arch-capabilities");
        cpu = "host,-arch-capabilities";
        result = m_env.runner->run(command_line(m_accel_in_use, cpu));
    }
    if (result.exit_status != 0) {
        throw Error(join_args(command_line(m_accel_in_use, cpu)) + ": exit status " +
                    std::to_string(result.exit_status) + "\n" + result.err);
    }
    support::info(m_base.machine_name,
                  "Waiting for SSH on " + address() + ":" + std::to_string(m_base.ssh_port) + "...");
    wait_for_ssh_banner();
    wait_for_docker_port();
}

void QemuDriver::wait_for_docker_port() {
    // Only a provisioned machine (its server certificate is here) has a daemon on the engine port. Under TCG
    // dockerd listens well after sshd answers, later than the provisioner's 10 x 3 s check after a start
    // allows; qemu's forward accepts connections whether or not the guest listens, so look from inside.
    if (support::path_missing(machine_file("server.pem"))) {
        return;
    }
    const std::string probe = "ss -ltn | grep -q ':" + std::to_string(m_engine_port) + " '";
    auto deadline = std::chrono::steady_clock::now() + m_env.boot_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            (void)run_ssh_command(*this, probe);
            return;
        } catch (const Error& error) {
            support::debug(m_base.machine_name,
                           std::string("Docker port not listening yet: ") + error.what());
        }
        std::this_thread::sleep_for(std::chrono::seconds(2));
    }
}

void QemuDriver::wait_for_exit(int pid, std::chrono::seconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (process_alive(pid) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

void QemuDriver::stop() {
    int pid = running_pid();
    if (pid == 0) {
        return;
    }
    {
        qemu::QmpClient qmp(machine_file("qmp.sock"));
        if (qmp.status() == "paused") {
            (void)qmp.execute("cont");
        }
        (void)qmp.execute("system_powerdown");  // ACPI power button: the guest shuts down cleanly
    }
    wait_for_exit(pid, m_env.stop_timeout);
    if (process_alive(pid)) {
        log::warn("The machine did not power off within " + std::to_string(m_env.stop_timeout.count()) +
                  " s; stopping qemu");
        kill();
    }
}

void QemuDriver::kill() {
    int pid = running_pid();
    if (pid == 0) {
        return;
    }
    try {
        qemu::QmpClient qmp(machine_file("qmp.sock"));
        (void)qmp.execute("quit");
    } catch (const Error& error) {
        // The monitor is gone or stuck: the process goes the hard way.
        support::debug(m_base.machine_name, std::string("QMP quit: ") + error.what());
        ::kill(pid, SIGKILL);
    }
    wait_for_exit(pid, std::chrono::seconds(10));
    if (process_alive(pid)) {
        ::kill(pid, SIGKILL);
        wait_for_exit(pid, std::chrono::seconds(5));
    }
}

void QemuDriver::restart() {
    stop();
    start();
}

void QemuDriver::remove() {
    kill();
}

std::vector<StateField> QemuDriver::state_fields() {
    auto fields = base_state_fields();
    fields.push_back({"Image", &m_image});
    fields.push_back({"Kernel", &m_kernel});
    fields.push_back({"Initrd", &m_initrd});
    fields.push_back({"Append", &m_append});
    fields.push_back({"Memory", &m_memory});
    fields.push_back({"CPU", &m_cpu});
    fields.push_back({"DiskSize", &m_disk_size});
    fields.push_back({"Accel", &m_accel});
    fields.push_back({"AccelInUse", &m_accel_in_use});
    fields.push_back({"Binary", &m_binary});
    fields.push_back({"CPUModel", &m_cpu_model});
    fields.push_back({"EnginePort", &m_engine_port});
    return fields;
}

}  // namespace machine::drivers
