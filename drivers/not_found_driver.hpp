#pragma once

#include "machine/driver.hpp"

namespace machine::drivers {

// Stands in for the driver of a stored machine whose driver is unknown (drivers.md §1.5): every operation
// fails with the "not found" error, yet the machine still lists, inspects and can be removed with rm -f.
class NotFoundDriver final : public Driver {
public:
    NotFoundDriver(std::string driver_name, std::string machine_name, std::string store_path);

    [[nodiscard]] std::string driver_name() const override { return "not-found"; }
    [[nodiscard]] std::vector<FlagSpec> create_flags() const override { return {}; }
    void set_config_from_flags(const FlagValues&) override { fail(); }
    void create() override { fail(); }
    void remove() override { fail(); }
    [[nodiscard]] State state() override { fail(); }
    [[nodiscard]] std::string url() override { fail(); }
    [[nodiscard]] std::string ip() override { fail(); }
    void start() override { fail(); }
    void stop() override { fail(); }
    void restart() override { fail(); }
    void kill() override { fail(); }
    [[nodiscard]] std::string ssh_hostname() override { fail(); }
    [[nodiscard]] int ssh_port() override { fail(); }
    [[nodiscard]] std::string ssh_username() override { fail(); }
    [[nodiscard]] std::string ssh_key_path() override { fail(); }
    [[nodiscard]] std::vector<StateField> state_fields() override { return {}; }
    [[nodiscard]] std::optional<std::string> raw_state() const override;
    void set_raw_state(const std::string&) override {}
    [[nodiscard]] const std::string& missing_driver() const { return m_missing_driver; }

private:
    [[noreturn]] void fail() const;
    std::string m_missing_driver;
};

}  // namespace machine::drivers
