// Swarm mode (machine/swarm.hpp): discovery forms, the init/join bodies and finding a manager through the
// Engine API, against a scripted transport. The real thing runs in tests/e2e/test_swarm.py.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "machine/driver.hpp"
#include "machine/error.hpp"
#include "machine/store.hpp"
#include "provision/swarm_mode.hpp"
#include "test_support.hpp"

namespace {

using machine::Error;
using machine::Store;
using machine::SwarmOptions;
using machine::test::ScriptedTransport;
using machine::test::TempDir;
namespace swarm = machine::swarm;
using Json = nlohmann::json;

const machine::cert::TlsClientFiles k_tls{"/store/certs/ca.pem", "/store/certs/cert.pem",
                                          "/store/certs/key.pem"};

std::string info_body(const std::string& state, bool manager, const std::string& node_id = "node-a",
                      const std::string& node_address = "10.0.0.5") {
    Json remote = Json::array();
    if (manager) {
        remote.push_back({{"NodeID", "node-z"}, {"Addr", "10.0.0.9:2377"}});
        remote.push_back({{"NodeID", node_id}, {"Addr", node_address + ":2377"}});
    }
    Json swarm_info = {{"NodeID", node_id},
                       {"NodeAddr", node_address},
                       {"LocalNodeState", state},
                       {"ControlAvailable", manager},
                       {"RemoteManagers", remote}};
    return Json{{"ID", "x"}, {"Swarm", swarm_info}}.dump();
}

const char* const k_swarm_body = R"({"ID":"c1","JoinTokens":{"Worker":"SWMTKN-1-w","Manager":"SWMTKN-1-m"}})";

TEST(SwarmModeTest, DiscoveryForms) {
    EXPECT_EQ(swarm::discovery_machine("machine://m1"), "m1");
    EXPECT_EQ(swarm::discovery_machine("token://abc"), "");
    EXPECT_EQ(swarm::discovery_machine("tcp://1.2.3.4:2376"), "");
    EXPECT_TRUE(swarm::is_manager_discovery("machine://m1"));
    EXPECT_TRUE(swarm::is_manager_discovery("tcp://1.2.3.4:2376"));
    EXPECT_TRUE(swarm::is_manager_discovery("tcp://[fd00::1]:2376"));
    EXPECT_FALSE(swarm::is_manager_discovery("machine://"));
    EXPECT_FALSE(swarm::is_manager_discovery("token://abc"));
    EXPECT_FALSE(swarm::is_manager_discovery("consul://1.2.3.4:8500"));
    EXPECT_FALSE(swarm::is_manager_discovery(""));
}

TEST(SwarmModeTest, OnlyAMasterNamingNoOtherManagerStartsASwarm) {
    SwarmOptions options;
    options.is_swarm = options.master = true;
    EXPECT_TRUE(swarm::initialises_swarm(options, "m1"));
    options.discovery = "machine://m1";
    EXPECT_TRUE(swarm::initialises_swarm(options, "m1"));
    options.discovery = "machine://m0";  // a second manager joins m0's swarm
    EXPECT_FALSE(swarm::initialises_swarm(options, "m1"));
    options.master = false;
    options.agent = true;
    options.discovery.clear();
    EXPECT_FALSE(swarm::initialises_swarm(options, "w1"));
}

TEST(SwarmModeTest, SwarmModeNeedsTheFlagAndTheStoredMark) {
    SwarmOptions options;
    options.swarm_mode = true;
    EXPECT_FALSE(swarm::uses_swarm_mode(options));  // not a swarm machine at all
    options.is_swarm = true;
    EXPECT_TRUE(swarm::uses_swarm_mode(options));
    options.swarm_mode = false;  // written by upstream: standalone containers
    EXPECT_FALSE(swarm::uses_swarm_mode(options));
}

TEST(SwarmModeTest, InitAndJoinBodies) {
    EXPECT_EQ(Json::parse(swarm::init_body("10.213.31.2")),
              Json::parse(R"({"ListenAddr":"0.0.0.0:2377","AdvertiseAddr":"10.213.31.2"})"));
    EXPECT_EQ(Json::parse(swarm::join_body("10.213.32.2", "10.213.31.2:2377", "SWMTKN-1-w")),
              Json::parse(R"({"ListenAddr":"0.0.0.0:2377","AdvertiseAddr":"10.213.32.2",
                             "RemoteAddrs":["10.213.31.2:2377"],"JoinToken":"SWMTKN-1-w"})"));
}

TEST(SwarmModeTest, FindsAManagerByAddressWithTheGivenClientCertificate) {
    TempDir dir;
    Store store(dir.path());
    ScriptedTransport transport;
    transport.expect("GET", "https://10.0.0.5:2376/v1.24/info", 200, info_body("active", true));
    transport.expect("GET", "https://10.0.0.5:2376/v1.24/swarm", 200, k_swarm_body);
    swarm::Manager manager = swarm::find_manager(store, "tcp://10.0.0.5:2376", k_tls, transport);
    EXPECT_TRUE(transport.done());
    EXPECT_EQ(manager.swarm_address, "10.0.0.5:2377");  // its own entry of RemoteManagers
    EXPECT_EQ(manager.worker_token, "SWMTKN-1-w");
    EXPECT_EQ(manager.manager_token, "SWMTKN-1-m");
    EXPECT_EQ(manager.engine_url, "tcp://10.0.0.5:2376");
    ASSERT_EQ(transport.sent.size(), 2U);
    EXPECT_EQ(transport.sent[0].tls_ca_file, "/store/certs/ca.pem");
    EXPECT_EQ(transport.sent[0].tls_cert_file, "/store/certs/cert.pem");
    EXPECT_EQ(transport.sent[0].tls_key_file, "/store/certs/key.pem");
}

TEST(SwarmModeTest, FindsAManagerMachineOfTheStoreWithItsOwnCertificates) {
    TempDir dir;
    Store store(dir.path());
    auto host = store.new_host("m1", machine::make_driver("none", "m1", store.root()), {});
    machine::FlagValues flags;
    flags.set("url", std::string("tcp://10.0.0.5:2376"));
    host->driver->set_config_from_flags(flags);
    store.save(*host);

    ScriptedTransport transport;
    transport.expect("GET", "https://10.0.0.5:2376/v1.24/info", 200, info_body("active", true));
    transport.expect("GET", "https://10.0.0.5:2376/v1.24/swarm", 200, k_swarm_body);
    swarm::Manager manager = swarm::find_manager(store, "machine://m1", k_tls, transport);
    EXPECT_EQ(manager.label, "\"m1\"");
    EXPECT_EQ(transport.sent.at(0).tls_ca_file, host->options.auth.ca_cert_path);
    EXPECT_EQ(transport.sent.at(0).tls_cert_file, host->options.auth.client_cert_path);
}

void expect_find_error(ScriptedTransport& transport, const std::string& discovery,
                       const std::string& message) {
    TempDir dir;
    Store store(dir.path());
    try {
        (void)swarm::find_manager(store, discovery, k_tls, transport);
        ADD_FAILURE() << "no error for " << discovery;
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()), message);
    }
    EXPECT_TRUE(transport.done());
}

TEST(SwarmModeTest, SaysWhyAManagerCannotBeJoined) {
    {
        ScriptedTransport transport;
        expect_find_error(transport, "machine://ghost",
                          "swarm manager \"ghost\" does not exist (--swarm-discovery machine://ghost)");
    }
    {
        ScriptedTransport transport;
        expect_find_error(
            transport, "token://abc",
            "Swarm mode joins the swarm of a manager given as machine://NAME or tcp://HOST:PORT, "
            "not \"token://abc\" (use --swarm-standalone for the standalone Swarm containers of a "
            "discovery service)");
    }
    {
        ScriptedTransport transport;
        transport.expect("GET", "https://10.0.0.5:2376/v1.24/info", 200, info_body("inactive", false));
        expect_find_error(transport, "tcp://10.0.0.5:2376",
                          "tcp://10.0.0.5:2376 is not part of a swarm (swarm state: inactive)");
    }
    {
        ScriptedTransport transport;
        transport.expect("GET", "https://10.0.0.5:2376/v1.24/info", 200, info_body("active", false));
        expect_find_error(transport, "tcp://10.0.0.5:2376", "tcp://10.0.0.5:2376 is not a swarm manager");
    }
    {
        ScriptedTransport transport;
        transport.expect_no_answer("GET", "https://10.0.0.5:2376/v1.24/info");
        expect_find_error(transport, "tcp://10.0.0.5:2376",
                          "swarm manager tcp://10.0.0.5:2376 cannot be reached: GET "
                          "https://10.0.0.5:2376/v1.24/info: Connection refused");
    }
    {
        ScriptedTransport transport;
        transport.expect("GET", "https://10.0.0.5:2376/v1.24/info", 500, R"({"message":"daemon is sick"})");
        expect_find_error(transport, "tcp://10.0.0.5:2376",
                          "swarm manager tcp://10.0.0.5:2376: daemon is sick");
    }
    {
        ScriptedTransport transport;
        transport.expect("GET", "https://10.0.0.5:2376/v1.24/info", 200, R"({"ID":"x"})");
        expect_find_error(
            transport, "tcp://10.0.0.5:2376",
            "swarm manager tcp://10.0.0.5:2376: the Docker daemon at tcp://10.0.0.5:2376 does not "
            "support swarm mode");
    }
}

TEST(SwarmModeTest, NodeStateOfAWorkerHasNoManagerAddress) {
    ScriptedTransport transport;
    transport.expect("GET", "https://h:2376/v1.24/info", 200, info_body("active", false, "node-w"));
    swarm::EngineApi engine("tcp://h:2376", k_tls, transport);
    swarm::NodeSwarmState state = swarm::node_swarm_state(engine);
    EXPECT_EQ(state.node_id, "node-w");
    EXPECT_EQ(state.local_state, "active");
    EXPECT_FALSE(state.is_manager);
    EXPECT_EQ(state.manager_address, "");
}

}  // namespace
