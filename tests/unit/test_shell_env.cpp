// Quoting of `env` output (src/shell/shell_env.cpp): what each shell gives back when it reads the lines must
// be exactly the value. Three checks: exact output for known values; the reference reader of each shell's
// quoting rules (shell_reference_parser.hpp, also used by tests/fuzz/fuzz_shell_env.cpp) on random values;
// and the real shells installed here (bash, sh, zsh, fish, tcsh) reading the same lines, which also checks
// the reference reader against them. Values found wrong by the fuzzer or the real shells are kept in
// k_regressions.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "machine/shell_env.hpp"
#include "shell_reference_parser.hpp"

using namespace machine;

namespace {

// Values that are hard for some shell. Found by the differential runs, or written to pin a rule.
const std::vector<std::string> k_regressions = {
    "",
    "/home/user/.docker/machine/machines/dev",
    "/tmp/st $HOME \"q\" `id` \\ end\\",
    "trailing backslash\\",
    "\\\n",  // backslash-newline is a line continuation inside double quotes in sh and fish
    "a\nb\n",
    "a!b !! !$ !-1",  // tcsh history substitution, even inside double quotes
    "'single' ''",
    "$(id) ${HOME} $? $$ $status (echo fish) {a,b} *.txt ~ ~root",
    "a  b\t\tc",
    "a;b&c|d<e>f(g)h#i",
    "\x01\x7f\x1b",                                // bash's internal quoting bytes (CTLESC, CTLNUL)
    "caf\xc3\xa9 \xe2\x82\xac",                    // UTF-8
    "\xe2\x80\x9csmart\xe2\x80\x9d \xe2\x80\x9e",  // PowerShell closes strings at these
    "%PATH% ^a^b",
    "`",
    "\"",
    "$",
    "!",
};

std::vector<std::string> random_values(std::size_t count) {
    std::mt19937 rng(4242);
    std::string alphabet = " \t\n!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~abcXYZ019\x01\x7f\xc3\xa9";
    std::uniform_int_distribution<std::size_t> length(0, 24);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::vector<std::string> values;
    for (std::size_t i = 0; i < count; ++i) {
        std::string value;
        for (std::size_t n = length(rng); n > 0; --n) {
            char c = alphabet[pick(rng)];
            if (c == '\xc3') {
                value += "\xc3\xa9";  // keep UTF-8 whole; the shells run in a UTF-8 locale
            } else if (c != '\xa9') {
                value += c;
            }
        }
        values.push_back(value);
    }
    return values;
}

std::vector<std::string> all_values() {
    std::vector<std::string> values = k_regressions;
    for (auto& value : random_values(400)) {
        values.push_back(std::move(value));
    }
    return values;
}

std::string visible(const std::string& text) {
    std::ostringstream out;
    for (unsigned char c : text) {
        if (c < 0x20 || c >= 0x7f || c == '\\') {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
            out << buffer;
        } else {
            out << c;
        }
    }
    return out.str();
}

}  // namespace

TEST(ShellEnv, OrdinaryValuesAreUpstreamsOutput) {
    for (const char* shell : {"bash", "fish", "tcsh", "emacs", "powershell", "cmd"}) {
        EXPECT_EQ(shell::quote_value(shell, "tcp://192.168.99.100:2376"), "tcp://192.168.99.100:2376");
        EXPECT_EQ(shell::quote_value(shell, "/home/u/My Machines/machines/m1"),
                  "/home/u/My Machines/machines/m1");
    }
    EXPECT_EQ(shell::set_line("bash", "DOCKER_HOST", "tcp://1.2.3.4:2376"),
              "export DOCKER_HOST=\"tcp://1.2.3.4:2376\"\n");
    EXPECT_EQ(shell::set_line("fish", "DOCKER_HOST", "x"), "set -gx DOCKER_HOST \"x\";\n");
}

TEST(ShellEnv, SpecialCharactersAreEscapedPerShell) {
    std::string value = "a$b`c\"d\\e!f";
    EXPECT_EQ(shell::quote_value("bash", value), "a\\$b\\`c\\\"d\\\\e!f");
    EXPECT_EQ(shell::quote_value("zsh", value), "a\\$b\\`c\\\"d\\\\e!f");
    EXPECT_EQ(shell::quote_value("fish", value), "a\\$b`c\\\"d\\\\e!f");
    EXPECT_EQ(shell::quote_value("tcsh", value), "a\"'$'\"b\"'`'\"c\"'\"'\"d\\e\"\\!\"f");
    EXPECT_EQ(shell::quote_value("emacs", value), "a$b`c\\\"d\\\\e!f");
    EXPECT_EQ(shell::quote_value("powershell", value), "a`$b``c`\"d\\e!f");
    EXPECT_EQ(shell::quote_value("cmd", value), value);
    EXPECT_EQ(shell::quote_value("tcsh", "a\nb"), "a\"'\\\n'\"b");
}

TEST(ShellEnv, ReferenceReaderGivesBackEveryValue) {
    for (const char* shell : {"bash", "fish", "tcsh", "emacs", "powershell"}) {
        for (const auto& value : all_values()) {
            std::string line = shell::set_line(shell, "DOCKER_CERT_PATH", value);
            auto read = shell_reference::read_set_line(shell, line);
            ASSERT_TRUE(read.has_value()) << shell << ": " << visible(line);
            EXPECT_EQ(read->value, value) << shell << ": " << visible(line);
        }
    }
}

// The reference reader refuses what a shell would expand: it must not accept upstream's unescaped output.
TEST(ShellEnv, ReferenceReaderRefusesUnquotedExpansions) {
    EXPECT_FALSE(shell_reference::read_set_line("bash", "export X=\"$HOME\"\n"));
    EXPECT_FALSE(shell_reference::read_set_line("bash", "export X=\"a\"b\"\n"));
    EXPECT_FALSE(shell_reference::read_set_line("fish", "set -gx X \"$HOME\";\n"));
    EXPECT_FALSE(shell_reference::read_set_line("tcsh", "setenv X \"a!b\";\n"));
    EXPECT_FALSE(shell_reference::read_set_line("powershell", "$Env:X = \"$HOME\"\n"));
    EXPECT_EQ(shell_reference::read_set_line("tcsh", "setenv X \"a\\b\";\n")->value, "a\\b");
}

// The real shells read the lines (as `eval "$(docker-machine env)"`, `docker-machine env | source`, and
// `source` in tcsh) and export the variables; /usr/bin/env -0 prints what they hold.
TEST(ShellEnv, RealShellsGiveBackEveryValue) {
    struct RealShell {
        const char* name;  // --shell value
        const char* binary;
        std::string script;  // reads ./lines, writes the environment to ./out
    };
    const std::string posix = "eval \"$(/bin/cat lines)\"; /usr/bin/env -0 > out";
    std::vector<RealShell> shells = {
        {"bash", "/usr/bin/bash", posix},
        {"sh", "/bin/sh", posix},
        {"zsh", "/usr/bin/zsh", posix},
        {"fish", "/usr/bin/fish", "source lines; /usr/bin/env -0 > out"},
        {"tcsh", "/usr/bin/tcsh", "source lines; /usr/bin/env -0 > out"},
    };
    std::vector<std::string> values = all_values();
    int tried = 0;
    for (const auto& real : shells) {
        if (access(real.binary, X_OK) != 0) {
            continue;
        }
        ++tried;
        char dir_template[] = "/tmp/shell-env-test.XXXXXX";
        ASSERT_NE(mkdtemp(dir_template), nullptr);
        std::filesystem::path dir = dir_template;
        {
            std::ofstream lines(dir / "lines", std::ios::binary);
            for (std::size_t i = 0; i < values.size(); ++i) {
                lines << shell::set_line(real.name, "V" + std::to_string(i), values[i]);
            }
        }
        std::string flags = std::string(real.name) == "bash"   ? "--norc --noprofile "
                            : std::string(real.name) == "zsh"  ? "-f "
                            : std::string(real.name) == "fish" ? "--no-config "
                            : std::string(real.name) == "tcsh" ? "-f "
                                                               : "";
        // No PATH: a value that escaped its quotes could only reach builtins.
        std::string command = "cd '" + dir.string() + "' && /usr/bin/env -i HOME='" + dir.string() +
                              "' PATH=/nonexistent LANG=C.UTF-8 " + real.binary + " " + flags + "-c '" +
                              real.script + "' > stderr 2>&1";
        int status = std::system(command.c_str());
        std::ifstream out_file(dir / "out", std::ios::binary);
        std::string out((std::istreambuf_iterator<char>(out_file)), std::istreambuf_iterator<char>());
        std::ifstream err_file(dir / "stderr", std::ios::binary);
        std::string err((std::istreambuf_iterator<char>(err_file)), std::istreambuf_iterator<char>());
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << real.name << ": " << err.substr(0, 2000);
        std::map<std::string, std::string> environment;
        std::size_t start = 0;
        for (std::size_t end; (end = out.find('\0', start)) != std::string::npos; start = end + 1) {
            std::string entry = out.substr(start, end - start);
            auto equals = entry.find('=');
            environment[entry.substr(0, equals)] =
                equals == std::string::npos ? "" : entry.substr(equals + 1);
        }
        int wrong = 0;
        for (std::size_t i = 0; i < values.size() && wrong < 10; ++i) {
            auto found = environment.find("V" + std::to_string(i));
            bool same = found != environment.end() && found->second == values[i];
            if (!same) {
                ++wrong;
                ADD_FAILURE() << real.name << " V" << i << ": value " << visible(values[i]) << "\n line "
                              << visible(shell::set_line(real.name, "V", values[i])) << "\n got "
                              << (found == environment.end() ? "(unset)" : visible(found->second))
                              << "\n stderr: " << err.substr(0, 500);
            }
        }
        std::filesystem::remove_all(dir);
    }
    if (tried == 0) {
        GTEST_SKIP() << "no shell found";
    }
}
