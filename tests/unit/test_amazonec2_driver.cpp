// The amazonec2 driver and its EC2 client against a scripted fake EC2 (no network): flag validation, the
// credential chain, retries and backoff, create/remove flows, state mapping, debug output without secrets.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "drivers/amazonec2/amazonec2_driver.hpp"
#include "drivers/amazonec2/credentials.hpp"
#include "drivers/amazonec2/ec2_client.hpp"
#include "drivers/amazonec2/regions.hpp"
#include "drivers/common/driver_support.hpp"
#include "drivers/common/http_client.hpp"
#include "machine/log.hpp"

namespace {

using namespace machine;
using namespace machine::drivers;
using namespace machine::drivers::amazonec2;
namespace fs = std::filesystem;

std::string url_decode(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] == '%' && i + 2 < text.size()) {
            out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

using Params = std::map<std::string, std::string>;

Params parse_form(const std::string& body) {
    Params params;
    size_t start = 0;
    while (start < body.size()) {
        size_t end = body.find('&', start);
        std::string field = body.substr(start, end == std::string::npos ? std::string::npos : end - start);
        size_t equals = field.find('=');
        params[url_decode(field.substr(0, equals))] = url_decode(field.substr(equals + 1));
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return params;
}

http::Response ok(const std::string& xml) {
    return {200, {}, xml};
}

http::Response aws_error(long status, const std::string& code, const std::string& message) {
    return {status,
            {},
            "<Response><Errors><Error><Code>" + code + "</Code><Message>" + message +
                "</Message></Error></Errors><RequestID>req-1</RequestID></Response>"};
}

// A fake EC2 endpoint: answers per action, records every request.
class FakeEc2 final : public http::Transport {
public:
    using Handler = std::function<http::Response(const Params&)>;

    http::Response send(const http::Request& request) override {
        Params params = parse_form(request.body);
        requests.push_back({params, request});
        auto found = handlers.find(params["Action"]);
        if (found == handlers.end()) {
            return aws_error(400, "InvalidAction", "no fake for " + params["Action"]);
        }
        return found->second(params);
    }

    [[nodiscard]] std::vector<std::string> actions() const {
        std::vector<std::string> out;
        for (const auto& request : requests) {
            out.push_back(request.params.at("Action"));
        }
        return out;
    }
    [[nodiscard]] const Params* last(const std::string& action) const {
        for (auto it = requests.rbegin(); it != requests.rend(); ++it) {
            if (it->params.at("Action") == action) {
                return &it->params;
            }
        }
        return nullptr;
    }
    [[nodiscard]] size_t count(const std::string& action) const {
        std::vector<std::string> all = actions();
        return static_cast<size_t>(std::count(all.begin(), all.end(), action));
    }

    struct Recorded {
        Params params;
        http::Request request;
    };
    std::map<std::string, Handler> handlers;
    std::vector<Recorded> requests;
};

std::string instances_xml(const std::string& state, const std::string& private_ip = "10.0.0.4",
                          const std::string& public_ip = "") {
    return "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>i-0abc</"
           "instanceId>"
           "<instanceState><code>16</code><name>" +
           state + "</name></instanceState><privateIpAddress>" + private_ip + "</privateIpAddress>" +
           (public_ip.empty() ? "" : "<ipAddress>" + public_ip + "</ipAddress>") +
           "</item></instancesSet></item></reservationSet></DescribeInstancesResponse>";
}

struct Harness {
    Harness() {
        root = fs::temp_directory_path() /
               ("ec2-unit-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::create_directories(root / "machines" / "m1");
        fs::create_directories(root / "home");
    }
    ~Harness() { fs::remove_all(root); }

    Amazonec2Services services() {
        Amazonec2Services s;
        s.transport = ec2.get();
        s.metadata_transport = metadata.get();
        s.getenv = [this](const std::string& name) -> std::optional<std::string> {
            auto found = env.find(name);
            if (found == env.end()) {
                return std::nullopt;
            }
            return found->second;
        };
        s.sleep = [this](std::chrono::milliseconds delay) { sleeps.push_back(delay); };
        return s;
    }

    std::unique_ptr<Amazonec2Driver> driver() {
        return std::make_unique<Amazonec2Driver>("m1", root.string(), services());
    }

    // Every declared flag at its default, then `overrides`.
    FlagValues flags(const std::map<std::string, FlagValues::Value>& overrides) {
        FlagValues values = machine::default_flag_values(driver()->create_flags());
        values.set("swarm-master", false);
        values.set("swarm-host", std::string("tcp://0.0.0.0:3376"));
        values.set("swarm-discovery", std::string());
        for (const auto& [name, value] : overrides) {
            values.set(name, value);
        }
        return values;
    }

    FlagValues good_flags(std::map<std::string, FlagValues::Value> extra = {}) {
        std::map<std::string, FlagValues::Value> base = {
            {"amazonec2-access-key", std::string("AKIDUNITTEST")},
            {"amazonec2-secret-key", std::string("unit-secret")},
            {"amazonec2-vpc-id", std::string("vpc-1")},
            {"amazonec2-subnet-id", std::string("subnet-1")},
        };
        for (auto& [name, value] : extra) {
            base[name] = value;
        }
        return flags(base);
    }

    // A fake EC2 in which everything works: the subnet exists, no key pair named m1, an empty security group
    // list.
    void healthy_ec2(const std::string& instance_state = "running") {
        ec2->handlers["DescribeSubnets"] = [](const Params&) {
            return ok(
                "<R><subnetSet><item><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>"
                "<availabilityZone>us-east-1a</availabilityZone></item></subnetSet></R>");
        };
        ec2->handlers["DescribeKeyPairs"] = [](const Params&) {
            return aws_error(400, "InvalidKeyPair.NotFound", "The key pair 'm1' does not exist");
        };
        ec2->handlers["ImportKeyPair"] = [](const Params&) { return ok("<R><keyName>m1</keyName></R>"); };
        ec2->handlers["DeleteKeyPair"] = [](const Params&) { return ok("<R><return>true</return></R>"); };
        ec2->handlers["DescribeSecurityGroups"] = [this](const Params& params) {
            if (params.count("GroupId.1") && created_group) {
                return ok(
                    "<R><securityGroupInfo><item><groupId>sg-new</groupId><groupName>docker-machine</"
                    "groupName>"
                    "<tagSet><item><key>docker-machine:created-by</key><value>m1</value></item></tagSet>"
                    "</item></securityGroupInfo></R>");
            }
            return ok("<R><securityGroupInfo/></R>");
        };
        ec2->handlers["CreateSecurityGroup"] = [this](const Params&) {
            created_group = true;
            return ok("<R><return>true</return><groupId>sg-new</groupId></R>");
        };
        ec2->handlers["DeleteSecurityGroup"] = [](const Params&) {
            return ok("<R><return>true</return></R>");
        };
        ec2->handlers["CreateTags"] = [](const Params&) { return ok("<R><return>true</return></R>"); };
        ec2->handlers["AuthorizeSecurityGroupIngress"] = [](const Params&) {
            return ok("<R><return>true</return></R>");
        };
        ec2->handlers["RunInstances"] = [](const Params&) {
            return ok(
                "<R><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-0abc</instanceId>"
                "<instanceState><name>pending</name></instanceState><privateIpAddress>10.0.0.4</"
                "privateIpAddress>"
                "</item></instancesSet></R>");
        };
        ec2->handlers["DescribeInstances"] = [this, instance_state](const Params&) {
            return ok(instances_xml(terminated ? "terminated" : instance_state));
        };
        ec2->handlers["TerminateInstances"] = [this](const Params&) {
            terminated = true;
            return ok("<R/>");
        };
    }

    static inline int counter = 0;
    fs::path root;
    std::shared_ptr<FakeEc2> ec2 = std::make_shared<FakeEc2>();
    std::shared_ptr<FakeEc2> metadata = std::make_shared<FakeEc2>();
    std::map<std::string, std::string> env = {{"AWS_EC2_METADATA_DISABLED", "true"}};
    std::vector<std::chrono::milliseconds> sleeps;
    bool created_group = false;
    bool terminated = false;
};

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return "<no error>";
}

// ---- flags ----

TEST(Amazonec2Driver, FlagsMatchUpstream) {
    Harness h;
    std::map<std::string, FlagSpec> flags;
    for (const FlagSpec& spec : h.driver()->create_flags()) {
        flags[spec.name] = spec;
    }
    EXPECT_EQ(flags.size(), 32u);
    EXPECT_EQ(flags["amazonec2-region"].default_string, "us-east-1");
    EXPECT_EQ(flags["amazonec2-region"].env_var, "AWS_DEFAULT_REGION");
    EXPECT_EQ(flags["amazonec2-instance-type"].default_string, "t2.micro");
    EXPECT_EQ(flags["amazonec2-device-name"].default_string, "/dev/sda1");
    EXPECT_EQ(flags["amazonec2-root-size"].default_int, 16);
    EXPECT_EQ(flags["amazonec2-retries"].default_int, 5);
    EXPECT_EQ(flags["amazonec2-spot-price"].default_string, "0.50");
    EXPECT_EQ(flags["amazonec2-ssh-user"].default_string, "ubuntu");
    EXPECT_EQ(flags["amazonec2-ssh-port"].default_int, 22);
    EXPECT_EQ(flags["amazonec2-zone"].default_string, "a");
    EXPECT_EQ(flags["amazonec2-volume-type"].default_string, "gp2");
    EXPECT_EQ(flags["amazonec2-security-group"].default_slice, std::vector<std::string>{"docker-machine"});
    EXPECT_EQ(flags["amazonec2-security-group"].kind, FlagSpec::Kind::StringSlice);
    EXPECT_EQ(flags["amazonec2-open-port"].kind, FlagSpec::Kind::StringSlice);
    EXPECT_EQ(flags["amazonec2-insecure-transport"].env_var, "AWS_INSECURE_TRANSPORT");
    EXPECT_EQ(flags["amazonec2-access-key"].env_var, "AWS_ACCESS_KEY_ID");
    EXPECT_EQ(flags["amazonec2-secret-key"].env_var, "AWS_SECRET_ACCESS_KEY");
    EXPECT_EQ(flags["amazonec2-keypair-name"].usage, "AWS keypair to use; requires --amazonec2-ssh-keypath");
}

TEST(Amazonec2Driver, FlagValidationErrors) {
    Harness h;
    h.healthy_ec2();
    EXPECT_EQ(
        error_of([&] {
            h.driver()->set_config_from_flags(h.good_flags({{"amazonec2-region", std::string("mars-1")}}));
        }),
        "Invalid region specified");
    EXPECT_EQ(error_of([&] {
                  h.driver()->set_config_from_flags(h.good_flags({{"amazonec2-insecure-transport", true}}));
              }),
              "using --amazonec2-insecure-transport also requires --amazonec2-endpoint");
    EXPECT_EQ(
        error_of([&] {
            h.driver()->set_config_from_flags(h.good_flags({{"amazonec2-keypair-name", std::string("k")}}));
        }),
        "using --amazonec2-keypair-name also requires --amazonec2-ssh-keypath");
    EXPECT_EQ(
        error_of([&] {
            h.driver()->set_config_from_flags(h.good_flags(
                {{"amazonec2-access-key", std::string()}, {"amazonec2-secret-key", std::string()}}));
        }),
        "amazonec2 driver requires AWS credentials configured with the --amazonec2-access-key and "
        "--amazonec2-secret-key options, environment variables, ~/.aws/credentials, or an instance role");
    EXPECT_TRUE(h.ec2->requests.empty());  // all of these fail before any EC2 call
}

TEST(Amazonec2Driver, CustomEndpointAcceptsAnyRegion) {
    Harness h;
    h.healthy_ec2();
    auto driver = h.driver();
    driver->set_config_from_flags(h.good_flags({{"amazonec2-region", std::string("moon-1")},
                                                {"amazonec2-endpoint", std::string("http://127.0.0.1:9")}}));
    ASSERT_EQ(h.ec2->requests.size(), 1u);
    EXPECT_EQ(h.ec2->requests[0].request.url, "http://127.0.0.1:9");
    // Signed for the region given.
    EXPECT_NE(h.ec2->requests[0].request.headers.back().value.find("/moon-1/ec2/aws4_request"),
              std::string::npos);
}

TEST(Amazonec2Driver, SubnetChecks) {
    Harness h;
    h.ec2->handlers["DescribeSubnets"] = [](const Params&) { return ok("<R><subnetSet/></R>"); };
    EXPECT_EQ(error_of([&] { h.driver()->set_config_from_flags(h.good_flags()); }),
              "The desired subnet could not be located in this region. Is '--amazonec2-subnet-id' or "
              "AWS_SUBNET_ID configured correctly?");
    EXPECT_EQ(h.ec2->last("DescribeSubnets")->at("Filter.1.Name"), "subnet-id");
    EXPECT_EQ(h.ec2->last("DescribeSubnets")->at("Filter.1.Value.1"), "subnet-1");

    h.ec2->handlers["DescribeSubnets"] = [](const Params&) {
        return ok(
            "<R><subnetSet><item><subnetId>subnet-1</subnetId><vpcId>vpc-other</vpcId></item></subnetSet></"
            "R>");
    };
    EXPECT_EQ(error_of([&] { h.driver()->set_config_from_flags(h.good_flags()); }),
              "SubnetId: subnet-1 does not belong to VpcId: vpc-1");
}

TEST(Amazonec2Driver, DefaultVpcLookup) {
    Harness h;
    h.ec2->handlers["DescribeAccountAttributes"] = [](const Params&) {
        return ok(
            "<R><accountAttributeSet><item><attributeName>default-vpc</"
            "attributeName><attributeValueSet><item>"
            "<attributeValue>none</attributeValue></item></attributeValueSet></item></accountAttributeSet></"
            "R>");
    };
    testing::internal::CaptureStdout();
    std::string error = error_of([&] {
        h.driver()->set_config_from_flags(
            h.good_flags({{"amazonec2-vpc-id", std::string()}, {"amazonec2-subnet-id", std::string()}}));
    });
    testing::internal::GetCapturedStdout();
    EXPECT_EQ(
        error,
        "amazonec2 driver requires either the --amazonec2-subnet-id or --amazonec2-vpc-id option or an AWS "
        "Account with a default vpc-id");

    h.ec2->handlers["DescribeAccountAttributes"] = [](const Params&) {
        return aws_error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.");
    };
    testing::internal::CaptureStdout();
    error = error_of([&] {
        h.driver()->set_config_from_flags(
            h.good_flags({{"amazonec2-vpc-id", std::string()}, {"amazonec2-subnet-id", std::string()}}));
    });
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(
        out.find("(m1) Couldn't determine your account Default VPC ID : \"UnauthorizedOperation: You are not "
                 "authorized to perform this operation.\\n\\tstatus code: 403, request id: req-1\""),
        std::string::npos)
        << out;
}

TEST(Amazonec2Driver, SwarmMasterPort) {
    Harness h;
    h.healthy_ec2();
    EXPECT_EQ(error_of([&] {
                  h.driver()->set_config_from_flags(h.good_flags(
                      {{"swarm-master", true}, {"swarm-host", std::string("tcp://0.0.0.0:abc")}}));
              }),
              "strconv.Atoi: parsing \"abc\": invalid syntax");
}

// ---- credentials ----

TEST(Amazonec2Credentials, Chain) {
    Harness h;
    CredentialSources sources = process_credential_sources(nullptr);
    sources.getenv = h.services().getenv;

    auto resolved = resolve_credentials({"AKIDFLAG", "flag-secret", ""}, sources);
    ASSERT_TRUE(resolved);
    EXPECT_EQ(resolved->source, "flags");

    h.env["AWS_ACCESS_KEY"] = "AKIDENV";
    h.env["AWS_SECRET_KEY"] = "env-secret";
    h.env["AWS_SESSION_TOKEN"] = "tok";
    resolved =
        resolve_credentials({"AKIDFLAG", "", ""}, sources);  // half a pair on the command line: ignored
    ASSERT_TRUE(resolved);
    EXPECT_EQ(resolved->source, "environment");
    EXPECT_EQ(resolved->credentials.access_key, "AKIDENV");
    EXPECT_EQ(resolved->credentials.session_token, "tok");

    h.env.erase("AWS_ACCESS_KEY");
    h.env["HOME"] = (h.root / "home").string();
    fs::create_directories(h.root / "home" / ".aws");
    {
        std::ofstream file(h.root / "home" / ".aws" / "credentials");
        file << "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\n"
                "[work]\naws_access_key_id=AKIDWORK\naws_secret_access_key=w\naws_session_token = wt\n";
    }
    resolved = resolve_credentials({}, sources);
    ASSERT_TRUE(resolved);
    EXPECT_EQ(resolved->credentials.access_key, "AKIDDEFAULT");
    h.env["AWS_PROFILE"] = "work";
    resolved = resolve_credentials({}, sources);
    ASSERT_TRUE(resolved);
    EXPECT_EQ(resolved->credentials.access_key, "AKIDWORK");
    EXPECT_EQ(resolved->credentials.session_token, "wt");
    h.env["AWS_PROFILE"] = "missing";
    EXPECT_FALSE(resolve_credentials({}, sources));  // metadata disabled
}

TEST(Amazonec2Credentials, InstanceRoleThroughImdsV2) {
    Harness h;
    h.env.erase("AWS_EC2_METADATA_DISABLED");
    h.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:1";
    std::vector<std::string> seen;
    CredentialSources sources;
    sources.getenv = h.services().getenv;
    class Imds final : public http::Transport {
    public:
        explicit Imds(std::vector<std::string>& seen) : m_seen(seen) {}
        http::Response send(const http::Request& request) override {
            std::string token;
            for (const auto& header : request.headers) {
                if (header.name == "X-aws-ec2-metadata-token") {
                    token = header.value;
                }
            }
            m_seen.push_back(request.method + " " + request.url + (token.empty() ? "" : " token=" + token));
            if (request.method == "PUT") {
                return {200, {}, "TOKEN"};
            }
            if (request.url.ends_with("/security-credentials/")) {
                return {200, {}, "my-role\n"};
            }
            return {
                200,
                {},
                R"({"Code":"Success","AccessKeyId":"ASIAROLE","SecretAccessKey":"role-secret","Token":"rt"})"};
        }

    private:
        std::vector<std::string>& m_seen;
    } transport(seen);
    sources.metadata_transport = &transport;
    auto resolved = resolve_credentials({}, sources);
    ASSERT_TRUE(resolved);
    EXPECT_EQ(resolved->source, "instance role my-role");
    EXPECT_EQ(resolved->credentials.access_key, "ASIAROLE");
    EXPECT_EQ(resolved->credentials.session_token, "rt");
    EXPECT_EQ(seen,
              (std::vector<std::string>{
                  "PUT http://127.0.0.1:1/latest/api/token",
                  "GET http://127.0.0.1:1/latest/meta-data/iam/security-credentials/ token=TOKEN",
                  "GET http://127.0.0.1:1/latest/meta-data/iam/security-credentials/my-role token=TOKEN"}));
}

// ---- the client: retries, backoff, errors ----

Ec2Client make_client(Harness& h, int retries) {
    ClientConfig config;
    config.endpoint = "http://127.0.0.1:9/";
    config.region = "us-east-1";
    config.max_retries = retries;
    return Ec2Client(
        config,
        [] {
            return Credentials{"AKIDUNITTEST", "unit-secret", ""};
        },
        *h.ec2, [&h](std::chrono::milliseconds delay) { h.sleeps.push_back(delay); });
}

TEST(Amazonec2Client, ThrottlingIsRetriedWithGrowingBackoff) {
    Harness h;
    int throttled = 0;
    h.ec2->handlers["DescribeInstances"] = [&](const Params&) {
        if (throttled++ < 2) {
            return aws_error(503, "RequestLimitExceeded", "Request limit exceeded.");
        }
        return ok(instances_xml("running"));
    };
    Ec2Client client = make_client(h, 5);
    EXPECT_EQ(client.describe_instances({"i-0abc"}).at(0).state, "running");
    EXPECT_EQ(h.ec2->requests.size(), 3u);
    ASSERT_EQ(h.sleeps.size(), 2u);
    EXPECT_GE(h.sleeps[0].count(), 250);
    EXPECT_LE(h.sleeps[0].count(), 500);
    EXPECT_GE(h.sleeps[1].count(), 500);
    EXPECT_LE(h.sleeps[1].count(), 1000);
}

TEST(Amazonec2Client, GivesUpWithTheAwsError) {
    Harness h;
    h.ec2->handlers["DescribeInstances"] = [](const Params&) {
        return aws_error(503, "RequestLimitExceeded", "Request limit exceeded.");
    };
    Ec2Client client = make_client(h, 2);
    try {
        (void)client.describe_instances({"i-0abc"});
        FAIL() << "no error";
    } catch (const AwsError& error) {
        EXPECT_EQ(error.code(), "RequestLimitExceeded");
        EXPECT_EQ(std::string(error.what()),
                  "RequestLimitExceeded: Request limit exceeded.\n\tstatus code: 503, request id: req-1");
    }
    EXPECT_EQ(h.ec2->requests.size(), 3u);

    Harness none;
    none.ec2->handlers = h.ec2->handlers;
    Ec2Client no_retries = make_client(none, -1);  // "use -1 to disable"
    EXPECT_THROW((void)no_retries.describe_instances({"i-0abc"}), AwsError);
    EXPECT_EQ(none.ec2->requests.size(), 1u);
}

TEST(Amazonec2Client, ClientErrorsAreNotRetried) {
    Harness h;
    h.ec2->handlers["DescribeInstances"] = [](const Params&) {
        return aws_error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
    };
    Ec2Client client = make_client(h, 5);
    EXPECT_EQ(
        error_of([&] { (void)client.describe_instances({"i-0abc"}); }),
        "AuthFailure: AWS was not able to validate the provided access credentials\n\tstatus code: 401, "
        "request id: req-1");
    EXPECT_EQ(h.ec2->requests.size(), 1u);
}

TEST(Amazonec2Client, ConnectionFailuresAreRetriedThenReported) {
    Harness h;
    class Refusing final : public http::Transport {
    public:
        http::Response send(const http::Request&) override {
            ++calls;
            throw http::TransportError("POST http://127.0.0.1:9: Couldn't connect to server");
        }
        int calls = 0;
    } refusing;
    ClientConfig config;
    config.endpoint = "http://127.0.0.1:9";
    config.region = "us-east-1";
    config.max_retries = 1;
    Ec2Client client(
        config,
        [] {
            return Credentials{"a", "b", ""};
        },
        refusing, [](std::chrono::milliseconds) {});
    EXPECT_EQ(
        error_of([&] { (void)client.describe_instances({"i-0abc"}); }),
        "RequestError: send request failed\ncaused by: POST http://127.0.0.1:9: Couldn't connect to server");
    EXPECT_EQ(refusing.calls, 2);
}

TEST(Amazonec2Client, BackoffIsBoundedAndJittered) {
    using std::chrono::milliseconds;
    EXPECT_EQ(Ec2Client::backoff_delay(0, true, 1.0), milliseconds(500));
    EXPECT_EQ(Ec2Client::backoff_delay(0, true, 0.0), milliseconds(250));
    EXPECT_EQ(Ec2Client::backoff_delay(3, true, 1.0), milliseconds(4000));
    EXPECT_EQ(Ec2Client::backoff_delay(30, true, 1.0), milliseconds(20000));
    EXPECT_EQ(Ec2Client::backoff_delay(0, false, 1.0), milliseconds(50));
    EXPECT_TRUE(Ec2Client::is_throttling_code("Throttling"));
    EXPECT_FALSE(Ec2Client::is_throttling_code("AuthFailure"));
}

TEST(Amazonec2Client, RequestsAreSignedFormPosts) {
    Harness h;
    h.ec2->handlers["CreateSecurityGroup"] = [](const Params&) {
        return ok("<R><groupId>sg-1</groupId></R>");
    };
    Ec2Client client = make_client(h, 0);
    EXPECT_EQ(client.create_security_group("docker-machine", "Docker Machine", "vpc-1"), "sg-1");
    const http::Request& request = h.ec2->requests.at(0).request;
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.body,
              "Action=CreateSecurityGroup&Version=2016-11-15&GroupName=docker-machine&GroupDescription="
              "Docker+Machine"
              "&VpcId=vpc-1");
    std::map<std::string, std::string> headers;
    for (const auto& header : request.headers) {
        headers[header.name] = header.value;
    }
    EXPECT_EQ(headers["Host"], "127.0.0.1:9");
    EXPECT_EQ(headers["Content-Type"], "application/x-www-form-urlencoded; charset=utf-8");
    EXPECT_EQ(headers["Authorization"].rfind("AWS4-HMAC-SHA256 Credential=AKIDUNITTEST/", 0), 0u);
    EXPECT_NE(headers["Authorization"].find(
                  "/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, "
                  "Signature="),
              std::string::npos);
}

TEST(Amazonec2Client, DebugOutputHidesCredentials) {
    Harness h;
    h.ec2->handlers["RunInstances"] = [](const Params&) {
        return ok("<R><instancesSet><item><instanceId>i-1</instanceId></item></instancesSet></R>");
    };
    ClientConfig config;
    config.endpoint = "http://127.0.0.1:9";
    config.region = "us-east-1";
    Ec2Client client(
        config,
        [] {
            return Credentials{"AKIDSHOULDNOTSHOW", "secret-should-not-show", "tok-hidden"};
        },
        *h.ec2, [](std::chrono::milliseconds) {});
    LaunchSpec spec;
    spec.user_data_base64 = support::base64_encode("#cloud-config\npassword: hunter2\n");
    log::set_debug(true);
    testing::internal::CaptureStderr();
    std::string reservation;
    (void)client.run_instance(spec, reservation);
    std::string err = testing::internal::GetCapturedStderr();
    log::set_debug(false);
    EXPECT_NE(err.find("EC2 request RunInstances"), std::string::npos) << err;
    EXPECT_NE(err.find("UserData=<redacted"), std::string::npos) << err;
    for (const char* secret :
         {"AKIDSHOULDNOTSHOW", "secret-should-not-show", "tok-hidden", spec.user_data_base64.c_str()}) {
        EXPECT_EQ(err.find(secret), std::string::npos) << secret;
    }
}

// ---- create / remove ----

TEST(Amazonec2Driver, CreateLaunchesWhatUpstreamLaunched) {
    Harness h;
    h.healthy_ec2();
    auto driver = h.driver();
    driver->set_config_from_flags(
        h.good_flags({{"amazonec2-zone", std::string("b")},
                      {"amazonec2-private-address-only", true},
                      {"amazonec2-tags", std::string("team,e2e,odd")},
                      {"amazonec2-open-port", std::vector<std::string>{"8080", "53/udp"}},
                      {"amazonec2-iam-instance-profile", std::string("role")}}));
    testing::internal::CaptureStdout();
    driver->pre_create_check();
    driver->create();
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(out.find("(m1) Launching instance..."), std::string::npos);
    EXPECT_NE(out.find("(m1) Tags are not key value in pairs. 3 elements found"), std::string::npos);

    EXPECT_TRUE(fs::exists(h.root / "machines" / "m1" / "id_rsa"));
    EXPECT_EQ(h.ec2->last("ImportKeyPair")->at("KeyName"), "m1");
    EXPECT_EQ(h.ec2->last("CreateSecurityGroup")->at("GroupDescription"), "Docker Machine");
    const Params& ingress = *h.ec2->last("AuthorizeSecurityGroupIngress");
    EXPECT_EQ(ingress.at("GroupId"), "sg-new");
    EXPECT_EQ(ingress.at("IpPermissions.1.FromPort"), "22");
    EXPECT_EQ(ingress.at("IpPermissions.2.FromPort"), "2376");
    EXPECT_EQ(ingress.at("IpPermissions.3.FromPort"), "8080");
    EXPECT_EQ(ingress.at("IpPermissions.4.IpProtocol"), "udp");
    EXPECT_EQ(ingress.at("IpPermissions.1.IpRanges.1.CidrIp"), "0.0.0.0/0");

    const Params& run = *h.ec2->last("RunInstances");
    EXPECT_EQ(run.at("ImageId"), "ami-927185ef");
    EXPECT_EQ(run.at("MinCount"), "1");
    EXPECT_EQ(run.at("Placement.AvailabilityZone"), "us-east-1b");
    EXPECT_EQ(run.at("KeyName"), "m1");
    EXPECT_EQ(run.at("NetworkInterface.1.SubnetId"), "subnet-1");
    EXPECT_EQ(run.at("NetworkInterface.1.SecurityGroupId.1"), "sg-new");
    EXPECT_EQ(run.at("NetworkInterface.1.AssociatePublicIpAddress"), "false");
    EXPECT_EQ(run.at("IamInstanceProfile.Name"), "role");
    EXPECT_EQ(run.at("BlockDeviceMapping.1.DeviceName"), "/dev/sda1");
    EXPECT_EQ(run.at("BlockDeviceMapping.1.Ebs.VolumeSize"), "16");
    EXPECT_EQ(run.at("BlockDeviceMapping.1.Ebs.VolumeType"), "gp2");
    EXPECT_EQ(run.at("BlockDeviceMapping.1.Ebs.DeleteOnTermination"), "true");

    const Params& tags = *h.ec2->last("CreateTags");
    EXPECT_EQ(tags.at("ResourceId.1"), "i-0abc");
    EXPECT_EQ(tags.at("Tag.1.Key"), "Name");
    EXPECT_EQ(tags.at("Tag.2.Key"), "team");
    EXPECT_EQ(tags.at("Tag.2.Value"), "e2e");
    EXPECT_EQ(tags.count("Tag.3.Key"), 0u);
    EXPECT_EQ(driver->base().ip_address, "10.0.0.4");
    EXPECT_EQ(driver->state(), State::Running);
    EXPECT_EQ(driver->url(), "tcp://10.0.0.4:2376");

    // rm: terminate, delete the imported key, and the group this driver created once the instance is gone.
    h.ec2->requests.clear();
    driver->remove();
    EXPECT_EQ(h.ec2->count("TerminateInstances"), 1u);
    EXPECT_EQ(h.ec2->last("DeleteKeyPair")->at("KeyName"), "m1");
    EXPECT_EQ(h.ec2->last("DeleteSecurityGroup")->at("GroupId"), "sg-new");
}

TEST(Amazonec2Driver, PreCreateCheckMessages) {
    Harness h;
    h.healthy_ec2();
    h.ec2->handlers["DescribeKeyPairs"] = [](const Params&) {
        return ok("<R><keySet><item><keyName>m1</keyName></item></keySet></R>");
    };
    auto driver = h.driver();
    driver->set_config_from_flags(h.good_flags());
    EXPECT_EQ(
        error_of([&] { driver->pre_create_check(); }),
        "There is already a keypair with the name m1.  Please either remove that keypair or use a different "
        "machine name.");

    h.ec2->handlers["DescribeKeyPairs"] = [](const Params&) {
        return aws_error(400, "InvalidKeyPair.NotFound", "The key pair 'mine' does not exist");
    };
    driver->set_config_from_flags(h.good_flags(
        {{"amazonec2-keypair-name", std::string("mine")}, {"amazonec2-ssh-keypath", std::string("/k")}}));
    EXPECT_EQ(error_of([&] { driver->pre_create_check(); }),
              "There is no keypair with the name mine. Please verify the key name provided.");

    driver->set_config_from_flags(h.good_flags({{"amazonec2-subnet-id", std::string()}}));
    h.ec2->handlers["DescribeSubnets"] = [](const Params&) { return ok("<R><subnetSet/></R>"); };
    EXPECT_EQ(error_of([&] { driver->pre_create_check(); }),
              "unable to find a subnet that is both in the zone us-east-1a and belonging to VPC ID vpc-1");
    EXPECT_EQ(h.ec2->last("DescribeSubnets")->at("Filter.1.Value.1"), "us-east-1a");
}

TEST(Amazonec2Driver, InstanceThatNeverRunsTimesOutAndIsRemoved) {
    Harness h;
    h.healthy_ec2("pending");
    auto driver = h.driver();
    driver->set_config_from_flags(h.good_flags({{"amazonec2-use-private-address", true}}));
    testing::internal::CaptureStdout();
    std::string error = error_of([&] { driver->create(); });
    testing::internal::GetCapturedStdout();
    EXPECT_EQ(error,
              "Maximum number of retries (60) exceeded waiting for instance i-0abc to be running (last "
              "state: pending)");
    EXPECT_EQ(h.ec2->count("TerminateInstances"), 1u);
    EXPECT_EQ(h.ec2->count("DeleteKeyPair"), 1u);
    EXPECT_EQ(h.ec2->count("DeleteSecurityGroup"), 1u);
    EXPECT_EQ(h.sleeps.size(), 59u);  // 60 polls 3 s apart; the instance is terminated at the first look
}

TEST(Amazonec2Driver, SpotInstance) {
    Harness h;
    h.healthy_ec2();
    int polls = 0;
    h.ec2->handlers["RequestSpotInstances"] = [](const Params&) {
        return ok(
            "<R><spotInstanceRequestSet><item><spotInstanceRequestId>sir-1</spotInstanceRequestId>"
            "<state>open</state><status><code>pending-evaluation</code></status></item></"
            "spotInstanceRequestSet></R>");
    };
    h.ec2->handlers["DescribeSpotInstanceRequests"] = [&](const Params&) {
        if (polls++ == 0) {
            return aws_error(400, "InvalidSpotInstanceRequestID.NotFound", "not yet");
        }
        return ok(
            "<R><spotInstanceRequestSet><item><spotInstanceRequestId>sir-1</spotInstanceRequestId>"
            "<state>active</state><status><code>fulfilled</code></status><instanceId>i-0abc</instanceId>"
            "</item></spotInstanceRequestSet></R>");
    };
    auto driver = h.driver();
    driver->set_config_from_flags(h.good_flags({{"amazonec2-request-spot-instance", true},
                                                {"amazonec2-block-duration-minutes", 60LL},
                                                {"amazonec2-private-address-only", true}}));
    testing::internal::CaptureStdout();
    driver->create();
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(out.find("(m1) Waiting for spot instance..."), std::string::npos);
    EXPECT_NE(out.find("(m1) Created spot instance request sir-1"), std::string::npos);
    const Params& request = *h.ec2->last("RequestSpotInstances");
    EXPECT_EQ(request.at("SpotPrice"), "0.50");
    EXPECT_EQ(request.at("BlockDurationMinutes"), "60");
    EXPECT_EQ(request.at("InstanceCount"), "1");
    EXPECT_EQ(request.at("LaunchSpecification.ImageId"), "ami-927185ef");
    EXPECT_EQ(request.at("LaunchSpecification.NetworkInterface.1.SubnetId"), "subnet-1");
    EXPECT_EQ(h.ec2->count("RunInstances"), 0u);

    // A later rm (a fresh driver loaded from config.json) finds and cancels the request by instance id.
    h.ec2->handlers["CancelSpotInstanceRequests"] = [](const Params&) { return ok("<R/>"); };
    h.ec2->requests.clear();
    auto loaded = h.driver();
    for (StateField& field : loaded->state_fields()) {
        for (StateField& source : driver->state_fields()) {
            if (field.key == source.key) {
                std::visit([&](auto* to) { *to = *std::get<decltype(to)>(source.value); }, field.value);
            }
        }
    }
    loaded->remove();
    EXPECT_EQ(h.ec2->last("DescribeSpotInstanceRequests")->at("Filter.1.Name"), "instance-id");
    EXPECT_EQ(h.ec2->last("CancelSpotInstanceRequests")->at("SpotInstanceRequestId.1"), "sir-1");
}

TEST(Amazonec2Driver, RemoveToleratesWhatIsAlreadyGone) {
    Harness h;
    h.healthy_ec2();
    auto driver = h.driver();
    testing::internal::CaptureStdout();
    driver->remove();  // a machine whose create failed before launching anything
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(out.find("(m1) Missing instance ID, this is likely due to a failure during machine creation"),
              std::string::npos);
    EXPECT_NE(out.find("(m1) Missing key pair name, this is likely due to a failure during machine creation"),
              std::string::npos);
    EXPECT_TRUE(h.ec2->requests.empty());
}

TEST(Amazonec2Driver, StateMapping) {
    Harness h;
    std::string state;
    h.ec2->handlers["DescribeInstances"] = [&](const Params&) {
        return ok(instances_xml(state, "10.0.0.4", "54.1.2.3"));
    };
    auto driver = h.driver();
    driver->set_config_from_flags(h.good_flags({{"amazonec2-subnet-id", std::string()}}));
    for (StateField& field : driver->state_fields()) {
        if (field.key == "InstanceId") {
            *std::get<std::string*>(field.value) = "i-0abc";
        }
    }
    const std::vector<std::pair<std::string, State>> expected = {
        {"pending", State::Starting},       {"running", State::Running}, {"stopping", State::Stopping},
        {"shutting-down", State::Stopping}, {"stopped", State::Stopped}, {"terminated", State::Error}};
    for (const auto& [name, mapped] : expected) {
        state = name;
        EXPECT_EQ(driver->state(), mapped) << name;
    }
    state = "running";
    EXPECT_EQ(driver->ip(), "54.1.2.3");  // public unless private-only / use-private
    state = "stopped";
    EXPECT_EQ(error_of([&] { (void)driver->url(); }), "Host is not running");
}

TEST(Amazonec2Driver, StateFieldsInUpstreamOrder) {
    Harness h;
    std::vector<std::string> keys;
    for (const StateField& field : h.driver()->state_fields()) {
        keys.emplace_back(field.key);
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"IPAddress",
                                              "MachineName",
                                              "SSHUser",
                                              "SSHPort",
                                              "SSHKeyPath",
                                              "StorePath",
                                              "SwarmMaster",
                                              "SwarmHost",
                                              "SwarmDiscovery",
                                              "Id",
                                              "AccessKey",
                                              "SecretKey",
                                              "SessionToken",
                                              "Region",
                                              "AMI",
                                              "SSHKeyID",
                                              "ExistingKey",
                                              "KeyName",
                                              "InstanceId",
                                              "InstanceType",
                                              "PrivateIPAddress",
                                              "SecurityGroupId",
                                              "SecurityGroupIds",
                                              "SecurityGroupName",
                                              "SecurityGroupNames",
                                              "SecurityGroupReadOnly",
                                              "OpenPorts",
                                              "Tags",
                                              "ReservationId",
                                              "DeviceName",
                                              "RootSize",
                                              "VolumeType",
                                              "IamInstanceProfile",
                                              "VpcId",
                                              "SubnetId",
                                              "Zone",
                                              "RequestSpotInstance",
                                              "SpotPrice",
                                              "BlockDurationMinutes",
                                              "PrivateIPOnly",
                                              "UsePrivateIP",
                                              "UseEbsOptimizedInstance",
                                              "Monitoring",
                                              "SSHPrivateKeyPath",
                                              "RetryCount",
                                              "Endpoint",
                                              "DisableSSL",
                                              "UserDataFile"}));
    auto driver = h.driver();
    EXPECT_EQ(driver->ssh_username(), "ubuntu");
    EXPECT_EQ(driver->ssh_port(), 22);
}

// ---- regions and endpoints ----

TEST(Amazonec2Regions, TableAndEndpoints) {
    EXPECT_EQ(default_ami("us-east-1"), "ami-927185ef");
    EXPECT_EQ(default_ami("eu-north-1"), "ami-017ff17f");
    EXPECT_EQ(default_ami("custom-endpoint"), "");
    EXPECT_FALSE(default_ami("mars-1").has_value());
    EXPECT_EQ(known_regions().size(), 20u);

    EXPECT_EQ(endpoint_url("eu-west-1", "", false), "https://ec2.eu-west-1.amazonaws.com");
    EXPECT_EQ(endpoint_url("cn-north-1", "", false), "https://ec2.cn-north-1.amazonaws.com.cn");
    EXPECT_EQ(endpoint_url("us-east-1", "ec2.example.com:8443", false), "https://ec2.example.com:8443");
    EXPECT_EQ(endpoint_url("us-east-1", "ec2.example.com", true),
              "http://ec2.example.com");  // insecure transport
    EXPECT_EQ(endpoint_url("us-east-1", "http://127.0.0.1:5000", false), "http://127.0.0.1:5000");

    UrlParts parts = split_url("http://127.0.0.1:5000");
    EXPECT_EQ(parts.scheme, "http");
    EXPECT_EQ(parts.host_port, "127.0.0.1:5000");
    EXPECT_EQ(parts.path, "/");
    parts = split_url("https://user:pw@ec2.example.com/base/?x=1");
    EXPECT_EQ(parts.host_port, "ec2.example.com");
    EXPECT_EQ(parts.path, "/base/");
    EXPECT_THROW((void)split_url("ec2.example.com"), Error);
}

}  // namespace
