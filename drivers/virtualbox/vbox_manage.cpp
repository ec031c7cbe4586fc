#include "drivers/virtualbox/vbox_manage.hpp"

#include <cctype>
#include <thread>

#include "drivers/common/driver_support.hpp"
#include "machine/error.hpp"
#include "machine/log.hpp"
#include "machine/process.hpp"

namespace machine::drivers::virtualbox {
namespace {

constexpr int k_retries = 5;
constexpr const char* k_not_ready = "error: The object is not ready";

// "Key:   value" lines grouped into blocks separated by blank lines.
std::vector<std::map<std::string, std::string>> colon_blocks(const std::string& text) {
    std::vector<std::map<std::string, std::string>> blocks;
    std::map<std::string, std::string> current;
    for (const auto& raw : support::split(text, '\n')) {
        std::string line = support::trim(raw);
        if (line.empty()) {
            if (!current.empty()) {
                blocks.push_back(std::move(current));
                current.clear();
            }
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string key = support::trim(line.substr(0, colon));
        for (auto& c : key) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        // Nested lines ("Global Configuration:" and what follows) keep the first value of a key.
        current.emplace(key, support::trim(line.substr(colon + 1)));
    }
    if (!current.empty()) {
        blocks.push_back(std::move(current));
    }
    return blocks;
}

std::string value_of(const std::map<std::string, std::string>& block,
                     std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
        auto it = block.find(key);
        if (it != block.end()) {
            return it->second;
        }
    }
    return {};
}

std::string unquote(std::string text) {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        return text.substr(1, text.size() - 2);
    }
    return text;
}

}  // namespace

VBoxManage::VBoxManage(CommandRunner& runner, std::string path) : m_runner(runner), m_path(std::move(path)) {}

CommandResult VBoxManage::run_raw(const std::vector<std::string>& args, const CommandInput& input) {
    std::vector<std::string> argv{m_path};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult result;
    for (int attempt = 0; attempt < k_retries; ++attempt) {
        log::debug("COMMAND: " + join_args(argv));
        result = m_runner.run(argv, input);
        log::debug("STDOUT:\n{\n" + result.out + "}");
        log::debug("STDERR:\n{\n" + result.err + "}");
        if (result.err.find(k_not_ready) == std::string::npos) {
            break;
        }
        std::this_thread::sleep_for(m_retry_delay);
    }
    return result;
}

std::string VBoxManage::run(const std::vector<std::string>& args, const CommandInput& input) {
    CommandResult result = run_raw(args, input);
    if (result.err.find("error:") != std::string::npos) {
        std::vector<std::string> argv{m_path};
        argv.insert(argv.end(), args.begin(), args.end());
        throw Error(join_args(argv) + " failed:\n" + result.err);
    }
    if (result.exit_status != 0) {
        throw Error("exit status " + std::to_string(result.exit_status));
    }
    return result.out;
}

std::string find_vboxmanage() {
    if (auto path = process::find_in_path("VBoxManage")) {
        return *path;
    }
    throw Error("VBoxManage not found. Make sure VirtualBox is installed and VBoxManage is in the path");
}

std::optional<VBoxVersion> parse_vbox_version(const std::string& text) {
    std::string trimmed = support::trim(text);
    auto parts = support::split(trimmed, '.');
    if (parts.size() < 2) {
        return std::nullopt;
    }
    auto leading_number = [](const std::string& part) -> std::optional<int> {
        std::size_t digits = 0;
        while (digits < part.size() && std::isdigit(static_cast<unsigned char>(part[digits])) != 0) {
            ++digits;
        }
        if (digits == 0 || digits > 6) {
            return std::nullopt;
        }
        return std::stoi(part.substr(0, digits));
    };
    auto major = leading_number(parts[0]);
    auto minor = leading_number(parts[1]);
    // The major part must be a number and nothing else ("6", not "6x").
    if (!major || !minor || std::to_string(*major).size() != parts[0].size()) {
        return std::nullopt;
    }
    return VBoxVersion{*major, *minor};
}

std::map<std::string, std::string> parse_machine_readable(const std::string& text) {
    std::map<std::string, std::string> values;
    for (const auto& raw : support::split(text, '\n')) {
        std::string line = support::trim(raw);
        // Keys can be quoted and contain '=' only when quoted ("SATA-1-0"="..."): split after the key.
        std::size_t eq = std::string::npos;
        if (!line.empty() && line.front() == '"') {
            auto close = line.find('"', 1);
            if (close != std::string::npos && close + 1 < line.size() && line[close + 1] == '=') {
                eq = close + 1;
            }
        } else {
            eq = line.find('=');
        }
        if (eq == std::string::npos) {
            continue;
        }
        values[unquote(line.substr(0, eq))] = unquote(line.substr(eq + 1));
    }
    return values;
}

std::vector<HostOnlyInterface> parse_hostonly_interfaces(const std::string& text) {
    std::vector<HostOnlyInterface> interfaces;
    for (const auto& block : colon_blocks(text)) {
        HostOnlyInterface item;
        item.name = value_of(block, {"name"});
        if (item.name.empty()) {
            continue;
        }
        item.guid = value_of(block, {"guid"});
        item.dhcp = value_of(block, {"dhcp"}) != "Disabled";
        item.ip = value_of(block, {"ipaddress"});
        item.netmask = value_of(block, {"networkmask"});
        item.hardware_address = value_of(block, {"hardwareaddress"});
        item.status = value_of(block, {"status"});
        item.network_name = value_of(block, {"vboxnetworkname"});
        interfaces.push_back(std::move(item));
    }
    return interfaces;
}

std::vector<DhcpServer> parse_dhcp_servers(const std::string& text) {
    std::vector<DhcpServer> servers;
    for (const auto& block : colon_blocks(text)) {
        DhcpServer item;
        item.network_name = value_of(block, {"networkname"});
        if (item.network_name.empty()) {
            continue;
        }
        item.ip = value_of(block, {"dhcpd ip", "ip"});
        item.netmask = value_of(block, {"networkmask"});
        item.lower_ip = value_of(block, {"loweripaddress"});
        item.upper_ip = value_of(block, {"upperipaddress"});
        item.enabled = value_of(block, {"enabled"}) == "Yes";
        servers.push_back(std::move(item));
    }
    return servers;
}

std::string ip_for_mac(const std::string& ip_addr_output, const std::string& mac) {
    std::string wanted;
    for (char c : mac) {
        if (c != ':') {
            wanted += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    bool in_matching_interface = false;
    for (const auto& raw : support::split(ip_addr_output, '\n')) {
        std::string line = support::trim(raw);
        auto fields = support::split(line, ' ');
        if (line.rfind("link", 0) == 0) {
            // "link/ether 08:00:27:8e:6d:b4 brd ff:ff:ff:ff:ff:ff" starts the addresses of that interface.
            std::string found;
            if (fields.size() >= 2) {
                for (char c : fields[1]) {
                    if (c != ':') {
                        found += c;
                    }
                }
            }
            in_matching_interface = found == wanted;
        } else if (in_matching_interface && line.rfind("inet ", 0) == 0 && fields.size() >= 2) {
            return fields[1].substr(0, fields[1].find('/'));
        }
    }
    throw Error("Could not find matching IP for MAC address " + wanted);
}

}  // namespace machine::drivers::virtualbox
