#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "machine/atomic_file.hpp"
#include "machine/config_codec.hpp"
#include "machine/error.hpp"
#include "machine/go_json.hpp"
#include "machine/go_path.hpp"
#include "machine/store.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace machine;

namespace {

using machine::test::TempDir;

std::string fixture(const std::string& name) {
    return read_file(std::string(MACHINE_FIXTURES) + "/config/" + name);
}

void write_machine(const Store& store, const std::string& name, const std::string& content) {
    fs::create_directories(store.machine_dir(name));
    std::ofstream(store.machine_dir(name) + "/config.json") << content;
}

}  // namespace

TEST(ConfigCodec, UpstreamFilesRoundTripByteForByte) {
    for (const char* file : {"generic_v3.json", "none_v3.json"}) {
        std::string original = fixture(file);
        std::string name = file == std::string("generic_v3.json") ? "gen6" : "nonemach";
        DecodedHost decoded = decode_host(name, original);
        EXPECT_FALSE(decoded.migrated);
        EXPECT_EQ(encode_host(*decoded.host), original) << file;
    }
}

TEST(ConfigCodec, NewNoneHostMatchesUpstreamLayout) {
    Store store("/home/u/.docker/machine");
    auto driver = make_driver("none", "nonemach", store.root());
    FlagValues flags;
    flags.set("url", std::string("tcp://127.0.0.1:2376"));
    driver->set_config_from_flags(flags);
    auto host = store.new_host("nonemach", std::move(driver), {});
    EXPECT_EQ(encode_host(*host), fixture("none_v3.json"));
}

TEST(ConfigCodec, DirectoryNameWinsOverJsonName) {
    DecodedHost decoded = decode_host("other", fixture("none_v3.json"));
    EXPECT_EQ(decoded.host->name, "other");
}

TEST(ConfigCodec, FutureVersionIsRejected) {
    try {
        (void)decode_host("x", R"({"ConfigVersion": 4})");
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(
            error.what(),
            "Error getting migrated host: config version is from the future -- you should upgrade your "
            "Docker Machine client");
    }
}

TEST(ConfigCodec, UnparseableFileGivesGoLikeError) {
    try {
        (void)decode_host("x", "");
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Error getting migrated host: unexpected end of JSON input");
    }
    try {
        (void)decode_host("x", "xyz");
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "Error getting migrated host: invalid character 'x' looking for beginning of value");
    }
    // Found by fuzz_config: a number beyond a double's range made the error text itself throw.
    try {
        (void)decode_host("x", std::string("8E8888\x01\0\0DGG.", 14));
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Error getting migrated host: json: a number is out of range");
    }
    try {
        (void)decode_host("x", "{\"ConfigVersion\": 1e999}");
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Error getting migrated host: json: a number is out of range");
    }
}

TEST(ConfigCodec, RawDriverIsDroppedAndUnknownDriverLoadsAsPlaceholder) {
    std::string text = fixture("none_v3.json");
    auto document = nlohmann::ordered_json::parse(text);
    document["RawDriver"] = "e30=";
    document["DriverName"] = "foo";
    DecodedHost decoded = decode_host("nonemach", go_json::marshal_indent(document));
    EXPECT_EQ(decoded.host->driver->driver_name(), "not-found");
    std::string encoded = encode_host(*decoded.host);
    EXPECT_EQ(encoded.find("RawDriver"), std::string::npos);
    EXPECT_NE(encoded.find("\"Driver\": {\n        \"Name\": \"foo\"\n    }"), std::string::npos);
    try {
        (void)decoded.host->driver->url();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "Driver \"foo\" not found. Do you have the plugin binary accessible in your PATH?");
    }
}

TEST(ConfigCodec, MigratesV0FlatFile) {
    DecodedHost decoded = decode_host("old0", fixture("v0_none.json"));
    EXPECT_TRUE(decoded.migrated);
    const Host& host = *decoded.host;
    EXPECT_EQ(host.options.auth.cert_dir, "/home/u/.docker/machine/certs");
    EXPECT_EQ(host.options.auth.ca_private_key_path, "/home/u/.docker/machine/certs/ca-key.pem");
    EXPECT_EQ(host.options.auth.client_cert_path, "/home/u/.docker/machine/certs/cert.pem");
    EXPECT_EQ(host.options.auth.store_path, "/home/u/.docker/machine");
    EXPECT_EQ(host.options.swarm.discovery, "token://abc");
    EXPECT_TRUE(host.options.swarm.master);
    EXPECT_TRUE(host.options.engine.tls_verify);
    EXPECT_EQ(host.options.engine.install_url, "https://get.docker.com");
    auto document = nlohmann::ordered_json::parse(encode_host(host));
    EXPECT_EQ(document["ConfigVersion"], 3);
    EXPECT_EQ(document["Driver"]["StorePath"], "/home/u/.docker/machine");
    EXPECT_FALSE(document.contains("CaCertPath"));
    EXPECT_FALSE(document.contains("StorePath"));
}

TEST(ConfigCodec, MigratesV1ToCurrentAuthShape) {
    DecodedHost decoded = decode_host("old1", fixture("v1_generic.json"));
    EXPECT_TRUE(decoded.migrated);
    const Host& host = *decoded.host;
    EXPECT_EQ(host.driver_name, "generic");
    EXPECT_EQ(host.options.auth.cert_dir, "/home/u/.docker/machine/certs");
    EXPECT_EQ(host.options.auth.ca_private_key_path, "/home/u/.docker/machine/certs/ca-key.pem");
    EXPECT_EQ(host.options.engine.storage_driver, "aufs");
    EXPECT_EQ(host.driver->base().store_path, "/home/u/.docker/machine");
    EXPECT_EQ(host.driver->base().ip_address, "10.0.0.5");
    auto document = nlohmann::ordered_json::parse(encode_host(host));
    EXPECT_EQ(document["Name"], "old1");
    EXPECT_EQ(document["HostOptions"]["AuthOptions"]["StorePath"], "/home/u/.docker/machine");
    EXPECT_EQ(document["HostOptions"]["EngineOptions"]["ArbitraryFlags"][0], "log-level=debug");
}

TEST(Store, SaveLoadListRemove) {
    TempDir dir;
    Store store(dir.path());
    EXPECT_TRUE(store.list_names().empty());
    EXPECT_FALSE(store.exists("a"));
    auto driver = make_driver("none", "a", store.root());
    FlagValues flags;
    flags.set("url", std::string("tcp://1.2.3.4:2376"));
    driver->set_config_from_flags(flags);
    store.save(*store.new_host("a", std::move(driver), {}));
    EXPECT_TRUE(store.exists("a"));
    EXPECT_EQ(store.list_names(), std::vector<std::string>{"a"});
    auto loaded = store.load("a");
    EXPECT_EQ(loaded->driver->url(), "tcp://1.2.3.4:2376");
    EXPECT_EQ(loaded->driver->ip(), "1.2.3.4:2376");

    struct stat info {};
    ASSERT_EQ(::stat((store.machine_dir("a") + "/config.json").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(store.machine_dir("a").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700u);
    for (const auto& entry : fs::directory_iterator(store.machine_dir("a"))) {
        EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
    }
    store.remove("a");
    EXPECT_FALSE(store.exists("a"));
    EXPECT_TRUE(store.list_names().empty());
}

// A machine directory whose modes were broken by hand still goes away (meaningful when not run as root; the
// CLI fault tests run it as an unprivileged user).
TEST(Store, RemoveRestoresOwnerAccessToBrokenDirectories) {
    TempDir dir;
    Store store(dir.path());
    write_machine(store, "a", "{}");
    fs::create_directories(store.machine_dir("a") + "/sub/deeper");
    ASSERT_EQ(::chmod((store.machine_dir("a") + "/sub/deeper").c_str(), 0), 0);
    ASSERT_EQ(::chmod((store.machine_dir("a") + "/sub").c_str(), 0), 0);
    ASSERT_EQ(::chmod(store.machine_dir("a").c_str(), 0), 0);
    store.remove("a");
    EXPECT_FALSE(fs::exists(store.machine_dir("a")));
}

TEST(Store, ListSkipsHiddenEntriesAndFilesAndSorts) {
    TempDir dir;
    Store store(dir.path());
    fs::create_directories(store.machine_dir("b"));
    fs::create_directories(store.machine_dir("B"));
    fs::create_directories(store.machine_dir(".hidden"));
    std::ofstream(store.machines_dir() + "/file") << "x";
    EXPECT_EQ(store.list_names(), (std::vector<std::string>{"B", "b"}));
}

TEST(Store, LoadErrors) {
    TempDir dir;
    Store store(dir.path());
    try {
        (void)store.load("ghost");
        FAIL();
    } catch (const MachineNotFound& error) {
        EXPECT_STREQ(
            error.what(),
            "Docker machine \"ghost\" does not exist. Use \"docker-machine ls\" to list machines. Use "
            "\"docker-machine create\" to add a new one.");
    }
    fs::create_directories(store.machine_dir("empty"));
    try {
        (void)store.load("empty");
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()),
                  "open " + store.machine_dir("empty") + "/config.json: no such file or directory");
    }
}

TEST(Store, MigrationWritesBackupAndCurrentFormat) {
    TempDir dir;
    Store store(dir.path());
    std::string original = fixture("v1_generic.json");
    write_machine(store, "old1", original);
    auto host = store.load("old1");
    EXPECT_EQ(read_file(store.machine_dir("old1") + "/config.json.bak"), original);
    auto saved = nlohmann::ordered_json::parse(read_file(store.machine_dir("old1") + "/config.json"));
    EXPECT_EQ(saved["ConfigVersion"], 3);
    // A second load is a plain v3 load and leaves the file as it is.
    std::string after_first = read_file(store.machine_dir("old1") + "/config.json");
    (void)store.load("old1");
    EXPECT_EQ(read_file(store.machine_dir("old1") + "/config.json"), after_first);
}

TEST(AtomicFile, FailedWriteLeavesOldContentAndNoTempFile) {
    TempDir dir;
    std::string path = dir.path() + "/config.json";
    write_file_atomic(path, "old", 0600);
    // A directory named like the target makes the rename fail after the temp file was written.
    std::string blocked = dir.path() + "/blocked";
    fs::create_directories(blocked + "/child");
    EXPECT_THROW(write_file_atomic(blocked, "new", 0600), Error);
    EXPECT_EQ(read_file(path), "old");
    int temp_files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        temp_files += entry.path().filename().string().find(".tmp") != std::string::npos;
    }
    EXPECT_EQ(temp_files, 0);
    write_file_atomic(path, "new", 0600);
    EXPECT_EQ(read_file(path), "new");
}

TEST(AtomicFile, UnwritableDirectoryReportsGoStyleError) {
    try {
        write_file_atomic("/nonexistent-dir/x/config.json", "x", 0600);
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()).rfind("open /nonexistent-dir/x/config.json.tmp", 0), 0u);
        EXPECT_NE(std::string(error.what()).find(": no such file or directory"), std::string::npos);
    }
}

TEST(GoJson, EscapesLikeGo) {
    EXPECT_EQ(go_json::quote("a<b>&c"), R"("a\u003cb\u003e\u0026c")");
    EXPECT_EQ(go_json::quote("tab\tnl\n\x01"), R"("tab\tnl\n\u0001")");
    EXPECT_EQ(go_json::quote("\xE2\x80\xA8"), R"("\u2028")");
    EXPECT_EQ(go_json::quote("∞/"), "\"∞/\"");
    auto value = nlohmann::ordered_json::parse(R"({"a":[],"b":{},"c":[1,"x"],"d":0.5,"e":1e21,"f":null})");
    EXPECT_EQ(go_json::marshal(value), R"({"a":[],"b":{},"c":[1,"x"],"d":0.5,"e":1e+21,"f":null})");
    EXPECT_EQ(go_json::marshal_indent(nlohmann::ordered_json::parse(R"({"a":[1]})")),
              "{\n    \"a\": [\n        1\n    ]\n}");
}

TEST(GoPath, CleanJoinDirBase) {
    EXPECT_EQ(go_path::clean("./st/"), "st");
    EXPECT_EQ(go_path::clean("a//b/../c"), "a/c");
    EXPECT_EQ(go_path::clean(""), ".");
    EXPECT_EQ(go_path::clean("/../x"), "/x");
    EXPECT_EQ(go_path::join({"./st", "machines", "x"}), "st/machines/x");
    EXPECT_EQ(go_path::join({"", ""}), "");
    EXPECT_EQ(go_path::dir(go_path::dir("/home/u/.docker/machine/machines/old")), "/home/u/.docker/machine");
    EXPECT_EQ(go_path::dir(go_path::dir("")), ".");
    EXPECT_EQ(go_path::base("/a/b/"), "b");
}

TEST(MachineName, UpstreamValidation) {
    for (const char* valid : {"a", "0", "x.", "zomg", "test-ing", "some.h0st"}) {
        EXPECT_TRUE(is_valid_machine_name(valid)) << valid;
    }
    for (const char* invalid : {"", "-", ".", "..", "_a", "zom_g", "test$ing", "∞", "a b"}) {
        EXPECT_FALSE(is_valid_machine_name(invalid)) << invalid;
    }
}
