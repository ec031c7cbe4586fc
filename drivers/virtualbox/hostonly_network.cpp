#include "drivers/virtualbox/hostonly_network.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <memory>
#include <set>
#include <thread>

#include "drivers/common/driver_support.hpp"
#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"

namespace machine::drivers::virtualbox {
namespace {

constexpr const char* k_dhcp_prefix = "HostInterfaceNetworking-";
constexpr int k_new_adapter_polls = 10;

std::optional<Ipv4Net> adapter_network(const HostOnlyInterface& adapter) {
    auto ip = parse_ipv4(adapter.ip);
    auto prefix = prefix_of_netmask(adapter.netmask);
    if (!ip || !prefix) {
        return std::nullopt;
    }
    return Ipv4Net{*ip, *prefix};
}

// VirtualBox sometimes reports this mask for an adapter it has just created; upstream accepts it as a match.
constexpr const char* k_buggy_netmask = "15.0.0.0";

const HostOnlyInterface* find_adapter(const std::vector<HostOnlyInterface>& adapters,
                                      const Ipv4Net& address) {
    for (const auto& adapter : adapters) {
        if (parse_ipv4(adapter.ip) == address.ip &&
            (adapter.netmask == format_ipv4(address.mask()) || adapter.netmask == k_buggy_netmask)) {
            return &adapter;
        }
    }
    return nullptr;
}

// The key VirtualBox's DHCP servers refer to an adapter by ("HostInterfaceNetworking-vboxnet0").
std::string network_name(const HostOnlyInterface& adapter) {
    return adapter.network_name.empty() ? k_dhcp_prefix + adapter.name : adapter.network_name;
}

}  // namespace

std::uint32_t Ipv4Net::mask() const {
    return prefix <= 0 ? 0U : (prefix >= 32 ? 0xffffffffU : ~((1U << (32 - prefix)) - 1U));
}

std::optional<std::uint32_t> parse_ipv4(const std::string& text) {
    in_addr address{};
    if (::inet_pton(AF_INET, text.c_str(), &address) != 1) {
        return std::nullopt;
    }
    return ntohl(address.s_addr);
}

std::string format_ipv4(std::uint32_t ip) {
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." +
           std::to_string((ip >> 8) & 0xff) + "." + std::to_string(ip & 0xff);
}

Ipv4Net parse_cidr(const std::string& text) {
    auto slash = text.find('/');
    if (slash != std::string::npos) {
        auto ip = parse_ipv4(text.substr(0, slash));
        std::string bits = text.substr(slash + 1);
        bool numeric =
            !bits.empty() && bits.size() <= 2 && bits.find_first_not_of("0123456789") == std::string::npos;
        if (ip && numeric && std::stoi(bits) <= 32) {
            return Ipv4Net{*ip, std::stoi(bits)};
        }
    }
    throw Error("invalid CIDR address: " + text);
}

std::optional<int> prefix_of_netmask(const std::string& netmask) {
    auto mask = parse_ipv4(netmask);
    if (!mask) {
        return std::nullopt;
    }
    int prefix = 0;
    while (prefix < 32 && (*mask & (0x80000000U >> prefix)) != 0) {
        ++prefix;
    }
    if (Ipv4Net{0, prefix}.mask() != *mask) {
        return std::nullopt;
    }
    return prefix;
}

std::vector<Ipv4Net> host_interface_networks() {
    ifaddrs* raw = nullptr;
    if (::getifaddrs(&raw) != 0) {
        return {};
    }
    std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)> list(raw, &::freeifaddrs);
    std::vector<Ipv4Net> networks;
    for (const ifaddrs* entry = list.get(); entry != nullptr; entry = entry->ifa_next) {
        // Upstream looks at interfaces that are up and not loopback.
        if (entry->ifa_addr == nullptr || entry->ifa_netmask == nullptr ||
            entry->ifa_addr->sa_family != AF_INET || (entry->ifa_flags & IFF_UP) == 0 ||
            (entry->ifa_flags & IFF_LOOPBACK) != 0) {
            continue;
        }
        std::uint32_t ip = ntohl(reinterpret_cast<const sockaddr_in*>(entry->ifa_addr)->sin_addr.s_addr);
        std::uint32_t mask = ntohl(reinterpret_cast<const sockaddr_in*>(entry->ifa_netmask)->sin_addr.s_addr);
        if (auto prefix = prefix_of_netmask(format_ipv4(mask))) {
            networks.push_back({ip, *prefix});
        }
    }
    return networks;
}

HostOnlyNetwork::HostOnlyNetwork(VBoxManage& vbox, std::vector<Ipv4Net> host_networks,
                                 std::function<int(int)> random)
    : m_vbox(vbox), m_host_networks(std::move(host_networks)), m_random(std::move(random)) {}

std::vector<HostOnlyInterface> HostOnlyNetwork::list_adapters() {
    auto adapters = parse_hostonly_interfaces(m_vbox.run({"list", "hostonlyifs"}));
    std::set<std::string> names;
    std::set<std::string> ips;
    for (const auto& adapter : adapters) {
        if (!names.insert(network_name(adapter)).second) {
            throw Error("VirtualBox is configured with multiple host-only adapters with the same name " +
                        go_quote(network_name(adapter)) + ". Please remove one");
        }
        if (!adapter.ip.empty() && !ips.insert(adapter.ip).second) {
            throw Error("VirtualBox is configured with multiple host-only adapters with the same IP " +
                        go_quote(adapter.ip) + ". Please remove one");
        }
    }
    return adapters;
}

Ipv4Net HostOnlyNetwork::validated(const std::string& cidr,
                                   const std::vector<HostOnlyInterface>& adapters) const {
    Ipv4Net address = parse_cidr(cidr);
    if (address.ip == address.network()) {
        throw Error("host-only cidr must be specified with a host address, not a network address");
    }
    // The host's interfaces that are VirtualBox host-only adapters themselves (same address and prefix) do
    // not count; another interface whose network address is the host-only network's is a collision.
    std::set<std::pair<std::uint32_t, int>> adapter_addresses;
    for (const auto& adapter : adapters) {
        if (auto net = adapter_network(adapter)) {
            adapter_addresses.insert({net->ip, net->prefix});
        }
    }
    for (const auto& host : m_host_networks) {
        if (adapter_addresses.count({host.ip, host.prefix}) != 0) {
            continue;
        }
        if (host.network() == address.network()) {
            throw Error("host-only cidr conflicts with the network address of a host interface");
        }
    }
    return address;
}

HostOnlyAdapter HostOnlyNetwork::create_adapter(const Ipv4Net& address,
                                                const std::vector<HostOnlyInterface>& before) {
    try {
        std::string out = m_vbox.run({"hostonlyif", "create"});
        // "Interface 'vboxnet1' was successfully created"
        if (out.find("Interface '") == std::string::npos ||
            out.find("' was successfully created") == std::string::npos) {
            throw Error("Failed to create host-only adapter");
        }
    } catch (const Error& error) {
        // VirtualBox sometimes reports a failure and creates the adapter all the same: look for it anyway.
        log::warn(std::string("Creating a new host-only adapter produced an error: ") + error.what());
        log::warn("This is a known VirtualBox bug. Let's try to recover anyway...");
    }
    std::set<std::string> old_names;
    for (const auto& item : before) {
        old_names.insert(network_name(item));
    }
    for (int attempt = 0; attempt < k_new_adapter_polls; ++attempt) {
        std::this_thread::sleep_for(m_poll_interval);
        for (const auto& item : list_adapters()) {
            if (old_names.count(network_name(item)) == 0) {
                log::warn("Found a new host-only adapter: " + go_quote(item.name));
                HostOnlyAdapter adapter{item.name, address};
                save_ipv4(adapter);
                return adapter;
            }
        }
    }
    throw Error(
        "The host-only adapter we just created is not visible. This is a well known VirtualBox bug. You "
        "might "
        "want to uninstall it and reinstall at least version 5.0.12 that is is supposed to fix this issue");
}

void HostOnlyNetwork::save_ipv4(const HostOnlyAdapter& adapter) {
    m_vbox.run({"hostonlyif", "ipconfig", adapter.name, "--ip", format_ipv4(adapter.address.ip), "--netmask",
                format_ipv4(adapter.address.mask())});
}

void HostOnlyNetwork::remove_orphan_dhcp_servers() {
    auto servers = parse_dhcp_servers(m_vbox.run({"list", "dhcpservers"}));
    if (servers.empty()) {
        return;
    }
    log::debug("Removing orphan DHCP servers...");
    std::set<std::string> names;
    for (const auto& adapter : list_adapters()) {
        names.insert(network_name(adapter));
    }
    for (const auto& server : servers) {
        if (server.network_name.rfind(k_dhcp_prefix, 0) != 0 || names.count(server.network_name) != 0) {
            continue;
        }
        try {
            m_vbox.run({"dhcpserver", "remove", "--netname", server.network_name});
        } catch (const Error& error) {
            log::warn("Unable to remove orphan dhcp server " + go_quote(server.network_name) + ": " +
                      error.what());
        }
    }
}

void HostOnlyNetwork::configure_dhcp(const std::string& adapter_name, const Ipv4Net& address, bool enabled) {
    // Server: a random address .1-.24 of the host address's /24 (not the host's own); leases .100-.254 of the
    // network's /24 for masks of /24 or wider, else the rest of the network after the server.
    std::uint32_t base = address.ip & 0xffffff00U;
    std::uint32_t server = address.ip;
    for (int attempt = 0; attempt < 5 && server == address.ip; ++attempt) {
        server = base + 1U + static_cast<std::uint32_t>(m_random(24));
    }
    if (server == address.ip) {
        throw Error("unable to generate random IP");
    }
    std::uint32_t network24 = address.network() & 0xffffff00U;
    std::uint32_t lower = network24 + 100U;
    std::uint32_t upper = network24 + 254U;
    if (address.prefix > 24) {
        lower = server + 1U;
        upper = address.network() + (1U << (32 - address.prefix)) - 2U;
    }
    std::string net_name = k_dhcp_prefix + adapter_name;
    std::string command = "add";
    for (const auto& existing : parse_dhcp_servers(m_vbox.run({"list", "dhcpservers"}))) {
        if (existing.network_name != net_name) {
            continue;
        }
        command = "modify";
        if (existing.ip == format_ipv4(server) && existing.netmask == format_ipv4(address.mask()) &&
            existing.lower_ip == format_ipv4(lower) && existing.upper_ip == format_ipv4(upper) &&
            existing.enabled == enabled) {
            return;
        }
    }
    log::debug("Adding/Modifying DHCP server " + go_quote(format_ipv4(server)) + " with address range " +
               go_quote(format_ipv4(lower)) + " - " + go_quote(format_ipv4(upper)) + "...");
    m_vbox.run({"dhcpserver", command, "--netname", net_name, "--ip", format_ipv4(server), "--netmask",
                format_ipv4(address.mask()), "--lowerip", format_ipv4(lower), "--upperip", format_ipv4(upper),
                enabled ? "--enable" : "--disable"});
}

HostOnlyAdapter HostOnlyNetwork::setup(const std::string& vm_name, const HostOnlySettings& settings) {
    auto adapters = list_adapters();
    Ipv4Net address = validated(settings.cidr, adapters);
    HostOnlyAdapter adapter;
    if (const HostOnlyInterface* existing = find_adapter(adapters, address)) {
        adapter = HostOnlyAdapter{existing->name, address};
    } else {
        adapter = create_adapter(address, adapters);
    }
    remove_orphan_dhcp_servers();
    configure_dhcp(adapter.name, address, !settings.no_dhcp);
    m_vbox.run({"modifyvm", vm_name, "--nic2", "hostonly", "--nictype2", settings.nic_type, "--nicpromisc2",
                settings.promisc_mode, "--hostonlyadapter2", adapter.name, "--cableconnected2", "on"});
    return adapter;
}

bool HostOnlyNetwork::still_valid(const HostOnlySettings& settings) {
    auto adapters = list_adapters();
    Ipv4Net address = validated(settings.cidr, adapters);
    return find_adapter(adapters, address) != nullptr;
}

}  // namespace machine::drivers::virtualbox
