#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/amazonec2/ec2_client.hpp"
#include "machine/driver.hpp"

namespace machine::drivers {

// What the driver reaches outside itself; unit tests swap each piece (canned EC2 answers, no sleeping).
struct Amazonec2Services {
    http::Transport* transport = nullptr;           // the EC2 API (not owned)
    http::Transport* metadata_transport = nullptr;  // the instance metadata service, for instance roles
    std::function<std::optional<std::string>(const std::string&)> getenv;
    amazonec2::Sleeper sleep;
};

// The process's real services: libcurl (drivers/common), the environment, std::this_thread::sleep_for.
[[nodiscard]] Amazonec2Services default_amazonec2_services();

// The `amazonec2` driver (drivers.md §4.4): an EC2 instance per machine, through the EC2 Query API.
class Amazonec2Driver final : public Driver {
public:
    Amazonec2Driver(std::string machine_name, std::string store_path);
    Amazonec2Driver(std::string machine_name, std::string store_path, Amazonec2Services services);
    static std::unique_ptr<Driver> make(const std::string& machine_name, const std::string& store_path);

    [[nodiscard]] std::string driver_name() const override { return "amazonec2"; }
    [[nodiscard]] std::vector<FlagSpec> create_flags() const override;
    // Validates the flags, finds credentials, the default VPC and checks the subnet (EC2 calls). Throws
    // Error.
    void set_config_from_flags(const FlagValues& flags) override;
    // The key pair name is free (or, when given, exists); picks a subnet in the zone when none was given.
    void pre_create_check() override;
    // Key pair, security groups, the instance (on demand or spot), its IP, Running, tags. On failure after
    // the pre-create re-check, removes what it made before rethrowing.
    void create() override;
    // Terminates the instance, cancels its spot request, deletes the key pair we imported and the security
    // groups we created once nothing uses them. Throws Error listing what could not be removed.
    void remove() override;
    [[nodiscard]] State state() override;
    [[nodiscard]] std::string url() override;
    [[nodiscard]] std::string ip() override;
    void start() override;
    void stop() override;
    void restart() override;
    void kill() override;
    [[nodiscard]] std::string ssh_hostname() override { return ip(); }
    [[nodiscard]] std::string ssh_username() override;
    [[nodiscard]] std::vector<StateField> state_fields() override;

    // Polling of create/start: attempts and interval (upstream's mcnutils.WaitFor: 60 x 3 s).
    static constexpr int k_wait_attempts = 60;
    static constexpr std::chrono::seconds k_wait_interval{3};
    // The tag that marks a security group this driver created (so that `rm` may delete it).
    static constexpr const char* k_created_tag = "docker-machine:created-by";

private:
    [[nodiscard]] amazonec2::Ec2Client& client();
    [[nodiscard]] amazonec2::Credentials credentials();
    [[nodiscard]] std::string region_zone() const;
    [[nodiscard]] std::vector<std::string> security_group_names() const;
    [[nodiscard]] std::vector<std::string> security_group_ids() const;
    [[nodiscard]] amazonec2::Instance describe_instance();
    [[nodiscard]] std::string instance_ip(const amazonec2::Instance& instance) const;
    void check_prerequisites();
    void create_resources();
    void create_key_pair();
    void configure_security_groups();
    [[nodiscard]] std::vector<amazonec2::PortRule> missing_rules(const amazonec2::SecurityGroup& group) const;
    [[nodiscard]] amazonec2::LaunchSpec launch_spec();
    [[nodiscard]] amazonec2::Instance launch_spot_instance(const amazonec2::LaunchSpec& spec);
    void wait_for_ip();
    void wait_for_running();
    void tag_instance();
    void terminate_instance(std::vector<std::string>& errors);
    void cancel_spot_requests(std::vector<std::string>& errors);
    void delete_created_security_groups();
    // Polls `done` up to k_wait_attempts times, k_wait_interval apart; false when it never returned true.
    bool wait_for(const std::function<bool()>& done);
    void info(const std::string& message) const;
    void warn(const std::string& message) const;
    void debug(const std::string& message) const;

    Amazonec2Services m_services;
    std::unique_ptr<amazonec2::Ec2Client> m_client;
    std::optional<amazonec2::Credentials> m_credentials;

    // Persisted, in upstream's key order (drivers.md §5).
    std::string m_id;
    std::string m_access_key;
    std::string m_secret_key;
    std::string m_session_token;
    std::string m_region = "us-east-1";
    std::string m_ami = "ami-c60b90d1";
    int m_ssh_key_id = 0;
    bool m_existing_key = false;
    std::string m_key_name;
    std::string m_instance_id;
    std::string m_instance_type = "t2.micro";
    std::string m_private_ip_address;
    std::string m_security_group_id;  // single-valued fields of configs written before 0.7
    std::vector<std::string> m_security_group_ids;
    std::string m_security_group_name;
    std::vector<std::string> m_security_group_names = {"docker-machine"};
    bool m_security_group_readonly = false;
    std::vector<std::string> m_open_ports;
    std::string m_tags;
    std::string m_reservation_id;
    std::string m_device_name;
    long long m_root_size = 16;
    std::string m_volume_type;
    std::string m_iam_instance_profile;
    std::string m_vpc_id;
    std::string m_subnet_id;
    std::string m_zone = "a";
    bool m_request_spot_instance = false;
    std::string m_spot_price = "0.50";
    long long m_block_duration_minutes = 0;
    bool m_private_ip_only = false;
    bool m_use_private_ip = false;
    bool m_use_ebs_optimized_instance = false;
    bool m_monitoring = false;
    std::string m_ssh_private_key_path;
    int m_retry_count = 0;
    std::string m_endpoint;
    bool m_disable_ssl = false;
    std::string m_user_data_file;

    // Only for the create in progress.
    int m_swarm_port = 3376;
    std::string m_spot_request_id;
    std::vector<std::string> m_created_group_ids;
};

}  // namespace machine::drivers
