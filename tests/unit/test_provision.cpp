// Pure parts of provisioning: /etc/os-release parsing, version comparison, daemon option files, the
// listening-socket check, small parsers and the swarm container specs (reference/certs-and-provisioning.md
// §4-§7; upstream's os_release_test.go, utils_test.go, versioncmp/compare_test.go).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "machine/error.hpp"
#include "provision/daemon_port.hpp"
#include "provision/engine_config.hpp"
#include "provision/os_release.hpp"
#include "provision/provisioner.hpp"
#include "provision/shell_safety.hpp"
#include "provision/swarm.hpp"
#include "provision/version_compare.hpp"

namespace {

using machine::Error;
using namespace machine::provision;

// What the remote shell made of upstream's `printf %s "<text>"` transport (the file content on the host).
std::string as_written_by_remote_shell(const std::string& text) {
    return double_quoted_literal(text);
}

// ---- /etc/os-release (TestParseOsRelease, TestParseLine) ----

TEST(OsRelease, ParsesUbuntuTrusty) {
    OsRelease release = parse_os_release(
        "NAME=\"Ubuntu\"\nVERSION=\"14.04, Trusty Tahr\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu "
        "14.04 "
        "LTS\"\nVERSION_ID=\"14.04\"\nHOME_URL=\"http://www.ubuntu.com/\"\nSUPPORT_URL=\"http://"
        "help.ubuntu.com/\"\n"
        "BUG_REPORT_URL=\"http://bugs.launchpad.net/ubuntu/\"\n");
    OsRelease expected;
    expected.name = "Ubuntu";
    expected.version = "14.04, Trusty Tahr";
    expected.id = "ubuntu";
    expected.id_like = "debian";
    expected.pretty_name = "Ubuntu 14.04 LTS";
    expected.version_id = "14.04";
    expected.home_url = "http://www.ubuntu.com/";
    expected.support_url = "http://help.ubuntu.com/";
    expected.bug_report_url = "http://bugs.launchpad.net/ubuntu/";
    EXPECT_EQ(release, expected);
}

TEST(OsRelease, ParsesGentoo) {
    OsRelease release = parse_os_release(
        "NAME=Gentoo\nID=gentoo\nPRETTY_NAME=\"Gentoo/Linux\"\nANSI_COLOR=\"1;32\"\nHOME_URL=\"http://"
        "www.gentoo.org/"
        "\"\nSUPPORT_URL=\"http://www.gentoo.org/main/en/support.xml\"\nBUG_REPORT_URL=\"https://"
        "bugs.gentoo.org/\"\n");
    OsRelease expected;
    expected.ansi_color = "1;32";
    expected.name = "Gentoo";
    expected.id = "gentoo";
    expected.pretty_name = "Gentoo/Linux";
    expected.home_url = "http://www.gentoo.org/";
    expected.support_url = "http://www.gentoo.org/main/en/support.xml";
    expected.bug_report_url = "https://bugs.gentoo.org/";
    EXPECT_EQ(release, expected);
}

TEST(OsRelease, ParsesWithoutPrettyName) {
    OsRelease release = parse_os_release(
        "NAME=\"Ubuntu\"\nVERSION=\"14.04, Trusty Tahr\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"14.04\"\n"
        "HOME_URL=\"http://www.ubuntu.com/\"\nSUPPORT_URL=\"http://help.ubuntu.com/\"\n"
        "BUG_REPORT_URL=\"http://bugs.launchpad.net/ubuntu/\"\n");
    EXPECT_EQ(release.pretty_name, "");
    EXPECT_EQ(release.name, "Ubuntu");
    EXPECT_EQ(release.version_id, "14.04");
    EXPECT_EQ(release.bug_report_url, "http://bugs.launchpad.net/ubuntu/");
}

TEST(OsRelease, ParsesCentos) {
    OsRelease release = parse_os_release(
        "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel "
        "fedora\"\nVERSION_ID=\"7\"\n"
        "PRETTY_NAME=\"CentOS Linux 7 (Core)\"\nANSI_COLOR=\"0;31\"\nHOME_URL=\"https://www.centos.org/\"\n"
        "BUG_REPORT_URL=\"https://bugs.centos.org/\"\n");
    OsRelease expected;
    expected.name = "CentOS Linux";
    expected.version = "7 (Core)";
    expected.id = "centos";
    expected.id_like = "rhel fedora";
    expected.pretty_name = "CentOS Linux 7 (Core)";
    expected.ansi_color = "0;31";
    expected.version_id = "7";
    expected.home_url = "https://www.centos.org/";
    expected.bug_report_url = "https://bugs.centos.org/";
    EXPECT_EQ(release, expected);
}

TEST(OsRelease, ParsesFedoraWithVariant) {
    OsRelease release = parse_os_release(
        "NAME=Fedora\nVERSION=\"23 (Twenty Three)\"\nID=fedora\nVERSION_ID=23\nVARIANT=\"Server Edition\"\n"
        "VARIANT_ID=server\nPRETTY_NAME=\"Fedora 23 (Twenty Three)\"\nANSI_COLOR=\"0;34\"\n"
        "HOME_URL=\"https://fedoraproject.org/\"\nBUG_REPORT_URL=\"https://bugzilla.redhat.com/\"\n");
    OsRelease expected;
    expected.name = "Fedora";
    expected.version = "23 (Twenty Three)";
    expected.id = "fedora";
    expected.pretty_name = "Fedora 23 (Twenty Three)";
    expected.variant = "Server Edition";
    expected.variant_id = "server";
    expected.ansi_color = "0;34";
    expected.version_id = "23";
    expected.home_url = "https://fedoraproject.org/";
    expected.bug_report_url = "https://bugzilla.redhat.com/";
    EXPECT_EQ(release, expected);
}

TEST(OsRelease, ParsesRaspbian) {
    OsRelease release = parse_os_release(
        "PRETTY_NAME=\"Raspbian GNU/Linux 8 (jessie)\"\nNAME=\"Raspbian GNU/Linux\"\nVERSION_ID=\"8\"\n"
        "VERSION=\"8 (jessie)\"\nID=raspbian\nID_LIKE=debian\nHOME_URL=\"http://www.raspbian.org/\"\n"
        "SUPPORT_URL=\"http://www.raspbian.org/RaspbianForums\"\nBUG_REPORT_URL=\"http://www.raspbian.org/"
        "RaspbianBugs\"\n");
    EXPECT_EQ(release.pretty_name, "Raspbian GNU/Linux 8 (jessie)");
    EXPECT_EQ(release.id, "raspbian");
    EXPECT_EQ(release.id_like, "debian");
    EXPECT_EQ(release.version, "8 (jessie)");
    EXPECT_EQ(release.support_url, "http://www.raspbian.org/RaspbianForums");
}

TEST(OsRelease, ParsesRancherOsAndDebian) {
    OsRelease rancher = parse_os_release(
        "NAME=\"RancherOS\"\nVERSION=v1.5.0\nID=rancheros\nID_LIKE=\nVERSION_ID=v1.5.0\n"
        "PRETTY_NAME=\"RancherOS v1.5.0\"\nHOME_URL=\"http://rancher.com/rancher-os/\"\n");
    EXPECT_EQ(rancher.id, "rancheros");
    EXPECT_EQ(rancher.version, "v1.5.0");
    EXPECT_EQ(rancher.pretty_name, "RancherOS v1.5.0");
    OsRelease debian = parse_os_release(
        "PRETTY_NAME=\"Debian GNU/Linux 10 (buster)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"10\"\n"
        "VERSION=\"10 (buster)\"\nVERSION_CODENAME=buster\nID=debian\n");
    EXPECT_EQ(debian.id, "debian");
    EXPECT_EQ(debian.version_id, "10");
}

TEST(OsRelease, ParseLine) {
    OsReleaseLine quoted = parse_os_release_line("ID=\"ubuntu\"");
    EXPECT_EQ(quoted.key, "ID");
    EXPECT_EQ(quoted.value, "ubuntu");
    OsReleaseLine plain = parse_os_release_line("ID=gentoo");
    EXPECT_EQ(plain.key, "ID");
    EXPECT_EQ(plain.value, "gentoo");
    try {
        (void)parse_os_release_line("LOTS=OF=EQUALS");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "Expected LOTS=OF=EQUALS to split by '=' char into two strings, instead got 3 strings");
    }
    OsReleaseLine blank = parse_os_release_line("");
    EXPECT_EQ(blank.key, "");
    EXPECT_EQ(blank.value, "");
}

TEST(OsRelease, SingleQuotesAreKept) {
    EXPECT_EQ(parse_os_release_line("ID='x'").value, "'x'");
}

TEST(OsRelease, InvalidLinesWarnAndAreSkipped) {
    testing::internal::CaptureStdout();
    OsRelease release = parse_os_release("ID=debian\r\nBAD=a=b\nNOEQUALS\nVERSION_ID=\"10\"");
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(release.id, "debian");
    EXPECT_EQ(release.version_id, "10");
    EXPECT_EQ(
        out,
        "Warning: got an invalid line error parsing /etc/os-release: Expected BAD=a=b to split by '=' char "
        "into two strings, instead got 3 strings\n"
        "Warning: got an invalid line error parsing /etc/os-release: Expected NOEQUALS to split by '=' char "
        "into two strings, instead got 1 strings\n");
}

// ---- versioncmp (TestCompare) ----

TEST(VersionCompare, UpstreamTable) {
    struct Case {
        const char* v1;
        const char* v2;
        int want;
    };
    const Case cases[] = {
        {"1.12", "1.12", 0},
        {"1.0.0", "1", 0},
        {"1", "1.0.0", 0},
        {"1.05.00.0156", "1.0.221.9289", 1},
        {"1", "1.0.1", -1},
        {"1.0.1", "1", 1},
        {"1.0.1", "1.0.2", -1},
        {"1.0.2", "1.0.3", -1},
        {"1.0.3", "1.1", -1},
        {"1.1", "1.1.1", -1},
        {"1.a", "1.b", 0},
        {"1.a", "2.b", -1},
        {"1.1", "1.1.0", 0},
        {"1.1.1", "1.1.2", -1},
        {"1.1.2", "1.2", -1},
        {"1.12.1", "1.13.0-rc1", -1},
        {"1.13.0-rc1", "1.13.0-rc2", -1},
        {"1.13.0-rc1", "1.13.1-rc1", -1},
        {"17.03.0-ce", "17.03.0-ce", 0},
        {"17.03.1-ce", "17.03.2-ce", -1},
        {"17.06.6-ce", "17.09.2-ce", -1},
        {"17.03.0-ce", "17.06.0-ce", -1},
        {"17.03.0-ce-rc2", "17.03.0-ce-rc1", 1},
        {"17.03.0-ce-rc1", "18.03.0-ce-rc1", -1},
        {"17.06.0-ce-rc2", "1.12.0", 1},
        {"1.12.0", "17.06.0-ce-rc2", -1},
        {"1.13.0-dev", "1.13.0", 0},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(compare_versions(c.v1, c.v2), c.want) << c.v1 << " vs " << c.v2;
    }
}

TEST(VersionCompare, UpgradeThreshold) {
    EXPECT_TRUE(version_less_than_or_equal("1.13.1", "1.13.1"));
    EXPECT_TRUE(version_less_than_or_equal("1.12.6", "1.13.1"));
    EXPECT_FALSE(version_less_than_or_equal("17.03.0-ce", "1.13.1"));
    EXPECT_FALSE(version_less_than_or_equal("19.03.5", "1.13.1"));
    EXPECT_TRUE(version_less_than("1.11.2", "1.12.0"));
    EXPECT_FALSE(version_less_than("1.12.0", "1.12.0"));
}

// ---- daemon port (TestMatchNetstatOut*, TestMatchSsOut*) ----

TEST(DaemonPort, NetstatMissing) {
    const char* output =
        "Active Internet connections (servers and established)\n"
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n"
        "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN\n"
        "tcp        0      0 0.0.0.0:237             0.0.0.0:*               LISTEN\n"
        "tcp6       0      0 :::22                   :::*                    LISTEN\n"
        "tcp6       0      0 :::23760                :::*                    LISTEN";
    EXPECT_FALSE(shows_daemon_listening(output, 2376));
}

TEST(DaemonPort, NetstatPresent) {
    const char* output =
        "Active Internet connections (servers and established)\n"
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n"
        "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN\n"
        "tcp6       0      0 :::2376                 :::*                    LISTEN\n"
        "tcp6       0      0 :::22                   :::*                    LISTEN";
    EXPECT_TRUE(shows_daemon_listening(output, 2376));
}

TEST(DaemonPort, SsMissing) {
    const char* output =
        "State      Recv-Q Send-Q Local Address:Port               Peer Address:Port              \n"
        "LISTEN     0      128          *:22                       *:*                  \n"
        "LISTEN     0      128         :::22                      :::*                  \n"
        "LISTEN     0      128         :::23760                   :::*                  ";
    EXPECT_FALSE(shows_daemon_listening(output, 2376));
}

TEST(DaemonPort, SsPresent) {
    const char* output =
        "State      Recv-Q Send-Q Local Address:Port               Peer Address:Port              \n"
        "LISTEN     0      128          *:22                       *:*                  \n"
        "LISTEN     0      128         :::22                      :::*                  \n"
        "LISTEN     0      128         :::2376                    :::*                  ";
    EXPECT_TRUE(shows_daemon_listening(output, 2376));
}

TEST(DaemonPort, OtherPortsAndTerminalLineEnds) {
    EXPECT_TRUE(shows_daemon_listening("tcp6 0 0 :::3376 :::* LISTEN\r\n", 3376));
    EXPECT_FALSE(shows_daemon_listening("tcp6 0 0 :::3376 :::* LISTEN\r\n", 2376));
    // The port must be followed by whitespace and a ':' later on the line.
    EXPECT_FALSE(shows_daemon_listening("tcp 0 0 0.0.0.0:2376 nothing-after", 2376));
    EXPECT_FALSE(shows_daemon_listening("", 2376));
    EXPECT_TRUE(shows_daemon_listening("x:2376\t:", 2376));
}

// ---- small parsers ----

TEST(DockerClientVersion, ParsesUpstreamCases) {
    EXPECT_EQ(parse_docker_client_version("Docker version 1.9.1, build a34a1d5\n"), "1.9.1");
    EXPECT_EQ(parse_docker_client_version("Docker version 1.9.1\n"), "1.9.1");
    EXPECT_EQ(parse_docker_client_version("Docker version 1.13.0-rc1, build deadbeef\n"), "1.13.0-rc1");
    EXPECT_EQ(parse_docker_client_version("Docker version 1.13.0-dev, build deadbeef\n"), "1.13.0-dev");
    try {
        (void)parse_docker_client_version("bash: docker: command not found\n");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_STREQ(
            error.what(),
            "DockerClientVersion: cannot parse version string from \"bash: docker: command not found\\n\"");
    }
}

TEST(DockerClientVersion, DaemonBinaryByVersion) {  // TestUbuntuSystemdDaemonBinary
    EXPECT_EQ(default_daemon_command("1.9.1"), "/usr/bin/docker daemon");
    EXPECT_EQ(default_daemon_command("1.11.2"), "/usr/bin/docker daemon");
    EXPECT_EQ(default_daemon_command("1.12.0"), "/usr/bin/dockerd");
    EXPECT_EQ(default_daemon_command("1.13.0"), "/usr/bin/dockerd");
    EXPECT_EQ(default_daemon_command("19.03.5"), "/usr/bin/dockerd");
}

TEST(DockerdProbe, AcceptsOnePlainAbsolutePath) {
    EXPECT_EQ(parse_dockerd_probe("/usr/sbin/dockerd\n"), "/usr/sbin/dockerd");
    EXPECT_EQ(parse_dockerd_probe("/usr/bin/dockerd\r\n"), "/usr/bin/dockerd");
    EXPECT_EQ(parse_dockerd_probe(""), "");
    EXPECT_EQ(parse_dockerd_probe("dockerd\n"), "");
    EXPECT_EQ(parse_dockerd_probe("/opt/my dir/dockerd\n"), "");
    EXPECT_EQ(parse_dockerd_probe("/x/$(reboot)\n"), "");
}

TEST(DockerPort, FromDriverUrl) {
    EXPECT_EQ(docker_port_from_url("tcp://1.2.3.4:2376"), 2376);
    EXPECT_EQ(docker_port_from_url("tcp://1.2.3.4:12376"), 12376);
    EXPECT_EQ(docker_port_from_url("tcp://1.2.3.4"), 2376);
    // Upstream falls back to 2376 for IPv6 literals; the port is taken from after the brackets here (issue
    // 11).
    EXPECT_EQ(docker_port_from_url("tcp://[::1]:2377"), 2377);
    EXPECT_EQ(docker_port_from_url("tcp://[fd00::2]"), 2376);
    try {
        (void)docker_port_from_url("tcp://1.2.3.4:abc");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "strconv.Atoi: parsing \"abc\": invalid syntax");
    }
}

TEST(StorageDriver, SuppliedWinsElseDefault) {  // TestDecideStorageDriver (non-aufs defaults)
    EXPECT_EQ(decide_storage_driver("overlay2", ""), "overlay2");
    EXPECT_EQ(decide_storage_driver("overlay2", "devicemapper"), "devicemapper");
}

// ---- option files (§5.4) ----

EngineConfigContext reference_context() {
    EngineConfigContext context;
    context.docker_port = 2376;
    context.ca_cert_remote_path = "/etc/docker/ca.pem";
    context.server_cert_remote_path = "/etc/docker/server.pem";
    context.server_key_remote_path = "/etc/docker/server-key.pem";
    context.engine.labels = {"env=prod", "provider=generic"};
    context.engine.insecure_registry = {"reg:5000"};
    context.engine.registry_mirror = {"https://m.example"};
    context.engine.arbitrary_flags = {"log-level=debug"};
    context.engine.env = {"FOO=bar"};
    context.engine.storage_driver = "overlay2";
    return context;
}

TEST(EngineConfig, SystemdDropInMatchesCapturedExample) {
    EXPECT_EQ(
        render_systemd_drop_in(reference_context(), "/usr/bin/dockerd"),
        "[Service]\n"
        "ExecStart=\n"
        "ExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2376 -H unix:///var/run/docker.sock --storage-driver "
        "overlay2 --tlsverify --tlscacert /etc/docker/ca.pem --tlscert /etc/docker/server.pem --tlskey "
        "/etc/docker/server-key.pem --label env=prod --label provider=generic --insecure-registry reg:5000 "
        "--registry-mirror https://m.example --log-level=debug \n"
        "Environment=\"FOO=bar\" \n");
}

TEST(EngineConfig, SystemdDropInWithoutEnvAndWithOldClient) {
    EngineConfigContext context;
    context.docker_port = 12376;
    context.ca_cert_remote_path = "/etc/docker/ca.pem";
    context.server_cert_remote_path = "/etc/docker/server.pem";
    context.server_key_remote_path = "/etc/docker/server-key.pem";
    context.engine.labels = {"provider=generic"};
    context.engine.storage_driver = "aufs";
    context.engine.env = {};
    EXPECT_EQ(
        render_systemd_drop_in(context, "/usr/bin/docker daemon"),
        "[Service]\nExecStart=\nExecStart=/usr/bin/docker daemon -H tcp://0.0.0.0:12376 -H "
        "unix:///var/run/docker.sock --storage-driver aufs --tlsverify --tlscacert /etc/docker/ca.pem "
        "--tlscert /etc/docker/server.pem --tlskey /etc/docker/server-key.pem --label provider=generic \n"
        "Environment=\n");
}

TEST(EngineConfig, EnvEntriesAreGoQuoted) {
    EngineConfigContext context = reference_context();
    context.engine.env = {"K1=V1", "K2=V 2", "Q=\"x\""};
    std::string text = render_systemd_drop_in(context, "/usr/bin/dockerd");
    EXPECT_NE(text.find("\nEnvironment=\"K1=V1\" \"K2=V 2\" \"Q=\\\"x\\\"\" \n"), std::string::npos) << text;
}

TEST(EngineConfig, CoreOsDropIn) {
    EngineConfigContext context = reference_context();
    std::string expected_tail =
        " --host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2376 --tlsverify --tlscacert "
        "/etc/docker/ca.pem "
        "--tlscert /etc/docker/server.pem --tlskey /etc/docker/server-key.pem --label env=prod --label "
        "provider=generic --insecure-registry reg:5000 --registry-mirror https://m.example --log-level=debug "
        "\\$DOCKER_OPTS \\$DOCKER_OPT_BIP \\$DOCKER_OPT_MTU \\$DOCKER_OPT_IPMASQ\n"
        "Environment=\"FOO=bar\" \n";
    EXPECT_EQ(render_coreos_drop_in(context, ""),
              "[Service]\nEnvironment=TMPDIR=/var/tmp\nExecStart=\nExecStart=/usr/lib/coreos/dockerd " +
                  expected_tail);
    EXPECT_EQ(render_coreos_drop_in(context, "daemon"),
              "[Service]\nEnvironment=TMPDIR=/var/tmp\nExecStart=\nExecStart=/usr/lib/coreos/dockerd daemon" +
                  expected_tail);
    // On the machine the variables stay literal.
    EXPECT_NE(
        as_written_by_remote_shell(render_coreos_drop_in(context, "")).find(" $DOCKER_OPTS $DOCKER_OPT_BIP"),
        std::string::npos);
}

TEST(EngineConfig, DockerOptsFileAsTransportedAndAsStored) {
    EngineConfigContext context = reference_context();
    context.engine.env = {"K=V"};
    const std::string transported = render_docker_opts_file(context);
    EXPECT_EQ(
        transported,
        "\nDOCKER_OPTS='\n-H tcp://0.0.0.0:2376\n-H unix:///var/run/docker.sock\n--storage-driver overlay2\n"
        "--tlsverify\n--tlscacert /etc/docker/ca.pem\n--tlscert /etc/docker/server.pem\n--tlskey "
        "/etc/docker/server-key.pem\n--label env=prod\n--label provider=generic\n--insecure-registry "
        "reg:5000\n--registry-mirror https://m.example\n--log-level=debug\n\n'\nexport \\\"\"K=V\"\\\"\n\n");
    EXPECT_EQ(
        as_written_by_remote_shell(transported),
        "\nDOCKER_OPTS='\n-H tcp://0.0.0.0:2376\n-H unix:///var/run/docker.sock\n--storage-driver overlay2\n"
        "--tlsverify\n--tlscacert /etc/docker/ca.pem\n--tlscert /etc/docker/server.pem\n--tlskey "
        "/etc/docker/server-key.pem\n--label env=prod\n--label provider=generic\n--insecure-registry "
        "reg:5000\n--registry-mirror https://m.example\n--log-level=debug\n\n'\nexport \"K=V\"\n\n");
}

TEST(EngineConfig, Boot2DockerProfile) {
    EngineConfigContext context = reference_context();
    context.docker_port = 2376;
    context.ca_cert_remote_path = "/var/lib/boot2docker/ca.pem";
    context.server_cert_remote_path = "/var/lib/boot2docker/server.pem";
    context.server_key_remote_path = "/var/lib/boot2docker/server-key.pem";
    context.engine.env = {"K=V"};
    EXPECT_EQ(
        as_written_by_remote_shell(render_boot2docker_profile(context)),
        "\nEXTRA_ARGS='\n--label env=prod\n--label provider=generic\n--insecure-registry reg:5000\n"
        "--registry-mirror https://m.example\n--log-level=debug\n\n'\n"
        "CACERT=/var/lib/boot2docker/ca.pem\nDOCKER_HOST='-H tcp://0.0.0.0:2376'\nDOCKER_STORAGE=overlay2\n"
        "DOCKER_TLS=auto\nSERVERKEY=/var/lib/boot2docker/server-key.pem\n"
        "SERVERCERT=/var/lib/boot2docker/server.pem\n\nexport \"K=V\"\n\n");
}

TEST(EngineConfig, Boot2DockerProfileUpstreamChecks) {  // TestGenerateDockerOptionsBoot2Docker & ports
    for (int port : {1234, 2376, 3376}) {
        EngineConfigContext context;
        context.docker_port = port;
        context.ca_cert_remote_path = "/test/ca-cert";
        context.server_key_remote_path = "/test/server-key";
        context.server_cert_remote_path = "/test/server-cert";
        std::string text = render_boot2docker_profile(context);
        EXPECT_NE(text.find("-H tcp://0.0.0.0:" + std::to_string(port)), std::string::npos);
        EXPECT_NE(text.find("DOCKER_HOST='-H tcp://0.0.0.0:" + std::to_string(port) + "'\n"),
                  std::string::npos);
        EXPECT_NE(text.find("CACERT=/test/ca-cert"), std::string::npos);
        EXPECT_NE(text.find("SERVERKEY=/test/server-key"), std::string::npos);
        EXPECT_NE(text.find("SERVERCERT=/test/server-cert"), std::string::npos);
    }
}

// ---- swarm (§7) ----

TEST(Swarm, EnginePortFromDriverUrl) {
    EXPECT_EQ(swarm_engine_port("tcp://1.2.3.4:2376"), 2376);
    EXPECT_EQ(swarm_engine_port("tcp://1.2.3.4:12376"), 12376);
    EXPECT_EQ(swarm_engine_port("tcp://1.2.3.4"), 2376);
    EXPECT_EQ(swarm_engine_port("tcp://[fd00::5]:12376"), 12376);
    EXPECT_EQ(swarm_engine_port("tcp://[fd00::5]"), 2376);
}

TEST(Swarm, Ipv6AddressesAreBracketed) {
    machine::SwarmOptions swarm;
    swarm.is_swarm = swarm.master = swarm.agent = true;
    swarm.discovery = "token://abc";
    std::vector<SwarmContainer> containers = swarm_containers(swarm, {}, {}, "/etc/docker", "fd00::5", 2376);
    ASSERT_EQ(containers.size(), 2u);
    EXPECT_NE(containers[0].create_body.find("\"[fd00::5]:3376\""), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(containers[1].create_body)["Cmd"],
              nlohmann::json({"join", "--advertise", "[fd00::5]:2376", "token://abc"}));
}

TEST(Swarm, MasterAndAgentContainers) {
    machine::SwarmOptions swarm;
    swarm.is_swarm = true;
    swarm.master = true;
    swarm.agent = true;
    swarm.is_experimental = true;
    swarm.strategy = "binpack";
    swarm.discovery = "token://abc";
    swarm.arbitrary_flags = {"heartbeat=5s"};
    swarm.arbitrary_join_flags = {"delay=1s"};
    machine::AuthOptions auth;
    auth.ca_cert_remote_path = "/var/lib/boot2docker/ca.pem";
    auth.server_cert_remote_path = "/var/lib/boot2docker/server.pem";
    auth.server_key_remote_path = "/var/lib/boot2docker/server-key.pem";

    std::vector<SwarmContainer> containers =
        swarm_containers(swarm, {"FOO=bar"}, auth, "/var/lib/boot2docker", "127.0.0.1", 2376);
    ASSERT_EQ(containers.size(), 2u);

    EXPECT_EQ(containers[0].name, "swarm-agent-master");
    EXPECT_EQ(containers[0].image, "swarm:latest");
    std::string master = containers[0].create_body;
    EXPECT_NE(
        master.find(
            "\"Env\":[\"FOO=bar\"],\"Cmd\":[\"--experimental\",\"manage\",\"--tlsverify\",\"--tlscacert=/var/"
            "lib/boot2docker/ca.pem\",\"--tlscert=/var/lib/boot2docker/server.pem\",\"--tlskey=/var/lib/"
            "boot2docker/server-key.pem\",\"-H\",\"tcp://0.0.0.0:3376\",\"--strategy\",\"binpack\",\"--"
            "advertise\",\"127.0.0.1:3376\",\"--heartbeat=5s\",\"token://abc\"],\"Image\":\"swarm:latest\","
            "\"ExposedPorts\":{\"2375/tcp\":{},\"3376/tcp\":{}}"),
        std::string::npos)
        << master;
    auto start = nlohmann::json::parse(containers[0].start_body);
    EXPECT_EQ(start["Binds"][0], "/var/lib/boot2docker:/var/lib/boot2docker");
    EXPECT_EQ(start["PortBindings"]["3376/tcp"][0]["HostIp"], "0.0.0.0");
    EXPECT_EQ(start["PortBindings"]["3376/tcp"][0]["HostPort"], "3376");
    EXPECT_EQ(start["RestartPolicy"]["Name"], "always");

    EXPECT_EQ(containers[1].name, "swarm-agent");
    auto agent = nlohmann::json::parse(containers[1].create_body);
    EXPECT_EQ(agent["Cmd"], nlohmann::json({"--experimental", "join", "--advertise", "127.0.0.1:2376",
                                            "--delay=1s", "token://abc"}));
    EXPECT_EQ(nlohmann::json::parse(containers[1].start_body),
              nlohmann::json::parse(R"({"RestartPolicy":{"Name":"always","MaximumRetryCount":0}})"));
}

TEST(Swarm, AgentOnlyAndCustomSwarmPort) {
    machine::SwarmOptions swarm;
    swarm.is_swarm = true;
    swarm.agent = true;
    swarm.host = "tcp://0.0.0.0:4000";
    swarm.discovery = "consul://c:8500";
    std::vector<SwarmContainer> containers =
        swarm_containers(swarm, {}, {}, "/etc/docker", "10.0.0.5", 12376);
    ASSERT_EQ(containers.size(), 1u);
    auto agent = nlohmann::json::parse(containers[0].create_body);
    EXPECT_EQ(agent["Cmd"], nlohmann::json({"join", "--advertise", "10.0.0.5:12376", "consul://c:8500"}));

    swarm.master = true;
    containers = swarm_containers(swarm, {}, {}, "/etc/docker", "10.0.0.5", 12376);
    auto master = nlohmann::json::parse(containers[0].create_body);
    EXPECT_TRUE(master["ExposedPorts"].contains("4000/tcp"));
    EXPECT_EQ(master["HostConfig"]["PortBindings"]["4000/tcp"][0]["HostPort"], "4000");
    // The advertised master port is always 3376.
    EXPECT_NE(containers[0].create_body.find("\"10.0.0.5:3376\""), std::string::npos);
}

}  // namespace
