#include <gtest/gtest.h>

#include "provision/shell_safety.hpp"

using namespace machine::provision;

TEST(ShellSafety, DoubleQuotedLiteralIsWhatTheShellWouldHaveWrittenWithoutExpanding) {
    EXPECT_EQ(double_quoted_literal("plain text\n"), "plain text\n");
    EXPECT_EQ(double_quoted_literal(R"(export \""FOO=bar"\")"), R"(export "FOO=bar")");
    EXPECT_EQ(double_quoted_literal(R"(\$DOCKER_OPTS)"), "$DOCKER_OPTS");
    EXPECT_EQ(double_quoted_literal(R"(Environment="K=V" )"), "Environment=K=V ");
    // Hostile values stay text: nothing would be expanded by the single-quoted transport.
    EXPECT_EQ(double_quoted_literal("--label evil=$(reboot) `id`"), "--label evil=$(reboot) `id`");
}

TEST(ShellSafety, ShellWordQuotesOnlyWhatNeedsIt) {
    EXPECT_EQ(shell_word("https://get.docker.com"), "https://get.docker.com");
    EXPECT_EQ(shell_word("http://10.213.0.1:8213/install.sh"), "http://10.213.0.1:8213/install.sh");
    EXPECT_EQ(shell_word("http://x/a.sh; reboot"), "'http://x/a.sh; reboot'");
    EXPECT_EQ(shell_word("http://x/?a=1&b=2"), "'http://x/?a=1&b=2'");
    EXPECT_EQ(shell_word("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_word(""), "''");
}
