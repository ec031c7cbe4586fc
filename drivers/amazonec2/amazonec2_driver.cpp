#include "drivers/amazonec2/amazonec2_driver.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <thread>

#include "drivers/amazonec2/credentials.hpp"
#include "drivers/amazonec2/regions.hpp"
#include "drivers/common/driver_support.hpp"
#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/net.hpp"
#include "machine/progress.hpp"

namespace machine::drivers {
namespace {

using namespace amazonec2;

constexpr const char* k_ip_range = "0.0.0.0/0";
constexpr int k_docker_port = 2376;
constexpr const char* k_keypair_not_found = "InvalidKeyPair.NotFound";
constexpr const char* k_instance_not_found = "InvalidInstanceID.NotFound";
constexpr int k_spot_wait_attempts = 120;
constexpr auto k_spot_wait_interval = std::chrono::seconds(5);
constexpr int k_spot_resolve_attempts = 3;
constexpr auto k_spot_resolve_interval = std::chrono::seconds(5);

const char* const k_missing_credentials =
    "amazonec2 driver requires AWS credentials configured with the --amazonec2-access-key and "
    "--amazonec2-secret-key options, environment variables, ~/.aws/credentials, or an instance role";
const char* const k_no_vpc =
    "amazonec2 driver requires either the --amazonec2-subnet-id or --amazonec2-vpc-id option or an "
    "AWS Account with a default vpc-id";
const char* const k_no_subnets =
    "The desired subnet could not be located in this region. Is '--amazonec2-subnet-id' or AWS_SUBNET_ID "
    "configured correctly?";

using support::bool_flag;
using support::int_flag;
using support::string_flag;

FlagSpec slice_flag(const char* name, const char* usage, const char* env, std::vector<std::string> defaults) {
    FlagSpec flag = support::slice_flag(name, usage, env);
    flag.default_slice = std::move(defaults);  // used only when the flag is absent, never shown
    return flag;
}

std::string random_id() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        log::warn("Unable to generate id");
    }
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string id;
    for (unsigned char byte : bytes) {
        id.push_back(k_digits[byte >> 4]);
        id.push_back(k_digits[byte & 0x0f]);
    }
    return id;
}

// Parses a decimal integer as Go's strconv functions do; on failure, their error text ("<function>: parsing
// "x": invalid syntax").
std::optional<std::string> parse_int_error(const std::string& text, long long& value,
                                           const char* function = "strconv.ParseInt") {
    const std::string prefix = std::string(function) + ": parsing " + go_quote(text) + ": ";
    size_t start = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
    if (start == text.size() || !std::all_of(text.begin() + static_cast<long>(start), text.end(),
                                             [](unsigned char c) { return std::isdigit(c) != 0; })) {
        return prefix + "invalid syntax";
    }
    errno = 0;
    value = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == ERANGE) {
        return prefix + "value out of range";
    }
    return std::nullopt;
}

// "8080/udp" -> {"8080", "udp"}; "8080" -> {"8080", "tcp"} (driverutil.SplitPortProto).
std::pair<std::string, std::string> split_port_proto(const std::string& spec) {
    size_t slash = spec.find('/');
    if (slash == std::string::npos) {
        return {spec, "tcp"};
    }
    return {spec.substr(0, slash), spec.substr(slash + 1)};
}

// The non-empty single value first, then the list (configs from before 0.7 held one group in a string field).
std::vector<std::string> merge_legacy(const std::string& single, const std::vector<std::string>& list) {
    std::vector<std::string> merged;
    if (!single.empty()) {
        merged.push_back(single);
    }
    merged.insert(merged.end(), list.begin(), list.end());
    return merged;
}

bool has_code(const AwsError& error, const char* code) {
    return error.code() == code;
}

}  // namespace

Amazonec2Services default_amazonec2_services() {
    Amazonec2Services services;
    services.transport = &http::default_transport();
    services.metadata_transport = &http::default_transport();
    services.getenv = process_credential_sources(nullptr).getenv;
    services.sleep = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
    return services;
}

Amazonec2Driver::Amazonec2Driver(std::string machine_name, std::string store_path)
    : Amazonec2Driver(std::move(machine_name), std::move(store_path), default_amazonec2_services()) {}

Amazonec2Driver::Amazonec2Driver(std::string machine_name, std::string store_path, Amazonec2Services services)
    : Driver(std::move(machine_name), std::move(store_path)),
      m_services(std::move(services)),
      m_id(random_id()) {
    m_base.ssh_user = "ubuntu";
    m_base.ssh_port = 22;
}

std::unique_ptr<Driver> Amazonec2Driver::make(const std::string& machine_name,
                                              const std::string& store_path) {
    return std::make_unique<Amazonec2Driver>(machine_name, store_path);
}

std::vector<FlagSpec> Amazonec2Driver::create_flags() const {
    return {
        string_flag("amazonec2-access-key", "AWS Access Key", "AWS_ACCESS_KEY_ID"),
        string_flag("amazonec2-secret-key", "AWS Secret Key", "AWS_SECRET_ACCESS_KEY"),
        string_flag("amazonec2-session-token", "AWS Session Token", "AWS_SESSION_TOKEN"),
        string_flag("amazonec2-ami", "AWS machine image", "AWS_AMI"),
        string_flag("amazonec2-region", "AWS region", "AWS_DEFAULT_REGION", "us-east-1"),
        string_flag("amazonec2-vpc-id", "AWS VPC id", "AWS_VPC_ID"),
        string_flag("amazonec2-zone", "AWS zone for instance (i.e. a,b,c,d,e)", "AWS_ZONE", "a"),
        string_flag("amazonec2-subnet-id", "AWS VPC subnet id", "AWS_SUBNET_ID"),
        bool_flag("amazonec2-security-group-readonly", "Skip adding default rules to security groups",
                  "AWS_SECURITY_GROUP_READONLY"),
        slice_flag("amazonec2-security-group", "AWS VPC security group", "AWS_SECURITY_GROUP",
                   {"docker-machine"}),
        slice_flag("amazonec2-open-port", "Make the specified port number accessible from the Internet", "",
                   {}),
        string_flag("amazonec2-tags", "AWS Tags (e.g. key1,value1,key2,value2)", "AWS_TAGS"),
        string_flag("amazonec2-instance-type", "AWS instance type", "AWS_INSTANCE_TYPE", "t2.micro"),
        string_flag("amazonec2-device-name", "AWS root device name", "AWS_DEVICE_NAME", "/dev/sda1"),
        int_flag("amazonec2-root-size", "AWS root disk size (in GB)", "AWS_ROOT_SIZE", 16),
        string_flag("amazonec2-volume-type", "Amazon EBS volume type", "AWS_VOLUME_TYPE", "gp2"),
        string_flag("amazonec2-iam-instance-profile", "AWS IAM Instance Profile", "AWS_INSTANCE_PROFILE"),
        string_flag("amazonec2-ssh-user", "SSH username", "AWS_SSH_USER", "ubuntu"),
        bool_flag("amazonec2-request-spot-instance", "Set this flag to request spot instance"),
        string_flag("amazonec2-spot-price", "AWS spot instance bid price (in dollar)", "", "0.50"),
        int_flag("amazonec2-block-duration-minutes",
                 "AWS spot instance duration in minutes (60, 120, 180, 240, 300, or 360)", "", 0),
        bool_flag("amazonec2-private-address-only", "Only use a private IP address"),
        bool_flag("amazonec2-use-private-address", "Force the usage of private IP address"),
        bool_flag("amazonec2-monitoring", "Set this flag to enable CloudWatch monitoring"),
        bool_flag("amazonec2-use-ebs-optimized-instance", "Create an EBS optimized instance"),
        string_flag("amazonec2-ssh-keypath", "SSH Key for Instance", "AWS_SSH_KEYPATH"),
        string_flag("amazonec2-keypair-name", "AWS keypair to use; requires --amazonec2-ssh-keypath",
                    "AWS_KEYPAIR_NAME"),
        int_flag("amazonec2-retries", "Set retry count for recoverable failures (use -1 to disable)", "", 5),
        string_flag("amazonec2-endpoint", "Optional endpoint URL (hostname only or fully qualified URI)",
                    "AWS_ENDPOINT"),
        bool_flag("amazonec2-insecure-transport", "Disable SSL when sending requests",
                  "AWS_INSECURE_TRANSPORT"),
        string_flag("amazonec2-userdata", "path to file with cloud-init user data", "AWS_USERDATA"),
        int_flag("amazonec2-ssh-port", "SSH port", "AWS_SSH_PORT", 22),
    };
}

// ---- logging: like upstream's plugin processes, every line names the machine ----

void Amazonec2Driver::info(const std::string& message) const {
    log::info("(" + m_base.machine_name + ") " + message);
}
void Amazonec2Driver::warn(const std::string& message) const {
    log::warn("(" + m_base.machine_name + ") " + message);
}
void Amazonec2Driver::debug(const std::string& message) const {
    log::debug("(" + m_base.machine_name + ") " + message);
}

// ---- the EC2 client ----

Credentials Amazonec2Driver::credentials() {
    if (!m_credentials) {
        CredentialSources sources;
        sources.getenv = m_services.getenv;
        sources.metadata_transport = m_services.metadata_transport;
        std::optional<ResolvedCredentials> resolved =
            resolve_credentials({m_access_key, m_secret_key, m_session_token}, sources);
        if (!resolved) {
            throw Error(k_missing_credentials);
        }
        debug("Using AWS credentials from " + resolved->source);
        m_credentials = resolved->credentials;
    }
    return *m_credentials;
}

Ec2Client& Amazonec2Driver::client() {
    if (!m_client) {
        ClientConfig config;
        // A custom endpoint with a region we do not know still signs for that region.
        config.region = m_region.empty() ? "us-east-1" : m_region;
        config.endpoint = endpoint_url(config.region, m_endpoint, m_disable_ssl);
        config.max_retries = m_retry_count;
        config.log_prefix = "(" + m_base.machine_name + ") ";
        m_client = std::make_unique<Ec2Client>(
            config, [this] { return credentials(); }, *m_services.transport, m_services.sleep);
    }
    return *m_client;
}

std::string Amazonec2Driver::region_zone() const {
    return m_endpoint.empty() ? m_region + m_zone : m_zone;
}

std::vector<std::string> Amazonec2Driver::security_group_names() const {
    return merge_legacy(m_security_group_name, m_security_group_names);
}

std::vector<std::string> Amazonec2Driver::security_group_ids() const {
    return merge_legacy(m_security_group_id, m_security_group_ids);
}

bool Amazonec2Driver::wait_for(const std::function<bool()>& done) {
    progress::Wait shown("Waiting for EC2");
    for (int attempt = 0; attempt < k_wait_attempts; ++attempt) {
        if (done()) {
            return true;
        }
        if (attempt + 1 < k_wait_attempts) {
            m_services.sleep(k_wait_interval);
        }
    }
    return false;
}

// ---- flags ----

void Amazonec2Driver::set_config_from_flags(const FlagValues& flags) {
    m_endpoint = flags.string("amazonec2-endpoint");
    std::string region = flags.string("amazonec2-region");
    std::optional<std::string> ami = default_ami(region);
    if (!ami && m_endpoint.empty()) {
        throw Error("Invalid region specified");
    }
    m_region = region;
    m_ami = flags.string("amazonec2-ami");
    if (m_ami.empty()) {
        m_ami = ami.value_or("");
    }
    m_access_key = flags.string("amazonec2-access-key");
    m_secret_key = flags.string("amazonec2-secret-key");
    m_session_token = flags.string("amazonec2-session-token");
    m_request_spot_instance = flags.boolean("amazonec2-request-spot-instance");
    m_spot_price = flags.string("amazonec2-spot-price");
    m_block_duration_minutes = flags.integer("amazonec2-block-duration-minutes");
    m_instance_type = flags.string("amazonec2-instance-type");
    m_vpc_id = flags.string("amazonec2-vpc-id");
    m_subnet_id = flags.string("amazonec2-subnet-id");
    m_security_group_names = flags.strings("amazonec2-security-group");
    m_security_group_readonly = flags.boolean("amazonec2-security-group-readonly");
    m_tags = flags.string("amazonec2-tags");
    m_zone = flags.string("amazonec2-zone");
    m_device_name = flags.string("amazonec2-device-name");
    m_root_size = flags.integer("amazonec2-root-size");
    m_volume_type = flags.string("amazonec2-volume-type");
    m_iam_instance_profile = flags.string("amazonec2-iam-instance-profile");
    m_base.ssh_user = flags.string("amazonec2-ssh-user");
    m_base.ssh_port = static_cast<int>(flags.integer("amazonec2-ssh-port"));
    m_private_ip_only = flags.boolean("amazonec2-private-address-only");
    m_use_private_ip = flags.boolean("amazonec2-use-private-address");
    m_monitoring = flags.boolean("amazonec2-monitoring");
    m_use_ebs_optimized_instance = flags.boolean("amazonec2-use-ebs-optimized-instance");
    m_ssh_private_key_path = flags.string("amazonec2-ssh-keypath");
    m_key_name = flags.string("amazonec2-keypair-name");
    m_existing_key = !m_key_name.empty();
    m_base.swarm_master = flags.boolean("swarm-master");
    m_base.swarm_host = flags.string("swarm-host");
    m_base.swarm_discovery = flags.string("swarm-discovery");
    m_retry_count = static_cast<int>(flags.integer("amazonec2-retries"));
    m_open_ports = flags.strings("amazonec2-open-port");
    m_user_data_file = flags.string("amazonec2-userdata");
    m_disable_ssl = flags.boolean("amazonec2-insecure-transport");
    m_client.reset();
    m_credentials.reset();

    if (m_disable_ssl && m_endpoint.empty()) {
        throw Error("using --amazonec2-insecure-transport also requires --amazonec2-endpoint");
    }
    if (!m_key_name.empty() && m_ssh_private_key_path.empty()) {
        throw Error("using --amazonec2-keypair-name also requires --amazonec2-ssh-keypath");
    }
    (void)credentials();  // throws the "requires AWS credentials" error

    if (m_vpc_id.empty()) {
        try {
            std::optional<std::string> vpc = client().default_vpc_id();
            if (!vpc) {
                throw Error("No default-vpc attribute");
            }
            // Accounts without a default VPC report the value "none".
            if (*vpc != "none") {
                m_vpc_id = *vpc;
            }
        } catch (const Error& error) {
            warn(std::string("Couldn't determine your account Default VPC ID : ") + go_quote(error.what()));
        }
    }
    if (m_subnet_id.empty() && m_vpc_id.empty()) {
        throw Error(k_no_vpc);
    }
    if (!m_subnet_id.empty() && !m_vpc_id.empty()) {
        std::vector<Subnet> subnets = client().describe_subnets({{"subnet-id", {m_subnet_id}}});
        if (subnets.empty()) {
            throw Error(k_no_subnets);
        }
        if (subnets.front().vpc_id != m_vpc_id) {
            throw Error("SubnetId: " + m_subnet_id + " does not belong to VpcId: " + m_vpc_id);
        }
    }

    if (m_base.swarm_master) {
        std::string host_port = net::url_host(m_base.swarm_host);
        size_t colon = host_port.find(':');
        if (host_port.empty() || colon == std::string::npos) {
            throw Error("error parsing swarm host: no port in " + go_quote(m_base.swarm_host));
        }
        std::string port = host_port.substr(colon + 1);
        port = port.substr(0, port.find(':'));
        long long value = 0;
        if (auto failure = parse_int_error(port, value, "strconv.Atoi")) {
            throw Error(*failure);
        }
        m_swarm_port = static_cast<int>(value);
    }
}

// ---- pre-create ----

void Amazonec2Driver::check_prerequisites() {
    std::string key_name = m_key_name;
    const bool key_should_exist = !key_name.empty();
    if (!key_should_exist) {
        key_name = m_base.machine_name;
    }
    std::vector<std::string> keys;
    try {
        keys = client().describe_key_pairs(key_name);
    } catch (const AwsError& error) {
        if (!has_code(error, k_keypair_not_found)) {
            throw;
        }
        if (key_should_exist) {
            throw Error("There is no keypair with the name " + key_name +
                        ". Please verify the key name provided.");
        }
    }
    if (!keys.empty() && !key_should_exist) {
        throw Error("There is already a keypair with the name " + m_base.machine_name +
                    ".  Please either remove that keypair or use a different machine name.");
    }
    if (keys.empty() && key_should_exist) {
        throw Error("There is no keypair with the name " + key_name +
                    ". Please verify the key name provided.");
    }

    if (m_subnet_id.empty()) {
        const std::string zone = region_zone();
        std::vector<Subnet> subnets =
            client().describe_subnets({{"availability-zone", {zone}}, {"vpc-id", {m_vpc_id}}});
        if (subnets.empty()) {
            throw Error("unable to find a subnet that is both in the zone " + zone +
                        " and belonging to VPC ID " + m_vpc_id);
        }
        m_subnet_id = subnets.front().id;
        for (const Subnet& subnet : subnets) {
            if (subnet.default_for_az) {
                m_subnet_id = subnet.id;
                break;
            }
        }
    }
}

void Amazonec2Driver::pre_create_check() {
    check_prerequisites();
}

// ---- create ----

void Amazonec2Driver::create() {
    check_prerequisites();
    try {
        create_resources();
    } catch (const Error& error) {
        // Nothing half-made may stay behind: the store keeps only the pre-create config.json, so `rm` could
        // not find what this run launched.
        debug(std::string("create failed, removing what it made: ") + error.what());
        try {
            remove();
        } catch (const Error& cleanup) {
            throw Error(std::string(error.what()) + " (cleanup failed: " + cleanup.what() + ")");
        }
        throw;
    }
}

void Amazonec2Driver::create_resources() {
    info("Launching instance...");
    try {
        create_key_pair();
    } catch (const Error& error) {
        throw Error(std::string("unable to create key pair: ") + error.what());
    }
    configure_security_groups();
    LaunchSpec spec = launch_spec();
    debug("launching instance in subnet " + m_subnet_id);

    Instance instance;
    if (m_request_spot_instance) {
        instance = launch_spot_instance(spec);
    } else {
        try {
            std::string reservation;
            instance = client().run_instance(spec, reservation);
        } catch (const Error& error) {
            throw Error(std::string("Error launching instance: ") + error.what());
        }
    }
    m_instance_id = instance.id;

    debug("waiting for ip address to become available");
    wait_for_ip();
    if (!instance.private_ip.empty()) {
        m_private_ip_address = instance.private_ip;
    }
    wait_for_running();
    debug("created instance ID " + m_instance_id + ", IP address " + m_base.ip_address +
          ", Private IP address " + m_private_ip_address);

    debug("Settings tags for instance");
    try {
        tag_instance();
    } catch (const Error& error) {
        throw Error("Unable to tag instance " + m_instance_id + ": " + error.what());
    }
}

void Amazonec2Driver::create_key_pair() {
    std::string key_path;
    if (m_ssh_private_key_path.empty()) {
        debug("Creating New SSH Key");
        cert::ensure_ssh_key(ssh_key_path());
        key_path = ssh_key_path();
    } else {
        debug("Using SSHPrivateKeyPath: " + m_ssh_private_key_path);
        write_file_atomic(ssh_key_path(), read_file(m_ssh_private_key_path), 0600);
        write_file_atomic(ssh_key_path() + ".pub", read_file(m_ssh_private_key_path + ".pub"), 0600);
        if (!m_key_name.empty()) {
            debug("Using existing EC2 key pair: " + m_key_name);
            return;
        }
        key_path = m_ssh_private_key_path;
    }
    std::string public_key = read_file(key_path + ".pub");
    const std::string key_name = m_base.machine_name;
    debug("creating key pair: " + key_name);
    client().import_key_pair(key_name, public_key);
    m_key_name = key_name;
}

std::vector<PortRule> Amazonec2Driver::missing_rules(const SecurityGroup& group) const {
    std::map<std::string, bool> open;
    for (const IpPermission& permission : group.permissions) {
        if (permission.from_port) {
            open[std::to_string(*permission.from_port) + "/" + permission.protocol] = true;
        }
    }
    std::vector<PortRule> rules;
    auto want = [&](const std::string& protocol, long port) {
        std::string key = std::to_string(port) + "/" + protocol;
        bool already_listed = std::any_of(rules.begin(), rules.end(), [&](const PortRule& rule) {
            return rule.port == port && rule.protocol == protocol;
        });
        if (!open[key] && !already_listed) {
            rules.push_back({protocol, port});
        }
    };
    want("tcp", m_base.ssh_port == 0 ? 22 : m_base.ssh_port);
    want("tcp", k_docker_port);
    if (m_base.swarm_master) {
        want("tcp", m_swarm_port);
    }
    for (const std::string& spec : m_open_ports) {
        auto [port, protocol] = split_port_proto(spec);
        long long number = 0;
        if (auto failure = parse_int_error(port, number)) {
            throw Error("invalid port number " + port + ": " + *failure);
        }
        want(protocol, static_cast<long>(number));
    }
    return rules;
}

void Amazonec2Driver::configure_security_groups() {
    const std::vector<std::string> names = security_group_names();
    if (names.empty()) {
        debug("no security groups to configure in " + m_vpc_id);
        return;
    }
    debug("configuring security groups in " + m_vpc_id);
    std::vector<SecurityGroup> existing =
        client().describe_security_groups({{"group-name", names}, {"vpc-id", {m_vpc_id}}});

    for (const std::string& name : names) {
        auto found = std::find_if(existing.begin(), existing.end(),
                                  [&](const SecurityGroup& group) { return group.name == name; });
        SecurityGroup group;
        if (found != existing.end()) {
            debug("found existing security group (" + name + ") in " + m_vpc_id);
            group = *found;
        } else {
            debug("creating security group (" + name + ") in " + m_vpc_id);
            group.id = client().create_security_group(name, "Docker Machine", m_vpc_id);
            group.name = name;
            group.vpc_id = m_vpc_id;
            m_created_group_ids.push_back(group.id);
            // The tag is what lets a later `rm` (another process) know this group is ours to delete.
            try {
                client().create_tags(group.id, {{k_created_tag, m_base.machine_name}});
            } catch (const Error& error) {
                warn("Unable to tag security group " + group.id +
                     ", it will not be removed with the machine: " + error.what());
            }
            debug("waiting for group (" + group.id + ") to become available");
            bool visible = wait_for([&] {
                try {
                    return !client().describe_security_groups({}, {group.id}).empty();
                } catch (const Error& error) {
                    debug(error.what());
                    return false;
                }
            });
            if (!visible) {
                throw Error("Maximum number of retries (" + std::to_string(k_wait_attempts) +
                            ") exceeded waiting for security group " + group.id);
            }
        }
        m_security_group_ids.push_back(group.id);

        if (m_security_group_readonly) {
            debug("security group " + name + " is read-only: no rules added");
            continue;
        }
        std::vector<PortRule> rules = missing_rules(group);
        if (!rules.empty()) {
            debug("authorizing group " + name + " with " + std::to_string(rules.size()) + " permission(s)");
            client().authorize_ingress(group.id, rules, k_ip_range);
        }
    }
}

LaunchSpec Amazonec2Driver::launch_spec() {
    LaunchSpec spec;
    if (!m_user_data_file.empty()) {
        try {
            spec.user_data_base64 = support::base64_encode(read_file(m_user_data_file));
        } catch (const Error& error) {
            warn("failed to read user data file " + go_quote(m_user_data_file) + ": " + error.what());
            throw Error("unable to read --amazonec2-userdata file");
        }
    }
    spec.image_id = m_ami;
    spec.availability_zone = region_zone();
    spec.key_name = m_key_name;
    spec.instance_type = m_instance_type;
    spec.security_group_ids = security_group_ids();
    spec.subnet_id = m_subnet_id;
    spec.associate_public_ip = !m_private_ip_only;
    spec.monitoring = m_monitoring;
    spec.iam_instance_profile = m_iam_instance_profile;
    spec.ebs_optimized = m_use_ebs_optimized_instance;
    spec.device_name = m_device_name;
    spec.root_size_gb = m_root_size;
    spec.volume_type = m_volume_type;
    return spec;
}

Instance Amazonec2Driver::launch_spot_instance(const LaunchSpec& spec) {
    SpotRequest request;
    try {
        request = client().request_spot_instance(spec, m_spot_price, m_block_duration_minutes);
    } catch (const Error& error) {
        throw Error(std::string("Error request spot instance: ") + error.what());
    }
    m_spot_request_id = request.id;

    info("Waiting for spot instance...");
    // The SDK's "spot instance request fulfilled" waiter: success once fulfilled, failure on the final
    // states.
    std::string failure;
    bool fulfilled = false;
    for (int attempt = 0; attempt < k_spot_wait_attempts && !fulfilled && failure.empty(); ++attempt) {
        try {
            std::vector<SpotRequest> found = client().describe_spot_requests({request.id});
            if (!found.empty()) {
                const std::string& code = found.front().status_code;
                if (code == "fulfilled" || found.front().state == "active") {
                    fulfilled = true;
                    break;
                }
                if (code == "schedule-expired" || code == "canceled-before-fulfillment" ||
                    code == "bad-parameters" || code == "system-error") {
                    failure = "ResourceNotReady: failed waiting for successful resource state (" + code + ")";
                    break;
                }
            }
        } catch (const AwsError& error) {
            if (error.code() != "InvalidSpotInstanceRequestID.NotFound") {
                failure = error.what();
                break;
            }
        }
        m_services.sleep(k_spot_wait_interval);
    }
    if (!fulfilled && failure.empty()) {
        failure = "ResourceNotReady: exceeded wait attempts";
    }
    if (!failure.empty()) {
        throw Error("Error fulfilling spot request: " + failure);
    }
    info("Created spot instance request " + request.id);

    // Eventual consistency: the request may not name its instance, or EC2 may not know it yet.
    std::string last_error = "spot request " + request.id + " names no instance";
    for (int attempt = 0; attempt < k_spot_resolve_attempts; ++attempt) {
        std::vector<SpotRequest> found;
        try {
            found = client().describe_spot_requests({request.id});
        } catch (const Error& error) {
            throw Error(std::string("Error describing previously made spot instance request: ") +
                        error.what());
        }
        if (!found.empty() && !found.front().instance_id.empty()) {
            try {
                std::vector<Instance> instances = client().describe_instances({found.front().instance_id});
                if (!instances.empty()) {
                    return instances.front();
                }
            } catch (const Error& error) {
                last_error = error.what();
            }
        }
        m_services.sleep(k_spot_resolve_interval);
    }
    throw Error("Error resolving spot instance to real instance: " + last_error);
}

std::string Amazonec2Driver::instance_ip(const Instance& instance) const {
    if (m_private_ip_only || m_use_private_ip) {
        if (instance.private_ip.empty()) {
            throw Error("No private IP for instance " + instance.id);
        }
        return instance.private_ip;
    }
    if (instance.public_ip.empty()) {
        throw Error("No IP for instance " + instance.id);
    }
    return instance.public_ip;
}

void Amazonec2Driver::wait_for_ip() {
    bool available = wait_for([&] {
        try {
            std::string address = ip();
            m_base.ip_address = address;
            debug("Got the IP Address, it's " + go_quote(address));
            return !address.empty();
        } catch (const Error& error) {
            debug(error.what());
            return false;
        }
    });
    if (!available) {
        throw Error("Maximum number of retries (" + std::to_string(k_wait_attempts) +
                    ") exceeded waiting for an IP address of instance " + m_instance_id);
    }
}

void Amazonec2Driver::wait_for_running() {
    std::string last_state = "unknown";
    bool running = wait_for([&] {
        try {
            Instance instance = describe_instance();
            last_state = instance.state;
            return instance.state == "running";
        } catch (const Error& error) {
            debug(error.what());
            return false;
        }
    });
    if (!running) {
        throw Error("Maximum number of retries (" + std::to_string(k_wait_attempts) +
                    ") exceeded waiting for instance " + m_instance_id +
                    " to be running (last state: " + last_state + ")");
    }
}

void Amazonec2Driver::tag_instance() {
    std::vector<Tag> tags = {{"Name", m_base.machine_name}};
    if (!m_tags.empty()) {
        std::vector<std::string> parts;
        size_t start = 0;
        while (true) {
            size_t comma = m_tags.find(',', start);
            parts.push_back(
                m_tags.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (comma == std::string::npos) {
                break;
            }
            start = comma + 1;
        }
        if (parts.size() % 2 != 0) {
            warn("Tags are not key value in pairs. " + std::to_string(parts.size()) + " elements found");
        }
        for (size_t i = 0; i + 1 < parts.size(); i += 2) {
            tags.push_back({parts[i], parts[i + 1]});
        }
    }
    client().create_tags(m_instance_id, tags);
}

// ---- state and addresses ----

Instance Amazonec2Driver::describe_instance() {
    if (m_instance_id.empty()) {
        throw Error("Missing instance ID, this is likely due to a failure during machine creation");
    }
    std::vector<Instance> instances = client().describe_instances({m_instance_id});
    if (instances.empty()) {
        throw Error("instance " + m_instance_id + " not found");
    }
    return instances.front();
}

State Amazonec2Driver::state() {
    const std::string name = describe_instance().state;
    if (name == "pending") {
        return State::Starting;
    }
    if (name == "running") {
        return State::Running;
    }
    if (name == "stopping" || name == "shutting-down") {
        return State::Stopping;
    }
    if (name == "stopped") {
        return State::Stopped;
    }
    if (name == "terminated") {
        return State::Error;
    }
    warn("unrecognized instance state: " + name);
    return State::Error;
}

std::string Amazonec2Driver::ip() {
    return instance_ip(describe_instance());
}

std::string Amazonec2Driver::url() {
    if (state() != State::Running) {
        throw Error("Host is not running");
    }
    std::string address = ip();
    if (address.empty()) {
        return "";
    }
    return "tcp://" + net::join_host_port(address, std::to_string(k_docker_port));
}

std::string Amazonec2Driver::ssh_username() {
    if (m_base.ssh_user.empty()) {
        m_base.ssh_user = "ubuntu";
    }
    return m_base.ssh_user;
}

// ---- power ----

void Amazonec2Driver::start() {
    client().start_instance(m_instance_id);
    wait_for_running();
}

void Amazonec2Driver::stop() {
    client().stop_instance(m_instance_id, /*force=*/false);
}

void Amazonec2Driver::kill() {
    client().stop_instance(m_instance_id, /*force=*/true);
}

void Amazonec2Driver::restart() {
    client().reboot_instance(m_instance_id);
}

// ---- remove ----

void Amazonec2Driver::terminate_instance(std::vector<std::string>& errors) {
    if (m_instance_id.empty()) {
        warn("Missing instance ID, this is likely due to a failure during machine creation");
        return;
    }
    debug("terminating instance: " + m_instance_id);
    try {
        client().terminate_instance(m_instance_id);
    } catch (const AwsError& error) {
        if (has_code(error, k_instance_not_found)) {
            warn("Remote instance does not exist, proceeding with removing local reference");
            return;
        }
        errors.push_back(std::string("unable to terminate instance: ") + error.what());
    } catch (const Error& error) {
        errors.push_back(std::string("unable to terminate instance: ") + error.what());
    }
}

void Amazonec2Driver::cancel_spot_requests(std::vector<std::string>& errors) {
    std::vector<std::string> ids;
    if (!m_spot_request_id.empty()) {
        ids.push_back(m_spot_request_id);
    } else if (m_request_spot_instance && !m_instance_id.empty()) {
        // A later `rm` has only the instance: find its request.
        try {
            for (const SpotRequest& request :
                 client().describe_spot_requests({}, {{"instance-id", {m_instance_id}}})) {
                if (request.state == "open" || request.state == "active") {
                    ids.push_back(request.id);
                }
            }
        } catch (const Error& error) {
            errors.push_back(std::string("unable to find the spot instance request: ") + error.what());
        }
    }
    for (const std::string& id : ids) {
        debug("cancelling spot instance request: " + id);
        try {
            client().cancel_spot_request(id);
        } catch (const Error& error) {
            errors.push_back("unable to cancel spot instance request " + id + ": " + error.what());
        }
    }
}

void Amazonec2Driver::delete_created_security_groups() {
    const std::vector<std::string> ids = security_group_ids();
    if (ids.empty()) {
        return;
    }
    std::vector<SecurityGroup> ours;
    try {
        for (const SecurityGroup& group : client().describe_security_groups({}, ids)) {
            bool tagged = std::any_of(group.tags.begin(), group.tags.end(),
                                      [](const auto& tag) { return tag.first == k_created_tag; });
            bool made_now = std::find(m_created_group_ids.begin(), m_created_group_ids.end(), group.id) !=
                            m_created_group_ids.end();
            if (tagged || made_now) {
                ours.push_back(group);
            }
        }
    } catch (const Error& error) {
        warn(std::string("Unable to look up the machine's security groups, not removing them: ") +
             error.what());
        return;
    }
    if (ours.empty()) {
        return;
    }
    // A group can only go once no network interface uses it, so the instance must be gone first.
    if (!m_instance_id.empty()) {
        std::string last_state;
        bool terminated = wait_for([&] {
            try {
                std::vector<Instance> instances = client().describe_instances({m_instance_id});
                last_state = instances.empty() ? "terminated" : instances.front().state;
            } catch (const AwsError& error) {
                if (!has_code(error, k_instance_not_found)) {
                    debug(error.what());
                    return false;
                }
                last_state = "terminated";
            } catch (const Error& error) {
                debug(error.what());
                return false;
            }
            return last_state == "terminated";
        });
        if (!terminated) {
            warn("Instance " + m_instance_id + " is not terminated yet (" + last_state +
                 "): keeping its security groups");
            return;
        }
    }
    for (const SecurityGroup& group : ours) {
        try {
            client().delete_security_group(group.id);
            debug("deleted security group " + group.name + " (" + group.id + ")");
        } catch (const AwsError& error) {
            if (error.code() == "InvalidGroup.NotFound") {
                continue;
            }
            if (error.code() == "DependencyViolation") {
                info("Security group " + group.name + " (" + group.id + ") is still in use, keeping it");
                continue;
            }
            warn("Unable to delete security group " + group.name + " (" + group.id + "): " + error.what());
        } catch (const Error& error) {
            warn("Unable to delete security group " + group.name + " (" + group.id + "): " + error.what());
        }
    }
}

void Amazonec2Driver::remove() {
    std::vector<std::string> errors;
    terminate_instance(errors);
    cancel_spot_requests(errors);
    if (!m_existing_key) {
        if (m_key_name.empty()) {
            warn("Missing key pair name, this is likely due to a failure during machine creation");
        } else {
            debug("deleting key pair: " + m_key_name);
            try {
                client().delete_key_pair(m_key_name);
            } catch (const Error& error) {
                errors.push_back(error.what());
            }
        }
    }
    if (errors.empty()) {
        delete_created_security_groups();
    }
    if (!errors.empty()) {
        std::string joined;
        for (const std::string& error : errors) {
            joined += error + "\n";
        }
        throw Error(joined);
    }
}

// ---- config.json ----

std::vector<StateField> Amazonec2Driver::state_fields() {
    auto fields = base_state_fields();
    fields.insert(fields.end(), {
                                    {"Id", &m_id},
                                    {"AccessKey", &m_access_key},
                                    {"SecretKey", &m_secret_key},
                                    {"SessionToken", &m_session_token},
                                    {"Region", &m_region},
                                    {"AMI", &m_ami},
                                    {"SSHKeyID", &m_ssh_key_id},
                                    {"ExistingKey", &m_existing_key},
                                    {"KeyName", &m_key_name},
                                    {"InstanceId", &m_instance_id},
                                    {"InstanceType", &m_instance_type},
                                    {"PrivateIPAddress", &m_private_ip_address},
                                    {"SecurityGroupId", &m_security_group_id},
                                    {"SecurityGroupIds", &m_security_group_ids},
                                    {"SecurityGroupName", &m_security_group_name},
                                    {"SecurityGroupNames", &m_security_group_names},
                                    {"SecurityGroupReadOnly", &m_security_group_readonly},
                                    {"OpenPorts", &m_open_ports},
                                    {"Tags", &m_tags},
                                    {"ReservationId", &m_reservation_id},
                                    {"DeviceName", &m_device_name},
                                    {"RootSize", &m_root_size},
                                    {"VolumeType", &m_volume_type},
                                    {"IamInstanceProfile", &m_iam_instance_profile},
                                    {"VpcId", &m_vpc_id},
                                    {"SubnetId", &m_subnet_id},
                                    {"Zone", &m_zone},
                                    {"RequestSpotInstance", &m_request_spot_instance},
                                    {"SpotPrice", &m_spot_price},
                                    {"BlockDurationMinutes", &m_block_duration_minutes},
                                    {"PrivateIPOnly", &m_private_ip_only},
                                    {"UsePrivateIP", &m_use_private_ip},
                                    {"UseEbsOptimizedInstance", &m_use_ebs_optimized_instance},
                                    {"Monitoring", &m_monitoring},
                                    {"SSHPrivateKeyPath", &m_ssh_private_key_path},
                                    {"RetryCount", &m_retry_count},
                                    {"Endpoint", &m_endpoint},
                                    {"DisableSSL", &m_disable_ssl},
                                    {"UserDataFile", &m_user_data_file},
                                });
    return fields;
}

}  // namespace machine::drivers
