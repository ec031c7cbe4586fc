#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "drivers/common/command_runner.hpp"
#include "machine/driver.hpp"

namespace machine::drivers {

// The `qemu` driver (Linux hosts; not in upstream docker-machine): a qemu-system VM booted from a machine
// image through a per-machine qcow2 overlay, with user-mode networking (`restrict=on`: the guest reaches
// nothing but its forwarded ports) forwarding SSH and the Docker port (2376) from the machine's own loopback
// address (127.0.N.M), a NoCloud seed for the SSH key and host name, and start/stop/kill/state through QMP on
// <machine dir>/qmp.sock. See docs/drivers/qemu.md.
class QemuDriver final : public Driver {
public:
    struct Environment {
        CommandRunner* runner = nullptr;
        // Whether KVM can be used (default: qemu::kvm_runs_guests()).
        std::function<bool()> kvm_usable;
        // A free TCP port on loopback address `ip` (the wanted one when free; 0 = any).
        std::function<int(const std::string& ip, int wanted)> choose_port;
        std::chrono::seconds boot_timeout{600};
        std::chrono::seconds stop_timeout{120};
    };

    QemuDriver(std::string machine_name, std::string store_path);
    QemuDriver(std::string machine_name, std::string store_path, Environment environment);
    static std::unique_ptr<Driver> make(const std::string& machine_name, const std::string& store_path);

    [[nodiscard]] std::string driver_name() const override { return "qemu"; }
    [[nodiscard]] std::vector<FlagSpec> create_flags() const override;
    void set_config_from_flags(const FlagValues& flags) override;
    void pre_create_check() override;
    void create() override;
    void remove() override;
    [[nodiscard]] State state() override;
    [[nodiscard]] std::string url() override;
    [[nodiscard]] std::string ip() override { return address(); }
    void start() override;
    void stop() override;
    void restart() override;
    void kill() override;
    [[nodiscard]] std::string ssh_hostname() override { return address(); }
    [[nodiscard]] std::vector<StateField> state_fields() override;

    // "kvm" or "tcg" for --qemu-accel `requested` ("auto", "kvm", "tcg").
    [[nodiscard]] static std::string effective_accel(const std::string& requested, bool kvm_usable);
    // The qemu-system command line for this machine with accelerator `accel`.
    [[nodiscard]] std::vector<std::string> command_line(const std::string& accel,
                                                        const std::string& cpu) const;
    // --qemu-cpu, or the default model for `accel`.
    [[nodiscard]] std::string cpu_model(const std::string& accel) const;
    // QMP query-status -> machine state.
    [[nodiscard]] static State state_for_status(const std::string& status);

private:
    [[nodiscard]] std::string machine_file(const std::string& name) const { return resolve_store_path(name); }
    // The qemu process of this machine, if one runs (pid file + /proc check).
    [[nodiscard]] int running_pid() const;
    void wait_for_exit(int pid, std::chrono::seconds timeout) const;
    void wait_for_ssh_banner() const;
    // After a start of a provisioned machine: until dockerd listens on the engine port in the guest.
    void wait_for_docker_port();
    void create_overlay();
    // The machine's own loopback address (stored as IPAddress), or 127.0.0.1 before create.
    [[nodiscard]] std::string address() const;
    void choose_loopback_address();
    void create_seed();

    Environment m_env;
    std::string m_image;
    std::string m_kernel;
    std::string m_initrd;
    std::string m_append = "root=/dev/vda rw console=ttyS0";
    int m_memory = 1024;
    int m_cpu = 1;
    int m_disk_size = 20000;
    std::string m_accel = "auto";
    std::string m_accel_in_use;
    std::string m_binary = "qemu-system-x86_64";
    std::string m_cpu_model;
    static constexpr int k_engine_port = 2376;
    int m_engine_port = k_engine_port;
};

}  // namespace machine::drivers
