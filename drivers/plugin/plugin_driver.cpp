#include "drivers/plugin/plugin_driver.hpp"

#include "drivers/plugin/plugin_process.hpp"
#include "drivers/plugin/rpc_client.hpp"
#include "drivers/plugin/rpc_protocol.hpp"
#include "machine/error.hpp"
#include "machine/go_json.hpp"
#include "machine/log.hpp"

namespace machine::plugin {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Upstream's limits: the address must come within 10 s, heartbeats go every 5 s (the plugin exits after 10 s
// without one). The handshake calls and Close get a bound too, so that a plugin that accepts the connection
// but never answers can't hang a command.
constexpr milliseconds k_address_timeout = seconds(10);
constexpr milliseconds k_handshake_timeout = seconds(10);
constexpr milliseconds k_heartbeat_interval = seconds(5);
constexpr milliseconds k_close_timeout = seconds(2);

// json.Marshal(&drivers.BaseDriver{MachineName: ..., StorePath: ...}): what a new plugin driver starts from.
std::string base_driver_json(const std::string& machine_name, const std::string& store_path) {
    return "{\"IPAddress\":\"\",\"MachineName\":" + go_json::quote(machine_name) +
           ",\"SSHUser\":\"\",\"SSHPort\":0,\"SSHKeyPath\":\"\",\"StorePath\":" + go_json::quote(store_path) +
           ",\"SwarmMaster\":false,\"SwarmHost\":\"\",\"SwarmDiscovery\":\"\"}";
}

State state_from_int(std::int64_t value) {
    switch (value) {
        case 1:
            return State::Running;
        case 2:
            return State::Paused;
        case 3:
            return State::Saved;
        case 4:
            return State::Stopped;
        case 5:
            return State::Stopping;
        case 6:
            return State::Starting;
        case 7:
            return State::Error;
        case 8:
            return State::Timeout;
        default:
            return State::None;  // prints as ""
    }
}

const gob::Value& no_args() {
    static const gob::Value k_empty = gob::Struct{};
    return k_empty;
}

}  // namespace

struct PluginDriver::Session {
    std::unique_ptr<PluginProcess> process;
    std::unique_ptr<RpcClient> client;
    std::string service = k_service_name;
    std::string machine_name;
    std::string binary;
    // Used by the process's reader thread only.
    std::unique_ptr<RpcClient> heartbeat_client;
    bool heartbeat_failed = false;

    gob::Value call(const std::string& method, const gob::TypePtr& args_type, const gob::Value& args,
                    milliseconds timeout = milliseconds(0)) {
        log::debug("(" + machine_name + ") Calling ." + method);
        try {
            gob::Value reply = client->call(service + "." + method, args_type, args, timeout);
            process->drain_output();
            return reply;
        } catch (...) {
            process->drain_output();
            throw;
        }
    }

    void heartbeat() {
        if (heartbeat_failed) {
            return;
        }
        try {
            if (!heartbeat_client) {
                heartbeat_client = std::make_unique<RpcClient>(process->address(), k_heartbeat_interval);
            }
            (void)heartbeat_client->call(service + ".Heartbeat", empty_args_type(), no_args(),
                                         k_heartbeat_interval);
        } catch (const std::exception& error) {
            heartbeat_failed = true;
            log::warn(std::string("Wrapper Docker Machine process exiting due to closed plugin server (") +
                      error.what() + ")");
        }
    }

    ~Session() {
        if (!process) {
            return;
        }
        process->clear_periodic_task();
        if (client) {
            log::debug("Making call to close driver server");
            try {
                (void)call("Close", empty_args_type(), no_args(), k_close_timeout);
                log::debug("Successfully made call to close driver server");
            } catch (const std::exception& error) {
                log::debug(std::string("Error closing the plugin server: ") + error.what());  // usually EOF
            }
            client.reset();
            if (!process->wait_exit(k_close_timeout)) {
                log::debug("The plugin binary " + binary + " did not exit after Close: killing it");
            }
        }
        process.reset();  // joins the reader thread (heartbeats) before heartbeat_client goes
    }
};

PluginDriver::PluginDriver(std::string driver_name, std::string binary, std::string machine_name,
                           std::string store_path, Start start)
    : Driver(machine_name, store_path),
      m_driver_name(std::move(driver_name)),
      m_binary(std::move(binary)),
      m_config_json(base_driver_json(machine_name, store_path)) {
    if (start == Start::Now) {
        std::string reported;
        try {
            reported = call_string("DriverName");
        } catch (const RemoteError& error) {
            log::warn(std::string("Error attempting call to get driver name: ") + error.what());
        }
        std::lock_guard lock(m_name_mutex);
        m_reported_name = reported;
        m_name_reported = true;
    }
}

PluginDriver::~PluginDriver() {
    std::lock_guard lock(m_mutex);
    m_session.reset();
}

PluginDriver::Session& PluginDriver::session() const {
    if (m_session) {
        return *m_session;
    }
    if (!m_start_error.empty()) {
        throw Error(m_start_error);  // once is enough: starting again would wait as long again
    }
    try {
        auto session = std::make_unique<Session>();
        session->binary = m_binary;
        try {
            session->process = std::make_unique<PluginProcess>(m_binary, m_driver_name, k_address_timeout);
        } catch (const Error& error) {
            throw Error(std::string("Error attempting to get plugin server address for RPC: ") +
                        error.what());
        }
        try {
            session->client = std::make_unique<RpcClient>(session->process->address(), k_handshake_timeout);
        } catch (const Error& error) {
            throw Error("Error dialing the RPC server of the plugin binary " + m_binary + ": " +
                        error.what());
        }
        gob::Value version;
        try {
            version = session->call("GetVersion", empty_args_type(), no_args(), k_handshake_timeout);
        } catch (const RemoteError& error) {
            // Plugins built before docker-machine 0.5.1 serve the service under its older name.
            log::debug(error.what());
            log::debug("Client () with " + std::string(k_service_name) +
                       " does not work, re-attempting with " + k_legacy_service_name);
            session->service = k_legacy_service_name;
            version = session->call("GetVersion", empty_args_type(), no_args(), k_handshake_timeout);
        }
        std::int64_t number = 0;
        try {
            number = gob::as_int(version, "GetVersion");
        } catch (const gob::DecodeError&) {
            number = -1;
        }
        if (number != k_api_version) {
            throw Error("Driver binary uses an incompatible API version (" + std::to_string(number) + ")");
        }
        log::debug("Using API Version " + std::to_string(number));
        Session* raw = session.get();
        session->process->set_periodic_task(k_heartbeat_interval, [raw] { raw->heartbeat(); });
        (void)session->call("SetConfigRaw", gob::bytes_type(), gob::Bytes{m_config_json},
                            k_handshake_timeout);
        try {
            session->machine_name = gob::as_string(
                session->call("GetMachineName", empty_args_type(), no_args(), k_handshake_timeout),
                "GetMachineName");
        } catch (const RemoteError& error) {
            log::warn(std::string("Error attempting call to get machine name: ") + error.what());
        }
        session->process->set_machine_name(session->machine_name);
        m_session = std::move(session);
    } catch (const Error& error) {
        m_start_error = error.what();
        throw;
    }
    return *m_session;
}

gob::Value PluginDriver::call(const char* method, const gob::TypePtr& args_type,
                              const gob::Value& args) const {
    std::lock_guard lock(m_mutex);
    return session().call(method, args_type, args);
}

gob::Value PluginDriver::call(const char* method) const {
    return call(method, empty_args_type(), no_args());
}

std::string PluginDriver::call_string(const char* method) const {
    return gob::as_string(call(method), method);
}

std::string PluginDriver::call_string_logged(const char* method, const char* what) const {
    try {
        return call_string(method);
    } catch (const Error& error) {
        log::warn(std::string("Error attempting call to get ") + what + ": " + error.what());
        return {};
    }
}

void PluginDriver::call_void(const char* method) const {
    (void)call(method);
}

std::string PluginDriver::driver_name() const {
    std::lock_guard lock(m_name_mutex);
    return m_name_reported ? m_reported_name : m_driver_name;
}

std::vector<FlagSpec> PluginDriver::create_flags() const {
    try {
        return create_flags_from_reply(call("GetCreateFlags"));
    } catch (const Error& error) {
        log::warn(std::string("Error attempting call to get create flags: ") + error.what());
        return {};
    }
}

void PluginDriver::set_config_from_flags(const FlagValues& flags) {
    (void)call("SetConfigFromFlags", driver_options_type(), driver_options(flags));
}

void PluginDriver::pre_create_check() {
    call_void("PreCreateCheck");
}

void PluginDriver::create() {
    call_void("Create");
}

void PluginDriver::remove() {
    call_void("Remove");
}

State PluginDriver::state() {
    return state_from_int(gob::as_int(call("GetState"), "GetState"));
}

std::string PluginDriver::url() {
    return call_string("GetURL");
}

std::string PluginDriver::ip() {
    return call_string("GetIP");
}

void PluginDriver::start() {
    call_void("Start");
}

void PluginDriver::stop() {
    call_void("Stop");
}

void PluginDriver::restart() {
    call_void("Restart");
}

void PluginDriver::kill() {
    call_void("Kill");
}

std::string PluginDriver::ssh_hostname() {
    return call_string("GetSSHHostname");
}

int PluginDriver::ssh_port() {
    return static_cast<int>(gob::as_int(call("GetSSHPort"), "GetSSHPort"));
}

std::string PluginDriver::ssh_username() {
    return call_string_logged("GetSSHUsername", "SSH username");
}

std::string PluginDriver::ssh_key_path() {
    return call_string_logged("GetSSHKeyPath", "SSH key path");
}

std::optional<std::string> PluginDriver::raw_state() const {
    std::lock_guard lock(m_mutex);
    if (m_session) {
        try {
            m_config_json =
                gob::as_bytes(m_session->call("GetConfigRaw", empty_args_type(), no_args()), "GetConfigRaw");
        } catch (const Error& error) {
            throw Error(std::string("json: error calling MarshalJSON for type *rpcdriver.RPCClientDriver: ") +
                        error.what());
        }
    }
    return m_config_json;
}

void PluginDriver::set_raw_state(const std::string& json) {
    std::lock_guard lock(m_mutex);
    m_config_json = json;
    if (m_session) {
        (void)m_session->call("SetConfigRaw", gob::bytes_type(), gob::Bytes{json});
    }
}

}  // namespace machine::plugin
