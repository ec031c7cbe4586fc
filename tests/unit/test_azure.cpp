// The azure driver (reference/drivers.md §4.5): flags, NSG rules, request bodies, response parsing, the
// tenant/token flow, long-running operations and error texts, against a scripted HTTP transport (no network).

#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "drivers/azure/azure_api.hpp"
#include "drivers/azure/azure_driver.hpp"
#include "drivers/common/http_client.hpp"
#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using machine::Error;
using machine::FlagSpec;
using machine::FlagValues;
using machine::State;
using machine::drivers::AzureDriver;
namespace http = machine::drivers::http;
using machine::test::ScriptedTransport;
using TempDir = machine::test::TempDir;
namespace azure = machine::drivers::azure;

constexpr const char* k_arm = "http://arm.test/";
constexpr const char* k_sub = "http://arm.test/subscriptions/sub-1";
constexpr const char* k_group =
    "http://arm.test/subscriptions/sub-1/resourceGroups/docker-machine/providers/";

class AzureTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv(azure::k_resource_manager_env, "http://arm.test", 1);
        ::setenv(azure::k_active_directory_env, "http://login.test/", 1);
        m_old_home = std::getenv("HOME") != nullptr ? std::getenv("HOME") : "";
        ::setenv("HOME", m_home.path().c_str(), 1);
        fs::create_directories(m_store / "machines/az1");
        m_driver = std::make_unique<AzureDriver>("az1", m_store.path(), m_transport);
        m_driver->set_fast_polling(true);
    }
    void TearDown() override {
        ::unsetenv(azure::k_resource_manager_env);
        ::unsetenv(azure::k_active_directory_env);
        ::setenv("HOME", m_old_home.c_str(), 1);
    }

    FlagValues flags(const std::map<std::string, FlagValues::Value>& overrides = {}) const {
        FlagValues values = machine::default_flag_values(m_driver->create_flags());
        values.set("azure-subscription-id", std::string("sub-1"));
        values.set("azure-client-id", std::string("app"));
        values.set("azure-client-secret", std::string("secret"));
        for (const auto& [name, value] : overrides) {
            values.set(name, value);
        }
        return values;
    }

    // The service-principal sign-in every operation starts with.
    void expect_sign_in(bool tenant_cached = false) {
        if (!tenant_cached) {
            m_transport.expect_prefix(
                "GET", std::string(k_sub) + "?api-version=2015-01-01", 401,
                R"({"error":{"code":"AuthenticationFailed","message":"no"}})",
                {{"WWW-Authenticate", R"(Bearer authorization_uri="https://login.windows.net/)"
                                      R"(72f988bf-86f1-41af-91ab-2d7cd011db47", error="invalid_token")"}});
        }
        m_transport.expect_prefix(
            "POST", "http://login.test/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/token?api-version=1.0",
            200, R"({"access_token":"at-1","token_type":"Bearer","expires_on":"9999999999"})");
    }

    TempDir m_store;
    TempDir m_home;
    std::string m_old_home;
    ScriptedTransport m_transport;
    std::unique_ptr<AzureDriver> m_driver;
};

TEST_F(AzureTest, FlagsMatchUpstream) {
    std::map<std::string, FlagSpec> by_name;
    for (const auto& spec : m_driver->create_flags()) {
        by_name[spec.name] = spec;
    }
    ASSERT_EQ(by_name.size(), 22U);
    EXPECT_EQ(by_name["azure-availability-set"].default_string, "docker-machine");
    EXPECT_EQ(by_name["azure-custom-data"].env_var, "AZURE_CUSTOM_DATA_FILE");
    EXPECT_EQ(by_name["azure-dns"].usage, "A unique DNS label for the public IP adddress");
    EXPECT_EQ(by_name["azure-dns"].env_var, "AZURE_DNS_LABEL");
    EXPECT_EQ(by_name["azure-docker-port"].default_int, 2376);
    EXPECT_EQ(by_name["azure-image"].default_string, "canonical:UbuntuServer:16.04.0-LTS:latest");
    EXPECT_EQ(by_name["azure-open-port"].kind, FlagSpec::Kind::StringSlice);
    EXPECT_EQ(by_name["azure-open-port"].env_var, "");
    EXPECT_EQ(by_name["azure-private-ip-address"].env_var, "");
    EXPECT_EQ(by_name["azure-size"].default_string, "Standard_A2");
    EXPECT_EQ(by_name["azure-ssh-user"].default_string, "docker-user");
    EXPECT_EQ(by_name["azure-storage-type"].default_string, "Standard_LRS");
    EXPECT_EQ(by_name["azure-subnet-prefix"].default_string, "192.168.0.0/16");
    EXPECT_EQ(by_name["azure-vnet"].default_string, "docker-machine-vnet");
    EXPECT_EQ(by_name["azure-use-private-ip"].kind, FlagSpec::Kind::Bool);
}

TEST_F(AzureTest, RequiredOptions) {
    for (const char* name : {"azure-subscription-id", "azure-ssh-user", "azure-storage-type"}) {
        try {
            m_driver->set_config_from_flags(flags({{name, std::string()}}));
            FAIL() << name;
        } catch (const Error& error) {
            EXPECT_EQ(std::string(error.what()),
                      std::string("azure driver requires the \"") + name + "\" option.");
        }
    }
}

TEST_F(AzureTest, StateFieldsInUpstreamOrder) {
    std::vector<std::string> keys;
    for (const auto& field : m_driver->state_fields()) {
        keys.emplace_back(field.key);
    }
    std::vector<std::string> expected = {"IPAddress",      "MachineName",     "SSHUser",        "SSHPort",
                                         "SSHKeyPath",     "StorePath",       "SwarmMaster",    "SwarmHost",
                                         "SwarmDiscovery", "ClientID",        "ClientSecret",   "Environment",
                                         "SubscriptionID", "ResourceGroup",   "DockerPort",     "Location",
                                         "Size",           "Image",           "VirtualNetwork", "SubnetName",
                                         "SubnetPrefix",   "AvailabilitySet", "StorageType",    "OpenPorts",
                                         "PrivateIPAddr",  "UsePrivateIP",    "NoPublicIP",     "DNSLabel",
                                         "StaticPublicIP", "CustomDataFile"};
    EXPECT_EQ(keys, expected);
    EXPECT_EQ(m_driver->ssh_username(), "docker-user");
}

TEST_F(AzureTest, SecurityRules) {
    m_driver->set_config_from_flags(
        flags({{"azure-open-port", std::vector<std::string>{"8080", "53/udp", "9000/*"}},
               {"azure-docker-port", 12376LL}}));
    auto rules = m_driver->security_rules();
    ASSERT_EQ(rules.size(), 5U);
    EXPECT_EQ(rules[0].name, "SSHAllowAny");
    EXPECT_EQ(rules[0].destination_port_range, "22");
    EXPECT_EQ(rules[0].priority, 100);
    EXPECT_EQ(rules[1].name, "DockerAllowAny");
    EXPECT_EQ(rules[1].destination_port_range, "12376");
    EXPECT_EQ(rules[1].priority, 300);
    EXPECT_EQ(rules[2].name, "Port8080-TcpAllowAny");
    EXPECT_EQ(rules[2].priority, 1000);
    EXPECT_EQ(rules[3].name, "Port53-UdpAllowAny");
    EXPECT_EQ(rules[3].protocol, "Udp");
    EXPECT_EQ(rules[4].name, "Port9000-AsteriskAllowAny");
    EXPECT_EQ(rules[4].protocol, "*");
    EXPECT_EQ(rules[4].priority, 1002);

    m_driver->set_config_from_flags(flags({{"azure-open-port", std::vector<std::string>{"1/icmp"}}}));
    try {
        (void)m_driver->security_rules();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "cannot parse security rule protocol: invalid protocol icmp");
    }

    auto with_swarm = flags();
    with_swarm.set("swarm-master", true);
    with_swarm.set("swarm-host", std::string("tcp://0.0.0.0:3376"));
    m_driver->set_config_from_flags(with_swarm);
    rules = m_driver->security_rules();
    ASSERT_EQ(rules.size(), 3U);
    EXPECT_EQ(rules[2].name, "DockerSwarmAllowAny");
    EXPECT_EQ(rules[2].destination_port_range, "3376");
    EXPECT_EQ(rules[2].priority, 500);
}

TEST(AzurePieces, VirtualNetworkSyntaxAndPowerStates) {
    EXPECT_EQ(AzureDriver::parse_virtual_network("vnet", "rg"),
              (std::pair<std::string, std::string>{"rg", "vnet"}));
    EXPECT_EQ(AzureDriver::parse_virtual_network("other:vnet", "rg"),
              (std::pair<std::string, std::string>{"other", "vnet"}));
    EXPECT_EQ(AzureDriver::state_for_power_state("running"), State::Running);
    EXPECT_EQ(AzureDriver::state_for_power_state("starting"), State::Starting);
    EXPECT_EQ(AzureDriver::state_for_power_state("stopping"), State::Stopping);
    EXPECT_EQ(AzureDriver::state_for_power_state("deallocating"), State::Stopping);
    EXPECT_EQ(AzureDriver::state_for_power_state("stopped"), State::Stopped);
    EXPECT_EQ(AzureDriver::state_for_power_state("deallocated"), State::Stopped);
    EXPECT_EQ(AzureDriver::state_for_power_state(""), State::None);
    EXPECT_EQ(azure::power_state_of(
                  R"({"properties":{"instanceView":{"statuses":[{"code":"ProvisioningState/succeeded"},)"
                  R"({"code":"PowerState/deallocated"}]}}})"),
              "deallocated");
    EXPECT_EQ(azure::power_state_of(R"({"properties":{}})"), "");
}

TEST(AzurePieces, RequestBodies) {
    EXPECT_EQ(azure::security_group_body(
                  "westus", {{"SSHAllowAny", "Allow ssh from public Internet", "Tcp", "22", 100}}),
              R"({"location":"westus","properties":{"securityRules":[{"name":"SSHAllowAny","properties":{)"
              R"("description":"Allow ssh from public Internet","protocol":"Tcp","sourcePortRange":"*",)"
              R"("destinationPortRange":"22","sourceAddressPrefix":"*","destinationAddressPrefix":"*",)"
              R"("access":"Allow","priority":100,"direction":"Inbound"}}]}})");
    EXPECT_EQ(
        azure::network_interface_body("westus", "", "/s/subnet", "/s/nsg", ""),
        R"({"location":"westus","properties":{"networkSecurityGroup":{"id":"/s/nsg"},"ipConfigurations":[)"
        R"({"name":"ip","properties":{"privateIPAllocationMethod":"Dynamic","subnet":{"id":"/s/subnet"}}}]}})");
    EXPECT_EQ(
        azure::network_interface_body("westus", "/s/ip", "/s/subnet", "/s/nsg", "10.0.0.9"),
        R"({"location":"westus","properties":{"networkSecurityGroup":{"id":"/s/nsg"},"ipConfigurations":[)"
        R"({"name":"ip","properties":{"privateIPAddress":"10.0.0.9","privateIPAllocationMethod":"Static",)"
        R"("publicIPAddress":{"id":"/s/ip"},"subnet":{"id":"/s/subnet"}}}]}})");
    azure::VirtualMachineSpec spec;
    spec.name = "az1";
    spec.location = "westus";
    spec.size = "Standard_A2";
    spec.availability_set_id = "/s/as";
    spec.network_interface_id = "/s/nic";
    spec.admin_username = "docker-user";
    spec.ssh_public_key = "ssh-rsa AAAA\n";
    spec.publisher = "canonical";
    spec.offer = "UbuntuServer";
    spec.sku = "16.04.0-LTS";
    spec.version = "latest";
    spec.os_disk_vhd_uri = "https://vhdsx.blob.core.windows.net/vhd-az1/az1-os-disk.vhd";
    std::string body = azure::virtual_machine_body(spec);
    EXPECT_NE(
        body.find(R"("osProfile":{"computerName":"az1","adminUsername":"docker-user","linuxConfiguration":)"
                  R"({"disablePasswordAuthentication":true,"ssh":{"publicKeys":[{"path":)"
                  R"("/home/docker-user/.ssh/authorized_keys","keyData":"ssh-rsa AAAA\n"}]}}})"),
        std::string::npos)
        << body;
    EXPECT_EQ(body.find("customData"), std::string::npos);
    EXPECT_NE(
        body.find(
            R"("osDisk":{"name":"az1-os-disk","vhd":{"uri":"https://vhdsx.blob.core.windows.net/vhd-az1/)"
            R"(az1-os-disk.vhd"},"caching":"ReadWrite","createOption":"FromImage"})"),
        std::string::npos);
    spec.custom_data = "I2Nsb3VkLWNvbmZpZw==";
    EXPECT_NE(azure::virtual_machine_body(spec).find(R"("customData":"I2Nsb3VkLWNvbmZpZw==")"),
              std::string::npos);
}

TEST(AzurePieces, ErrorsTenantAndSharedKey) {
    EXPECT_EQ(
        azure::error_message(
            "compute.VirtualMachinesClient#Get", 404,
            R"({"error":{"code":"ResourceNotFound","message":"The Resource was not found."}})"),
        "compute.VirtualMachinesClient#Get: Failure responding to request: StatusCode=404 -- Original Error: "
        "autorest/azure: Service returned an error. Status=404 Code=\"ResourceNotFound\" Message=\"The "
        "Resource was not found.\"");
    EXPECT_EQ(
        azure::tenant_from_www_authenticate(
            R"(Bearer authorization_uri="https://login.windows.net/996fe9d1-6171-40aa-945b-4c64b63bf655", )"
            R"(error="invalid_token")"),
        "996fe9d1-6171-40aa-945b-4c64b63bf655");
    EXPECT_EQ(azure::tenant_from_www_authenticate("Bearer"), "");
    EXPECT_EQ(azure::shared_key_string_to_sign("DELETE", "acct", "/vhd-az1",
                                               {{"x-ms-version", "2015-02-21"}, {"x-ms-date", "D"}},
                                               {{"restype", "container"}}),
              "DELETE\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:D\nx-ms-version:2015-02-21\n/acct/"
              "vhd-az1\nrestype:container");
    auto environment = azure::find_environment("AzureChinaCloud");
    ASSERT_TRUE(environment.has_value());
    EXPECT_EQ(environment->token_audience, "https://management.core.chinacloudapi.cn/");
    EXPECT_FALSE(azure::find_environment("AzureMoonCloud").has_value());
}

TEST_F(AzureTest, InvalidEnvironment) {
    m_driver->set_config_from_flags(flags({{"azure-environment", std::string("AzureMoonCloud")}}));
    try {
        m_driver->pre_create_check();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "Invalid Azure environment: \"AzureMoonCloud\", supported values: AzurePublicCloud, "
                     "AzureUSGovernmentCloud, AzureChinaCloud, AzureGermanCloud");
    }
}

TEST_F(AzureTest, PreCreateCheckSignsInRegistersProvidersAndLooksForTheVm) {
    m_driver->set_config_from_flags(flags());
    expect_sign_in();
    m_transport.expect_prefix(
        "GET", std::string(k_sub) + "/providers?api-version=2016-07-01", 200,
        R"({"value":[{"namespace":"Microsoft.Compute","registrationState":"Registered"},)"
        R"({"namespace":"microsoft.network","registrationState":"NotRegistered"},)"
        R"({"namespace":"Microsoft.Storage","registrationState":"Registered"}]})");
    m_transport.expect_prefix(
        "POST", std::string(k_sub) + "/providers/Microsoft.Network/register?api-version=2016-07-01", 200,
        R"({"namespace":"Microsoft.Network","registrationState":"Registered"})");
    m_transport.expect_prefix(
        "GET", std::string(k_group) + "Microsoft.Compute/virtualMachines/az1?api-version=2016-03-30", 404,
        R"({"error":{"code":"ResourceNotFound","message":"not found"}})");
    testing::internal::CaptureStdout();
    m_driver->pre_create_check();
    EXPECT_EQ(
        testing::internal::GetCapturedStdout(),
        "(az1) Registering subscription to resource provider.  ns=\"Microsoft.Network\" subs=\"sub-1\"\n"
        "(az1) Completed machine pre-create checks.\n");
    EXPECT_TRUE(m_transport.done());
    // The service-principal grant, and the tenant cached for next time.
    EXPECT_EQ(m_transport.sent[1].body,
              "grant_type=client_credentials&client_id=app&client_secret=secret&resource=https%3A%2F%2F"
              "management.core.windows.net%2F");
    EXPECT_EQ(machine::read_file(m_home / ".docker/machine/credentials/azure/sub-1.tenantid"),
              "72f988bf-86f1-41af-91ab-2d7cd011db47");
    EXPECT_EQ(m_transport.sent[2].headers[0].value, "Bearer at-1");

    expect_sign_in(/*tenant_cached=*/true);
    m_transport.expect_prefix(
        "GET", std::string(k_sub) + "/providers?api-version=2016-07-01", 200,
        R"({"value":[{"namespace":"Microsoft.Compute","registrationState":"Registered"},)"
        R"({"namespace":"Microsoft.Network","registrationState":"Registered"},)"
        R"({"namespace":"Microsoft.Storage","registrationState":"Registered"}]})");
    m_transport.expect_prefix(
        "GET", std::string(k_group) + "Microsoft.Compute/virtualMachines/az1?api-version=2016-03-30", 200,
        R"({"id":"x","name":"az1","properties":{}})");
    try {
        m_driver->pre_create_check();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "Virtual Machine with name az1 already exists in resource group \"docker-machine\"");
    }
}

TEST_F(AzureTest, BadServicePrincipalSecret) {
    m_driver->set_config_from_flags(flags());
    m_transport.expect_prefix(
        "GET", std::string(k_sub) + "?api-version=2015-01-01", 401, "",
        {{"WWW-Authenticate", R"(Bearer authorization_uri="https://login.windows.net/abc-1")"}});
    m_transport.expect_prefix(
        "POST", "http://login.test/abc-1/oauth2/token", 401,
        R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret."})");
    try {
        m_driver->pre_create_check();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(
            error.what(),
            "Failed to authenticate using service principal credentials: Failed to acquire a token for the "
            "service principal: StatusCode=401 error=\"invalid_client\" error_description=\"AADSTS7000215: "
            "Invalid client secret.\"");
    }
}

TEST_F(AzureTest, DeviceFlowShowsTheMessageAndCachesTheToken) {
    m_driver->set_config_from_flags(
        flags({{"azure-client-id", std::string()}, {"azure-client-secret", std::string()}}));
    ScriptedTransport& t = m_transport;
    t.expect_prefix("GET", std::string(k_sub) + "?api-version=2015-01-01", 401, "",
                    {{"WWW-Authenticate", R"(Bearer authorization_uri="https://login.windows.net/abc-1")"}});
    t.expect_prefix(
        "POST", "http://login.test/abc-1/oauth2/devicecode?api-version=1.0", 200,
        R"({"device_code":"dc","user_code":"UC","interval":"5","expires_in":"900",)"
        R"("message":"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code UC to authenticate."})");
    t.expect_prefix("POST", "http://login.test/abc-1/oauth2/token?api-version=1.0", 400,
                    R"({"error":"authorization_pending","error_description":"pending"})");
    t.expect_prefix(
        "POST", "http://login.test/abc-1/oauth2/token?api-version=1.0", 200,
        R"({"access_token":"at-dev","refresh_token":"rt","expires_in":"3599","expires_on":"9999999999",)"
        R"("not_before":"1","resource":"https://management.core.windows.net/","token_type":"Bearer"})");
    t.expect_prefix("GET",
                    std::string(k_group) +
                        "Microsoft.Compute/virtualMachines/az1?api-version=2016-03-30&$expand=instanceView",
                    200, R"({"properties":{"instanceView":{"statuses":[{"code":"PowerState/running"}]}}})");
    testing::internal::CaptureStdout();
    EXPECT_EQ(m_driver->state(), State::Running);
    EXPECT_EQ(testing::internal::GetCapturedStdout(),
              "(az1) Microsoft Azure: To sign in, use a web browser to open the page "
              "https://microsoft.com/devicelogin "
              "and enter the code UC to authenticate.\n");
    EXPECT_EQ(t.sent[2].body,
              "grant_type=device_code&client_id=637ddaba-219b-43b8-bf19-8cea500cf273&code=dc&"
              "resource=https%3A%2F%2Fmanagement.core.windows.net%2F");
    std::string cache = m_home / ".docker/machine/credentials/azure/abc-1.json";
    EXPECT_NE(machine::read_file(cache).find(R"("access_token":"at-dev")"), std::string::npos);
    EXPECT_EQ(fs::status(cache).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);

    // Next time the cached token is used: no sign-in request at all.
    t.expect_prefix("GET",
                    std::string(k_group) +
                        "Microsoft.Compute/virtualMachines/az1?api-version=2016-03-30&$expand=instanceView",
                    200, R"({"properties":{"instanceView":{"statuses":[{"code":"PowerState/stopped"}]}}})");
    EXPECT_EQ(m_driver->state(), State::Stopped);
    EXPECT_TRUE(t.done());
}

TEST_F(AzureTest, LongRunningOperationsArePolled) {
    m_driver->set_config_from_flags(flags());
    expect_sign_in();
    const std::string vm = std::string(k_group) + "Microsoft.Compute/virtualMachines/az1";
    m_transport.expect_prefix("POST", vm + "/powerOff?api-version=2016-03-30", 202, "",
                              {{"Azure-AsyncOperation", "http://arm.test/op/1"}, {"Retry-After", "0"}});
    m_transport.expect_prefix("GET", "http://arm.test/op/1", 200, R"({"status":"InProgress"})",
                              {{"Retry-After", "0"}});
    m_transport.expect_prefix("GET", "http://arm.test/op/1", 200, R"({"status":"Succeeded"})");
    m_transport.expect_prefix(
        "GET", vm + "?api-version=2016-03-30&$expand=instanceView", 200,
        R"({"properties":{"instanceView":{"statuses":[{"code":"PowerState/stopped"}]}}})");
    testing::internal::CaptureStdout();
    m_driver->kill();
    EXPECT_EQ(
        testing::internal::GetCapturedStdout(),
        "(az1) NOTICE: Stopping an Azure Virtual Machine is just going to power it off, not deallocate.\n"
        "(az1) NOTICE: You should remove the machine if you would like to avoid unexpected costs.\n"
        "(az1) Stopping virtual machine.  vm=\"az1\"\n");
    EXPECT_TRUE(m_transport.done());

    expect_sign_in(true);
    m_transport.expect_prefix("POST", vm + "/start?api-version=2016-03-30", 202, "",
                              {{"Azure-AsyncOperation", "http://arm.test/op/2"}, {"Retry-After", "0"}});
    m_transport.expect_prefix(
        "GET", "http://arm.test/op/2", 200,
        R"({"status":"Failed","error":{"code":"AllocationFailed","message":"No capacity."}})");
    testing::internal::CaptureStdout();
    try {
        m_driver->start();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "compute.VirtualMachinesClient#Start: Long running operation terminated with "
                     "status \"Failed\": Code=\"AllocationFailed\" Message=\"No capacity.\"");
    }
    (void)testing::internal::GetCapturedStdout();
}

TEST_F(AzureTest, LegacyMachinesAreRefused) {
    try {
        (void)m_driver->state();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "new azure driver cannot manage old VMs, downgrade to v0.6.0");
    }
    try {
        m_driver->remove();
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("Please downgrade to docker-machine 0.6.0"),
                  std::string::npos);
    }
}

}  // namespace
