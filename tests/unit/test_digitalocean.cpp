// The digitalocean driver (reference/drivers.md §4.6): flags, request building, response parsing, the create
// / remove flows and error texts, against a scripted HTTP transport (no network).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "drivers/common/http_client.hpp"
#include "drivers/digitalocean/digitalocean_api.hpp"
#include "drivers/digitalocean/digitalocean_driver.hpp"
#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using machine::Error;
using machine::FlagSpec;
using machine::FlagValues;
using machine::State;
using machine::drivers::DigitalOceanDriver;
namespace http = machine::drivers::http;
using machine::test::ScriptedTransport;
using TempDir = machine::test::TempDir;
namespace digitalocean = machine::drivers::digitalocean;

constexpr const char* k_base = "http://api.test";

// JSON string literal of base64/ASCII text ending in a newline (all a public key holds).
std::string nlohmann_free_quote(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out + "\"";
}

class DigitalOceanTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv(digitalocean::k_api_url_env, "http://api.test/", 1);
        fs::create_directories(m_store / "machines/m1");
        m_driver = std::make_unique<DigitalOceanDriver>("m1", m_store.path(), m_transport);
        m_driver->set_ip_poll_interval(std::chrono::milliseconds(0));
    }
    void TearDown() override { ::unsetenv(digitalocean::k_api_url_env); }

    FlagValues flags(const std::map<std::string, FlagValues::Value>& overrides = {}) const {
        FlagValues values = machine::default_flag_values(m_driver->create_flags());
        values.set("digitalocean-access-token", std::string("tok"));
        for (const auto& [name, value] : overrides) {
            values.set(name, value);
        }
        return values;
    }

    std::string field(const std::string& key) {
        for (const auto& field : m_driver->state_fields()) {
            if (field.key == key) {
                return std::visit(
                    [](auto* value) -> std::string {
                        using T = std::remove_pointer_t<decltype(value)>;
                        if constexpr (std::is_same_v<T, std::string>) {
                            return *value;
                        } else if constexpr (std::is_same_v<T, bool>) {
                            return *value ? "true" : "false";
                        } else if constexpr (std::is_arithmetic_v<T>) {
                            return std::to_string(*value);
                        } else {
                            return "?";
                        }
                    },
                    field.value);
            }
        }
        return "<missing>";
    }

    // What loading a stored machine does: the fields come from config.json.
    void set_ids(long long droplet_id, long long key_id) {
        for (const auto& field : m_driver->state_fields()) {
            if (field.key == "DropletID") {
                *std::get<long long*>(field.value) = droplet_id;
            } else if (field.key == "SSHKeyID") {
                *std::get<long long*>(field.value) = key_id;
            }
        }
    }

    static std::string droplet_json(const std::string& status, const std::string& public_ip = "") {
        std::string networks = public_ip.empty()
                                   ? R"({"v4":[],"v6":[]})"
                                   : R"({"v4":[{"ip_address":"10.0.0.9","type":"private"},{"ip_address":")" +
                                         public_ip + R"(","type":"public"}],"v6":[]})";
        return R"({"droplet":{"id":3164444,"name":"m1","status":")" + status + R"(","networks":)" + networks +
               "}}";
    }

    TempDir m_store;
    ScriptedTransport m_transport;
    std::unique_ptr<DigitalOceanDriver> m_driver;
};

TEST_F(DigitalOceanTest, FlagsMatchUpstream) {
    std::map<std::string, FlagSpec> by_name;
    for (const auto& spec : m_driver->create_flags()) {
        by_name[spec.name] = spec;
    }
    ASSERT_EQ(by_name.size(), 14U);
    EXPECT_EQ(by_name["digitalocean-access-token"].env_var, "DIGITALOCEAN_ACCESS_TOKEN");
    EXPECT_EQ(by_name["digitalocean-access-token"].usage, "Digital Ocean access token");
    EXPECT_EQ(by_name["digitalocean-image"].default_string, "ubuntu-16-04-x64");
    EXPECT_EQ(by_name["digitalocean-region"].default_string, "nyc3");
    EXPECT_EQ(by_name["digitalocean-size"].default_string, "s-1vcpu-1gb");
    EXPECT_EQ(by_name["digitalocean-ssh-user"].default_string, "root");
    EXPECT_EQ(by_name["digitalocean-ssh-port"].kind, FlagSpec::Kind::Int);
    EXPECT_EQ(by_name["digitalocean-ssh-port"].default_int, 22);
    EXPECT_EQ(by_name["digitalocean-ssh-key-path"].usage, "SSH private key path ");
    EXPECT_EQ(by_name["digitalocean-monitoring"].kind, FlagSpec::Kind::Bool);
    EXPECT_EQ(by_name["digitalocean-monitoring"].env_var, "DIGITALOCEAN_MONITORING");
    EXPECT_EQ(by_name["digitalocean-tags"].usage, "comma-separated list of tags to apply to the Droplet");
    EXPECT_EQ(by_name["digitalocean-userdata"].env_var, "DIGITALOCEAN_USERDATA");
}

TEST_F(DigitalOceanTest, TokenIsRequired) {
    FlagValues values = flags({{"digitalocean-access-token", std::string()}});
    try {
        m_driver->set_config_from_flags(values);
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "digitalocean driver requires the --digitalocean-access-token option");
    }
}

TEST_F(DigitalOceanTest, StateFieldsInUpstreamOrderWithDefaults) {
    std::vector<std::string> keys;
    for (const auto& field : m_driver->state_fields()) {
        keys.emplace_back(field.key);
    }
    std::vector<std::string> expected = {
        "IPAddress",   "MachineName", "SSHUser",           "SSHPort",           "SSHKeyPath", "StorePath",
        "SwarmMaster", "SwarmHost",   "SwarmDiscovery",    "AccessToken",       "DropletID",  "DropletName",
        "Image",       "Region",      "SSHKeyID",          "SSHKeyFingerprint", "SSHKey",     "Size",
        "IPv6",        "Backups",     "PrivateNetworking", "UserDataFile",      "Monitoring", "Tags"};
    EXPECT_EQ(keys, expected);
    EXPECT_EQ(field("Size"), "s-1vcpu-1gb");
    EXPECT_EQ(field("Image"), "ubuntu-16-04-x64");
    EXPECT_EQ(field("Region"), "nyc3");
    EXPECT_EQ(field("SSHUser"), "");
    EXPECT_EQ(field("DropletID"), "0");
}

TEST(DigitalOceanApi, DropletCreateBodyIsGodosShape) {
    digitalocean::DropletCreateRequest request;
    request.name = "m1";
    request.region = "nyc3";
    request.size = "s-1vcpu-1gb";
    request.image = "ubuntu-16-04-x64";
    request.ssh_key_ids = {512190};
    EXPECT_EQ(
        digitalocean::droplet_create_body(request),
        R"({"name":"m1","region":"nyc3","size":"s-1vcpu-1gb","image":"ubuntu-16-04-x64","ssh_keys":[512190],)"
        R"("backups":false,"ipv6":false,"private_networking":false,"monitoring":false,"tags":null})");
    request.backups = request.ipv6 = request.private_networking = request.monitoring = true;
    request.user_data = "#cloud-config\n";
    request.tags = {"a", "b c"};
    EXPECT_EQ(
        digitalocean::droplet_create_body(request),
        R"({"name":"m1","region":"nyc3","size":"s-1vcpu-1gb","image":"ubuntu-16-04-x64","ssh_keys":[512190],)"
        R"("backups":true,"ipv6":true,"private_networking":true,"monitoring":true,)"
        R"("user_data":"#cloud-config\n","tags":["a","b c"]})");
}

TEST(DigitalOceanApi, TagsAreTrimmedAndEmptiesDropped) {
    EXPECT_EQ(DigitalOceanDriver::parse_tags(""), std::vector<std::string>{});
    EXPECT_EQ(DigitalOceanDriver::parse_tags(" a, ,b ,,c"), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(DigitalOceanApi, DropletParsingPicksPublicAndPrivateV4) {
    auto droplet = digitalocean::parse_droplet_response(
        R"({"droplet":{"id":7,"name":"x","status":"active","networks":{"v4":[)"
        R"({"ip_address":"10.1.1.1","type":"private"},{"ip_address":"1.2.3.4","type":"public"}],"v6":[]}}})");
    EXPECT_EQ(droplet.id, 7);
    EXPECT_EQ(droplet.status, "active");
    EXPECT_EQ(droplet.public_ipv4, "1.2.3.4");
    EXPECT_EQ(droplet.private_ipv4, "10.1.1.1");
    EXPECT_THROW((void)digitalocean::parse_droplet_response("<html>"), Error);
    EXPECT_THROW((void)digitalocean::parse_droplet_response("{}"), Error);
}

TEST(DigitalOceanApi, RegionPagesAndNextLink) {
    std::string next;
    auto slugs = digitalocean::parse_regions_page(
        R"({"regions":[{"slug":"nyc1"},{"slug":"ams3"}],"links":{"pages":{"next":"http://x/v2/regions?page=2"}},)"
        R"("meta":{"total":4}})",
        next);
    EXPECT_EQ(slugs, (std::vector<std::string>{"nyc1", "ams3"}));
    EXPECT_EQ(next, "http://x/v2/regions?page=2");
    (void)digitalocean::parse_regions_page(R"({"regions":[],"links":{},"meta":{"total":0}})", next);
    EXPECT_EQ(next, "");
}

TEST(DigitalOceanApi, ErrorMessagesAreGodos) {
    EXPECT_EQ(
        digitalocean::api_error_message("GET", "https://api.digitalocean.com/v2/regions", 401,
                                        R"({"id":"Unauthorized","message":"Unable to authenticate you"})"),
        "GET https://api.digitalocean.com/v2/regions: 401 Unable to authenticate you");
    EXPECT_EQ(digitalocean::api_error_message(
                  "POST", "https://x/v2/droplets", 422,
                  R"({"id":"u","message":"Region is not available","request_id":"r-1"})"),
              R"(POST https://x/v2/droplets: 422 (request "r-1") Region is not available)");
    EXPECT_EQ(digitalocean::api_error_message("GET", "https://x/v2/regions", 502, "<html>bad gateway</html>"),
              "GET https://x/v2/regions: 502 ");
}

TEST_F(DigitalOceanTest, PreCreateChecksFilesAndRegionAcrossPages) {
    m_driver->set_config_from_flags(flags({{"digitalocean-userdata", m_store / "nope.yml"}}));
    EXPECT_THROW(
        {
            try {
                m_driver->pre_create_check();
            } catch (const Error& error) {
                EXPECT_EQ(std::string(error.what()),
                          "user-data file " + (m_store / "nope.yml") + " could not be found");
                throw;
            }
        },
        Error);

    m_driver->set_config_from_flags(flags({{"digitalocean-ssh-key-path", std::string("/k/id")}}));
    try {
        m_driver->pre_create_check();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), R"(ssh-key-fingerprint needs to be provided for "/k/id")");
    }
    m_driver->set_config_from_flags(flags({{"digitalocean-ssh-key-path", std::string("/k/id")},
                                           {"digitalocean-ssh-key-fingerprint", std::string("aa:bb")}}));
    try {
        m_driver->pre_create_check();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), R"(SSH key does not exist: "/k/id")");
    }

    m_driver->set_config_from_flags(flags({{"digitalocean-region", std::string("fra1")}}));
    m_transport.expect(
        "GET", std::string(k_base) + "/v2/regions", 200,
        R"({"regions":[{"slug":"nyc1"}],"links":{"pages":{"next":"http://api.test/v2/regions?page=2&per_page=1"}},"meta":{"total":2}})");
    m_transport.expect("GET", "http://api.test/v2/regions?page=2&per_page=1", 200,
                       R"({"regions":[{"slug":"fra1"}],"links":{"pages":{}},"meta":{"total":2}})");
    EXPECT_NO_THROW(m_driver->pre_create_check());
    EXPECT_EQ(m_transport.sent[0].headers[0].name, "Authorization");
    EXPECT_EQ(m_transport.sent[0].headers[0].value, "Bearer tok");

    m_driver->set_config_from_flags(flags({{"digitalocean-region", std::string("xyz9")}}));
    m_transport.expect("GET", std::string(k_base) + "/v2/regions", 200,
                       R"({"regions":[{"slug":"nyc1"}],"links":{},"meta":{"total":1}})");
    try {
        m_driver->pre_create_check();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "digitalocean requires a valid region");
    }

    m_transport.expect("GET", std::string(k_base) + "/v2/regions", 401,
                       R"({"id":"Unauthorized","message":"Unable to authenticate you"})");
    try {
        m_driver->pre_create_check();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "GET http://api.test/v2/regions: 401 Unable to authenticate you");
    }
    EXPECT_TRUE(m_transport.done());
}

TEST_F(DigitalOceanTest, CreateWithGeneratedKeyWaitsForThePublicAddress) {
    m_driver->set_config_from_flags(
        flags({{"digitalocean-tags", std::string("web, ,db")}, {"digitalocean-backups", true}}));
    m_transport.expect(
        "POST", std::string(k_base) + "/v2/account/keys", 201,
        R"({"ssh_key":{"id":512190,"fingerprint":"aa","public_key":"ssh-rsa AAAA","name":"m1"}})");
    m_transport.expect("POST", std::string(k_base) + "/v2/droplets", 202, droplet_json("new") + "");
    m_transport.expect("GET", std::string(k_base) + "/v2/droplets/3164444", 200, droplet_json("new"));
    m_transport.expect("GET", std::string(k_base) + "/v2/droplets/3164444", 200,
                       droplet_json("active", "10.213.22.2"));
    m_driver->create();
    EXPECT_TRUE(m_transport.done());

    std::string key_path = m_store / "machines/m1/id_rsa";
    std::string public_key = machine::read_file(key_path + ".pub");
    EXPECT_EQ(public_key.rfind("ssh-rsa AAAA", 0), 0U);
    struct stat info {};
    ASSERT_EQ(::stat(key_path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);

    const auto& key_request = m_transport.sent[0];
    EXPECT_EQ(key_request.body, R"({"name":"m1","public_key":)" + nlohmann_free_quote(public_key) + "}");
    const auto& droplet_request = m_transport.sent[1];
    EXPECT_NE(droplet_request.body.find(R"("ssh_keys":[512190],"backups":true)"), std::string::npos);
    EXPECT_NE(droplet_request.body.find(R"("tags":["web","db"])"), std::string::npos);
    EXPECT_EQ(m_driver->ip(), "10.213.22.2");
    EXPECT_EQ(field("DropletID"), "3164444");
    EXPECT_EQ(field("SSHKeyID"), "512190");
    EXPECT_EQ(field("SSHKeyPath"), key_path);
}

TEST_F(DigitalOceanTest, UnknownFingerprintIsReported) {
    m_driver->set_config_from_flags(flags({{"digitalocean-ssh-key-fingerprint", std::string("aa:bb")}}));
    m_transport.expect(
        "GET", std::string(k_base) + "/v2/account/keys/aa:bb", 404,
        R"({"id":"not_found","message":"The resource you were accessing could not be found."})");
    try {
        m_driver->create();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Digital Ocean SSH key with fingerprint aa:bb doesn't exist");
    }
}

TEST_F(DigitalOceanTest, FingerprintWithoutKeyPathLeavesKeyPathEmpty) {
    m_driver->set_config_from_flags(flags({{"digitalocean-ssh-key-fingerprint", std::string("aa:bb")}}));
    m_transport.expect(
        "GET", std::string(k_base) + "/v2/account/keys/aa:bb", 200,
        R"({"ssh_key":{"id":9,"fingerprint":"aa:bb","public_key":"ssh-rsa AAAA","name":"k"}})");
    m_transport.expect("POST", std::string(k_base) + "/v2/droplets", 202, droplet_json("new"));
    m_transport.expect("GET", std::string(k_base) + "/v2/droplets/3164444", 200,
                       droplet_json("new", "1.2.3.4"));
    m_driver->create();
    EXPECT_EQ(m_driver->ssh_key_path(), "");
    EXPECT_EQ(field("SSHKeyID"), "9");
    EXPECT_FALSE(fs::exists(m_store / "machines/m1/id_rsa"));

    // rm does not delete a key the user brought.
    m_transport.expect("DELETE", std::string(k_base) + "/v2/droplets/3164444", 204);
    m_driver->remove();
    EXPECT_TRUE(m_transport.done());
}

TEST_F(DigitalOceanTest, KeyPathIsCopiedUnderItsBaseName) {
    std::string user_key = m_store / "my_key";
    machine::write_file_atomic(user_key, "PRIVATE", 0644);
    m_driver->set_config_from_flags(flags({{"digitalocean-ssh-key-fingerprint", std::string("aa:bb")},
                                           {"digitalocean-ssh-key-path", user_key}}));
    m_transport.expect(
        "GET", std::string(k_base) + "/v2/account/keys/aa:bb", 200,
        R"({"ssh_key":{"id":9,"fingerprint":"aa:bb","public_key":"ssh-rsa AAAA","name":"k"}})");
    m_transport.expect("POST", std::string(k_base) + "/v2/droplets", 202, droplet_json("new"));
    m_transport.expect("GET", std::string(k_base) + "/v2/droplets/3164444", 200,
                       droplet_json("new", "1.2.3.4"));
    m_driver->create();
    std::string copy = m_store / "machines/m1/my_key";
    EXPECT_EQ(m_driver->ssh_key_path(), copy);
    EXPECT_EQ(machine::read_file(copy), "PRIVATE");
    struct stat info {};
    ASSERT_EQ(::stat(copy.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
}

TEST_F(DigitalOceanTest, StatesActionsAndUrl) {
    EXPECT_EQ(DigitalOceanDriver::state_for_status("new"), State::Starting);
    EXPECT_EQ(DigitalOceanDriver::state_for_status("active"), State::Running);
    EXPECT_EQ(DigitalOceanDriver::state_for_status("off"), State::Stopped);
    EXPECT_EQ(DigitalOceanDriver::state_for_status("archive"), State::None);

    m_driver->set_config_from_flags(flags());
    try {
        (void)m_driver->state();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Digital Ocean droplet doesn't exist");
    }
    set_ids(42, 5);
    m_transport.expect("GET", std::string(k_base) + "/v2/droplets/42", 200, droplet_json("off"));
    try {
        (void)m_driver->url();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Host is not running");
    }
    for (const char* type : {"power_on", "shutdown", "reboot", "power_off"}) {
        m_transport.expect(
            "POST", std::string(k_base) + "/v2/droplets/42/actions", 201,
            R"({"action":{"id":1,"status":"in-progress","type":")" + std::string(type) + R"("}})");
    }
    m_driver->start();
    m_driver->stop();
    m_driver->restart();
    m_driver->kill();
    ASSERT_EQ(m_transport.sent.size(), 5U);
    EXPECT_EQ(m_transport.sent[1].body, R"({"type":"power_on"})");
    EXPECT_EQ(m_transport.sent[2].body, R"({"type":"shutdown"})");
    EXPECT_EQ(m_transport.sent[3].body, R"({"type":"reboot"})");
    EXPECT_EQ(m_transport.sent[4].body, R"({"type":"power_off"})");
    EXPECT_EQ(m_transport.sent[4].headers.back().value, "application/json");
}

TEST_F(DigitalOceanTest, RemoveToleratesWhatIsAlreadyGone) {
    m_driver->set_config_from_flags(flags());
    const std::string both_gone =
        "(m1) Digital Ocean SSH key doesn't exist, assuming it is already deleted\n"
        "(m1) Digital Ocean droplet doesn't exist, assuming it is already deleted\n";
    // Nothing was made (IDs 0): no request at all.
    testing::internal::CaptureStdout();
    m_driver->remove();
    EXPECT_EQ(testing::internal::GetCapturedStdout(), both_gone);
    EXPECT_TRUE(m_transport.sent.empty());

    set_ids(42, 5);
    m_transport.expect("DELETE", std::string(k_base) + "/v2/account/keys/5", 404,
                       R"({"id":"not_found","message":"gone"})");
    m_transport.expect("DELETE", std::string(k_base) + "/v2/droplets/42", 404,
                       R"({"id":"not_found","message":"gone"})");
    testing::internal::CaptureStdout();
    m_driver->remove();
    EXPECT_EQ(testing::internal::GetCapturedStdout(), both_gone);

    m_transport.expect("DELETE", std::string(k_base) + "/v2/account/keys/5", 500,
                       R"({"id":"server_error","message":"Server Error"})");
    try {
        m_driver->remove();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "DELETE http://api.test/v2/account/keys/5: 500 Server Error");
    }
}

TEST_F(DigitalOceanTest, FailedCreateDeletesWhatItMade) {
    m_driver->set_config_from_flags(flags({{"digitalocean-size", std::string("huge")}}));
    m_transport.expect("POST", std::string(k_base) + "/v2/account/keys", 201,
                       R"({"ssh_key":{"id":77,"fingerprint":"aa","public_key":"ssh-rsa AAAA","name":"m1"}})");
    m_transport.expect(
        "POST", std::string(k_base) + "/v2/droplets", 422,
        R"({"id":"unprocessable_entity","message":"You specified an invalid size for Droplet creation."})");
    m_transport.expect("DELETE", std::string(k_base) + "/v2/account/keys/77", 204);
    try {
        m_driver->create();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(
            error.what(),
            "POST http://api.test/v2/droplets: 422 You specified an invalid size for Droplet creation.");
    }
    EXPECT_TRUE(m_transport.done());
    EXPECT_EQ(field("SSHKeyID"), "0");

    // A droplet that never gets its address because the API fails: the droplet goes too.
    m_transport.expect("POST", std::string(k_base) + "/v2/account/keys", 201,
                       R"({"ssh_key":{"id":78,"fingerprint":"aa","public_key":"ssh-rsa AAAA","name":"m1"}})");
    m_transport.expect("POST", std::string(k_base) + "/v2/droplets", 202, droplet_json("new"));
    m_transport.expect("GET", std::string(k_base) + "/v2/droplets/3164444", 500,
                       R"({"id":"server_error","message":"Server Error"})");
    m_transport.expect("DELETE", std::string(k_base) + "/v2/droplets/3164444", 204);
    m_transport.expect("DELETE", std::string(k_base) + "/v2/account/keys/78", 204);
    EXPECT_THROW(m_driver->create(), Error);
    EXPECT_TRUE(m_transport.done());
    EXPECT_EQ(field("DropletID"), "0");
}

}  // namespace
