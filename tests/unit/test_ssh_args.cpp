// machine::ssh without a network: the external client's argv, upstream's key-file checks, known_hosts lines
// and lookups, fingerprints, and the error texts.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "machine/error.hpp"
#include "machine/ssh.hpp"

namespace ssh = machine::ssh;
using Args = std::vector<std::string>;

namespace {

// A private temp dir, removed at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "test-ssh-XXXXXX").string();
        m_path = ::mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(m_path); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] std::string file(const std::string& name, const std::string& content, mode_t mode) const {
        std::string path = m_path + "/" + name;
        std::ofstream(path) << content;
        ::chmod(path.c_str(), mode);
        return path;
    }
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

// Sets an environment variable for the scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : m_name(name) {
        if (const char* old = std::getenv(name)) {
            m_old = old;
        }
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (m_old) {
            ::setenv(m_name, m_old->c_str(), 1);
        } else {
            ::unsetenv(m_name);
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

std::string error_text(const std::function<void()>& action) {
    try {
        action();
    } catch (const machine::Error& error) {
        return error.what();
    }
    return "<no error>";
}

const char* const k_host_key = "AAAAC3NzaC1lZDI1NTE5AAAAIGPSMYf+aCPX7MRQUQTfIcvfPsGeZvdfkLhYomxgmXGe";
const char* const k_host_key_fingerprint =
    "SHA256:+wl/63BLp2srF6a3b9lsCIw5NNQozPnYedBz0uR0fyE";  // ssh-keygen -lf
const char* const k_other_key = "AAAAC3NzaC1lZDI1NTE5AAAAIFT71Z4k2D8CG3yguzl8IdQQpCh1ujCqijqTK867eDY+";
const char* const k_other_key_fingerprint = "SHA256:FKkwBj4mvzUKfjxhIQoNE617Fk/3NhlUf7dY5hTQlqY";
const char* const k_ecdsa_key =
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHzuH0RJGmnJG/"
    "Cw7ijxZmI2Raah6iqQiGwqDQBbIOSXLBMk9tqFPludFni"
    "nJpuH2V3quRDhwnUAT0RgtykUJAQ=";
const char* const k_ecdsa_key_fingerprint = "SHA256:GI+lm4+0g4Wfm8jgkTCNOgkYI24ukF1SIfvauRG4RY4";

}  // namespace

// ---- external client argv ----

TEST(SshExternalArgs, UpstreamArgvWithKeyAndPort) {
    // cli.md §3.15's example: `docker-machine ssh gen6 -- ls -la` with the generic driver.
    ssh::Endpoint endpoint{"127.0.0.1", 2222, "ubuntu", "/s/machines/gen6/mykey", ""};
    Args expected = {"ssh",
                     "-F",
                     "/dev/null",
                     "-o",
                     "ConnectionAttempts=3",
                     "-o",
                     "ConnectTimeout=10",
                     "-o",
                     "ControlMaster=no",
                     "-o",
                     "ControlPath=none",
                     "-o",
                     "LogLevel=quiet",
                     "-o",
                     "PasswordAuthentication=no",
                     "-o",
                     "ServerAliveInterval=60",
                     "-o",
                     "StrictHostKeyChecking=no",
                     "-o",
                     "UserKnownHostsFile=/dev/null",
                     "ubuntu@127.0.0.1",
                     "-o",
                     "IdentitiesOnly=yes",
                     "-i",
                     "/s/machines/gen6/mykey",
                     "-p",
                     "2222"};
    EXPECT_EQ(ssh::external_ssh_args(endpoint, {}), expected);
}

TEST(SshExternalArgs, NoKeyMeansNoIdentityOptions) {
    ssh::Endpoint endpoint{"10.0.0.5", 22, "docker", "", ""};
    Args args = ssh::external_ssh_args(endpoint, {});
    ASSERT_GE(args.size(), 4u);
    EXPECT_EQ(Args(args.end() - 3, args.end()), (Args{"docker@10.0.0.5", "-p", "22"}));
    EXPECT_EQ(std::count(args.begin(), args.end(), "-i"), 0);
    EXPECT_EQ(std::count(args.begin(), args.end(), "IdentitiesOnly=yes"), 0);
}

TEST(SshExternalArgs, ControlMasterReplacesUpstreamsNoSharing) {
    ssh::Endpoint endpoint{"10.213.0.2", 22, "root", "/k/id", ""};
    ssh::ExternalArgsOptions options;
    options.control_path = "/tmp/machine-ssh-abc/cm";
    Args args = ssh::external_ssh_args(endpoint, options);
    Args expected_head = {"ssh",
                          "-F",
                          "/dev/null",
                          "-o",
                          "ConnectionAttempts=3",
                          "-o",
                          "ConnectTimeout=10",
                          "-o",
                          "ControlMaster=auto",
                          "-o",
                          "ControlPath=/tmp/machine-ssh-abc/cm",
                          "-o",
                          "ControlPersist=60",
                          "-o",
                          "LogLevel=quiet"};
    ASSERT_GE(args.size(), expected_head.size());
    EXPECT_EQ(Args(args.begin(), args.begin() + static_cast<long>(expected_head.size())), expected_head);
    EXPECT_EQ(std::count(args.begin(), args.end(), "ControlMaster=no"), 0);
    EXPECT_EQ(std::count(args.begin(), args.end(), "ControlPath=none"), 0);
}

TEST(SshExternalArgs, PinnedHostKeys) {
    ssh::Endpoint endpoint{"10.213.0.2", 22, "root", "", "/store/machines/m1/known_hosts"};
    ssh::ExternalArgsOptions options;
    options.known_hosts_exists = true;
    Args strict = ssh::external_ssh_args(endpoint, options);
    auto at = std::find(strict.begin(), strict.end(), "StrictHostKeyChecking=yes");
    ASSERT_NE(at, strict.end());
    EXPECT_EQ(*(at + 1), "-o");
    EXPECT_EQ(*(at + 2), "UserKnownHostsFile=/store/machines/m1/known_hosts");
    EXPECT_EQ(std::count(strict.begin(), strict.end(), "UserKnownHostsFile=/dev/null"), 0);

    options.known_hosts_exists = false;
    Args first = ssh::external_ssh_args(endpoint, options);
    EXPECT_EQ(std::count(first.begin(), first.end(), "StrictHostKeyChecking=accept-new"), 1);
    EXPECT_EQ(std::count(first.begin(), first.end(), "StrictHostKeyChecking=yes"), 0);
}

TEST(SshExternalArgs, PathsAreQuotedForSshOptions) {
    ssh::Endpoint endpoint{"h", 22, "u", "", "/My Store/100%/known_hosts"};
    ssh::ExternalArgsOptions options;
    options.control_path = "/tmp/a%b/cm";
    Args args = ssh::external_ssh_args(endpoint, options);
    EXPECT_EQ(std::count(args.begin(), args.end(), "UserKnownHostsFile=\"/My Store/100%%/known_hosts\""), 1);
    EXPECT_EQ(std::count(args.begin(), args.end(), "ControlPath=/tmp/a%%b/cm"), 1);
}

// ---- key file checks (upstream's exact errors) ----

TEST(SshKeyFile, MissingFile) {
    EXPECT_EQ(error_text([] { ssh::check_key_file("/nonexistent/id_rsa"); }),
              "stat /nonexistent/id_rsa: no such file or directory");
}

TEST(SshKeyFile, TooOpen) {
    TempDir dir;
    std::string key = dir.file("id_rsa", "k", 0644);
    EXPECT_EQ(error_text([&] { ssh::check_key_file(key); }),
              "permissions 0644 for '" + key + "' are too open");
    ::chmod(key.c_str(), 0640);
    EXPECT_EQ(error_text([&] { ssh::check_key_file(key); }),
              "permissions 0640 for '" + key + "' are too open");
    ::chmod(key.c_str(), 0604);
    EXPECT_EQ(error_text([&] { ssh::check_key_file(key); }),
              "permissions 0604 for '" + key + "' are too open");
}

TEST(SshKeyFile, NotReadable) {
    TempDir dir;
    std::string key = dir.file("id_rsa", "k", 0200);
    EXPECT_EQ(error_text([&] { ssh::check_key_file(key); }), "'" + key + "' is not readable");
    ::chmod(key.c_str(), 0044);  // unreadable by the owner is reported before "too open"
    EXPECT_EQ(error_text([&] { ssh::check_key_file(key); }), "'" + key + "' is not readable");
}

TEST(SshKeyFile, PrivateIsAccepted) {
    TempDir dir;
    std::string key = dir.file("id_rsa", "k", 0600);
    EXPECT_NO_THROW(ssh::check_key_file(key));
    ::chmod(key.c_str(), 0400);
    EXPECT_NO_THROW(ssh::check_key_file(key));
}

TEST(SshKeyFile, ExternalClientChecksBeforeConnecting) {
    TempDir dir;
    std::string key = dir.file("id_rsa", "k", 0644);
    ssh::Endpoint endpoint{"192.0.2.1", 22, "root", key, ""};
    EXPECT_EQ(error_text([&] { (void)ssh::make_client(endpoint, ssh::ClientKind::External); }),
              "permissions 0644 for '" + key + "' are too open");
}

// ---- client choice ----

TEST(SshClientKind, NativeFlagOrNoSshBinary) {
    TempDir dir;
    (void)dir.file("ssh", "#!/bin/sh\n", 0755);
    {
        ScopedEnv path("PATH", dir.path());
        EXPECT_EQ(ssh::choose_client_kind(false), ssh::ClientKind::External);
        EXPECT_EQ(ssh::choose_client_kind(true), ssh::ClientKind::Native);
    }
    {
        ScopedEnv path("PATH", dir.path() + "/empty");
        EXPECT_EQ(ssh::choose_client_kind(false), ssh::ClientKind::Native);
        EXPECT_EQ(ssh::choose_client_kind(true), ssh::ClientKind::Native);
    }
}

// ---- known_hosts ----

TEST(SshKnownHosts, HostPatternAndLine) {
    EXPECT_EQ(ssh::known_hosts_host("10.213.0.2", 22), "10.213.0.2");
    EXPECT_EQ(ssh::known_hosts_host("10.213.0.2", 2222), "[10.213.0.2]:2222");
    EXPECT_EQ(ssh::known_hosts_line("10.213.0.2", 22, "ssh-ed25519", "AAAA"),
              "10.213.0.2 ssh-ed25519 AAAA\n");
    EXPECT_EQ(ssh::known_hosts_line("example.com", 2022, "rsa-sha2-512", "AAAB"),
              "[example.com]:2022 rsa-sha2-512 AAAB\n");
}

TEST(SshKnownHosts, FindsKeysForHostAndPort) {
    const std::string text =
        "# a comment\n"
        "\n"
        "10.213.0.2 ssh-ed25519 KEY22 comment here\n"
        "[10.213.0.2]:2222 ssh-ed25519 KEY2222\n"
        "other,10.213.0.3 ecdsa-sha2-nistp256 KEY3\r\n"
        "@cert-authority 10.213.0.2 ssh-ed25519 CAKEY\n"
        "|1|c2FsdA==|aGFzaA== ssh-ed25519 HASHED\n"
        "10.213.0.* ssh-rsa WILDCARD\n"
        "!10.213.0.9,10.213.0.? ecdsa-sha2-nistp256 NEGATED\n"
        "EXAMPLE.com ssh-ed25519 UPPER\n"
        "broken-line-without-key\n";
    auto keys = ssh::find_pinned_keys(text, "10.213.0.2", 22);
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_EQ(keys[0].key_type, "ssh-ed25519");
    EXPECT_EQ(keys[0].key_base64, "KEY22");
    EXPECT_EQ(keys[1].key_base64, "WILDCARD");
    EXPECT_EQ(keys[2].key_base64, "NEGATED");

    keys = ssh::find_pinned_keys(text, "10.213.0.2", 2222);
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0].key_base64, "KEY2222");

    keys = ssh::find_pinned_keys(text, "10.213.0.3", 22);
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_EQ(keys[0].key_base64, "KEY3");  // CRLF stripped, comma list matched

    EXPECT_EQ(ssh::find_pinned_keys(text, "10.213.0.9", 22).size(), 1u);   // negated: only the wildcard line
    EXPECT_EQ(ssh::find_pinned_keys(text, "example.com", 22).size(), 1u);  // case-insensitive
    EXPECT_TRUE(ssh::find_pinned_keys(text, "10.213.1.2", 22).empty());
    EXPECT_TRUE(ssh::find_pinned_keys("", "10.213.0.2", 22).empty());
}

TEST(SshKnownHosts, Fingerprint) {
    EXPECT_EQ(ssh::key_fingerprint(k_host_key).value_or("<none>"), k_host_key_fingerprint);
    EXPECT_FALSE(ssh::key_fingerprint("not base64!").has_value());
    EXPECT_FALSE(ssh::key_fingerprint("AAAA").has_value());
    EXPECT_EQ(ssh::key_fingerprint(k_other_key).value_or("<none>"), k_other_key_fingerprint);
    EXPECT_EQ(ssh::key_fingerprint(k_ecdsa_key).value_or("<none>"), k_ecdsa_key_fingerprint);
}

TEST(SshKnownHosts, RefusalMessagesSayHowToAcceptTheNewKey) {
    std::string changed = ssh::host_key_changed_message("10.213.0.2", 22, "/s/machines/m1/known_hosts",
                                                        "SHA256:old", "SHA256:new");
    EXPECT_EQ(
        changed,
        "Host key for 10.213.0.2:22 has changed (expected SHA256:old, got SHA256:new). Either the connection "
        "is being intercepted, or the machine was rebuilt with a new host key. If you trust the new key, "
        "delete /s/machines/m1/known_hosts: the next connection records the key the host presents.");
    std::string unknown = ssh::host_key_unknown_message("10.213.0.2", 2222, "/k", "SHA256:new");
    EXPECT_EQ(
        unknown,
        "No host key for 10.213.0.2:2222 is pinned in /k (the host presented SHA256:new). If you trust this "
        "host, delete /k: the next connection records the key the host presents.");
}

// ---- failing commands ----

TEST(SshCommandError, UpstreamText) {
    EXPECT_EQ(ssh::format_command_error("sudo hostname m1", 1, "sudo: not found\n"),
              "ssh command error:\ncommand : sudo hostname m1\nerr     : exit status 1\noutput  : sudo: not "
              "found\n");
    EXPECT_EQ(
        ssh::format_command_error("yum -y install curl", 127, "", true),
        "something went wrong running an SSH command\ncommand : yum -y install curl\nerr     : exit status "
        "127\noutput  : ");
    ssh::CommandFailed failed("false", 1, "");
    EXPECT_STREQ(failed.what(), "ssh command error:\ncommand : false\nerr     : exit status 1\noutput  : ");
    EXPECT_EQ(failed.exit_status(), 1);
    EXPECT_EQ(failed.exit_code(), 1);
    EXPECT_EQ(failed.command(), "false");
}

TEST(SshShellQuote, SingleQuotes) {
    EXPECT_EQ(ssh::shell_quote("abc"), "'abc'");
    EXPECT_EQ(ssh::shell_quote(""), "''");
    EXPECT_EQ(ssh::shell_quote("it's $HOME"), "'it'\\''s $HOME'");
}

TEST(SshRedaction, PrivateKeysAreRedactedCertificatesKept) {
    std::string certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    std::string key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----\n";
    EXPECT_EQ(machine::ssh::redact_private_keys("printf '%s' '" + key + "' | sudo tee k"),
              "printf '%s' '<REDACTED>\n' | sudo tee k");
    EXPECT_EQ(machine::ssh::redact_private_keys(certificate), certificate);
    EXPECT_EQ(machine::ssh::redact_private_keys(certificate + key + "x"), certificate + "<REDACTED>\nx");
    std::string error = machine::ssh::format_command_error("tee " + key, 1, key);
    EXPECT_EQ(error.find("MIIEow"), std::string::npos);
    EXPECT_EQ(machine::ssh::redact_private_keys("-----BEGIN OPENSSH PRIVATE KEY-----\nzz"), "<REDACTED>");
}
