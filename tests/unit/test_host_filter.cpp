// `ls --filter`: parsing the specs and matching (src/cli/host_filter.cpp), plus the regressions from
// tests/fuzz/fuzz_ls_filter.cpp.

#include <gtest/gtest.h>

#include <string>

#include "cli/host_filter.hpp"
#include "machine/error.hpp"

using namespace machine;
using namespace machine::cli;

namespace {

std::string error_of(const std::vector<std::string>& specs) {
    try {
        HostMatcher matcher(parse_host_filters(specs));
    } catch (const Error& error) {
        return error.what();
    }
    return "";
}

bool matches(const std::vector<std::string>& specs, const FilterSubject& subject) {
    return HostMatcher(parse_host_filters(specs)).matches(subject);
}

FilterSubject subject(std::string name, std::string driver = "none", std::string master = "",
                      std::vector<std::string> labels = {}) {
    return {std::move(name), std::move(driver), std::move(master), std::move(labels)};
}

}  // namespace

TEST(HostFilter, ParsesKeysCaseInsensitivelyAndKeepsValues) {
    HostFilters filters =
        parse_host_filters({"DRIVER=None", "State=Running", "name=a=b", "label=k=V", "swarm=M"});
    EXPECT_EQ(filters.driver, std::vector<std::string>{"None"});
    EXPECT_EQ(filters.state, std::vector<std::string>{"Running"});
    EXPECT_EQ(filters.name, std::vector<std::string>{"a=b"});
    EXPECT_EQ(filters.label, std::vector<std::string>{"k=V"});
    EXPECT_EQ(filters.swarm, std::vector<std::string>{"M"});
}

TEST(HostFilter, SyntaxErrorsUseUpstreamWording) {
    EXPECT_EQ(error_of({"driver"}), "Unsupported filter syntax");
    EXPECT_EQ(error_of({"Foo=bar"}), "Unsupported filter key 'foo'");
    EXPECT_EQ(error_of({"=x"}), "Unsupported filter key ''");
}

TEST(HostFilter, ValuesOfOneKeyAreAlternativesAndKeysCombine) {
    auto m1 = subject("m1", "none", "", {"team=a"});
    auto g2 = subject("g2", "generic", "master1", {"team=b", "env=prod"});
    EXPECT_TRUE(matches({}, m1));
    EXPECT_TRUE(matches({"driver=NONE"}, m1));
    EXPECT_FALSE(matches({"driver=none"}, g2));
    EXPECT_TRUE(matches({"driver=none", "driver=generic"}, g2));
    EXPECT_FALSE(matches({"driver=generic", "name=^m"}, g2));
    EXPECT_TRUE(matches({"label=team=B"}, g2));   // value compared case-insensitively
    EXPECT_FALSE(matches({"label=TEAM=b"}, g2));  // key exactly
    EXPECT_FALSE(matches({"label=team"}, g2));    // no '=': matches nothing
    EXPECT_TRUE(matches({"swarm=MASTER1"}, g2));
    EXPECT_FALSE(matches({"swarm=master1"}, m1));  // no swarm
    EXPECT_TRUE(matches({"state=Stopped"}, m1));   // state is asked of the driver, not here
    HostMatcher state(parse_host_filters({"state=running", "state=Error"}));
    EXPECT_TRUE(state.filters_state());
    EXPECT_TRUE(state.state_matches("Running"));
    EXPECT_FALSE(state.state_matches("Stopped"));
}

TEST(HostFilter, NameIsAGoRegularExpressionSearchedInTheName) {
    EXPECT_TRUE(matches({"name=achin"}, subject("machine1")));
    EXPECT_FALSE(matches({"name=^achin"}, subject("machine1")));
    EXPECT_TRUE(matches({"name=(?i)MACHINE"}, subject("machine1")));
    EXPECT_FALSE(matches({"name=MACHINE"}, subject("machine1")));
    EXPECT_EQ(error_of({"name=a["}), "error parsing regexp: missing closing ]: `[`");
    EXPECT_EQ(error_of({"name=*a"}), "error parsing regexp: missing argument to repetition operator: `*`");
}

// Go's limits, which std::regex lacks: without them a pattern from the command line could make the regex
// compiler allocate millions of states or recurse without bound.
TEST(HostFilter, GoLimitsOnRepeatCountsAndNesting) {
    EXPECT_EQ(error_of({"name=a{1001}"}), "error parsing regexp: invalid repeat count: `{1001}`");
    EXPECT_EQ(error_of({"name=a{2,99999999999}"}),
              "error parsing regexp: invalid repeat count: `{2,99999999999}`");
    EXPECT_EQ(error_of({"name=a{3,2}"}), "error parsing regexp: invalid repeat count: `{3,2}`");
    EXPECT_EQ(error_of({"name=a{1000}"}), "");
    EXPECT_EQ(error_of({"name=[{]9999}"}), "");  // a brace in a class is a literal
    EXPECT_EQ(error_of({"name=\\{9999}"}), "");  // so is an escaped one
    std::string deep = std::string(1001, '(') + "a" + std::string(1001, ')');
    EXPECT_EQ(error_of({"name=" + deep}),
              "error parsing regexp: expression nests too deeply: `" + deep + "`");
    // 100000 levels overflowed the stack in std::regex's compiler (SIGSEGV) before the limit.
    std::string deeper = std::string(100000, '(') + "a" + std::string(100000, ')');
    EXPECT_NE(error_of({"name=" + deeper}).find("expression nests too deeply"), std::string::npos);
    std::string fine = std::string(1000, '(') + "a" + std::string(1000, ')');
    EXPECT_TRUE(matches({"name=" + fine}, subject("xay")));
}
