#pragma once

// The EC2 Query API over HTTP: form-encoded POST bodies signed with SigV4, XML answers, retries with
// exponential backoff (and jitter) for throttling, 5xx answers and failed connections. One typed method per
// action the driver uses; errors from AWS surface as AwsError with AWS's code and message.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "drivers/amazonec2/ec2_xml.hpp"
#include "drivers/amazonec2/sigv4.hpp"
#include "drivers/common/http_client.hpp"
#include "machine/error.hpp"

namespace machine::drivers::amazonec2 {

// An error answer from EC2. what() reads as the AWS SDK for Go printed it (and so docker-machine 0.16.2):
// "<Code>: <Message>\n\tstatus code: <HTTP status>, request id: <id>".
class AwsError : public Error {
public:
    AwsError(std::string code, std::string message, long status, std::string request_id);
    [[nodiscard]] const std::string& code() const noexcept { return m_code; }
    [[nodiscard]] const std::string& aws_message() const noexcept { return m_message; }
    [[nodiscard]] long status() const noexcept { return m_status; }

private:
    std::string m_code;
    std::string m_message;
    long m_status;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct Filter {
    std::string name;
    std::vector<std::string> values;
};

struct Tag {
    std::string key;
    std::string value;
};

// What RunInstances and RequestSpotInstances share (one network interface, one root volume).
struct LaunchSpec {
    std::string image_id;
    std::string availability_zone;
    std::string key_name;
    std::string instance_type;
    std::vector<std::string> security_group_ids;
    std::string subnet_id;
    bool associate_public_ip = true;
    bool monitoring = false;
    std::string iam_instance_profile;
    bool ebs_optimized = false;
    std::string device_name;
    long long root_size_gb = 16;
    std::string volume_type;
    std::string user_data_base64;
};

struct PortRule {
    std::string protocol;
    long port = 0;
};

struct ClientConfig {
    std::string endpoint;    // full URL, e.g. https://ec2.us-east-1.amazonaws.com or http://127.0.0.1:5000
    std::string region;      // the signing region
    int max_retries = 5;     // retries after the first attempt; negative means none
    std::string log_prefix;  // "(machine) " before debug lines
};

using Sleeper = std::function<void(std::chrono::milliseconds)>;
// Credentials for the next request (resolved lazily: they may come from the instance role). Throws Error.
using CredentialsProvider = std::function<Credentials()>;

class Ec2Client {
public:
    Ec2Client(ClientConfig config, CredentialsProvider credentials, http::Transport& transport,
              Sleeper sleep);

    // One action with retries; returns the XML body of a 2xx answer. Throws AwsError, or Error for transport
    // failures after the last retry ("RequestError: send request failed\ncaused by: ...").
    std::string call(const std::string& action, QueryParams params);

    [[nodiscard]] std::optional<std::string> default_vpc_id();
    [[nodiscard]] std::vector<Subnet> describe_subnets(const std::vector<Filter>& filters);
    [[nodiscard]] std::vector<std::string> describe_key_pairs(const std::string& name);
    void import_key_pair(const std::string& name, const std::string& public_key);
    void delete_key_pair(const std::string& name);
    [[nodiscard]] std::vector<SecurityGroup> describe_security_groups(
        const std::vector<Filter>& filters, const std::vector<std::string>& ids = {});
    [[nodiscard]] std::string create_security_group(const std::string& name, const std::string& description,
                                                    const std::string& vpc_id);
    void authorize_ingress(const std::string& group_id, const std::vector<PortRule>& rules,
                           const std::string& cidr);
    void delete_security_group(const std::string& group_id);
    void create_tags(const std::string& resource_id, const std::vector<Tag>& tags);
    // The launched instance (with the reservation id in `reservation_id`).
    [[nodiscard]] Instance run_instance(const LaunchSpec& spec, std::string& reservation_id);
    [[nodiscard]] SpotRequest request_spot_instance(const LaunchSpec& spec, const std::string& price,
                                                    long long block_duration_minutes);
    [[nodiscard]] std::vector<SpotRequest> describe_spot_requests(const std::vector<std::string>& ids,
                                                                  const std::vector<Filter>& filters = {});
    void cancel_spot_request(const std::string& id);
    [[nodiscard]] std::vector<Instance> describe_instances(const std::vector<std::string>& ids);
    void start_instance(const std::string& id);
    void stop_instance(const std::string& id, bool force);
    void reboot_instance(const std::string& id);
    void terminate_instance(const std::string& id);

    // The delay before retry number `retry` (0-based): exponential from 500 ms for throttling (50 ms
    // otherwise), capped at 20 s, with `jitter` in [0, 1] scaling it between 50 % and 100 %.
    [[nodiscard]] static std::chrono::milliseconds backoff_delay(int retry, bool throttled, double jitter);
    [[nodiscard]] static bool is_throttling_code(const std::string& code);

private:
    struct Attempt;
    [[nodiscard]] Attempt attempt(const std::string& action, const std::string& body);

    ClientConfig m_config;
    CredentialsProvider m_credentials;
    http::Transport& m_transport;
    Sleeper m_sleep;
};

// The body for the debug log: UserData values hidden (cloud-init data often carries secrets).
[[nodiscard]] std::string redact_body(const std::string& body);
// The Authorization header for the debug log: neither the key id nor the signature.
[[nodiscard]] std::string redact_authorization(const std::string& header);

}  // namespace machine::drivers::amazonec2
