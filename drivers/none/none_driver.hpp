#pragma once

#include "machine/driver.hpp"

namespace machine::drivers {

// The `none` driver: a Docker host the user already runs, known only by its URL (drivers.md §4.2).
class NoneDriver final : public Driver {
public:
    using Driver::Driver;
    static std::unique_ptr<Driver> make(const std::string& machine_name, const std::string& store_path);

    [[nodiscard]] std::string driver_name() const override { return "none"; }
    [[nodiscard]] std::vector<FlagSpec> create_flags() const override;
    void set_config_from_flags(const FlagValues& flags) override;
    void create() override {}
    void remove() override {}
    [[nodiscard]] State state() override { return State::Running; }
    [[nodiscard]] std::string url() override { return m_url; }
    [[nodiscard]] std::string ip() override { return m_base.ip_address; }
    void start() override;
    void stop() override;
    void restart() override;
    void kill() override;
    [[nodiscard]] std::string ssh_hostname() override { return ""; }
    [[nodiscard]] int ssh_port() override { return 0; }
    [[nodiscard]] std::string ssh_username() override { return ""; }
    [[nodiscard]] std::string ssh_key_path() override { return ""; }
    [[nodiscard]] std::vector<StateField> state_fields() override;

private:
    std::string m_url;
};

}  // namespace machine::drivers
