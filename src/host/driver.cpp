#include "machine/driver.hpp"

#include "machine/error.hpp"
#include "machine/go_path.hpp"

namespace machine {

FlagValues default_flag_values(const std::vector<FlagSpec>& flags) {
    FlagValues values;
    for (const auto& spec : flags) {
        switch (spec.kind) {
            case FlagSpec::Kind::Bool:
                values.set(spec.name, false);
                break;
            case FlagSpec::Kind::String:
                values.set(spec.name, spec.default_string);
                break;
            case FlagSpec::Kind::Int:
                values.set(spec.name, spec.default_int);
                break;
            case FlagSpec::Kind::StringSlice:
                values.set(spec.name, spec.default_slice);
                break;
        }
    }
    return values;
}

std::string_view state_name(State state) {
    switch (state) {
        case State::None:
            return "";
        case State::Running:
            return "Running";
        case State::Paused:
            return "Paused";
        case State::Saved:
            return "Saved";
        case State::Stopped:
            return "Stopped";
        case State::Stopping:
            return "Stopping";
        case State::Starting:
            return "Starting";
        case State::Error:
            return "Error";
        case State::Timeout:
            return "Timeout";
    }
    return "";
}

std::string FlagValues::string(const std::string& name) const {
    auto it = m_values.find(name);
    if (it != m_values.end()) {
        if (const auto* value = std::get_if<std::string>(&it->second)) {
            return *value;
        }
    }
    return {};
}

long long FlagValues::integer(const std::string& name) const {
    auto it = m_values.find(name);
    if (it != m_values.end()) {
        if (const auto* value = std::get_if<long long>(&it->second)) {
            return *value;
        }
    }
    return 0;
}

bool FlagValues::boolean(const std::string& name) const {
    auto it = m_values.find(name);
    if (it != m_values.end()) {
        if (const auto* value = std::get_if<bool>(&it->second)) {
            return *value;
        }
    }
    return false;
}

std::vector<std::string> FlagValues::strings(const std::string& name) const {
    auto it = m_values.find(name);
    if (it != m_values.end()) {
        if (const auto* value = std::get_if<std::vector<std::string>>(&it->second)) {
            return *value;
        }
    }
    return {};
}

Driver::Driver(std::string machine_name, std::string store_path) {
    m_base.machine_name = std::move(machine_name);
    m_base.store_path = std::move(store_path);
}

std::string Driver::ip() {
    if (m_base.ip_address.empty()) {
        throw Error("IP address is not set");
    }
    return m_base.ip_address;
}

std::string Driver::ssh_hostname() {
    return ip();
}

int Driver::ssh_port() {
    return m_base.ssh_port == 0 ? 22 : m_base.ssh_port;
}

std::string Driver::ssh_username() {
    return m_base.ssh_user.empty() ? "root" : m_base.ssh_user;
}

std::string Driver::ssh_key_path() {
    if (m_base.ssh_key_path.empty()) {
        m_base.ssh_key_path = resolve_store_path("id_rsa");
    }
    return m_base.ssh_key_path;
}

std::vector<StateField> Driver::base_state_fields() {
    return {
        {"IPAddress", &m_base.ip_address},
        {"MachineName", &m_base.machine_name},
        {"SSHUser", &m_base.ssh_user},
        {"SSHPort", &m_base.ssh_port},
        {"SSHKeyPath", &m_base.ssh_key_path},
        {"StorePath", &m_base.store_path},
        {"SwarmMaster", &m_base.swarm_master},
        {"SwarmHost", &m_base.swarm_host},
        {"SwarmDiscovery", &m_base.swarm_discovery},
    };
}

std::string Driver::resolve_store_path(const std::string& file) const {
    return go_path::join({m_base.store_path, "machines", m_base.machine_name, file});
}

}  // namespace machine
