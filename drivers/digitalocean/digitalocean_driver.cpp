#include "drivers/digitalocean/digitalocean_driver.hpp"

#include <thread>

#include "drivers/common/driver_support.hpp"
#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"
#include "machine/go_quote.hpp"
#include "machine/net.hpp"
#include "machine/progress.hpp"

namespace machine::drivers {

using support::bool_flag;
using support::int_flag;
using support::string_flag;

DigitalOceanDriver::DigitalOceanDriver(std::string machine_name, std::string store_path)
    : DigitalOceanDriver(std::move(machine_name), std::move(store_path), http::default_transport()) {}

DigitalOceanDriver::DigitalOceanDriver(std::string machine_name, std::string store_path,
                                       http::Transport& transport)
    : Driver(std::move(machine_name), std::move(store_path)), m_transport(transport) {}

std::unique_ptr<Driver> DigitalOceanDriver::make(const std::string& machine_name,
                                                 const std::string& store_path) {
    return std::make_unique<DigitalOceanDriver>(machine_name, store_path);
}

std::vector<FlagSpec> DigitalOceanDriver::create_flags() const {
    return {
        string_flag("digitalocean-access-token", "Digital Ocean access token", "DIGITALOCEAN_ACCESS_TOKEN"),
        string_flag("digitalocean-ssh-user", "SSH username", "DIGITALOCEAN_SSH_USER", "root"),
        string_flag("digitalocean-ssh-key-fingerprint", "SSH key fingerprint",
                    "DIGITALOCEAN_SSH_KEY_FINGERPRINT"),
        string_flag("digitalocean-ssh-key-path", "SSH private key path ", "DIGITALOCEAN_SSH_KEY_PATH"),
        int_flag("digitalocean-ssh-port", "SSH port", "DIGITALOCEAN_SSH_PORT", 22),
        string_flag("digitalocean-image", "Digital Ocean Image", "DIGITALOCEAN_IMAGE", "ubuntu-16-04-x64"),
        string_flag("digitalocean-region", "Digital Ocean region", "DIGITALOCEAN_REGION", "nyc3"),
        string_flag("digitalocean-size", "Digital Ocean size", "DIGITALOCEAN_SIZE", "s-1vcpu-1gb"),
        bool_flag("digitalocean-ipv6", "enable ipv6 for droplet", "DIGITALOCEAN_IPV6"),
        bool_flag("digitalocean-private-networking", "enable private networking for droplet",
                  "DIGITALOCEAN_PRIVATE_NETWORKING"),
        bool_flag("digitalocean-backups", "enable backups for droplet", "DIGITALOCEAN_BACKUPS"),
        string_flag("digitalocean-userdata", "path to file with cloud-init user-data",
                    "DIGITALOCEAN_USERDATA"),
        string_flag("digitalocean-tags", "comma-separated list of tags to apply to the Droplet",
                    "DIGITALOCEAN_TAGS"),
        bool_flag("digitalocean-monitoring", "enable monitoring for droplet", "DIGITALOCEAN_MONITORING"),
    };
}

void DigitalOceanDriver::set_config_from_flags(const FlagValues& flags) {
    m_access_token = flags.string("digitalocean-access-token");
    m_image = flags.string("digitalocean-image");
    m_region = flags.string("digitalocean-region");
    m_size = flags.string("digitalocean-size");
    m_ipv6 = flags.boolean("digitalocean-ipv6");
    m_private_networking = flags.boolean("digitalocean-private-networking");
    m_backups = flags.boolean("digitalocean-backups");
    m_user_data_file = flags.string("digitalocean-userdata");
    m_base.ssh_user = flags.string("digitalocean-ssh-user");
    m_base.ssh_port = static_cast<int>(flags.integer("digitalocean-ssh-port"));
    m_ssh_key_fingerprint = flags.string("digitalocean-ssh-key-fingerprint");
    m_ssh_key = flags.string("digitalocean-ssh-key-path");
    m_tags = flags.string("digitalocean-tags");
    m_monitoring = flags.boolean("digitalocean-monitoring");
    // Upstream's SetSwarmConfigFromFlags (the values are there when the caller passes them on).
    m_base.swarm_master = flags.boolean("swarm-master");
    m_base.swarm_host = flags.string("swarm-host");
    m_base.swarm_discovery = flags.string("swarm-discovery");
    if (m_access_token.empty()) {
        throw Error("digitalocean driver requires the --digitalocean-access-token option");
    }
}

digitalocean::Client DigitalOceanDriver::client() const {
    return digitalocean::Client(support::env_or(digitalocean::k_api_url_env, digitalocean::k_default_api_url),
                                m_access_token, m_transport);
}

void DigitalOceanDriver::pre_create_check() {
    if (!m_user_data_file.empty() && support::path_missing(m_user_data_file)) {
        throw Error("user-data file " + m_user_data_file + " could not be found");
    }
    if (!m_ssh_key.empty()) {
        if (m_ssh_key_fingerprint.empty()) {
            throw Error("ssh-key-fingerprint needs to be provided for " + go_quote(m_ssh_key));
        }
        if (support::path_missing(m_ssh_key)) {
            throw Error("SSH key does not exist: " + go_quote(m_ssh_key));
        }
    }
    for (const auto& slug : client().region_slugs()) {
        if (slug == m_region) {
            return;
        }
    }
    throw Error("digitalocean requires a valid region");
}

digitalocean::SshKey DigitalOceanDriver::create_ssh_key() {
    m_base.ssh_key_path = ssh_key_path();
    if (!m_ssh_key_fingerprint.empty()) {
        digitalocean::SshKey key;
        try {
            key = client().key_by_fingerprint(m_ssh_key_fingerprint);
        } catch (const digitalocean::ApiError& error) {
            if (error.status() == 404) {
                throw Error("Digital Ocean SSH key with fingerprint " + m_ssh_key_fingerprint +
                            " doesn't exist");
            }
            throw;
        }
        if (m_ssh_key.empty()) {
            support::info(m_base.machine_name,
                          "Assuming Digital Ocean private SSH is located at ~/.ssh/id_rsa");
            return key;
        }
        support::copy_ssh_key(m_ssh_key, m_base.ssh_key_path);
        return key;
    }
    cert::ensure_ssh_key(m_base.ssh_key_path);
    std::string public_key = read_file(m_base.ssh_key_path + ".pub");
    return client().create_key(m_base.machine_name, public_key);
}

void DigitalOceanDriver::create() {
    std::string user_data;
    if (!m_user_data_file.empty()) {
        user_data = read_file(m_user_data_file);
    }
    support::info(m_base.machine_name, "Creating SSH key...");
    digitalocean::SshKey key = create_ssh_key();
    m_ssh_key_id = key.id;
    try {
        create_droplet(user_data);
    } catch (const Error&) {
        // The store keeps the state from before create(): without this, what was made so far (the key, a
        // droplet without an address yet) would be left behind with no machine referring to it.
        roll_back_create();
        throw;
    }
    support::debug(m_base.machine_name, "Created droplet ID " + std::to_string(m_droplet_id) +
                                            ", IP address " + m_base.ip_address);
}

void DigitalOceanDriver::create_droplet(const std::string& user_data) {
    support::info(m_base.machine_name, "Creating Digital Ocean droplet...");
    digitalocean::DropletCreateRequest request;
    request.name = m_base.machine_name;
    request.region = m_region;
    request.size = m_size;
    request.image = m_image;
    request.ssh_key_ids = {m_ssh_key_id};
    request.backups = m_backups;
    request.ipv6 = m_ipv6;
    request.private_networking = m_private_networking;
    request.monitoring = m_monitoring;
    request.user_data = user_data;
    request.tags = parse_tags(m_tags);
    auto api = client();
    digitalocean::Droplet droplet = api.create_droplet(request);
    m_droplet_id = droplet.id;

    support::info(m_base.machine_name, "Waiting for IP address to be assigned to the Droplet...");
    // As upstream: no limit; the droplet's address comes when the API assigns it.
    progress::Wait shown("Waiting for the droplet's IP address");
    while (true) {
        droplet = api.droplet(m_droplet_id);
        if (!droplet.public_ipv4.empty()) {
            m_base.ip_address = droplet.public_ipv4;
            return;
        }
        std::this_thread::sleep_for(m_ip_poll_interval);
    }
}

void DigitalOceanDriver::roll_back_create() {
    auto api = client();
    if (m_droplet_id != 0) {
        try {
            api.delete_droplet(m_droplet_id);
        } catch (const Error& error) {
            support::info(m_base.machine_name, std::string("Could not delete the droplet: ") + error.what());
        }
        m_droplet_id = 0;
    }
    if (m_ssh_key_fingerprint.empty() && m_ssh_key_id != 0) {
        try {
            api.delete_key(m_ssh_key_id);
        } catch (const Error& error) {
            support::info(m_base.machine_name, std::string("Could not delete the SSH key: ") + error.what());
        }
        m_ssh_key_id = 0;
    }
}

State DigitalOceanDriver::state_for_status(const std::string& status) {
    if (status == "new") {
        return State::Starting;
    }
    if (status == "active") {
        return State::Running;
    }
    if (status == "off") {
        return State::Stopped;
    }
    return State::None;
}

State DigitalOceanDriver::state() {
    require_droplet();
    return state_for_status(client().droplet(m_droplet_id).status);
}

void DigitalOceanDriver::require_droplet() const {
    // A machine whose create failed before the droplet existed: droplet IDs start at 1, so the API would
    // only answer 404 for this one.
    if (m_droplet_id == 0) {
        throw Error("Digital Ocean droplet doesn't exist");
    }
}

std::string DigitalOceanDriver::url() {
    if (state() != State::Running) {
        throw Error("Host is not running");
    }
    return "tcp://" + net::join_host_port(ip(), "2376");
}

void DigitalOceanDriver::start() {
    require_droplet();
    client().droplet_action(m_droplet_id, "power_on");
}

void DigitalOceanDriver::stop() {
    require_droplet();
    client().droplet_action(m_droplet_id, "shutdown");
}

void DigitalOceanDriver::restart() {
    require_droplet();
    client().droplet_action(m_droplet_id, "reboot");
}

void DigitalOceanDriver::kill() {
    require_droplet();
    client().droplet_action(m_droplet_id, "power_off");
}

void DigitalOceanDriver::remove() {
    // An ID of 0 means that create() never got that far; the API would answer 404 (IDs start at 1).
    auto api = client();
    if (m_ssh_key_fingerprint.empty()) {
        try {
            if (m_ssh_key_id == 0) {
                throw digitalocean::ApiError("no SSH key ID", 404);
            }
            api.delete_key(m_ssh_key_id);
        } catch (const digitalocean::ApiError& error) {
            if (error.status() != 404) {
                throw;
            }
            support::info(m_base.machine_name,
                          "Digital Ocean SSH key doesn't exist, assuming it is already deleted");
        }
    }
    try {
        if (m_droplet_id == 0) {
            throw digitalocean::ApiError("no droplet ID", 404);
        }
        api.delete_droplet(m_droplet_id);
    } catch (const digitalocean::ApiError& error) {
        if (error.status() != 404) {
            throw;
        }
        support::info(m_base.machine_name,
                      "Digital Ocean droplet doesn't exist, assuming it is already deleted");
    }
}

std::string DigitalOceanDriver::ssh_key_path() {
    if (!m_ssh_key.empty()) {
        m_base.ssh_key_path = resolve_store_path(go_path::base(m_ssh_key));
    } else if (m_base.ssh_key_path.empty() && m_ssh_key_fingerprint.empty()) {
        m_base.ssh_key_path = resolve_store_path("id_rsa");
    }
    return m_base.ssh_key_path;
}

std::vector<std::string> DigitalOceanDriver::parse_tags(const std::string& tags) {
    std::vector<std::string> out;
    for (const auto& tag : support::split(tags, ',')) {
        std::string trimmed = support::trim(tag);
        if (!trimmed.empty()) {
            out.push_back(trimmed);
        }
    }
    return out;
}

std::vector<StateField> DigitalOceanDriver::state_fields() {
    auto fields = base_state_fields();
    fields.push_back({"AccessToken", &m_access_token});
    fields.push_back({"DropletID", &m_droplet_id});
    fields.push_back({"DropletName", &m_droplet_name});
    fields.push_back({"Image", &m_image});
    fields.push_back({"Region", &m_region});
    fields.push_back({"SSHKeyID", &m_ssh_key_id});
    fields.push_back({"SSHKeyFingerprint", &m_ssh_key_fingerprint});
    fields.push_back({"SSHKey", &m_ssh_key});
    fields.push_back({"Size", &m_size});
    fields.push_back({"IPv6", &m_ipv6});
    fields.push_back({"Backups", &m_backups});
    fields.push_back({"PrivateNetworking", &m_private_networking});
    fields.push_back({"UserDataFile", &m_user_data_file});
    fields.push_back({"Monitoring", &m_monitoring});
    fields.push_back({"Tags", &m_tags});
    return fields;
}

}  // namespace machine::drivers
