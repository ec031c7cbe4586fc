#pragma once

// A driver served by an external docker-machine-driver-NAME binary (docs/plugins.md). Every driver method is
// a call to the plugin; the driver's state is the plugin's own JSON, stored opaque in config.json. The plugin
// process starts at construction for `create` (as upstream's NewHost) and at the first call for a loaded
// machine (commands that only read config.json never start it), and ends with this object.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "machine/driver.hpp"
#include "machine/gob.hpp"

namespace machine::plugin {

class PluginProcess;
class RpcClient;

class PluginDriver final : public Driver {
public:
    enum class Start { Now, OnFirstCall };

    // `binary` is the plugin's full path. With Start::Now, throws Error when the plugin can't be started and
    // spoken to (messages of docs/plugins.md §4).
    PluginDriver(std::string driver_name, std::string binary, std::string machine_name,
                 std::string store_path, Start start);
    // Asks the plugin to close, then makes sure its process is gone.
    ~PluginDriver() override;

    // The name the plugin reported when it was started for create, else the stored DriverName.
    [[nodiscard]] std::string driver_name() const override;
    // GetCreateFlags; a failure is logged (Warn) and gives no flags, as upstream.
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
    [[nodiscard]] std::string ssh_hostname() override;
    [[nodiscard]] int ssh_port() override;
    [[nodiscard]] std::string ssh_username() override;
    [[nodiscard]] std::string ssh_key_path() override;

    [[nodiscard]] std::vector<StateField> state_fields() override { return {}; }
    // GetConfigRaw once the plugin runs; before that, the JSON it would be started with.
    [[nodiscard]] std::optional<std::string> raw_state() const override;
    void set_raw_state(const std::string& json) override;

private:
    struct Session;
    // The running plugin, started on first use; throws what starting it threw (every time).
    Session& session() const;
    gob::Value call(const char* method, const gob::TypePtr& args_type, const gob::Value& args) const;
    gob::Value call(const char* method) const;
    std::string call_string(const char* method) const;
    std::string call_string_logged(const char* method, const char* what) const;
    void call_void(const char* method) const;

    std::string m_driver_name;
    std::string m_binary;
    mutable std::mutex m_mutex;  // one call at a time
    mutable std::unique_ptr<Session> m_session;
    mutable std::string m_start_error;
    mutable std::string m_config_json;
    mutable std::mutex m_name_mutex;  // driver_name() never waits for a call in progress
    mutable std::string m_reported_name;
    bool m_name_reported = false;
};

}  // namespace machine::plugin
