// The qemu driver: QMP client against a scripted QMP server on a unix socket, the qemu command line (network
// restricted to forwarded 127.0.0.1 ports), accelerator choice, NoCloud seed contents, flags and state keys.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "drivers/common/command_runner.hpp"
#include "drivers/qemu/nocloud_seed.hpp"
#include "drivers/qemu/qemu_driver.hpp"
#include "drivers/qemu/qmp_client.hpp"
#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using machine::Error;
using machine::FlagSpec;
using machine::FlagValues;
using machine::State;
using machine::drivers::QemuDriver;
namespace qemu = machine::drivers::qemu;

// Short paths under /tmp: unix socket paths are limited to 107 bytes.
class TempDir : public machine::test::TempDir {
public:
    TempDir() : machine::test::TempDir("mq", "/tmp") {}
};

// A QMP server for one connection: sends the greeting, then answers each line with the next scripted reply
// and records what it received.
class FakeQmpServer {
public:
    FakeQmpServer(const std::string& path, std::vector<std::string> replies) : m_replies(std::move(replies)) {
        m_listen = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        if (::bind(m_listen, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_listen, 1) != 0) {
            throw std::runtime_error("bind failed");
        }
        m_thread = std::thread([this] { serve(); });
    }
    ~FakeQmpServer() {
        m_thread.join();
        ::close(m_listen);
    }
    FakeQmpServer(const FakeQmpServer&) = delete;
    FakeQmpServer& operator=(const FakeQmpServer&) = delete;
    std::vector<std::string> received;

private:
    void serve() {
        int fd = ::accept(m_listen, nullptr, nullptr);
        if (fd < 0) {
            return;
        }
        std::string greeting =
            R"({"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": []}})";
        greeting += "\r\n";
        (void)::write(fd, greeting.data(), greeting.size());
        std::string buffer;
        for (const auto& reply : m_replies) {
            char chunk[512];
            while (buffer.find('\n') == std::string::npos) {
                ssize_t n = ::read(fd, chunk, sizeof chunk);
                if (n <= 0) {
                    ::close(fd);
                    return;
                }
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            received.push_back(buffer.substr(0, buffer.find('\n')));
            buffer.erase(0, buffer.find('\n') + 1);
            std::string out = reply + "\r\n";
            (void)::write(fd, out.data(), out.size());
        }
        ::close(fd);
    }

    int m_listen = -1;
    std::vector<std::string> m_replies;
    std::thread m_thread;
};

TEST(Qmp, NegotiatesThenSkipsEventsAndReadsStatus) {
    TempDir dir;
    FakeQmpServer server(
        dir / "qmp.sock",
        {R"({"return": {}})", R"({"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RESUME"})"
                              "\r\n"
                              R"({"return": {"status": "running", "singlestep": false, "running": true}})"});
    {
        qemu::QmpClient client(dir / "qmp.sock");
        EXPECT_EQ(client.status(), "running");
    }
    ASSERT_EQ(server.received.size(), 2U);
    EXPECT_EQ(server.received[0], R"({"execute":"qmp_capabilities"})");
    EXPECT_EQ(server.received[1], R"({"execute":"query-status"})");
}

TEST(Qmp, ErrorsCarryClassAndDescription) {
    TempDir dir;
    FakeQmpServer server(
        dir / "qmp.sock",
        {R"({"return": {}})",
         R"({"error": {"class": "CommandNotFound", "desc": "The command x has not been found"}})"});
    qemu::QmpClient client(dir / "qmp.sock");
    try {
        (void)client.execute("x");
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "QMP x: CommandNotFound: The command x has not been found");
    }
}

TEST(Qmp, NobodyListening) {
    TempDir dir;
    EXPECT_THROW(qemu::QmpClient client(dir / "qmp.sock"), Error);
}

TEST(QemuDriver, AccelAndStatusMapping) {
    EXPECT_EQ(QemuDriver::effective_accel("auto", true), "kvm");
    EXPECT_EQ(QemuDriver::effective_accel("auto", false), "tcg");
    EXPECT_EQ(QemuDriver::effective_accel("tcg", true), "tcg");
    EXPECT_EQ(QemuDriver::state_for_status("running"), State::Running);
    EXPECT_EQ(QemuDriver::state_for_status("paused"), State::Paused);
    EXPECT_EQ(QemuDriver::state_for_status("shutdown"), State::Stopping);
    EXPECT_EQ(QemuDriver::state_for_status("prelaunch"), State::Starting);
    EXPECT_EQ(QemuDriver::state_for_status("guest-panicked"), State::Error);
}

TEST(QemuDriver, FlagsValidationAndStateKeys) {
    TempDir dir;
    QemuDriver driver("q1", dir.path());
    auto flags = machine::default_flag_values(driver.create_flags());
    try {
        driver.set_config_from_flags(flags);
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(
            error.what(),
            "qemu driver requires the --qemu-image option (contrib/qemu-image/build-image.sh builds one)");
    }
    flags.set("qemu-image", std::string("/images/disk.qcow2"));
    flags.set("qemu-accel", std::string("hvf"));
    EXPECT_THROW(driver.set_config_from_flags(flags), Error);
    flags.set("qemu-accel", std::string("tcg"));
    driver.set_config_from_flags(flags);
    std::vector<std::string> keys;
    for (const auto& field : driver.state_fields()) {
        keys.emplace_back(field.key);
    }
    EXPECT_EQ(keys.front(), "IPAddress");
    EXPECT_NE(std::find(keys.begin(), keys.end(), "EnginePort"), keys.end());
    EXPECT_NE(std::find(keys.begin(), keys.end(), "AccelInUse"), keys.end());
    EXPECT_EQ(driver.ssh_hostname(), "127.0.0.1");
    EXPECT_EQ(driver.ip(), "127.0.0.1");
    EXPECT_EQ(driver.ssh_username(), "docker");
    // No qemu process: the machine is stopped, and has no URL.
    EXPECT_EQ(driver.state(), State::Stopped);
    EXPECT_THROW((void)driver.url(), Error);
}

TEST(QemuDriver, CommandLineRestrictsTheNetworkToForwardedLoopbackPorts) {
    TempDir dir;
    QemuDriver driver("q1", dir.path());
    auto flags = machine::default_flag_values(driver.create_flags());
    flags.set("qemu-image", std::string("/images/disk.qcow2"));
    flags.set("qemu-kernel", std::string("/images/vmlinuz"));
    flags.set("qemu-initrd", std::string("/images/initrd.img"));
    flags.set("qemu-cpu-count", 2LL);
    flags.set("qemu-memory", 2048LL);
    driver.set_config_from_flags(flags);
    driver.base().ssh_port = 40022;
    driver.base().ip_address = "127.0.9.7";
    // EnginePort is set at create; reach it through the state fields as the store does.
    for (auto& field : driver.state_fields()) {
        if (field.key == "EnginePort") {
            *std::get<int*>(field.value) = 42376;
        }
    }
    auto argv = driver.command_line("tcg", driver.cpu_model("tcg"));
    auto joined = machine::drivers::join_args(argv);
    EXPECT_EQ(argv.front(), "qemu-system-x86_64");
    EXPECT_NE(joined.find("-accel tcg,thread=multi -cpu max -smp 2 -m 2048"), std::string::npos) << joined;
    EXPECT_NE(joined.find("-netdev user,id=net0,restrict=on,hostfwd=tcp:127.0.9.7:40022-:22,"
                          "hostfwd=tcp:127.0.9.7:42376-:42376"),
              std::string::npos)
        << joined;
    EXPECT_NE(joined.find("-qmp unix:" + dir.path() + "/machines/q1/qmp.sock,server=on,wait=off"),
              std::string::npos);
    EXPECT_NE(joined.find("-drive file=" + dir.path() + "/machines/q1/disk.qcow2,if=virtio,format=qcow2"),
              std::string::npos);
    EXPECT_NE(
        joined.find(
            "-kernel /images/vmlinuz -append root=/dev/vda rw console=ttyS0 -initrd /images/initrd.img"),
        std::string::npos);
    EXPECT_NE(joined.find("-daemonize -pidfile"), std::string::npos);
    EXPECT_EQ(driver.cpu_model("kvm"), "host");
}

TEST(NoCloudSeed, ContentsAndImage) {
    std::string user = qemu::nocloud_user_data("q1", "docker", "ssh-rsa AAAAB3 me@host\n");
    EXPECT_EQ(user,
              "#cloud-config\nhostname: q1\nusers:\n  - name: docker\n    sudo: ALL=(ALL) NOPASSWD:ALL\n"
              "    shell: /bin/bash\n    ssh_authorized_keys:\n      - ssh-rsa AAAAB3 me@host\n");
    EXPECT_EQ(qemu::nocloud_meta_data("q1"), "instance-id: q1\nlocal-hostname: q1\n");

    TempDir dir;
    auto tool = qemu::find_seed_tool();  // scripts/install-deps.sh installs genisoimage
    qemu::write_seed_image(machine::drivers::default_command_runner(), tool, dir.path(), dir / "seed.img",
                           qemu::nocloud_meta_data("q1"), user);
    std::string image = machine::read_file(dir / "seed.img");
    if (tool.kind == qemu::SeedTool::Kind::Iso) {
        // ISO 9660 primary volume descriptor at 0x8000: "CD001", volume id "cidata".
        ASSERT_GT(image.size(), 0x8028U + 6U);
        EXPECT_EQ(image.substr(0x8001, 5), "CD001");
        EXPECT_EQ(image.substr(0x8028, 6), "cidata");
    }
    EXPECT_NE(image.find("local-hostname: q1"), std::string::npos);
    EXPECT_NE(image.find("ssh-rsa AAAAB3 me@host"), std::string::npos);
}

}  // namespace
