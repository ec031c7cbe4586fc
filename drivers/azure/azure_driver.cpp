#include "drivers/azure/azure_driver.hpp"

#include <cstdlib>
#include <random>
#include <thread>

#include "drivers/common/driver_support.hpp"
#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/net.hpp"
#include "machine/progress.hpp"

namespace machine::drivers {
namespace {

using support::bool_flag;
using support::int_flag;
using support::slice_flag;
using support::string_flag;

constexpr int k_ssh_port = 22;
constexpr const char* k_storage_account_prefix = "vhds";

// logrus-style fields after a message: `  name="x" static=false`.
struct Field {
    const char* key;
    std::string value;
    bool quoted = true;
};

std::string with_fields(const std::string& message, std::initializer_list<Field> fields) {
    std::string out = message + " ";
    for (const auto& field : fields) {
        out += " " + std::string(field.key) + "=" + (field.quoted ? go_quote(field.value) : field.value);
    }
    return out;
}

std::string random_storage_account_name() {
    static constexpr char k_alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::random_device device;
    std::mt19937_64 generator(device());
    std::uniform_int_distribution<std::size_t> pick(0, sizeof(k_alphabet) - 2);
    std::string name = k_storage_account_prefix;
    while (name.size() < 24) {
        name.push_back(k_alphabet[pick(generator)]);
    }
    return name;
}

std::string credentials_dir() {
    const char* home = std::getenv("HOME");
    return go_path::join({home != nullptr ? home : "", ".docker", "machine", "credentials", "azure"});
}

// Go's driverutil.SplitPortProto: "8080/udp" -> {"8080", "udp"}, "8080" -> {"8080", "tcp"}.
std::pair<std::string, std::string> split_port_proto(const std::string& raw) {
    auto slash = raw.find('/');
    if (slash == std::string::npos) {
        return {raw, "tcp"};
    }
    return {raw.substr(0, slash), raw.substr(slash + 1)};
}

}  // namespace

AzureDriver::AzureDriver(std::string machine_name, std::string store_path)
    : AzureDriver(std::move(machine_name), std::move(store_path), http::default_transport()) {}

AzureDriver::AzureDriver(std::string machine_name, std::string store_path, http::Transport& transport)
    : Driver(std::move(machine_name), std::move(store_path)), m_transport(transport) {
    m_base.ssh_user = "docker-user";
}

std::unique_ptr<Driver> AzureDriver::make(const std::string& machine_name, const std::string& store_path) {
    return std::make_unique<AzureDriver>(machine_name, store_path);
}

std::vector<FlagSpec> AzureDriver::create_flags() const {
    return {
        string_flag("azure-environment", "Azure environment (e.g. AzurePublicCloud, AzureChinaCloud)",
                    "AZURE_ENVIRONMENT", "AzurePublicCloud"),
        string_flag("azure-subscription-id", "Azure Subscription ID", "AZURE_SUBSCRIPTION_ID"),
        string_flag("azure-resource-group", "Azure Resource Group name (will be created if missing)",
                    "AZURE_RESOURCE_GROUP", "docker-machine"),
        string_flag("azure-ssh-user", "Username for SSH login", "AZURE_SSH_USER", "docker-user"),
        int_flag("azure-docker-port", "Port number for Docker engine", "AZURE_DOCKER_PORT", 2376),
        string_flag("azure-location", "Azure region to create the virtual machine", "AZURE_LOCATION",
                    "westus"),
        string_flag("azure-size", "Size for Azure Virtual Machine", "AZURE_SIZE", "Standard_A2"),
        string_flag("azure-image", "Azure virtual machine OS image", "AZURE_IMAGE",
                    "canonical:UbuntuServer:16.04.0-LTS:latest"),
        string_flag(
            "azure-vnet",
            "Azure Virtual Network name to connect the virtual machine (in [resourcegroup:]name format)",
            "AZURE_VNET", "docker-machine-vnet"),
        string_flag("azure-subnet", "Azure Subnet Name to be used within the Virtual Network", "AZURE_SUBNET",
                    "docker-machine"),
        string_flag("azure-subnet-prefix",
                    "Private CIDR block to be used for the new subnet, should comply RFC 1918",
                    "AZURE_SUBNET_PREFIX", "192.168.0.0/16"),
        string_flag("azure-availability-set", "Azure Availability Set to place the virtual machine into",
                    "AZURE_AVAILABILITY_SET", "docker-machine"),
        string_flag("azure-custom-data", "Path to file with custom-data", "AZURE_CUSTOM_DATA_FILE"),
        string_flag("azure-private-ip-address", "Specify a static private IP address for the machine", ""),
        string_flag("azure-storage-type", "Type of Storage Account to host the OS Disk for the machine",
                    "AZURE_STORAGE_TYPE", "Standard_LRS"),
        bool_flag("azure-use-private-ip", "Use private IP address of the machine to connect"),
        bool_flag("azure-no-public-ip", "Do not create a public IP address for the machine"),
        bool_flag("azure-static-public-ip", "Assign a static public IP address to the machine"),
        string_flag("azure-dns", "A unique DNS label for the public IP adddress", "AZURE_DNS_LABEL"),
        slice_flag("azure-open-port", "Make the specified port number accessible from the Internet"),
        string_flag("azure-client-id",
                    "Azure Service Principal Account ID (optional, browser auth is used if not specified)",
                    "AZURE_CLIENT_ID"),
        string_flag(
            "azure-client-secret",
            "Azure Service Principal Account password (optional, browser auth is used if not specified)",
            "AZURE_CLIENT_SECRET"),
    };
}

void AzureDriver::set_config_from_flags(const FlagValues& flags) {
    const std::pair<std::string*, const char*> required[] = {
        {&m_base.ssh_user, "azure-ssh-user"},
        {&m_subscription_id, "azure-subscription-id"},
        {&m_resource_group, "azure-resource-group"},
        {&m_location, "azure-location"},
        {&m_size, "azure-size"},
        {&m_image, "azure-image"},
        {&m_virtual_network, "azure-vnet"},
        {&m_subnet_name, "azure-subnet"},
        {&m_subnet_prefix, "azure-subnet-prefix"},
        {&m_availability_set, "azure-availability-set"},
        {&m_storage_type, "azure-storage-type"},
    };
    for (const auto& [target, name] : required) {
        *target = flags.string(name);
        if (target->empty()) {
            throw Error(std::string("azure driver requires the \"") + name + "\" option.");
        }
    }
    m_environment = flags.string("azure-environment");
    m_open_ports = flags.strings("azure-open-port");
    m_private_ip_addr = flags.string("azure-private-ip-address");
    m_use_private_ip = flags.boolean("azure-use-private-ip");
    m_no_public_ip = flags.boolean("azure-no-public-ip");
    m_static_public_ip = flags.boolean("azure-static-public-ip");
    m_docker_port = static_cast<int>(flags.integer("azure-docker-port"));
    m_dns_label = flags.string("azure-dns");
    m_custom_data_file = flags.string("azure-custom-data");
    m_client_id = flags.string("azure-client-id");
    m_client_secret = flags.string("azure-client-secret");
    m_base.ssh_port = k_ssh_port;
    m_base.swarm_master = flags.boolean("swarm-master");
    m_base.swarm_host = flags.string("swarm-host");
    m_base.swarm_discovery = flags.string("swarm-discovery");
}

void AzureDriver::log(const std::string& message) const {
    support::info(m_base.machine_name, message);
}

azure::ArmClient AzureDriver::client() {
    auto environment = azure::find_environment(m_environment);
    if (!environment) {
        std::string valid;
        for (const auto& name : azure::environment_names()) {
            valid += (valid.empty() ? "" : ", ") + name;
        }
        throw Error("Invalid Azure environment: " + go_quote(m_environment) + ", supported values: " + valid);
    }
    azure::Authenticator authenticator(*environment, m_transport);
    if (m_fast_polling) {
        authenticator.set_poll_interval(std::chrono::seconds(0));
    }
    std::string token;
    if (!m_client_id.empty() && !m_client_secret.empty()) {
        support::debug(m_base.machine_name, "Using Azure service principal authentication.");
        try {
            std::string tenant = authenticator.tenant_id(m_subscription_id, credentials_dir());
            token = authenticator.service_principal_token(tenant, m_client_id, m_client_secret);
        } catch (const Error& error) {
            throw Error(std::string("Failed to authenticate using service principal credentials: ") +
                        error.what());
        }
    } else {
        support::debug(m_base.machine_name, "Using Azure device flow authentication.");
        try {
            std::string tenant = authenticator.tenant_id(m_subscription_id, credentials_dir());
            token =
                authenticator.device_flow_token(tenant, go_path::join({credentials_dir(), tenant + ".json"}),
                                                [this](const std::string& message) { log(message); });
        } catch (const Error& error) {
            throw Error(std::string("Error creating Azure client: ") + error.what());
        }
    }
    azure::ArmClient arm(*environment, m_subscription_id, token, m_transport);
    if (m_fast_polling) {
        arm.set_poll_interval(std::chrono::milliseconds(0));
    }
    return arm;
}

std::vector<azure::SecurityRule> AzureDriver::security_rules() const {
    std::vector<azure::SecurityRule> rules = {
        {"SSHAllowAny", "Allow ssh from public Internet", "Tcp", std::to_string(m_base.ssh_port), 100},
        {"DockerAllowAny", "Allow docker engine access (TLS-protected)", "Tcp", std::to_string(m_docker_port),
         300},
    };
    if (m_base.swarm_master) {
        std::string host = net::url_host(m_base.swarm_host);
        std::string swarm_host;
        std::string swarm_port;
        if (!net::split_host_port(host, swarm_host, swarm_port)) {
            throw Error("Could not parse swarm port in " + go_quote(host) + ": missing port in address");
        }
        rules.push_back(
            {"DockerSwarmAllowAny", "Allow swarm manager access (TLS-protected)", "Tcp", swarm_port, 500});
    }
    int priority = 1000;
    for (const auto& raw : m_open_ports) {
        auto [port, protocol] = split_port_proto(raw);
        std::string lower = protocol;
        for (auto& c : lower) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        std::string proto;
        if (lower == "tcp") {
            proto = "Tcp";
        } else if (lower == "udp") {
            proto = "Udp";
        } else if (lower == "*") {
            proto = "*";
        } else {
            throw Error("cannot parse security rule protocol: invalid protocol " + protocol);
        }
        std::string name = "Port" + port + "-" + proto + "AllowAny";
        for (auto at = name.find('*'); at != std::string::npos; at = name.find('*')) {
            name.replace(at, 1, "Asterisk");
        }
        rules.push_back({name, "User requested port to be accessible from Internet via docker-machine", proto,
                         port, priority++});
    }
    return rules;
}

std::pair<std::string, std::string> AzureDriver::parse_virtual_network(const std::string& value,
                                                                       const std::string& default_group) {
    auto colon = value.find(':');
    if (colon == std::string::npos) {
        return {default_group, value};
    }
    return {value.substr(0, colon), value.substr(colon + 1)};
}

void AzureDriver::pre_create_check() {
    if (!m_custom_data_file.empty() && support::path_missing(m_custom_data_file)) {
        throw Error("custom-data file " + m_custom_data_file + " could not be found");
    }
    auto arm = client();
    auto providers = arm.providers();
    for (const char* wanted : {"Microsoft.Compute", "Microsoft.Network", "Microsoft.Storage"}) {
        std::string lower_wanted = wanted;
        for (auto& c : lower_wanted) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        const std::pair<std::string, std::string>* found = nullptr;
        for (const auto& provider : providers) {
            std::string lower = provider.first;
            for (auto& c : lower) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            if (lower == lower_wanted) {
                found = &provider;
            }
        }
        if (found == nullptr) {
            throw Error(std::string("unknown resource provider \"") + wanted + "\"");
        }
        if (found->second != "Registered") {
            log(with_fields("Registering subscription to resource provider.",
                            {{"ns", wanted}, {"subs", m_subscription_id}}));
            arm.register_provider(wanted);
        }
    }
    (void)security_rules();
    if (arm.virtual_machine(m_resource_group, m_base.machine_name, false)) {
        throw Error("Virtual Machine with name " + m_base.machine_name +
                    " already exists in resource group " + go_quote(m_resource_group));
    }
    log("Completed machine pre-create checks.");
}

void AzureDriver::create() {
    auto arm = client();
    std::string custom_data;
    if (!m_custom_data_file.empty()) {
        custom_data = support::base64_encode(read_file(m_custom_data_file));
    }
    const std::string& name = m_base.machine_name;

    log(with_fields("Querying existing resource group.", {{"name", m_resource_group}}));
    if (arm.resource_group_exists(m_resource_group)) {
        log("Resource group " + go_quote(m_resource_group) + " already exists.");
    } else {
        log(with_fields("Creating resource group.", {{"name", m_resource_group}, {"location", m_location}}));
        arm.create_resource_group(m_resource_group, m_location);
    }

    log(with_fields("Configuring availability set.", {{"name", m_availability_set}}));
    std::string availability_set_id =
        arm.create_availability_set(m_resource_group, m_availability_set, m_location);

    log(with_fields("Configuring network security group.",
                    {{"name", name + "-firewall"}, {"location", m_location}}));
    std::string nsg_id =
        arm.create_network_security_group(m_resource_group, name + "-firewall", m_location, security_rules());

    auto [vnet_group, vnet_name] = parse_virtual_network(m_virtual_network, m_resource_group);
    std::initializer_list<Field> vnet_fields = {
        {"name", vnet_name}, {"rg", vnet_group}, {"location", m_location}};
    log(with_fields("Querying if virtual network already exists.", vnet_fields));
    if (arm.virtual_network_subnet_count(vnet_group, vnet_name)) {
        log(with_fields("Virtual network already exists.", vnet_fields));
    } else {
        log(with_fields("Creating virtual network.", vnet_fields));
        arm.create_virtual_network(vnet_group, vnet_name, m_location,
                                   {"192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12"});
    }

    std::string subnet_id;
    if (auto subnet = arm.subnet(vnet_group, vnet_name, m_subnet_name)) {
        log("Subnet already exists.");
        subnet_id = subnet->id;
    } else {
        log(with_fields("Configuring subnet.",
                        {{"name", m_subnet_name}, {"vnet", vnet_name}, {"cidr", m_subnet_prefix}}));
        subnet_id = arm.create_subnet(vnet_group, vnet_name, m_subnet_name, m_subnet_prefix);
    }

    std::string public_ip_id;
    if (m_no_public_ip) {
        log("Not creating a public IP address.");
    } else {
        log(with_fields("Creating public IP address.",
                        {{"name", name + "-ip"}, {"static", m_static_public_ip ? "true" : "false", false}}));
        public_ip_id =
            arm.create_public_ip(m_resource_group, name + "-ip", m_location, m_static_public_ip, m_dns_label);
    }

    log(with_fields("Creating network interface.", {{"name", name + "-nic"}}));
    std::string nic_id = arm.create_network_interface(m_resource_group, name + "-nic", m_location,
                                                      public_ip_id, subnet_id, nsg_id, m_private_ip_addr);

    // A storage account of ours ("vhds..." prefix) for the OS disk: an existing eligible one, or a new one.
    std::optional<azure::StorageAccount> account;
    for (const auto& candidate : arm.storage_accounts(m_resource_group)) {
        if (candidate.location == m_location && candidate.sku == m_storage_type &&
            candidate.name.rfind(k_storage_account_prefix, 0) == 0) {
            log(with_fields("Using existing storage account.",
                            {{"name", candidate.name}, {"sku", m_storage_type, false}}));
            account = candidate;
            break;
        }
    }
    if (!account) {
        std::string account_name = random_storage_account_name();
        log(with_fields("Creating storage account.",
                        {{"name", account_name}, {"location", m_location}, {"sku", m_storage_type, false}}));
        arm.create_storage_account(m_resource_group, account_name, m_location, m_storage_type);
        account = arm.storage_account(m_resource_group, account_name);
    }

    std::string key_path = ssh_key_path();
    support::debug(name, "Creating SSH key...");
    cert::ensure_ssh_key(key_path);
    std::string public_key = read_file(key_path + ".pub");

    std::vector<std::string> image = support::split(m_image, ':');
    if (image.size() != 4) {
        throw Error("image name " + go_quote(m_image) + " not a valid format");
    }
    log(with_fields("Creating virtual machine.", {{"name", name},
                                                  {"location", m_location},
                                                  {"size", m_size},
                                                  {"username", m_base.ssh_user},
                                                  {"osImage", m_image}}));
    azure::VirtualMachineSpec spec;
    spec.name = name;
    spec.location = m_location;
    spec.size = m_size;
    spec.availability_set_id = availability_set_id;
    spec.network_interface_id = nic_id;
    spec.admin_username = m_base.ssh_user;
    spec.ssh_public_key = public_key;
    spec.publisher = image[0];
    spec.offer = image[1];
    spec.sku = image[2];
    spec.version = image[3];
    spec.custom_data = custom_data;
    std::string blob = account->blob_endpoint;
    if (!blob.empty() && blob.back() != '/') {
        blob.push_back('/');
    }
    spec.os_disk_vhd_uri = blob + "vhd-" + name + "/" + name + "-os-disk.vhd";
    arm.create_virtual_machine(m_resource_group, spec);
}

void AzureDriver::check_legacy(bool short_message) const {
    if (!m_resource_group.empty()) {
        return;
    }
    if (short_message) {
        throw Error("new azure driver cannot manage old VMs, downgrade to v0.6.0");
    }
    throw Error(
        "new azure driver uses the new Azure Resource Manager APIs and therefore cannot manage this existing "
        "machine "
        "created with old azure driver. Please downgrade to docker-machine 0.6.0 to continue using these "
        "machines or "
        "to remove them");
}

void AzureDriver::remove() {
    check_legacy(false);
    log("NOTICE: Please check Azure portal/CLI to make sure you have no leftover resources to avoid "
        "unexpected "
        "charges.");
    auto arm = client();
    const std::string& name = m_base.machine_name;

    // Best effort: whatever is already gone is skipped.
    auto vm = arm.virtual_machine(m_resource_group, name, false);
    if (!vm) {
        log(with_fields("Virtual Machine does not exist. Skipping.", {{"name", name}}));
    } else {
        log(with_fields("Removing Virtual Machine resource.", {{"name", name}}));
        arm.delete_virtual_machine(m_resource_group, name);
        // The OS disk: its blob container, and the storage account once no container is left.
        const std::string& vhd = vm->os_disk_vhd_uri;
        auto scheme_end = vhd.find("://");
        auto host_end = scheme_end == std::string::npos ? std::string::npos : vhd.find('/', scheme_end + 3);
        std::string host =
            host_end == std::string::npos ? "" : vhd.substr(scheme_end + 3, host_end - scheme_end - 3);
        auto dot = host.find('.');
        if (dot == std::string::npos) {
            log("Could not extract the storage account name from URL. Please clean up the disk yourself.");
        } else {
            std::string account = host.substr(0, dot);
            std::string service_url = vhd.substr(0, host_end + 1);
            auto keys = arm.storage_account_keys(m_resource_group, account);
            if (keys.empty()) {
                throw Error("Returned storage keys list response does not contain any keys");
            }
            azure::BlobClient blobs(account, keys.front(), m_transport);
            try {
                (void)blobs.delete_container(service_url, "vhd-" + name);
            } catch (const Error& error) {
                support::debug(name, std::string("Container remove happened: ") + error.what());
            }
            if (blobs.list_containers(service_url).empty()) {
                support::debug(name, "No storage containers left. Deleting virtual machine storage account.");
                arm.delete_storage_account(m_resource_group, account);
            }
        }
    }

    auto remove_if_exists = [&](const char* kind, const std::string& resource, bool exists,
                                auto&& remove_it) {
        if (!exists) {
            log(with_fields(std::string(kind) + " does not exist. Skipping.", {{"name", resource}}));
            return;
        }
        log(with_fields(std::string("Removing ") + kind + " resource.", {{"name", resource}}));
        remove_it();
    };
    remove_if_exists("Network Interface", name + "-nic",
                     arm.network_interface_private_ip(m_resource_group, name + "-nic").has_value(),
                     [&] { arm.delete_network_interface(m_resource_group, name + "-nic"); });
    remove_if_exists("Public IP", name + "-ip", arm.public_ip(m_resource_group, name + "-ip").has_value(),
                     [&] { arm.delete_public_ip(m_resource_group, name + "-ip"); });
    remove_if_exists("Network Security Group", name + "-firewall",
                     arm.network_security_group_exists(m_resource_group, name + "-firewall"),
                     [&] { arm.delete_network_security_group(m_resource_group, name + "-firewall"); });

    // Shared resources go only when nothing uses them any more.
    auto clean_up = [&](const char* kind, const std::string& resource, std::optional<std::size_t> users,
                        auto&& remove_it) {
        log(with_fields(std::string("Attempting to clean up ") + kind + " resource...",
                        {{"name", resource}}));
        if (!users) {
            support::debug(name, std::string(kind) + " resource does not exist. Skipping.");
            return;
        }
        if (*users != 0) {
            log(with_fields(std::string(kind) + " is still in use by other resources, skipping removal.",
                            {{"name", resource}}));
            return;
        }
        log(with_fields(std::string("Removing ") + kind + " resource...", {{"name", resource}}));
        remove_it();
    };
    clean_up("Availability Set", m_availability_set,
             arm.availability_set_vm_count(m_resource_group, m_availability_set),
             [&] { arm.delete_availability_set(m_resource_group, m_availability_set); });
    auto [vnet_group, vnet_name] = parse_virtual_network(m_virtual_network, m_resource_group);
    auto subnet = arm.subnet(vnet_group, vnet_name, m_subnet_name);
    clean_up("Subnet", m_subnet_name,
             subnet ? std::optional<std::size_t>(subnet->ip_configurations) : std::nullopt,
             [&] { arm.delete_subnet(vnet_group, vnet_name, m_subnet_name); });
    clean_up("Virtual Network", vnet_name, arm.virtual_network_subnet_count(vnet_group, vnet_name),
             [&] { arm.delete_virtual_network(vnet_group, vnet_name); });
}

std::string AzureDriver::resolve_ip() {
    auto arm = client();
    if (m_use_private_ip || m_no_public_ip) {
        auto ip = arm.network_interface_private_ip(m_resource_group, m_base.machine_name + "-nic");
        if (!ip) {
            throw Error("Error querying Private IP: the network interface does not exist");
        }
        return *ip;
    }
    auto ip = arm.public_ip(m_resource_group, m_base.machine_name + "-ip");
    if (!ip) {
        throw Error("Error querying Public IP: the public IP address does not exist");
    }
    if (!m_dns_label.empty()) {
        if (ip->fqdn.empty()) {
            throw Error("Error querying Public IP: FQDN not found on public IP address");
        }
        return ip->fqdn;
    }
    return ip->ip_address;
}

std::string AzureDriver::ip() {
    check_legacy(true);
    if (m_resolved_ip.empty()) {
        try {
            m_resolved_ip = resolve_ip();
        } catch (const azure::AzureError& error) {
            throw Error(std::string("Error querying ") +
                        (m_use_private_ip || m_no_public_ip ? "Private" : "Public") + " IP: " + error.what());
        }
    }
    return m_resolved_ip;
}

State AzureDriver::state_for_power_state(const std::string& power_state) {
    if (power_state == "running") {
        return State::Running;
    }
    if (power_state == "starting") {
        return State::Starting;
    }
    if (power_state == "stopping" || power_state == "deallocating") {
        return State::Stopping;
    }
    if (power_state == "stopped" || power_state == "deallocated") {
        return State::Stopped;
    }
    return State::None;
}

State AzureDriver::state() {
    check_legacy(true);
    auto vm = client().virtual_machine(m_resource_group, m_base.machine_name, true);
    if (!vm) {
        throw Error("Virtual Machine " + m_base.machine_name + " does not exist in resource group " +
                    go_quote(m_resource_group));
    }
    return state_for_power_state(vm->power_state);
}

std::string AzureDriver::url() {
    if (state() != State::Running) {
        throw Error("Host is not running");
    }
    return "tcp://" + net::join_host_port(ip(), std::to_string(m_docker_port));
}

namespace {

// Upstream's waitVMPowerState: polls the instance view until the goal power state.
void wait_power_state(azure::ArmClient& arm, const std::string& group, const std::string& name,
                      const std::string& goal, std::chrono::seconds timeout, bool fast) {
    progress::Wait shown("Waiting for the Azure virtual machine");
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        auto vm = arm.virtual_machine(group, name, true);
        std::string state = vm ? vm->power_state : "";
        if (state == goal) {
            return;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw Error("Waiting for goal state " + go_quote(goal) + " timed out after " +
                        std::to_string(timeout.count() / 60) + "m0s");
        }
        std::this_thread::sleep_for(fast ? std::chrono::milliseconds(0) : std::chrono::milliseconds(5000));
    }
}

}  // namespace

void AzureDriver::start() {
    check_legacy(true);
    auto arm = client();
    log(with_fields("Starting virtual machine.", {{"vm", m_base.machine_name}}));
    arm.start_virtual_machine(m_resource_group, m_base.machine_name);
    wait_power_state(arm, m_resource_group, m_base.machine_name, "running", std::chrono::minutes(10),
                     m_fast_polling);
}

void AzureDriver::stop() {
    check_legacy(true);
    auto arm = client();
    log("NOTICE: Stopping an Azure Virtual Machine is just going to power it off, not deallocate.");
    log("NOTICE: You should remove the machine if you would like to avoid unexpected costs.");
    log(with_fields("Stopping virtual machine.", {{"vm", m_base.machine_name}}));
    arm.power_off_virtual_machine(m_resource_group, m_base.machine_name);
    wait_power_state(arm, m_resource_group, m_base.machine_name, "stopped", std::chrono::minutes(5),
                     m_fast_polling);
}

void AzureDriver::restart() {
    check_legacy(true);
    auto arm = client();
    log(with_fields("Restarting virtual machine.", {{"vm", m_base.machine_name}}));
    arm.restart_virtual_machine(m_resource_group, m_base.machine_name);
    wait_power_state(arm, m_resource_group, m_base.machine_name, "running", std::chrono::minutes(10),
                     m_fast_polling);
}

void AzureDriver::kill() {
    support::debug(m_base.machine_name, "Azure does not implement kill. Calling Stop instead.");
    stop();
}

std::vector<StateField> AzureDriver::state_fields() {
    auto fields = base_state_fields();
    fields.push_back({"ClientID", &m_client_id});
    fields.push_back({"ClientSecret", &m_client_secret});
    fields.push_back({"Environment", &m_environment});
    fields.push_back({"SubscriptionID", &m_subscription_id});
    fields.push_back({"ResourceGroup", &m_resource_group});
    fields.push_back({"DockerPort", &m_docker_port});
    fields.push_back({"Location", &m_location});
    fields.push_back({"Size", &m_size});
    fields.push_back({"Image", &m_image});
    fields.push_back({"VirtualNetwork", &m_virtual_network});
    fields.push_back({"SubnetName", &m_subnet_name});
    fields.push_back({"SubnetPrefix", &m_subnet_prefix});
    fields.push_back({"AvailabilitySet", &m_availability_set});
    fields.push_back({"StorageType", &m_storage_type});
    fields.push_back({"OpenPorts", &m_open_ports});
    fields.push_back({"PrivateIPAddr", &m_private_ip_addr});
    fields.push_back({"UsePrivateIP", &m_use_private_ip});
    fields.push_back({"NoPublicIP", &m_no_public_ip});
    fields.push_back({"DNSLabel", &m_dns_label});
    fields.push_back({"StaticPublicIP", &m_static_public_ip});
    fields.push_back({"CustomDataFile", &m_custom_data_file});
    return fields;
}

}  // namespace machine::drivers
