#include "machine/config_codec.hpp"

#include <strings.h>

#include <nlohmann/json.hpp>

#include "machine/error.hpp"
#include "machine/go_json.hpp"
#include "machine/go_path.hpp"

namespace machine {
namespace {

using Json = nlohmann::ordered_json;

// ---- decoding with Go's rules: exact key first, then a case-insensitive match; type errors are errors ----

const Json* find_key(const Json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    auto exact = object.find(std::string(key));
    if (exact != object.end()) {
        return &*exact;
    }
    for (const auto& [name, value] : object.items()) {
        if (name.size() == key.size() && ::strncasecmp(name.c_str(), key.data(), key.size()) == 0) {
            return &value;
        }
    }
    return nullptr;
}

std::string json_kind(const Json& value) {
    switch (value.type()) {
        case Json::value_t::string:
            return "string";
        case Json::value_t::boolean:
            return "bool";
        case Json::value_t::array:
            return "array";
        case Json::value_t::object:
            return "object";
        default:
            return "number";
    }
}

[[noreturn]] void type_error(const Json& value, std::string_view field, std::string_view go_type) {
    throw Error("json: cannot unmarshal " + json_kind(value) + " into Go struct field " + std::string(field) +
                " of type " + std::string(go_type));
}

// Decodes `key` of `object` into `target` if present (null leaves the target untouched, as in Go).
class Decoder {
public:
    Decoder(const Json& object, std::string struct_name)
        : m_object(object), m_struct(std::move(struct_name)) {}

    void get(std::string_view key, std::string& target) const {
        if (const Json* value = present(key)) {
            if (!value->is_string()) {
                type_error(*value, field(key), "string");
            }
            target = value->get<std::string>();
        }
    }
    void get(std::string_view key, bool& target) const {
        if (const Json* value = present(key)) {
            if (!value->is_boolean()) {
                type_error(*value, field(key), "bool");
            }
            target = value->get<bool>();
        }
    }
    void get(std::string_view key, long long& target) const {
        if (const Json* value = present(key)) {
            target = integer(*value, key);
        }
    }
    void get(std::string_view key, int& target) const {
        if (const Json* value = present(key)) {
            target = static_cast<int>(integer(*value, key));
        }
    }
    void get(std::string_view key, double& target) const {
        if (const Json* value = present(key)) {
            if (!value->is_number()) {
                type_error(*value, field(key), "float64");
            }
            target = value->get<double>();
        }
    }
    void get(std::string_view key, std::vector<std::string>& target) const {
        if (const Json* value = present(key)) {
            if (!value->is_array()) {
                type_error(*value, field(key), "[]string");
            }
            target.clear();
            for (const auto& element : *value) {
                if (!element.is_string()) {
                    type_error(element, field(key), "string");
                }
                target.push_back(element.get<std::string>());
            }
        }
    }
    void get(std::string_view key, RawJson& target) const {
        if (const Json* value = find_key(m_object, key)) {
            target.text = go_json::marshal(*value);
        }
    }

private:
    const Json* present(std::string_view key) const {
        const Json* value = find_key(m_object, key);
        return value == nullptr || value->is_null() ? nullptr : value;
    }
    std::string field(std::string_view key) const { return m_struct + "." + std::string(key); }
    long long integer(const Json& value, std::string_view key) const {
        if (value.is_number_integer() || value.is_number_unsigned()) {
            return value.get<long long>();
        }
        if (value.is_number_float()) {
            throw Error("json: cannot unmarshal number " + go_json::marshal(value) +
                        " into Go struct field " + field(key) + " of type int");
        }
        type_error(value, field(key), "int");
    }

    const Json& m_object;
    std::string m_struct;
};

// ---- encoding: overlay values onto an existing document so that order and null-vs-[] survive ----

void put_strings(Json& slot, const std::vector<std::string>& values) {
    if (values.empty() && slot.is_null()) {
        return;  // a nil slice stays null, an empty one stays []
    }
    slot = Json::array();
    for (const auto& value : values) {
        slot.push_back(value);
    }
}

void put_field(Json& object, const StateField& field) {
    Json& slot = object[std::string(field.key)];
    std::visit(
        [&slot](auto* pointer) {
            using T = std::remove_pointer_t<decltype(pointer)>;
            if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                put_strings(slot, *pointer);
            } else if constexpr (std::is_same_v<T, RawJson>) {
                slot = Json::parse(pointer->text);
            } else {
                slot = *pointer;
            }
        },
        field.value);
}

Json canonical_document() {
    // Key order of a file written by docker-machine 0.16.2 (store.md §4).
    Json engine = Json::object();
    engine["ArbitraryFlags"] = Json::array();
    engine["Dns"] = nullptr;
    engine["GraphDir"] = "";
    engine["Env"] = Json::array();
    engine["Ipv6"] = false;
    engine["InsecureRegistry"] = Json::array();
    engine["Labels"] = Json::array();
    engine["LogLevel"] = "";
    engine["StorageDriver"] = "";
    engine["SelinuxEnabled"] = false;
    engine["TlsVerify"] = true;
    engine["RegistryMirror"] = Json::array();
    engine["InstallURL"] = "";
    Json swarm = Json::object();
    for (const char* key : {"IsSwarm", "Address", "Discovery", "Agent", "Master", "Host", "Image", "Strategy",
                            "Heartbeat", "Overcommit"}) {
        swarm[key] = nullptr;
    }
    swarm["ArbitraryFlags"] = Json::array();
    swarm["ArbitraryJoinFlags"] = Json::array();
    swarm["Env"] = nullptr;
    swarm["IsExperimental"] = false;
    Json auth = Json::object();
    for (const char* key :
         {"CertDir", "CaCertPath", "CaPrivateKeyPath", "CaCertRemotePath", "ServerCertPath", "ServerKeyPath",
          "ClientKeyPath", "ServerCertRemotePath", "ServerKeyRemotePath", "ClientCertPath"}) {
        auth[key] = "";
    }
    auth["ServerCertSANs"] = Json::array();
    auth["StorePath"] = "";
    Json options = Json::object();
    options["Driver"] = "";
    options["Memory"] = 0;
    options["Disk"] = 0;
    options["EngineOptions"] = engine;
    options["SwarmOptions"] = swarm;
    options["AuthOptions"] = auth;
    Json document = Json::object();
    document["ConfigVersion"] = Host::k_config_version;
    document["Driver"] = Json::object();
    document["DriverName"] = "";
    document["HostOptions"] = options;
    document["Name"] = "";
    return document;
}

// A section that is null or missing in an old document is recreated in canonical form.
Json& section(Json& parent, const char* key, const Json& canonical) {
    Json& slot = parent[key];
    if (!slot.is_object()) {
        slot = canonical;
    }
    return slot;
}

void encode_options(Json& options, const HostOptions& host_options, const Json& canonical) {
    Json& engine = section(options, "EngineOptions", canonical["EngineOptions"]);
    const EngineOptions& e = host_options.engine;
    put_strings(engine["ArbitraryFlags"], e.arbitrary_flags);
    put_strings(engine["Env"], e.env);
    put_strings(engine["InsecureRegistry"], e.insecure_registry);
    put_strings(engine["Labels"], e.labels);
    engine["StorageDriver"] = e.storage_driver;
    engine["TlsVerify"] = e.tls_verify;
    put_strings(engine["RegistryMirror"], e.registry_mirror);
    engine["InstallURL"] = e.install_url;

    Json& swarm = section(options, "SwarmOptions", canonical["SwarmOptions"]);
    const SwarmOptions& s = host_options.swarm;
    swarm["IsSwarm"] = s.is_swarm;
    swarm["Address"] = s.address;
    swarm["Discovery"] = s.discovery;
    swarm["Agent"] = s.agent;
    swarm["Master"] = s.master;
    swarm["Host"] = s.host;
    swarm["Image"] = s.image;
    swarm["Strategy"] = s.strategy;
    swarm["Heartbeat"] = s.heartbeat;
    // Go writes float64 zero as 0; keep an integer when the value is whole so that it prints the same.
    if (s.overcommit == static_cast<double>(static_cast<long long>(s.overcommit))) {
        swarm["Overcommit"] = static_cast<long long>(s.overcommit);
    } else {
        swarm["Overcommit"] = s.overcommit;
    }
    put_strings(swarm["ArbitraryFlags"], s.arbitrary_flags);
    put_strings(swarm["ArbitraryJoinFlags"], s.arbitrary_join_flags);
    swarm["IsExperimental"] = s.is_experimental;
    if (s.swarm_mode) {
        swarm["SwarmMode"] = true;
    } else {
        swarm.erase("SwarmMode");  // keeps upstream's key set for everything else
    }

    Json& auth = section(options, "AuthOptions", canonical["AuthOptions"]);
    const AuthOptions& a = host_options.auth;
    auth["CertDir"] = a.cert_dir;
    auth["CaCertPath"] = a.ca_cert_path;
    auth["CaPrivateKeyPath"] = a.ca_private_key_path;
    auth["CaCertRemotePath"] = a.ca_cert_remote_path;
    auth["ServerCertPath"] = a.server_cert_path;
    auth["ServerKeyPath"] = a.server_key_path;
    auth["ClientKeyPath"] = a.client_key_path;
    auth["ServerCertRemotePath"] = a.server_cert_remote_path;
    auth["ServerKeyRemotePath"] = a.server_key_remote_path;
    auth["ClientCertPath"] = a.client_cert_path;
    put_strings(auth["ServerCertSANs"], a.server_cert_sans);
    auth["StorePath"] = a.store_path;
}

void decode_options(const Json& options, HostOptions& out) {
    if (const Json* engine = find_key(options, "EngineOptions"); engine && engine->is_object()) {
        Decoder d(*engine, "Options");
        EngineOptions& e = out.engine;
        e.install_url.clear();
        e.tls_verify = false;
        d.get("ArbitraryFlags", e.arbitrary_flags);
        d.get("Env", e.env);
        d.get("InsecureRegistry", e.insecure_registry);
        d.get("Labels", e.labels);
        d.get("StorageDriver", e.storage_driver);
        d.get("TlsVerify", e.tls_verify);
        d.get("RegistryMirror", e.registry_mirror);
        d.get("InstallURL", e.install_url);
    }
    if (const Json* swarm = find_key(options, "SwarmOptions"); swarm && swarm->is_object()) {
        Decoder d(*swarm, "Options");
        SwarmOptions& s = out.swarm;
        s = SwarmOptions{};
        s.host.clear();
        s.image.clear();
        s.strategy.clear();
        d.get("IsSwarm", s.is_swarm);
        d.get("Address", s.address);
        d.get("Discovery", s.discovery);
        d.get("Agent", s.agent);
        d.get("Master", s.master);
        d.get("Host", s.host);
        d.get("Image", s.image);
        d.get("Strategy", s.strategy);
        d.get("Heartbeat", s.heartbeat);
        d.get("Overcommit", s.overcommit);
        d.get("ArbitraryFlags", s.arbitrary_flags);
        d.get("ArbitraryJoinFlags", s.arbitrary_join_flags);
        d.get("IsExperimental", s.is_experimental);
        d.get("SwarmMode", s.swarm_mode);
    }
    if (const Json* auth = find_key(options, "AuthOptions"); auth && auth->is_object()) {
        Decoder d(*auth, "Options");
        AuthOptions& a = out.auth;
        d.get("CertDir", a.cert_dir);
        d.get("CaCertPath", a.ca_cert_path);
        d.get("CaPrivateKeyPath", a.ca_private_key_path);
        d.get("CaCertRemotePath", a.ca_cert_remote_path);
        d.get("ServerCertPath", a.server_cert_path);
        d.get("ServerKeyPath", a.server_key_path);
        d.get("ClientKeyPath", a.client_key_path);
        d.get("ServerCertRemotePath", a.server_cert_remote_path);
        d.get("ServerKeyRemotePath", a.server_key_remote_path);
        d.get("ClientCertPath", a.client_cert_path);
        d.get("ServerCertSANs", a.server_cert_sans);
        d.get("StorePath", a.store_path);
    }
}

std::string string_at(const Json& object, std::string_view key) {
    const Json* value = find_key(object, key);
    return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

// v0 (flat) -> v1 (nested HostOptions with the v1 AuthOptions shape), store.md §5.
void migrate_v0_to_v1(Json& document) {
    Json options = canonical_document()["HostOptions"];
    Json& engine = options["EngineOptions"];
    for (auto& [key, value] : engine.items()) {
        value = value.is_array() ? Json(nullptr) : value;
    }
    engine["TlsVerify"] = true;
    engine["InstallURL"] = "https://get.docker.com";
    Json& swarm = options["SwarmOptions"];
    for (auto& [key, value] : swarm.items()) {
        value = value.is_array() ? Json(nullptr) : value;
    }
    swarm["IsSwarm"] = false;
    swarm["Address"] = "";
    swarm["Discovery"] = string_at(document, "SwarmDiscovery");
    swarm["Agent"] = false;
    const Json* master = find_key(document, "SwarmMaster");
    swarm["Master"] = master != nullptr && master->is_boolean() && master->get<bool>();
    swarm["Host"] = string_at(document, "SwarmHost");
    swarm["Image"] = "";
    swarm["Strategy"] = "";
    swarm["Heartbeat"] = 0;
    swarm["Overcommit"] = 0;
    Json auth = Json::object();
    auth["StorePath"] = string_at(document, "StorePath");
    auth["CaCertPath"] = string_at(document, "CaCertPath");
    auth["CaCertRemotePath"] = "";
    auth["ServerCertPath"] = string_at(document, "ServerCertPath");
    auth["ServerKeyPath"] = string_at(document, "ServerKeyPath");
    auth["ClientKeyPath"] = string_at(document, "ClientKeyPath");
    auth["ServerCertRemotePath"] = "";
    auth["ServerKeyRemotePath"] = "";
    auth["PrivateKeyPath"] = string_at(document, "PrivateKeyPath");
    auth["ClientCertPath"] = string_at(document, "ClientCertPath");
    options["AuthOptions"] = auth;
    document["HostOptions"] = options;
}

// v1 -> v2: the current AuthOptions shape, rooted at the global store (parent of parent of the machine dir).
void migrate_v1_to_v2(Json& document) {
    std::string global_store = go_path::dir(go_path::dir(string_at(document, "StorePath")));
    Json* options = document.contains("HostOptions") ? &document["HostOptions"] : nullptr;
    Json old_auth = options != nullptr && (*options)["AuthOptions"].is_object() ? (*options)["AuthOptions"]
                                                                                : Json::object();
    Json auth = Json::object();
    auth["CertDir"] = go_path::join({global_store, "certs"});
    auth["CaCertPath"] = string_at(old_auth, "CaCertPath");
    auth["CaPrivateKeyPath"] = string_at(old_auth, "PrivateKeyPath");
    auth["CaCertRemotePath"] = string_at(old_auth, "CaCertRemotePath");
    auth["ServerCertPath"] = string_at(old_auth, "ServerCertPath");
    auth["ServerKeyPath"] = string_at(old_auth, "ServerKeyPath");
    auth["ClientKeyPath"] = string_at(old_auth, "ClientKeyPath");
    auth["ServerCertRemotePath"] = string_at(old_auth, "ServerCertRemotePath");
    auth["ServerKeyRemotePath"] = string_at(old_auth, "ServerKeyRemotePath");
    auth["ClientCertPath"] = string_at(old_auth, "ClientCertPath");
    auth["ServerCertSANs"] = nullptr;
    auth["StorePath"] = global_store;
    if (options == nullptr || !options->is_object()) {
        document["HostOptions"] = canonical_document()["HostOptions"];
        options = &document["HostOptions"];
    }
    (*options)["AuthOptions"] = auth;
    if (const Json* driver = find_key(document, "Driver"); driver != nullptr) {
        document["Name"] = string_at(*driver, "MachineName");
    }
}

// v2 -> v3: the driver's state gets the store root as StorePath.
void migrate_v2_to_v3(Json& document) {
    std::string global_store = go_path::dir(go_path::dir(string_at(document, "StorePath")));
    Json& driver = document["Driver"];
    if (!driver.is_object()) {
        driver = Json::object();
    }
    driver["StorePath"] = global_store;
}

// Reorders a migrated document into the v3 key order, dropping the flat v0-v2 keys.
Json to_v3_layout(const Json& document) {
    Json out = Json::object();
    out["ConfigVersion"] = Host::k_config_version;
    const Json* driver = find_key(document, "Driver");
    out["Driver"] = driver != nullptr ? *driver : Json::object();
    out["DriverName"] = string_at(document, "DriverName");
    const Json* options = find_key(document, "HostOptions");
    out["HostOptions"] = options != nullptr ? *options : Json(nullptr);
    out["Name"] = string_at(document, "Name");
    return out;
}

}  // namespace

std::string encode_host(const Host& host) {
    Json canonical = canonical_document();
    Json document = host.loaded_config_json.empty() ? canonical : Json::parse(host.loaded_config_json);
    document.erase("RawDriver");  // older files carry it; upstream never writes it back
    document["ConfigVersion"] = Host::k_config_version;

    Json& driver = document["Driver"];
    if (auto raw = host.driver->raw_state()) {
        // An external plugin's own JSON (drivers that are not ours may answer anything).
        try {
            driver = Json::parse(*raw);
        } catch (const nlohmann::json::exception&) {
            throw Error("json: error calling MarshalJSON for type *rpcdriver.RPCClientDriver: " +
                        go_json::parse_error_text(*raw));
        }
    } else {
        if (!driver.is_object()) {
            driver = Json::object();
        }
        for (const StateField& field : host.driver->state_fields()) {
            put_field(driver, field);
        }
    }
    document["DriverName"] = host.driver_name;
    Json& options = section(document, "HostOptions", canonical["HostOptions"]);
    encode_options(options, host.options, canonical["HostOptions"]);
    document["Name"] = host.name;
    return go_json::marshal_indent(document);
}

DecodedHost decode_host(const std::string& name, const std::string& bytes) {
    Json document;
    try {
        document = Json::parse(bytes);
    } catch (const nlohmann::json::exception&) {
        throw Error("Error getting migrated host: " + go_json::parse_error_text(bytes));
    }
    if (!document.is_object()) {
        throw Error("Error getting migrated host: json: cannot unmarshal " + json_kind(document) +
                    " into Go value of type host.Metadata");
    }

    long long version = 0;
    try {
        Decoder(document, "Metadata").get("ConfigVersion", version);
    } catch (const Error& error) {
        throw Error(std::string("Error getting migrated host: ") + error.what());
    }
    if (version > Host::k_config_version) {
        throw Error(
            "Error getting migrated host: config version is from the future -- you should upgrade your "
            "Docker "
            "Machine client");
    }
    DecodedHost decoded;
    decoded.migrated = version < Host::k_config_version;
    try {
        if (version <= 0) {
            migrate_v0_to_v1(document);
        }
        if (version <= 1) {
            migrate_v1_to_v2(document);
        }
        if (version <= 2) {
            migrate_v2_to_v3(document);
            document = to_v3_layout(document);
        }
    } catch (const nlohmann::json::exception& error) {
        throw Error("Error getting migrated host: Error unmarshalling host config version " +
                    std::to_string(version) + ": " + error.what());
    }

    auto host = std::make_unique<Host>();
    host->name = name;
    std::string stage = "Error unmarshalling most recent host version: ";
    try {
        Decoder top(document, "Host");
        top.get("DriverName", host->driver_name);
        const Json* driver_json = find_key(document, "Driver");
        std::string store_path;
        if (driver_json != nullptr) {
            Decoder(*driver_json, "Driver").get("StorePath", store_path);
        }
        host->driver = make_driver_for_load(host->driver_name, name, store_path);
        if (driver_json != nullptr && driver_json->is_object()) {
            if (host->driver->raw_state()) {
                host->driver->set_raw_state(go_json::marshal(*driver_json));
            } else {
                Decoder driver_decoder(*driver_json, "Driver");
                for (const StateField& field : host->driver->state_fields()) {
                    std::visit([&](auto* pointer) { driver_decoder.get(field.key, *pointer); }, field.value);
                }
            }
        }
        if (const Json* options = find_key(document, "HostOptions");
            options != nullptr && options->is_object()) {
            decode_options(*options, host->options);
        }
    } catch (const Error& error) {
        throw Error("Error getting migrated host: " + stage + error.what());
    }
    // The directory name wins over whatever the JSON says.
    host->driver->base().machine_name =
        host->driver->base().machine_name.empty() ? name : host->driver->base().machine_name;
    host->loaded_config_json = go_json::marshal(document);
    decoded.host = std::move(host);
    return decoded;
}

AuthOptions default_auth_options(const std::string& storage_root, const std::string& machine_name,
                                 const TlsPathOverrides& overrides) {
    AuthOptions auth;
    std::string cert_dir = go_path::join({storage_root, "certs"});
    std::string machine_dir = go_path::join({storage_root, "machines", machine_name});
    auto pick = [&](const std::string& given, const char* file) {
        return given.empty() ? go_path::join({cert_dir, file}) : given;
    };
    auth.cert_dir = cert_dir;
    auth.ca_cert_path = pick(overrides.ca_cert, "ca.pem");
    auth.ca_private_key_path = pick(overrides.ca_key, "ca-key.pem");
    auth.client_cert_path = pick(overrides.client_cert, "cert.pem");
    auth.client_key_path = pick(overrides.client_key, "key.pem");
    auth.server_cert_path = go_path::join({machine_dir, "server.pem"});
    auth.server_key_path = go_path::join({machine_dir, "server-key.pem"});
    auth.store_path = machine_dir;
    return auth;
}

}  // namespace machine
