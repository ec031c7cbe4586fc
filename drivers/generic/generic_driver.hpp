#pragma once

#include "machine/driver.hpp"

namespace machine::drivers {

// The `generic` driver: an existing host reached over SSH (drivers.md §4.1).
class GenericDriver final : public Driver {
public:
    GenericDriver(std::string machine_name, std::string store_path);
    static std::unique_ptr<Driver> make(const std::string& machine_name, const std::string& store_path);

    [[nodiscard]] std::string driver_name() const override { return "generic"; }
    [[nodiscard]] std::vector<FlagSpec> create_flags() const override;
    void set_config_from_flags(const FlagValues& flags) override;
    void pre_create_check() override;
    void create() override;
    void remove() override {}
    [[nodiscard]] State state() override;
    [[nodiscard]] std::string url() override;
    void start() override;
    void stop() override;
    void restart() override;
    void kill() override;
    [[nodiscard]] std::string ssh_hostname() override { return ip(); }
    [[nodiscard]] std::string ssh_key_path() override { return m_base.ssh_key_path; }
    [[nodiscard]] std::vector<StateField> state_fields() override;

private:
    int m_engine_port = 2376;
    std::string m_ssh_key;  // the key the user gave; SSHKeyPath is our copy of it
};

}  // namespace machine::drivers
