#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "drivers/common/http_client.hpp"
#include "drivers/digitalocean/digitalocean_api.hpp"
#include "machine/driver.hpp"

namespace machine::drivers {

// The `digitalocean` driver (drivers.md §4.6): a droplet made through DigitalOcean's API v2.
// The API base URL is https://api.digitalocean.com, or $DIGITALOCEAN_API_URL when set.
class DigitalOceanDriver final : public Driver {
public:
    DigitalOceanDriver(std::string machine_name, std::string store_path);
    // For tests: every API request goes through `transport`.
    DigitalOceanDriver(std::string machine_name, std::string store_path, http::Transport& transport);
    static std::unique_ptr<Driver> make(const std::string& machine_name, const std::string& store_path);

    [[nodiscard]] std::string driver_name() const override { return "digitalocean"; }
    [[nodiscard]] std::vector<FlagSpec> create_flags() const override;
    void set_config_from_flags(const FlagValues& flags) override;
    void pre_create_check() override;
    void create() override;
    void remove() override;
    [[nodiscard]] State state() override;
    [[nodiscard]] std::string url() override;
    void start() override;
    void stop() override;
    void restart() override;
    void kill() override;
    [[nodiscard]] std::string ssh_hostname() override { return ip(); }
    [[nodiscard]] std::string ssh_key_path() override;
    [[nodiscard]] std::vector<StateField> state_fields() override;

    // How long create() waits between two looks for the droplet's public address (1 s, as upstream).
    void set_ip_poll_interval(std::chrono::milliseconds interval) { m_ip_poll_interval = interval; }

    // The tags to send: the comma list, trimmed, empty items dropped.
    [[nodiscard]] static std::vector<std::string> parse_tags(const std::string& tags);
    // Droplet status -> machine state: new=Starting, active=Running, off=Stopped, other=None.
    [[nodiscard]] static State state_for_status(const std::string& status);

private:
    [[nodiscard]] digitalocean::Client client() const;
    [[nodiscard]] digitalocean::SshKey create_ssh_key();
    void create_droplet(const std::string& user_data);
    // Deletes what a failed create() made (best effort): the droplet, and the key unless the user brought it.
    void roll_back_create();
    // Throws when there is no droplet to talk about (DropletID 0).
    void require_droplet() const;
    http::Transport& m_transport;
    std::chrono::milliseconds m_ip_poll_interval{1000};
    std::string m_access_token;
    long long m_droplet_id = 0;
    std::string m_droplet_name;
    std::string m_image = "ubuntu-16-04-x64";
    std::string m_region = "nyc3";
    long long m_ssh_key_id = 0;
    std::string m_ssh_key_fingerprint;
    std::string m_ssh_key;  // --digitalocean-ssh-key-path as given
    std::string m_size = "s-1vcpu-1gb";
    bool m_ipv6 = false;
    bool m_backups = false;
    bool m_private_networking = false;
    std::string m_user_data_file;
    bool m_monitoring = false;
    std::string m_tags;
};

}  // namespace machine::drivers
