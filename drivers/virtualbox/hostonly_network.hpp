#pragma once

// The host-only network of a VirtualBox machine (drivers.md §4.3 "Host-only network"): the adapter with the
// machine's CIDR (reused or created), its DHCP server, and NIC 2 of the VM attached to it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "drivers/virtualbox/vbox_manage.hpp"

namespace machine::drivers::virtualbox {

// An IPv4 address with its prefix length.
struct Ipv4Net {
    std::uint32_t ip = 0;
    int prefix = 0;

    [[nodiscard]] std::uint32_t mask() const;
    [[nodiscard]] std::uint32_t network() const { return ip & mask(); }
    [[nodiscard]] bool contains(std::uint32_t address) const { return (address & mask()) == network(); }
};

[[nodiscard]] std::optional<std::uint32_t> parse_ipv4(const std::string& text);
[[nodiscard]] std::string format_ipv4(std::uint32_t ip);
// "192.168.56.1/21"; throws Error "invalid CIDR address: <text>" (Go's net.ParseCIDR wording).
[[nodiscard]] Ipv4Net parse_cidr(const std::string& text);
// Prefix length of a dotted netmask ("255.255.248.0" -> 21); nullopt when not a contiguous mask.
[[nodiscard]] std::optional<int> prefix_of_netmask(const std::string& netmask);

// The IPv4 networks of this host's interfaces (getifaddrs).
[[nodiscard]] std::vector<Ipv4Net> host_interface_networks();

struct HostOnlySettings {
    std::string cidr;
    std::string nic_type;
    std::string promisc_mode;
    bool no_dhcp = false;
};

// The adapter a machine ended up on: its name and the address it must keep.
struct HostOnlyAdapter {
    std::string name;
    Ipv4Net address;
};

class HostOnlyNetwork {
public:
    // `host_networks` lists the host's own interface networks; `random` returns a number in [0, n).
    HostOnlyNetwork(VBoxManage& vbox, std::vector<Ipv4Net> host_networks, std::function<int(int)> random);

    // Validates the CIDR, finds or creates the adapter, removes orphan DHCP servers, sets the adapter's DHCP
    // server and attaches NIC 2 of `vm_name`. Throws Error with upstream's messages.
    HostOnlyAdapter setup(const std::string& vm_name, const HostOnlySettings& settings);
    // True when an adapter with `adapter`'s address still exists (the check after a start). Throws the
    // collision / duplicate errors.
    [[nodiscard]] bool still_valid(const HostOnlySettings& settings);
    // `hostonlyif ipconfig <name> --ip <ip> --netmask <mask>`.
    void save_ipv4(const HostOnlyAdapter& adapter);

    // `list hostonlyifs`, checked for duplicate names and addresses.
    [[nodiscard]] std::vector<HostOnlyInterface> list_adapters();

    void set_poll_interval(std::chrono::milliseconds interval) { m_poll_interval = interval; }

private:
    // The CIDR parsed and checked against the host's interfaces and the existing adapters.
    Ipv4Net validated(const std::string& cidr, const std::vector<HostOnlyInterface>& adapters) const;
    HostOnlyAdapter create_adapter(const Ipv4Net& address, const std::vector<HostOnlyInterface>& before);
    void remove_orphan_dhcp_servers();
    void configure_dhcp(const std::string& adapter_name, const Ipv4Net& address, bool enabled);

    VBoxManage& m_vbox;
    std::vector<Ipv4Net> m_host_networks;
    std::function<int(int)> m_random;
    std::chrono::milliseconds m_poll_interval{1000};
};

}  // namespace machine::drivers::virtualbox
