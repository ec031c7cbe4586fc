// Pure pieces of the CLI layer pinned by upstream's commands/*_test.go (see reference/tests-upstream.md).

#include <gtest/gtest.h>

#include "cli/host_list.hpp"
#include "cli/remote_copy.hpp"
#include "machine/go_quote.hpp"
#include "machine/shell_env.hpp"

using namespace machine;
using namespace machine::cli;

namespace {

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) {
        out += (out.empty() ? "" : " ") + word;
    }
    return out;
}

CopyLocation remote(std::string user, std::string host, int port, std::string key, std::string path) {
    CopyLocation location;
    location.remote = true;
    location.machine = "m";
    location.user = std::move(user);
    location.host = std::move(host);
    location.port = port;
    location.key_path = std::move(key);
    location.path = std::move(path);
    return location;
}

CopyLocation local(std::string path) {
    CopyLocation location;
    location.path = std::move(path);
    return location;
}

}  // namespace

TEST(ShellEnv, HintsForEveryShell) {
    std::vector<std::string> argv = {"machine", "env", "default"};
    EXPECT_EQ(shell::usage_hint("bash", argv),
              "# Run this command to configure your shell: \n# eval $(machine env default)\n");
    EXPECT_EQ(shell::usage_hint("fish", argv),
              "# Run this command to configure your shell: \n# eval (machine env default)\n");
    EXPECT_EQ(shell::usage_hint("powershell", argv),
              "# Run this command to configure your shell: \n# & machine env default | Invoke-Expression\n");
    EXPECT_EQ(
        shell::usage_hint("cmd", argv),
        "REM Run this command to configure your shell: \nREM \t@FOR /f \"tokens=*\" %i IN ('machine env "
        "default') DO @%i\n");
    EXPECT_EQ(
        shell::usage_hint("emacs", argv),
        ";; Run this command to configure your shell: \n;; (with-temp-buffer (shell-command \"machine env "
        "default\" (current-buffer)) (eval-buffer))\n");
    EXPECT_EQ(shell::usage_hint("tcsh", argv),
              ": Run this command to configure your shell: \n: eval `machine env default`\n");
    EXPECT_EQ(shell::usage_hint("bash", {"C:\\Program Files\\docker-machine.exe", "env", "--shell=fish"}),
              "# Run this command to configure your shell: \n# eval $(\"C:\\Program "
              "Files\\docker-machine.exe\" env "
              "--shell=fish)\n");
}

TEST(ShellEnv, SetAndUnsetTriples) {
    auto check = [](const shell::LineFormat& format, const char* prefix, const char* delimiter,
                    const char* suffix) {
        EXPECT_EQ(format.prefix, prefix);
        EXPECT_EQ(format.delimiter, delimiter);
        EXPECT_EQ(format.suffix, suffix);
    };
    check(shell::set_format("bash"), "export ", "=\"", "\"\n");
    check(shell::set_format("zsh"), "export ", "=\"", "\"\n");
    check(shell::set_format("fish"), "set -gx ", " \"", "\";\n");
    check(shell::set_format("powershell"), "$Env:", " = \"", "\"\n");
    check(shell::set_format("emacs"), "(setenv \"", "\" \"", "\")\n");
    check(shell::set_format("cmd"), "SET ", "=", "\n");
    check(shell::set_format("tcsh"), "setenv ", " \"", "\";\n");
    check(shell::unset_format("bash"), "unset ", "", "\n");
    check(shell::unset_format("fish"), "set -e ", "", ";\n");
    check(shell::unset_format("powershell"), "Remove-Item Env:\\\\", "", "\n");
    check(shell::unset_format("cmd"), "SET ", "=", "\n");
    check(shell::unset_format("emacs"), "(setenv \"", "\" nil", ")\n");
    check(shell::unset_format("tcsh"), "unsetenv ", "", ";\n");
}

TEST(GoQuote, MatchesStrconvQuote) {
    EXPECT_EQ(go_quote("abc"), "\"abc\"");
    EXPECT_EQ(go_quote("∞"), "\"∞\"");
    EXPECT_EQ(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    EXPECT_EQ(go_quote(std::string("\x01\xff", 2)), "\"\\x01\\xff\"");
    EXPECT_EQ(go_quote("SSH key does not exist: \"/x\""), "\"SSH key does not exist: \\\"/x\\\"\"");
}

TEST(RemoteCopy, ParsesLocalAndRemoteArguments) {
    auto parsed = parse_copy_arg("/tmp/foo");
    EXPECT_FALSE(parsed.remote);
    EXPECT_EQ(parsed.path, "/tmp/foo");
    parsed = parse_copy_arg("localhost:C:\\path");
    EXPECT_FALSE(parsed.remote);
    EXPECT_EQ(parsed.path, "C:\\path");
    parsed = parse_copy_arg("myuser@myfunhost:/home/docker/foo");
    EXPECT_TRUE(parsed.remote);
    EXPECT_EQ(parsed.machine, "myfunhost");
    EXPECT_EQ(parsed.user, "myuser");
    EXPECT_EQ(parsed.path, "/home/docker/foo");
    parsed = parse_copy_arg("myfunhost:C:\\path");
    EXPECT_EQ(parsed.machine, "myfunhost");
    EXPECT_EQ(parsed.user, "");
    EXPECT_EQ(parsed.path, "C:\\path");
}

TEST(RemoteCopy, ScpCommandAsUpstream) {
    auto destination = remote("root", "12.34.56.78", 234, "/fake/keypath/id_rsa", "/home/docker/foo");
    EXPECT_EQ(join(scp_command(local("/tmp/foo"), destination, true, false, false)),
              "scp -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=quiet -3 -r -o "
              "IdentitiesOnly=yes -o Port=234 -o IdentityFile=\"/fake/keypath/id_rsa\" /tmp/foo "
              "root@12.34.56.78:/home/docker/foo");
    auto keyless = remote("user", "1.2.3.4", 0, "", "/home/docker/foo");
    EXPECT_EQ(
        join(scp_command(local("/tmp/foo"), keyless, true, false, false)),
        "scp -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=quiet -3 -r /tmp/foo "
        "user@1.2.3.4:/home/docker/foo");
    auto rsync = scp_command(local("/tmp/foo"), keyless, true, false, true);
    ASSERT_EQ(rsync.size(), 7u);
    EXPECT_EQ(rsync[0], "rsync");
    EXPECT_EQ(rsync[1], "--progress");
    EXPECT_EQ(rsync[2], "-e");
    EXPECT_EQ(rsync[3], "ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=quiet");
    EXPECT_EQ(rsync[4], "-r");
    EXPECT_EQ(rsync[5], "/tmp/foo");
    EXPECT_EQ(rsync[6], "user@1.2.3.4:/home/docker/foo");
    EXPECT_EQ(join(scp_command(local("/a"), keyless, false, true, false)),
              "scp -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=quiet -3 -q /a "
              "user@1.2.3.4:/home/docker/foo");
}

TEST(RemoteCopy, PinnedHostKeysReplaceTrustAnything) {
    auto destination = remote("root", "10.0.0.2", 22, "/k", "/x");
    destination.known_hosts_path = "/store/machines/m/known_hosts";
    EXPECT_EQ(
        join(scp_command(local("/a"), destination, false, false, false)),
        "scp -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/store/machines/m/known_hosts -o "
        "LogLevel=quiet -3 -o IdentitiesOnly=yes -o Port=22 -o IdentityFile=\"/k\" /a root@10.0.0.2:/x");
}

TEST(RemoteCopy, MountCommandsAsUpstream) {
    auto source = remote("root", "12.34.56.78", 234, "/fake/keypath/id_rsa", "/home/docker/foo");
    EXPECT_EQ(join(mount_command(source, "/tmp/foo")),
              "sshfs -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=quiet -o "
              "IdentitiesOnly=yes -o Port=234 -o IdentityFile=/fake/keypath/id_rsa "
              "root@12.34.56.78:/home/docker/foo /tmp/foo");
    auto keyless = remote("user", "1.2.3.4", 0, "", "/home/docker/foo");
    EXPECT_EQ(join(mount_command(keyless, "/home/docker/foo")),
              "sshfs -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=quiet "
              "user@1.2.3.4:/home/docker/foo /home/docker/foo");
    EXPECT_EQ(join(unmount_command("/tmp/foo")), "fusermount -u /tmp/foo");
}

TEST(HostList, GoDurations) {
    using std::chrono::milliseconds;
    EXPECT_EQ(go_duration(milliseconds(0)), "0s");
    EXPECT_EQ(go_duration(milliseconds(1)), "1ms");
    EXPECT_EQ(go_duration(milliseconds(27)), "27ms");
    EXPECT_EQ(go_duration(milliseconds(1234)), "1.234s");
    EXPECT_EQ(go_duration(milliseconds(10000)), "10s");
    EXPECT_EQ(go_duration(milliseconds(1500)), "1.5s");
    EXPECT_EQ(go_duration(milliseconds(65500)), "1m5.5s");
}

TEST(HostList, NaturalOrderOfLowerCasedNames) {
    std::vector<HostListItem> items(4);
    items[0].name = "testmachine2";
    items[1].name = "Master10";
    items[2].name = "testmachine";
    items[3].name = "master2";
    sort_items(items);
    EXPECT_EQ(items[0].name, "master2");
    EXPECT_EQ(items[1].name, "Master10");
    EXPECT_EQ(items[2].name, "testmachine");
    EXPECT_EQ(items[3].name, "testmachine2");
}
