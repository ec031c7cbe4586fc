#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace machine {

enum class State { None, Running, Paused, Saved, Stopped, Stopping, Starting, Error, Timeout };

// "Running", "Stopped", ... and "" for None, as docker-machine prints them.
[[nodiscard]] std::string_view state_name(State state);

// A create flag a driver declares (drivers.md): the data behind `create --help`, completion and plugins.
struct FlagSpec {
    enum class Kind { String, Int, Bool, StringSlice };
    Kind kind = Kind::String;
    std::string name;  // without dashes, e.g. "generic-ip-address"
    std::string usage;
    std::string env_var;  // "" when none
    std::string default_string;
    long long default_int = 0;
    std::vector<std::string> default_slice;
};

// Flag values handed to a driver's set_config_from_flags (cli.md §3.3.2): every declared flag is present.
class FlagValues {
public:
    using Value = std::variant<std::string, long long, bool, std::vector<std::string>>;

    void set(const std::string& name, Value value) { m_values[name] = std::move(value); }
    [[nodiscard]] std::string string(const std::string& name) const;
    [[nodiscard]] long long integer(const std::string& name) const;
    [[nodiscard]] bool boolean(const std::string& name) const;
    [[nodiscard]] std::vector<std::string> strings(const std::string& name) const;
    [[nodiscard]] bool has(const std::string& name) const { return m_values.count(name) != 0; }
    // Every value, by flag name (external plugins receive them all).
    [[nodiscard]] const std::map<std::string, Value>& all() const { return m_values; }

private:
    std::map<std::string, Value> m_values;
};

// Every flag of `flags` with its declared default (bools false): what a driver receives for flags that were
// not given (cli.md §3.3.2 step 1).
[[nodiscard]] FlagValues default_flag_values(const std::vector<FlagSpec>& flags);

// A driver's persisted state is a list of named fields in upstream's key order; the store turns it into the
// "Driver" object of config.json. Keeping JSON out of drivers keeps JSON out of their translation units.
struct RawJson {
    std::string text = "null";  // compact JSON text of a value this driver does not interpret
};
using FieldRef =
    std::variant<std::string*, long long*, int*, bool*, double*, std::vector<std::string>*, RawJson*>;
struct StateField {
    std::string_view key;
    FieldRef value;
};

// Fields every built-in driver starts with (store.md §4.1).
struct BaseDriverState {
    std::string ip_address;
    std::string machine_name;
    std::string ssh_user;
    int ssh_port = 0;
    std::string ssh_key_path;
    std::string store_path;  // storage root
    bool swarm_master = false;
    std::string swarm_host;
    std::string swarm_discovery;
};

class Driver {
public:
    Driver(std::string machine_name, std::string store_path);
    virtual ~Driver() = default;
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    // The name stored as DriverName ("none", "generic", ...).
    [[nodiscard]] virtual std::string driver_name() const = 0;
    [[nodiscard]] virtual std::vector<FlagSpec> create_flags() const = 0;
    // Throws Error with the driver's message (wrapped by the caller).
    virtual void set_config_from_flags(const FlagValues& flags) = 0;
    virtual void pre_create_check() {}
    virtual void create() = 0;
    virtual void remove() = 0;
    [[nodiscard]] virtual State state() = 0;
    // "tcp://ip:port"; throws Error("Host is not running") and the like.
    [[nodiscard]] virtual std::string url() = 0;
    [[nodiscard]] virtual std::string ip();
    virtual void start() = 0;
    virtual void stop() = 0;
    virtual void restart() = 0;
    virtual void kill() = 0;

    // SSH endpoint of the machine (drivers that have none throw NotSupported).
    [[nodiscard]] virtual std::string ssh_hostname();
    [[nodiscard]] virtual int ssh_port();
    [[nodiscard]] virtual std::string ssh_username();
    [[nodiscard]] virtual std::string ssh_key_path();

    // The persisted fields, base ones first, in upstream's key order. Drivers whose state is opaque to us
    // (external plugins) return an empty list and use raw_state instead.
    [[nodiscard]] virtual std::vector<StateField> state_fields() = 0;
    [[nodiscard]] virtual std::optional<std::string> raw_state() const { return std::nullopt; }
    virtual void set_raw_state(const std::string& /*json*/) {}

    [[nodiscard]] BaseDriverState& base() { return m_base; }
    [[nodiscard]] const BaseDriverState& base() const { return m_base; }

protected:
    // The base fields, in order, for state_fields() implementations to start with.
    [[nodiscard]] std::vector<StateField> base_state_fields();
    [[nodiscard]] std::string resolve_store_path(const std::string& file) const;

    BaseDriverState m_base;
};

// Maps driver names to factories. Unknown names are external plugins (docker-machine-driver-NAME on PATH).
using DriverFactory = std::unique_ptr<Driver> (*)(const std::string& machine_name,
                                                  const std::string& store_path);
struct DriverInfo {
    std::string name;
    DriverFactory factory;
};

// The built-in drivers, in a stable order.
[[nodiscard]] const std::vector<DriverInfo>& builtin_drivers();
// A new driver instance for `create`; throws Error `Driver "X" not found. Do you have the plugin binary ...`
// if unknown.
[[nodiscard]] std::unique_ptr<Driver> make_driver(const std::string& driver_name,
                                                  const std::string& machine_name,
                                                  const std::string& store_path);
// A driver for a machine being loaded: an unknown driver gives the "not found" placeholder (drivers.md §1.5)
// so that the machine still lists, inspects and can be removed.
[[nodiscard]] std::unique_ptr<Driver> make_driver_for_load(const std::string& driver_name,
                                                           const std::string& machine_name,
                                                           const std::string& store_path);

}  // namespace machine
