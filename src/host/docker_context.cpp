#include "machine/docker_context.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"

namespace machine::docker_context {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* k_marker = "DockerMachineStore";

std::string sha256_hex(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
        throw Error("sha256 failed");
    }
    static const char* const k_hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += k_hex[digest[i] >> 4];
        out += k_hex[digest[i] & 0xf];
    }
    return out;
}

std::string tls_dir(const std::string& config_dir, const std::string& name) {
    return go_path::join({config_dir, "contexts", "tls", sha256_hex(name)});
}

bool exists(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
}

// The marker of an existing context: nullopt when there is no context, "" when it is not one of ours.
std::optional<std::string> owner_of(const std::string& config_dir, const std::string& name) {
    std::string meta = go_path::join({meta_dir(config_dir, name), "meta.json"});
    if (!exists(meta)) {
        return std::nullopt;
    }
    try {
        Json document = Json::parse(read_file(meta));
        const Json& marker = document.at("Metadata").at(k_marker);
        return marker.is_string() ? marker.get<std::string>() : std::string();
    } catch (const std::exception&) {
        return std::string();
    }
}

void remove_tree(const std::string& path) {
    std::error_code error;
    std::filesystem::remove_all(path, error);
    if (error) {
        throw Error("remove " + path + ": " + error.message());
    }
}

void clear_current_context(const std::string& config_dir, const std::string& name) {
    std::string path = go_path::join({config_dir, "config.json"});
    if (!exists(path)) {
        return;
    }
    Json config;
    try {
        config = Json::parse(read_file(path));
    } catch (const std::exception&) {
        return;  // not ours to repair
    }
    auto current = config.find("currentContext");
    if (!config.is_object() || current == config.end() || !current->is_string() || *current != name) {
        return;
    }
    config.erase("currentContext");
    struct stat info {};
    mode_t mode = ::stat(path.c_str(), &info) == 0 ? (info.st_mode & 07777) : 0600;
    write_file_atomic(path, config.dump(1, '\t') + "\n", mode);
}

}  // namespace

std::string docker_config_dir() {
    const char* from_env = std::getenv("DOCKER_CONFIG");
    if (from_env != nullptr && *from_env != '\0') {
        return from_env;
    }
    const char* home = std::getenv("HOME");
    return go_path::join({home == nullptr ? "" : home, ".docker"});
}

bool is_valid_context_name(const std::string& name) {
    static const std::regex k_pattern("^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$");
    return std::regex_match(name, k_pattern);
}

std::string meta_dir(const std::string& config_dir, const std::string& name) {
    return go_path::join({config_dir, "contexts", "meta", sha256_hex(name)});
}

void write_context(const std::string& config_dir, const ContextSpec& spec) {
    if (!is_valid_context_name(spec.name)) {
        throw Error("Invalid Docker context name " + spec.name +
                    ": the Docker CLI wants ^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$");
    }
    auto owner = owner_of(config_dir, spec.name);
    if (owner && *owner != spec.machine_store) {
        throw Error(
            "A Docker context named " + spec.name +
            " already exists and was not created by docker-machine for this store; remove it first with: "
            "docker context rm " +
            spec.name);
    }
    Json endpoint = Json::object();
    endpoint["Host"] = spec.docker_host;
    endpoint["SkipTLSVerify"] = false;
    Json meta = Json::object();
    meta["Name"] = spec.name;
    meta["Metadata"] = Json::object();
    meta["Metadata"]["Description"] = spec.description;
    meta["Metadata"][k_marker] = spec.machine_store;
    meta["Endpoints"] = Json::object();
    meta["Endpoints"]["docker"] = std::move(endpoint);

    const std::string tls = go_path::join({tls_dir(config_dir, spec.name), "docker"});
    if (owner) {
        remove_tree(tls_dir(config_dir, spec.name));
    }
    make_directories(tls, 0700);
    write_file_atomic(go_path::join({tls, "ca.pem"}), spec.ca_pem, 0600);
    write_file_atomic(go_path::join({tls, "cert.pem"}), spec.cert_pem, 0600);
    write_file_atomic(go_path::join({tls, "key.pem"}), spec.key_pem, 0600);
    const std::string meta_directory = meta_dir(config_dir, spec.name);
    make_directories(meta_directory, 0755);
    write_file_atomic(go_path::join({meta_directory, "meta.json"}), meta.dump() + "\n", 0644);
}

bool is_ours(const std::string& config_dir, const std::string& name, const std::string& machine_store) {
    if (!is_valid_context_name(name)) {
        return false;
    }
    auto owner = owner_of(config_dir, name);
    return owner && *owner == machine_store;
}

RemoveOutcome remove_context(const std::string& config_dir, const std::string& name,
                             const std::string& machine_store) {
    if (!is_valid_context_name(name)) {
        return RemoveOutcome::NotFound;
    }
    auto owner = owner_of(config_dir, name);
    if (!owner) {
        return RemoveOutcome::NotFound;
    }
    if (*owner != machine_store) {
        return RemoveOutcome::NotOurs;
    }
    clear_current_context(config_dir, name);
    remove_tree(meta_dir(config_dir, name));
    remove_tree(tls_dir(config_dir, name));
    return RemoveOutcome::Removed;
}

}  // namespace machine::docker_context
