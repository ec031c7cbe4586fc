#pragma once

// The parts of Azure the azure driver uses, as docker-machine 0.16.2 did through the Azure SDK for Go:
// Azure Active Directory (tenant lookup, service-principal and device-code OAuth 2.0 tokens), Azure Resource
// Manager (Microsoft.Resources 2016-07-01, Microsoft.Compute 2016-03-30, Microsoft.Network 2016-09-01,
// Microsoft.Storage 2016-01-01, with ARM's long-running-operation protocol) and the blob service (SharedKey).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/common/http_client.hpp"
#include "machine/error.hpp"

namespace machine::drivers::azure {

// Override the environment's endpoints (e.g. "http://127.0.0.1:8080" for a local stand-in of the APIs).
inline constexpr const char* k_resource_manager_env = "AZURE_RESOURCE_MANAGER_URL";
inline constexpr const char* k_active_directory_env = "AZURE_ACTIVE_DIRECTORY_URL";

struct Environment {
    std::string name;
    std::string resource_manager;  // "https://management.azure.com/"
    std::string active_directory;  // "https://login.microsoftonline.com/"
    std::string token_audience;    // the OAuth resource: the service management endpoint
    std::string device_app_id;     // docker-machine's AD application for the device flow ("" = none)
};

// The supported environment names, in the order error messages list them.
[[nodiscard]] const std::vector<std::string>& environment_names();
// The named environment with the endpoint overrides applied; nullopt for an unknown name.
[[nodiscard]] std::optional<Environment> find_environment(const std::string& name);

// An error answer from Azure. The message follows the Azure SDK for Go's
// "<client>#<method>: Failure responding to request: StatusCode=404 -- Original Error: autorest/azure:
// Service returned an error. Status=404 Code="..." Message="..."".
class AzureError : public Error {
public:
    AzureError(const std::string& message, long status, std::string code)
        : Error(message), m_status(status), m_code(std::move(code)) {}
    [[nodiscard]] long status() const noexcept { return m_status; }
    [[nodiscard]] const std::string& code() const noexcept { return m_code; }

private:
    long m_status;
    std::string m_code;
};

// ---- Azure Active Directory ----

class Authenticator {
public:
    Authenticator(Environment environment, http::Transport& transport);

    // The tenant of a subscription, from the WWW-Authenticate header of an unauthenticated
    // GET /subscriptions/{id}; cached in `cache_dir`/<subscription>.tenantid when cache_dir is not empty.
    [[nodiscard]] std::string tenant_id(const std::string& subscription_id, const std::string& cache_dir);
    // client_credentials grant.
    [[nodiscard]] std::string service_principal_token(const std::string& tenant, const std::string& client_id,
                                                      const std::string& client_secret);
    // A token from `cache_file` (refreshed when expired), or from the device-code flow, whose instructions
    // go to `show_message`; the new token is saved to `cache_file` (0600).
    [[nodiscard]] std::string device_flow_token(const std::string& tenant, const std::string& cache_file,
                                                const std::function<void(const std::string&)>& show_message);

    // Seconds between two polls of the device flow (the server's interval by default); tests set 0.
    void set_poll_interval(std::optional<std::chrono::seconds> interval) { m_poll_interval = interval; }

private:
    Environment m_environment;
    http::Transport& m_transport;
    std::optional<std::chrono::seconds> m_poll_interval;
};

// ---- Azure Resource Manager ----

struct SecurityRule {
    std::string name;
    std::string description;
    std::string protocol;  // Tcp, Udp, *
    std::string destination_port_range;
    int priority = 0;
};

struct PublicIp {
    std::string id;
    std::string ip_address;
    std::string fqdn;
};

struct Subnet {
    std::string id;
    std::size_t ip_configurations = 0;
};

struct StorageAccount {
    std::string name;
    std::string location;
    std::string sku;
    std::string blob_endpoint;  // "https://<name>.blob.core.windows.net/"
};

struct VirtualMachineSpec {
    std::string name;
    std::string location;
    std::string size;
    std::string availability_set_id;
    std::string network_interface_id;
    std::string admin_username;
    std::string ssh_public_key;
    std::string publisher, offer, sku, version;
    std::string custom_data;  // base64, omitted when empty
    std::string os_disk_vhd_uri;
};

struct VirtualMachine {
    std::string os_disk_vhd_uri;
    std::string power_state;  // the "PowerState/<x>" code's <x>, "" when there is none
};

class ArmClient {
public:
    ArmClient(Environment environment, std::string subscription_id, std::string token,
              http::Transport& transport);

    // Interval between two polls of a long-running operation when the server gives no Retry-After.
    void set_poll_interval(std::chrono::milliseconds interval) { m_poll_interval = interval; }

    // namespace -> registrationState of every resource provider.
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> providers();
    void register_provider(const std::string& name_space);

    [[nodiscard]] bool resource_group_exists(const std::string& group);
    void create_resource_group(const std::string& group, const std::string& location);

    // Returns the availability set's id.
    [[nodiscard]] std::string create_availability_set(const std::string& group, const std::string& name,
                                                      const std::string& location);
    // Number of VMs in the set; nullopt when it does not exist.
    [[nodiscard]] std::optional<std::size_t> availability_set_vm_count(const std::string& group,
                                                                       const std::string& name);
    void delete_availability_set(const std::string& group, const std::string& name);

    [[nodiscard]] std::string create_network_security_group(const std::string& group, const std::string& name,
                                                            const std::string& location,
                                                            const std::vector<SecurityRule>& rules);
    [[nodiscard]] bool network_security_group_exists(const std::string& group, const std::string& name);
    void delete_network_security_group(const std::string& group, const std::string& name);

    // Number of subnets of the virtual network; nullopt when it does not exist.
    [[nodiscard]] std::optional<std::size_t> virtual_network_subnet_count(const std::string& group,
                                                                          const std::string& name);
    void create_virtual_network(const std::string& group, const std::string& name,
                                const std::string& location,
                                const std::vector<std::string>& address_prefixes);
    void delete_virtual_network(const std::string& group, const std::string& name);

    [[nodiscard]] std::optional<Subnet> subnet(const std::string& group, const std::string& vnet,
                                               const std::string& name);
    [[nodiscard]] std::string create_subnet(const std::string& group, const std::string& vnet,
                                            const std::string& name, const std::string& prefix);
    void delete_subnet(const std::string& group, const std::string& vnet, const std::string& name);

    [[nodiscard]] std::string create_public_ip(const std::string& group, const std::string& name,
                                               const std::string& location, bool is_static,
                                               const std::string& dns_label);
    [[nodiscard]] std::optional<PublicIp> public_ip(const std::string& group, const std::string& name);
    void delete_public_ip(const std::string& group, const std::string& name);

    [[nodiscard]] std::string create_network_interface(const std::string& group, const std::string& name,
                                                       const std::string& location,
                                                       const std::string& public_ip_id,
                                                       const std::string& subnet_id,
                                                       const std::string& nsg_id,
                                                       const std::string& private_ip);
    // The private address of the first IP configuration ("" when none); nullopt when the NIC does not exist.
    [[nodiscard]] std::optional<std::string> network_interface_private_ip(const std::string& group,
                                                                          const std::string& name);
    void delete_network_interface(const std::string& group, const std::string& name);

    [[nodiscard]] std::vector<StorageAccount> storage_accounts(const std::string& group);
    void create_storage_account(const std::string& group, const std::string& name,
                                const std::string& location, const std::string& sku);
    [[nodiscard]] StorageAccount storage_account(const std::string& group, const std::string& name);
    [[nodiscard]] std::vector<std::string> storage_account_keys(const std::string& group,
                                                                const std::string& name);
    void delete_storage_account(const std::string& group, const std::string& name);

    [[nodiscard]] std::optional<VirtualMachine> virtual_machine(const std::string& group,
                                                                const std::string& name, bool instance_view);
    void create_virtual_machine(const std::string& group, const VirtualMachineSpec& spec);
    void delete_virtual_machine(const std::string& group, const std::string& name);
    void start_virtual_machine(const std::string& group, const std::string& name);
    void power_off_virtual_machine(const std::string& group, const std::string& name);
    void restart_virtual_machine(const std::string& group, const std::string& name);

private:
    struct Result;
    Result send(const std::string& label, const std::string& method, const std::string& path,
                const std::string& api_version, const std::string& body, const std::string& extra_query = {});
    void wait_for_operation(const std::string& label, const Result& started);
    [[nodiscard]] std::string group_path(const std::string& group) const;

    Environment m_environment;
    std::string m_subscription_id;
    std::string m_token;
    http::Transport& m_transport;
    std::chrono::milliseconds m_poll_interval{std::chrono::seconds(5)};
};

// ---- blob service (SharedKey) ----

class BlobClient {
public:
    BlobClient(std::string account, std::string base64_key, http::Transport& transport);
    // Deletes a container ("<service URL>/<container>"); false when it did not exist.
    bool delete_container(const std::string& service_url, const std::string& container);
    [[nodiscard]] std::vector<std::string> list_containers(const std::string& service_url);

private:
    http::Response send(const std::string& method, const std::string& url, const std::string& resource,
                        const std::vector<std::pair<std::string, std::string>>& query);

    std::string m_account;
    std::string m_key;
    http::Transport& m_transport;
};

// ---- pure pieces, exposed for tests ----

// The autorest-style text of an error answer.
[[nodiscard]] std::string error_message(const std::string& label, long status, std::string_view body);
// The tenant ID in a WWW-Authenticate header (authorization_uri="https://login.windows.net/<tenant>"), or "".
[[nodiscard]] std::string tenant_from_www_authenticate(const std::string& header);
// The JSON request bodies.
[[nodiscard]] std::string security_group_body(const std::string& location,
                                              const std::vector<SecurityRule>& rules);
[[nodiscard]] std::string network_interface_body(const std::string& location, const std::string& public_ip_id,
                                                 const std::string& subnet_id, const std::string& nsg_id,
                                                 const std::string& private_ip);
[[nodiscard]] std::string virtual_machine_body(const VirtualMachineSpec& spec);
[[nodiscard]] std::string power_state_of(std::string_view vm_body);
// SharedKey "StringToSign" for a blob request without body.
[[nodiscard]] std::string shared_key_string_to_sign(
    const std::string& method, const std::string& account, const std::string& resource,
    const std::vector<std::pair<std::string, std::string>>& ms_headers,
    const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace machine::drivers::azure
