#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "drivers/azure/azure_api.hpp"
#include "drivers/common/http_client.hpp"
#include "machine/driver.hpp"

namespace machine::drivers {

// The `azure` driver (drivers.md §4.5): a VM made through Azure Resource Manager, with its resource group,
// availability set, network security group, virtual network, subnet, public IP, NIC and storage account.
// Endpoints: the --azure-environment's, or $AZURE_RESOURCE_MANAGER_URL / $AZURE_ACTIVE_DIRECTORY_URL when
// set.
class AzureDriver final : public Driver {
public:
    AzureDriver(std::string machine_name, std::string store_path);
    // For tests: every request goes through `transport`.
    AzureDriver(std::string machine_name, std::string store_path, http::Transport& transport);
    static std::unique_ptr<Driver> make(const std::string& machine_name, const std::string& store_path);

    [[nodiscard]] std::string driver_name() const override { return "azure"; }
    [[nodiscard]] std::vector<FlagSpec> create_flags() const override;
    void set_config_from_flags(const FlagValues& flags) override;
    void pre_create_check() override;
    void create() override;
    void remove() override;
    [[nodiscard]] State state() override;
    [[nodiscard]] std::string url() override;
    [[nodiscard]] std::string ip() override;
    void start() override;
    void stop() override;
    void restart() override;
    void kill() override;
    [[nodiscard]] std::string ssh_hostname() override { return ip(); }
    [[nodiscard]] std::vector<StateField> state_fields() override;

    // For tests: poll long-running operations, power states and the device flow without waiting.
    void set_fast_polling(bool fast) { m_fast_polling = fast; }

    // The NSG rules upstream makes: SSH 100, Docker 300, swarm master 500, then 1000+i per --azure-open-port
    // ("port[/tcp|udp|*]"). Throws Error for a bad protocol or swarm host.
    [[nodiscard]] std::vector<azure::SecurityRule> security_rules() const;
    // PowerState code -> machine state.
    [[nodiscard]] static State state_for_power_state(const std::string& power_state);
    // "[resourcegroup:]name" -> {group, name}.
    [[nodiscard]] static std::pair<std::string, std::string> parse_virtual_network(
        const std::string& value, const std::string& default_group);

private:
    [[nodiscard]] azure::ArmClient client();
    void check_legacy(bool short_message) const;
    [[nodiscard]] std::string resolve_ip();
    void log(const std::string& message) const;

    http::Transport& m_transport;
    bool m_fast_polling = false;
    std::string m_resolved_ip;  // cache for this process

    std::string m_client_id;
    std::string m_client_secret;
    std::string m_environment;
    std::string m_subscription_id;
    std::string m_resource_group;
    int m_docker_port = 0;
    std::string m_location;
    std::string m_size;
    std::string m_image;
    std::string m_virtual_network;
    std::string m_subnet_name;
    std::string m_subnet_prefix;
    std::string m_availability_set;
    std::string m_storage_type;
    std::vector<std::string> m_open_ports;
    std::string m_private_ip_addr;
    bool m_use_private_ip = false;
    bool m_no_public_ip = false;
    std::string m_dns_label;
    bool m_static_public_ip = false;
    std::string m_custom_data_file;
};

}  // namespace machine::drivers
