#include "drivers/amazonec2/ec2_client.hpp"

#include <algorithm>
#include <array>
#include <random>

#include "drivers/amazonec2/regions.hpp"
#include "drivers/common/driver_support.hpp"
#include "machine/log.hpp"

namespace machine::drivers::amazonec2 {
namespace {

constexpr const char* k_api_version = "2016-11-15";
constexpr auto k_max_backoff = std::chrono::milliseconds(20000);

void add_filters(QueryParams& params, const std::vector<Filter>& filters) {
    for (size_t i = 0; i < filters.size(); ++i) {
        std::string prefix = "Filter." + std::to_string(i + 1);
        params.emplace_back(prefix + ".Name", filters[i].name);
        for (size_t j = 0; j < filters[i].values.size(); ++j) {
            params.emplace_back(prefix + ".Value." + std::to_string(j + 1), filters[i].values[j]);
        }
    }
}

void add_list(QueryParams& params, const std::string& prefix, const std::vector<std::string>& values) {
    for (size_t i = 0; i < values.size(); ++i) {
        params.emplace_back(prefix + "." + std::to_string(i + 1), values[i]);
    }
}

const char* boolean(bool value) {
    return value ? "true" : "false";
}

// The launch specification, under `prefix` ("" for RunInstances, "LaunchSpecification." for spot requests).
void add_launch_spec(QueryParams& params, const std::string& prefix, const LaunchSpec& spec) {
    params.emplace_back(prefix + "ImageId", spec.image_id);
    if (!spec.availability_zone.empty()) {
        params.emplace_back(prefix + "Placement.AvailabilityZone", spec.availability_zone);
    }
    if (!spec.key_name.empty()) {
        params.emplace_back(prefix + "KeyName", spec.key_name);
    }
    params.emplace_back(prefix + "InstanceType", spec.instance_type);
    const std::string nic = prefix + "NetworkInterface.1.";
    params.emplace_back(nic + "DeviceIndex", "0");
    add_list(params, nic + "SecurityGroupId", spec.security_group_ids);
    if (!spec.subnet_id.empty()) {
        params.emplace_back(nic + "SubnetId", spec.subnet_id);
    }
    params.emplace_back(nic + "AssociatePublicIpAddress", boolean(spec.associate_public_ip));
    params.emplace_back(prefix + "Monitoring.Enabled", boolean(spec.monitoring));
    if (!spec.iam_instance_profile.empty()) {
        params.emplace_back(prefix + "IamInstanceProfile.Name", spec.iam_instance_profile);
    }
    params.emplace_back(prefix + "EbsOptimized", boolean(spec.ebs_optimized));
    const std::string disk = prefix + "BlockDeviceMapping.1.";
    params.emplace_back(disk + "DeviceName", spec.device_name);
    params.emplace_back(disk + "Ebs.VolumeSize", std::to_string(spec.root_size_gb));
    params.emplace_back(disk + "Ebs.VolumeType", spec.volume_type);
    params.emplace_back(disk + "Ebs.DeleteOnTermination", "true");
    if (!spec.user_data_base64.empty()) {
        params.emplace_back(prefix + "UserData", spec.user_data_base64);
    }
}

bool is_retryable_code(const std::string& code) {
    static constexpr std::array<const char*, 7> k_codes = {
        "RequestError",       "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
        "ServiceUnavailable", "Unavailable",
    };
    return std::find(k_codes.begin(), k_codes.end(), code) != k_codes.end();
}

double random_jitter() {
    thread_local std::mt19937 generator{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace

AwsError::AwsError(std::string code, std::string message, long status, std::string request_id)
    : Error(code + ": " + message + "\n\tstatus code: " + std::to_string(status) +
            ", request id: " + request_id),
      m_code(std::move(code)),
      m_message(std::move(message)),
      m_status(status) {}

std::string redact_body(const std::string& body) {
    std::string out;
    size_t start = 0;
    while (start <= body.size()) {
        size_t end = body.find('&', start);
        std::string field = body.substr(start, end == std::string::npos ? std::string::npos : end - start);
        size_t equals = field.find('=');
        std::string name = field.substr(0, equals);
        if (equals != std::string::npos && (name == "UserData" || name.ends_with(".UserData"))) {
            field = name + "=<redacted " + std::to_string(field.size() - equals - 1) + " bytes>";
        }
        out += (out.empty() ? "" : "&") + field;
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return out;
}

std::string redact_authorization(const std::string& header) {
    size_t signed_headers = header.find("SignedHeaders=");
    std::string names;
    if (signed_headers != std::string::npos) {
        names = header.substr(signed_headers, header.find(',', signed_headers) - signed_headers);
    }
    return "AWS4-HMAC-SHA256 Credential=<redacted>, " + names + ", Signature=<redacted>";
}

bool Ec2Client::is_throttling_code(const std::string& code) {
    static constexpr std::array<const char*, 14> k_codes = {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    };
    return std::find(k_codes.begin(), k_codes.end(), code) != k_codes.end();
}

std::chrono::milliseconds Ec2Client::backoff_delay(int retry, bool throttled, double jitter) {
    const long long base = throttled ? 500 : 50;
    long long delay = base << std::min(retry, 16);
    delay = std::min<long long>(delay, k_max_backoff.count());
    jitter = std::clamp(jitter, 0.0, 1.0);
    return std::chrono::milliseconds(
        static_cast<long long>(static_cast<double>(delay) * (0.5 + 0.5 * jitter)));
}

Ec2Client::Ec2Client(ClientConfig config, CredentialsProvider credentials, http::Transport& transport,
                     Sleeper sleep)
    : m_config(std::move(config)),
      m_credentials(std::move(credentials)),
      m_transport(transport),
      m_sleep(std::move(sleep)) {}

// The outcome of one HTTP exchange: the body, or what went wrong and whether another try may help.
struct Ec2Client::Attempt {
    std::optional<std::string> body;
    std::optional<AwsError> aws_error;
    std::string transport_error;
    bool retryable = false;
    bool throttled = false;
};

Ec2Client::Attempt Ec2Client::attempt(const std::string& action, const std::string& body) {
    const Credentials credentials = m_credentials();
    const UrlParts url = split_url(m_config.endpoint);

    const std::string amz_date = amz_date_now();
    SignableRequest signable;
    signable.method = "POST";
    signable.path = url.path;
    signable.headers = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
        {"Host", url.host_port},
        {"X-Amz-Date", amz_date},
    };
    if (!credentials.session_token.empty()) {
        signable.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
    }
    signable.body = body;
    const std::string authorization =
        authorization_header(signable, credentials, {amz_date, m_config.region, "ec2"});

    http::Request request;
    request.method = "POST";
    request.url = m_config.endpoint;
    for (const auto& [name, value] : signable.headers) {
        request.headers.push_back({name, value});
    }
    request.headers.push_back({"Authorization", authorization});
    request.body = body;

    // Never the key id, signature or session token: debug output ends up in bug reports.
    log::debug(m_config.log_prefix + "EC2 request " + action + ": POST " + m_config.endpoint +
               "\n  Authorization: " + redact_authorization(authorization) +
               (credentials.session_token.empty() ? "" : "\n  X-Amz-Security-Token: <redacted>") + "\n  " +
               redact_body(body));

    Attempt result;
    http::Response response;
    try {
        response = m_transport.send(request);
    } catch (const http::TransportError& error) {
        log::debug(m_config.log_prefix + "EC2 " + action + ": send request failed: " + error.what());
        result.transport_error = error.what();
        result.retryable = true;
        return result;
    }
    log::debug(m_config.log_prefix + "EC2 response " + action + ": HTTP " + std::to_string(response.status) +
               "\n  " + response.body);

    if (response.status >= 200 && response.status < 300) {
        result.body = std::move(response.body);
        return result;
    }
    std::optional<AwsErrorInfo> info = parse_error(response.body);
    AwsErrorInfo error = info.value_or(AwsErrorInfo{});
    if (error.code.empty()) {
        // No XML error document (a proxy, a load balancer): name the status as the SDK did.
        error.code = response.status >= 500 ? "ServiceUnavailable" : "UnknownError";
        error.message = "unexpected HTTP status " + std::to_string(response.status);
    }
    result.throttled = response.status == 429 || is_throttling_code(error.code);
    result.retryable = result.throttled || response.status >= 500 || is_retryable_code(error.code);
    result.aws_error.emplace(error.code, error.message, response.status, error.request_id);
    return result;
}

std::string Ec2Client::call(const std::string& action, QueryParams params) {
    QueryParams fields = {{"Action", action}, {"Version", k_api_version}};
    fields.insert(fields.end(), std::make_move_iterator(params.begin()),
                  std::make_move_iterator(params.end()));
    const std::string body = form_encode(fields);
    const int retries = std::max(m_config.max_retries, 0);

    for (int retry = 0;; ++retry) {
        Attempt result = attempt(action, body);
        if (result.body) {
            return std::move(*result.body);
        }
        if (!result.retryable || retry >= retries) {
            if (result.aws_error) {
                throw *result.aws_error;
            }
            throw Error("RequestError: send request failed\ncaused by: " + result.transport_error);
        }
        std::chrono::milliseconds delay = backoff_delay(retry, result.throttled, random_jitter());
        log::debug(m_config.log_prefix + "EC2 " + action + ": " +
                   (result.aws_error ? result.aws_error->code() : std::string("connection failed")) +
                   ", retry " + std::to_string(retry + 1) + "/" + std::to_string(retries) + " in " +
                   std::to_string(delay.count()) + " ms");
        m_sleep(delay);
    }
}

std::optional<std::string> Ec2Client::default_vpc_id() {
    return parse_account_attribute(call("DescribeAccountAttributes", {{"AttributeName.1", "default-vpc"}}),
                                   "default-vpc");
}

std::vector<Subnet> Ec2Client::describe_subnets(const std::vector<Filter>& filters) {
    QueryParams params;
    add_filters(params, filters);
    return parse_subnets(call("DescribeSubnets", std::move(params)));
}

std::vector<std::string> Ec2Client::describe_key_pairs(const std::string& name) {
    return parse_key_pair_names(call("DescribeKeyPairs", {{"KeyName.1", name}}));
}

void Ec2Client::import_key_pair(const std::string& name, const std::string& public_key) {
    call("ImportKeyPair", {{"KeyName", name}, {"PublicKeyMaterial", support::base64_encode(public_key)}});
}

void Ec2Client::delete_key_pair(const std::string& name) {
    call("DeleteKeyPair", {{"KeyName", name}});
}

std::vector<SecurityGroup> Ec2Client::describe_security_groups(const std::vector<Filter>& filters,
                                                               const std::vector<std::string>& ids) {
    QueryParams params;
    add_list(params, "GroupId", ids);
    add_filters(params, filters);
    return parse_security_groups(call("DescribeSecurityGroups", std::move(params)));
}

std::string Ec2Client::create_security_group(const std::string& name, const std::string& description,
                                             const std::string& vpc_id) {
    QueryParams params = {{"GroupName", name}, {"GroupDescription", description}};
    if (!vpc_id.empty()) {
        params.emplace_back("VpcId", vpc_id);
    }
    return parse_group_id(call("CreateSecurityGroup", std::move(params)));
}

void Ec2Client::authorize_ingress(const std::string& group_id, const std::vector<PortRule>& rules,
                                  const std::string& cidr) {
    QueryParams params = {{"GroupId", group_id}};
    for (size_t i = 0; i < rules.size(); ++i) {
        std::string prefix = "IpPermissions." + std::to_string(i + 1) + ".";
        params.emplace_back(prefix + "IpProtocol", rules[i].protocol);
        params.emplace_back(prefix + "FromPort", std::to_string(rules[i].port));
        params.emplace_back(prefix + "ToPort", std::to_string(rules[i].port));
        params.emplace_back(prefix + "IpRanges.1.CidrIp", cidr);
    }
    call("AuthorizeSecurityGroupIngress", std::move(params));
}

void Ec2Client::delete_security_group(const std::string& group_id) {
    call("DeleteSecurityGroup", {{"GroupId", group_id}});
}

void Ec2Client::create_tags(const std::string& resource_id, const std::vector<Tag>& tags) {
    QueryParams params = {{"ResourceId.1", resource_id}};
    for (size_t i = 0; i < tags.size(); ++i) {
        std::string prefix = "Tag." + std::to_string(i + 1) + ".";
        params.emplace_back(prefix + "Key", tags[i].key);
        params.emplace_back(prefix + "Value", tags[i].value);
    }
    call("CreateTags", std::move(params));
}

Instance Ec2Client::run_instance(const LaunchSpec& spec, std::string& reservation_id) {
    QueryParams params = {{"MinCount", "1"}, {"MaxCount", "1"}};
    add_launch_spec(params, "", spec);
    std::string xml = call("RunInstances", std::move(params));
    std::vector<Instance> instances = parse_instances(xml);
    if (instances.empty() || instances.front().id.empty()) {
        throw Error("RunInstances returned no instance");
    }
    reservation_id = parse_reservation_id(xml);
    return instances.front();
}

SpotRequest Ec2Client::request_spot_instance(const LaunchSpec& spec, const std::string& price,
                                             long long block_duration_minutes) {
    QueryParams params = {{"InstanceCount", "1"}, {"SpotPrice", price}};
    if (block_duration_minutes != 0) {
        params.emplace_back("BlockDurationMinutes", std::to_string(block_duration_minutes));
    }
    add_launch_spec(params, "LaunchSpecification.", spec);
    std::vector<SpotRequest> requests = parse_spot_requests(call("RequestSpotInstances", std::move(params)));
    if (requests.empty() || requests.front().id.empty()) {
        throw Error("RequestSpotInstances returned no request");
    }
    return requests.front();
}

std::vector<SpotRequest> Ec2Client::describe_spot_requests(const std::vector<std::string>& ids,
                                                           const std::vector<Filter>& filters) {
    QueryParams params;
    add_list(params, "SpotInstanceRequestId", ids);
    add_filters(params, filters);
    return parse_spot_requests(call("DescribeSpotInstanceRequests", std::move(params)));
}

void Ec2Client::cancel_spot_request(const std::string& id) {
    call("CancelSpotInstanceRequests", {{"SpotInstanceRequestId.1", id}});
}

std::vector<Instance> Ec2Client::describe_instances(const std::vector<std::string>& ids) {
    QueryParams params;
    add_list(params, "InstanceId", ids);
    return parse_instances(call("DescribeInstances", std::move(params)));
}

void Ec2Client::start_instance(const std::string& id) {
    call("StartInstances", {{"InstanceId.1", id}});
}

void Ec2Client::stop_instance(const std::string& id, bool force) {
    call("StopInstances", {{"InstanceId.1", id}, {"Force", boolean(force)}});
}

void Ec2Client::reboot_instance(const std::string& id) {
    call("RebootInstances", {{"InstanceId.1", id}});
}

void Ec2Client::terminate_instance(const std::string& id) {
    call("TerminateInstances", {{"InstanceId.1", id}});
}

}  // namespace machine::drivers::amazonec2
