#include "machine/machine_archive.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "machine/go_json.hpp"
#include "machine/go_path.hpp"
#include "machine/go_quote.hpp"
#include "machine/host.hpp"
#include "machine/log.hpp"
#include "store/tar_gz.hpp"

namespace machine::archive {
namespace {

using Json = nlohmann::ordered_json;

constexpr int k_format_version = 1;
constexpr const char* k_manifest = "docker-machine-export.json";
constexpr std::uintmax_t k_largest_file = 64u << 20;  // a VM disk image is not configuration

bool is_plain_file_name(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

std::string absolute(const std::string& path) {
    std::error_code error;
    auto result = std::filesystem::absolute(path, error);
    return error ? path : result.lexically_normal().string();
}

std::optional<std::string> read_if_present(const std::string& path) {
    struct stat info {};
    if (path.empty() || ::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
        return std::nullopt;
    }
    return read_file(path);
}

// The string `value` with its path prefix `from` replaced by `to` (whole path components only).
std::optional<std::string> replace_prefix(const std::string& value, const std::string& from,
                                          const std::string& to) {
    if (from.empty() || value.rfind(from, 0) != 0) {
        return std::nullopt;
    }
    if (value.size() != from.size() && value[from.size()] != '/') {
        return std::nullopt;
    }
    return to + value.substr(from.size());
}

struct PathMap {
    std::map<std::string, std::string> exact;
    std::vector<std::pair<std::string, std::string>> prefixes;  // longest first

    [[nodiscard]] std::optional<std::string> map(const std::string& value) const {
        if (auto found = exact.find(value); found != exact.end()) {
            return found->second;
        }
        for (const auto& [from, to] : prefixes) {
            if (auto replaced = replace_prefix(value, from, to)) {
                return replaced;
            }
        }
        return std::nullopt;
    }
};

void rewrite_paths(Json& value, const PathMap& paths) {
    if (value.is_string()) {
        if (auto mapped = paths.map(value.get<std::string>())) {
            value = *mapped;
        }
    } else if (value.is_structured()) {
        for (auto& child : value) {
            rewrite_paths(child, paths);
        }
    }
}

std::string manifest_string(const Json& manifest, const char* key) {
    auto found = manifest.find(key);
    return found != manifest.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

void export_machine(const Store& store, const std::string& name, const std::string& archive_path,
                    bool include_ca_key) {
    auto lock = store.lock_machine(name);
    auto host = store.load(name);
    const AuthOptions& auth = host->options.auth;
    const std::string machine_dir = store.machine_dir(name);

    std::vector<tar_gz::Entry> entries;
    Json manifest = Json::object();
    manifest["FormatVersion"] = k_format_version;
    manifest["Name"] = name;
    manifest["StorePath"] = absolute(store.root());
    manifest["MachineDir"] = absolute(machine_dir);
    manifest["CertDir"] = auth.cert_dir;
    manifest["CaCertPath"] = auth.ca_cert_path;
    manifest["CaPrivateKeyPath"] = auth.ca_private_key_path;
    manifest["ClientCertPath"] = auth.client_cert_path;
    manifest["ClientKeyPath"] = auth.client_key_path;
    manifest["IncludesCaKey"] = include_ca_key;
    entries.push_back({k_manifest, manifest.dump(4) + "\n", 0600});

    std::error_code error;
    std::vector<std::string> file_names;
    for (const auto& item : std::filesystem::directory_iterator(machine_dir, error)) {
        if (!item.is_regular_file(error)) {
            continue;
        }
        const std::string file_name = item.path().filename().string();
        if (item.file_size(error) > k_largest_file) {
            log::warn("Not exporting " + item.path().string() + ": larger than 64 MiB");
            continue;
        }
        file_names.push_back(file_name);
    }
    if (error) {
        throw Error("Error reading " + machine_dir + ": " + error.message());
    }
    std::sort(file_names.begin(), file_names.end());
    for (const auto& file_name : file_names) {
        const std::string path = go_path::join({machine_dir, file_name});
        struct stat info {};
        mode_t mode = ::stat(path.c_str(), &info) == 0 ? (info.st_mode & 0777) : 0600;
        entries.push_back({"machine/" + file_name, read_file(path), mode});
    }

    std::pair<const std::string*, const char*> certificates[] = {
        {&auth.ca_cert_path, "certs/ca.pem"},
        {&auth.client_cert_path, "certs/cert.pem"},
        {&auth.client_key_path, "certs/key.pem"},
        {&auth.ca_private_key_path, "certs/ca-key.pem"},
    };
    for (const auto& [path, entry_name] : certificates) {
        if (std::string(entry_name) == "certs/ca-key.pem" && !include_ca_key) {
            continue;
        }
        if (auto content = read_if_present(*path)) {
            entries.push_back({entry_name, *content, 0600});
        }
    }
    write_file_atomic(archive_path, tar_gz::pack(entries), 0600);
}

std::string import_machine(const Store& store, const std::string& archive_path) {
    std::vector<tar_gz::Entry> entries;
    try {
        entries = tar_gz::unpack(read_file(archive_path));
    } catch (const Error& error) {
        throw Error("Error reading " + archive_path + ": " + error.what());
    }
    Json manifest;
    std::map<std::string, const tar_gz::Entry*> machine_files;
    std::map<std::string, const tar_gz::Entry*> cert_files;
    for (const auto& entry : entries) {
        if (entry.name == k_manifest) {
            manifest = Json::parse(entry.content, nullptr, /*allow_exceptions=*/false);
        } else if (entry.name.rfind("machine/", 0) == 0 && is_plain_file_name(entry.name.substr(8))) {
            machine_files[entry.name.substr(8)] = &entry;
        } else if (entry.name.rfind("certs/", 0) == 0 && is_plain_file_name(entry.name.substr(6))) {
            cert_files[entry.name.substr(6)] = &entry;
        }
    }
    if (!manifest.is_object() || manifest.value("FormatVersion", 0) != k_format_version ||
        machine_files.count("config.json") == 0) {
        throw Error(archive_path + " is not a machine archive made by docker-machine export");
    }
    const std::string name = manifest_string(manifest, "Name");
    if (!is_valid_machine_name(name)) {
        throw Error(archive_path + " holds an invalid machine name " + go_quote(name));
    }

    auto lock = store.lock_machine(name);
    if (store.exists(name)) {
        throw Error("Docker machine " + go_quote(name) + " already exists");
    }
    const std::string machine_dir = absolute(store.machine_dir(name));
    PathMap paths;
    paths.exact[manifest_string(manifest, "CertDir")] = machine_dir;
    paths.exact[manifest_string(manifest, "CaCertPath")] = go_path::join({machine_dir, "ca.pem"});
    paths.exact[manifest_string(manifest, "CaPrivateKeyPath")] = go_path::join({machine_dir, "ca-key.pem"});
    paths.exact[manifest_string(manifest, "ClientCertPath")] = go_path::join({machine_dir, "cert.pem"});
    paths.exact[manifest_string(manifest, "ClientKeyPath")] = go_path::join({machine_dir, "key.pem"});
    paths.exact.erase("");
    paths.prefixes.emplace_back(manifest_string(manifest, "MachineDir"), machine_dir);
    paths.prefixes.emplace_back(manifest_string(manifest, "StorePath"), absolute(store.root()));

    Json config = Json::parse(machine_files["config.json"]->content, nullptr, /*allow_exceptions=*/false);
    if (!config.is_object()) {
        throw Error(archive_path + ": machine/config.json is not valid JSON");
    }
    rewrite_paths(config, paths);

    // Unpacked beside the machines, then renamed into place: a failure leaves no half machine behind.
    make_directories(store.machines_dir(), 0700);
    const std::string staging = go_path::join({store.machines_dir(), "." + name + ".import"});
    std::filesystem::remove_all(staging);
    make_directories(staging, 0700);
    try {
        for (const auto& [file_name, entry] : machine_files) {
            if (file_name != "config.json") {
                write_file_atomic(go_path::join({staging, file_name}), entry->content,
                                  (entry->mode & 0700) | 0600);
            }
        }
        for (const auto& [file_name, entry] : cert_files) {
            if (machine_files.count(file_name) ==
                0) {  // the machine's own copies win: they match its server cert
                write_file_atomic(go_path::join({staging, file_name}), entry->content, 0600);
            }
        }
        write_file_atomic(go_path::join({staging, "config.json"}), go_json::marshal_indent(config), 0600);
        if (std::rename(staging.c_str(), store.machine_dir(name).c_str()) != 0) {
            throw Error(go_path_error("rename", staging, errno));
        }
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(staging, ignored);
        throw;
    }
    try {
        (void)store.load(name);
    } catch (const Error& error) {
        store.remove(name);
        throw Error(archive_path + ": the machine's config.json does not load: " + error.what());
    }
    return name;
}

}  // namespace machine::archive
