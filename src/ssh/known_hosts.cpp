// Host-key pinning in OpenSSH's known_hosts format, shared by the native and the external client: the line
// format, the lookup, fingerprints and the one wording of a refused host key.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host_key_pin.hpp"
#include "key_blob.hpp"
#include "libssh_handles.hpp"
#include "machine/atomic_file.hpp"
#include "machine/log.hpp"
#include "machine/ssh.hpp"

namespace machine::ssh {
namespace {

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t pos = 0;
    while (pos < line.size()) {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) {
            ++pos;
        }
        if (pos >= line.size()) {
            break;
        }
        std::size_t end = pos;
        while (end < line.size() && line[end] != ' ' && line[end] != '\t') {
            ++end;
        }
        fields.push_back(line.substr(pos, end - pos));
        pos = end;
    }
    return fields;
}

// OpenSSH's match_pattern: '*' matches any run of characters, '?' one character; nothing else is special
// (so "[host]:port" is literal).
bool wildcard_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = std::string_view::npos;
    std::size_t resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

// OpenSSH's host pattern lists: comma-separated, '*' and '?' wildcards, '!' negates (a negated match wins).
bool host_list_matches(std::string_view patterns, const std::string& name) {
    bool matched = false;
    std::size_t pos = 0;
    while (pos <= patterns.size()) {
        std::size_t comma = patterns.find(',', pos);
        if (comma == std::string_view::npos) {
            comma = patterns.size();
        }
        std::string_view pattern = patterns.substr(pos, comma - pos);
        pos = comma + 1;
        bool negated = !pattern.empty() && pattern.front() == '!';
        if (negated) {
            pattern.remove_prefix(1);
        }
        if (pattern.empty()) {
            continue;
        }
        if (wildcard_match(lower(pattern), name)) {
            if (negated) {
                return false;
            }
            matched = true;
        }
    }
    return matched;
}

std::string display_host(const std::string& host, int port) {
    if (host.find(':') != std::string::npos) {
        return "[" + host + "]:" + std::to_string(port);
    }
    return host + ":" + std::to_string(port);
}

}  // namespace

std::string known_hosts_host(const std::string& host, int port) {
    if (port == 22) {
        return host;
    }
    return "[" + host + "]:" + std::to_string(port);
}

std::string known_hosts_line(const std::string& host, int port, const std::string& key_type,
                             const std::string& key_base64) {
    return known_hosts_host(host, port) + " " + key_type + " " + key_base64 + "\n";
}

std::vector<PinnedKey> find_pinned_keys(std::string_view known_hosts_text, const std::string& host,
                                        int port) {
    const std::string name = lower(known_hosts_host(host, port));
    std::vector<PinnedKey> keys;
    std::size_t pos = 0;
    while (pos < known_hosts_text.size()) {
        std::size_t end = known_hosts_text.find('\n', pos);
        if (end == std::string_view::npos) {
            end = known_hosts_text.size();
        }
        std::string_view line = known_hosts_text.substr(pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        auto fields = split_fields(line);
        if (fields.size() < 3 || fields[0].front() == '#' || fields[0].front() == '@' ||
            fields[0].starts_with("|")) {
            continue;
        }
        if (host_list_matches(fields[0], name)) {
            keys.push_back(PinnedKey{std::string(fields[1]), std::string(fields[2])});
        }
    }
    return keys;
}

std::optional<std::string> key_fingerprint(const std::string& key_base64) {
    auto type = detail::key_blob_type(key_base64);
    if (!type) {
        return std::nullopt;
    }
    ssh_key raw_key = nullptr;
    if (detail::libssh().ssh_pki_import_pubkey_base64(
            key_base64.c_str(), detail::libssh().ssh_key_type_from_name(type->c_str()), &raw_key) != SSH_OK) {
        return std::nullopt;
    }
    detail::Key key(raw_key);
    unsigned char* raw_hash = nullptr;
    std::size_t hash_length = 0;
    if (detail::libssh().ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &raw_hash,
                                                &hash_length) != 0) {
        return std::nullopt;
    }
    detail::Hash hash(raw_hash);
    detail::CString text(
        detail::libssh().ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash.get(), hash_length));
    if (!text) {
        return std::nullopt;
    }
    return std::string(text.get());
}

std::string host_key_changed_message(const std::string& host, int port, const std::string& known_hosts_path,
                                     const std::string& expected, const std::string& got) {
    return "Host key for " + display_host(host, port) + " has changed (expected " +
           (expected.empty() ? std::string("the key pinned in ") + known_hosts_path : expected) + ", got " +
           (got.empty() ? std::string("another key") : got) +
           "). Either the connection is being intercepted, or the machine was rebuilt with a new host key. "
           "If you trust the new key, delete " +
           known_hosts_path + ": the next connection records the key the host presents.";
}

std::string host_key_unknown_message(const std::string& host, int port, const std::string& known_hosts_path,
                                     const std::string& got) {
    return "No host key for " + display_host(host, port) + " is pinned in " + known_hosts_path +
           (got.empty() ? std::string() : " (the host presented " + got + ")") +
           ". If you trust this host, delete " + known_hosts_path +
           ": the next connection records the key the host presents.";
}

}  // namespace machine::ssh

namespace machine::ssh::detail {

PinState check_host_key(const Endpoint& endpoint, const std::string& key_type,
                        const std::string& key_base64) {
    if (endpoint.known_hosts_path.empty()) {
        return PinState::Disabled;
    }
    if (::access(endpoint.known_hosts_path.c_str(), F_OK) != 0 && errno == ENOENT) {
        return PinState::NotPinnedYet;
    }
    const std::string text = read_file(endpoint.known_hosts_path);
    const auto pins = find_pinned_keys(text, endpoint.host, endpoint.port);
    const std::string got = key_fingerprint(key_base64).value_or("");
    if (pins.empty()) {
        // As OpenSSH ("found matching key w/out port"): on another port, the key pinned for the bare host is
        // accepted if it is exactly this key.
        if (endpoint.port != 22) {
            for (const auto& pin : find_pinned_keys(text, endpoint.host, 22)) {
                if (pin.key_type == key_type && pin.key_base64 == key_base64) {
                    return PinState::Matches;
                }
            }
        }
        throw HostKeyMismatch(
            host_key_unknown_message(endpoint.host, endpoint.port, endpoint.known_hosts_path, got));
    }
    for (const auto& pin : pins) {
        if (pin.key_type == key_type && pin.key_base64 == key_base64) {
            return PinState::Matches;
        }
    }
    throw HostKeyMismatch(host_key_changed_message(endpoint.host, endpoint.port, endpoint.known_hosts_path,
                                                   pinned_fingerprint(endpoint, key_type), got));
}

void record_host_key(const Endpoint& endpoint, const std::string& key_type, const std::string& key_base64) {
    write_file_atomic(endpoint.known_hosts_path,
                      known_hosts_line(endpoint.host, endpoint.port, key_type, key_base64), 0644);
    log::debug("Recorded the host key of " + known_hosts_host(endpoint.host, endpoint.port) + " (" +
               key_fingerprint(key_base64).value_or(key_type) + ") in " + endpoint.known_hosts_path);
}

std::string pinned_fingerprint(const Endpoint& endpoint, const std::string& key_type) {
    std::string text;
    try {
        text = read_file(endpoint.known_hosts_path);
    } catch (const Error&) {
        return "";
    }
    const auto pins = find_pinned_keys(text, endpoint.host, endpoint.port);
    const PinnedKey* chosen = pins.empty() ? nullptr : &pins.front();
    for (const auto& pin : pins) {
        if (pin.key_type == key_type) {
            chosen = &pin;
            break;
        }
    }
    return chosen == nullptr ? "" : key_fingerprint(chosen->key_base64).value_or("");
}

}  // namespace machine::ssh::detail
