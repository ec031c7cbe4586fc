// Tests of the Go flag / codegangsta compatible parser and help rendering (reference/cli.md §1.5, §1.6,
// §3.8).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/flags.hpp"
#include "machine/go_quote.hpp"

namespace machine::cli {
namespace {

using Args = std::vector<std::string>;

// The reference writes whitespace-sensitive output with `cat -A` marks: ^I is a tab, $ ends a line.
std::string from_cat_a(const std::string& marked) {
    std::string text;
    for (std::size_t i = 0; i < marked.size(); ++i) {
        if (marked.compare(i, 2, "^I") == 0) {
            text += '\t';
            ++i;
        } else if (marked[i] == '$' && (i + 1 == marked.size() || marked[i + 1] == '\n')) {
            text += '\n';
            if (i + 1 < marked.size()) {
                ++i;
            }
        } else {
            text += marked[i];
        }
    }
    return text;
}

FlagDef bool_flag(std::vector<std::string> names, std::string usage, std::string env = "") {
    FlagDef def;
    def.kind = FlagDef::Kind::Bool;
    def.names = std::move(names);
    def.usage = std::move(usage);
    def.env_var = std::move(env);
    return def;
}

FlagDef string_flag(std::vector<std::string> names, std::string value, std::string usage,
                    std::string env = "") {
    FlagDef def;
    def.kind = FlagDef::Kind::String;
    def.names = std::move(names);
    def.default_string = std::move(value);
    def.usage = std::move(usage);
    def.env_var = std::move(env);
    return def;
}

FlagDef int_flag(std::vector<std::string> names, long long value, std::string usage, std::string env = "") {
    FlagDef def;
    def.kind = FlagDef::Kind::Int;
    def.names = std::move(names);
    def.default_int = value;
    def.usage = std::move(usage);
    def.env_var = std::move(env);
    return def;
}

FlagDef slice_flag(std::vector<std::string> names, std::string usage, std::string env = "") {
    FlagDef def;
    def.kind = FlagDef::Kind::StringSlice;
    def.names = std::move(names);
    def.usage = std::move(usage);
    def.env_var = std::move(env);
    return def;
}

// `ls` flags (cli.md §3.8).
std::vector<FlagDef> ls_flags() {
    return {bool_flag({"quiet", "q"}, "Enable quiet mode"),
            slice_flag({"filter"}, "Filter output based on conditions provided"),
            int_flag({"timeout", "t"}, 10, "Timeout in seconds, default to 10s"),
            string_flag({"format", "f"}, "", "Pretty-print machines using a Go template")};
}

std::vector<FlagDef> rm_flags() {
    return {bool_flag({"force", "f"}, "Remove local configuration even if machine cannot be removed"),
            bool_flag({"y"},
                      "Assumes automatic yes to proceed with remove, without prompting further user "
                      "confirmation")};
}

ParseResult parse(const Args& args, bool reorder = false) {
    return parse_flags(ls_flags(), args, reorder);
}

std::string parse_error(const std::vector<FlagDef>& defs, const Args& args, bool reorder = false) {
    try {
        (void)parse_flags(defs, args, reorder);
    } catch (const FlagError& error) {
        return error.what();
    }
    return "<no error>";
}

std::string parse_error(const Args& args, bool reorder = false) {
    return parse_error(ls_flags(), args, reorder);
}

class ScopedEnv {
public:
    ScopedEnv(std::string name, const std::string& value) : m_name(std::move(name)) {
        ::setenv(m_name.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() { ::unsetenv(m_name.c_str()); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string m_name;
};

// ---- names and dashes ----

TEST(FlagsParse, DefaultsWhenNothingGiven) {
    const auto result = parse({});
    EXPECT_FALSE(result.flags.boolean("quiet"));
    EXPECT_EQ(result.flags.integer("timeout"), 10);
    EXPECT_EQ(result.flags.string("format"), "");
    EXPECT_TRUE(result.flags.strings("filter").empty());
    EXPECT_FALSE(result.flags.is_set("timeout"));
    EXPECT_FALSE(result.help_requested);
    EXPECT_TRUE(result.args.empty());
    EXPECT_EQ(result.flags.entries.size(), 4u);  // the implicit help flag is not an entry
}

TEST(FlagsParse, LongAndShortNamesTakeOneOrTwoDashes) {
    for (const Args& args : {Args{"-t", "5"}, Args{"--timeout", "5"}, Args{"-timeout=5"}, Args{"--t=5"},
                             Args{"-t=5"}, Args{"--timeout=5"}, Args{"-timeout", "5"}, Args{"--t", "5"}}) {
        const auto result = parse(args);
        EXPECT_EQ(result.flags.integer("timeout"), 5) << args[0];
        EXPECT_EQ(result.flags.integer("t"), 5) << args[0];
        EXPECT_TRUE(result.flags.is_set("timeout"));
        EXPECT_TRUE(result.flags.is_set("t"));
        EXPECT_TRUE(result.args.empty());
    }
}

TEST(FlagsParse, StringValueForms) {
    EXPECT_EQ(parse({"-f=x"}).flags.string("format"), "x");
    EXPECT_EQ(parse({"-f", "x"}).flags.string("format"), "x");
    EXPECT_EQ(parse({"--format={{.Name}}={{.URL}}"}).flags.string("f"), "{{.Name}}={{.URL}}");
    EXPECT_EQ(parse({"-f="}).flags.string("format"), "");
    EXPECT_TRUE(parse({"-f="}).flags.is_set("format"));
    // The next word is the value even when it looks like a flag.
    const auto result = parse({"-f", "-q", "rest"});
    EXPECT_EQ(result.flags.string("format"), "-q");
    EXPECT_FALSE(result.flags.boolean("quiet"));
    EXPECT_EQ(result.args, (Args{"rest"}));
    EXPECT_EQ(parse({"-f", "--"}).flags.string("format"), "--");
}

TEST(FlagsParse, BooleanForms) {
    EXPECT_TRUE(parse({"-q"}).flags.boolean("quiet"));
    EXPECT_TRUE(parse({"--quiet"}).flags.boolean("q"));
    EXPECT_TRUE(parse({"-q=true"}).flags.boolean("quiet"));
    EXPECT_FALSE(parse({"-q=false"}).flags.boolean("quiet"));
    EXPECT_TRUE(parse({"-q=false"}).flags.is_set("quiet"));
    for (const char* word : {"1", "t", "T", "TRUE", "true", "True"}) {
        EXPECT_TRUE(parse({std::string("-q=") + word}).flags.boolean("quiet")) << word;
    }
    for (const char* word : {"0", "f", "F", "FALSE", "false", "False"}) {
        EXPECT_FALSE(parse({std::string("--quiet=") + word}).flags.boolean("quiet")) << word;
    }
    EXPECT_FALSE(parse({"-q", "-q=0"}).flags.boolean("quiet"));  // last wins
}

TEST(FlagsParse, WordAfterBooleanIsPositional) {
    const auto result = parse({"-q", "false", "-t", "3"});
    EXPECT_TRUE(result.flags.boolean("quiet"));
    EXPECT_EQ(result.flags.integer("timeout"), 10);
    EXPECT_EQ(result.args, (Args{"false", "-t", "3"}));
}

TEST(FlagsParse, DoubleDashEndsFlagsAndIsConsumed) {
    const auto result = parse({"-q", "--", "-t", "5"});
    EXPECT_TRUE(result.flags.boolean("quiet"));
    EXPECT_EQ(result.flags.integer("timeout"), 10);
    EXPECT_EQ(result.args, (Args{"-t", "5"}));
    EXPECT_EQ(parse({"--"}).args, Args{});
    EXPECT_EQ(parse({"--", "--"}).args, (Args{"--"}));
}

TEST(FlagsParse, LoneDashIsPositional) {
    const auto result = parse({"-", "-q"});
    EXPECT_FALSE(result.flags.boolean("quiet"));
    EXPECT_EQ(result.args, (Args{"-", "-q"}));
}

TEST(FlagsParse, FirstNonFlagWordStopsParsing) {
    const auto result = parse({"-q", "name", "-t", "5", "--bogus"});
    EXPECT_TRUE(result.flags.boolean("quiet"));
    EXPECT_EQ(result.flags.integer("timeout"), 10);
    EXPECT_EQ(result.args, (Args{"name", "-t", "5", "--bogus"}));
    EXPECT_EQ(parse({""}).args, (Args{""}));  // an empty word is not a flag either
}

TEST(FlagsParse, RepeatsLastWinsAndSlicesAppend) {
    EXPECT_EQ(parse({"-t", "5", "-t", "6"}).flags.integer("timeout"), 6);
    EXPECT_EQ(parse({"--timeout=5", "--timeout", "7"}).flags.integer("t"), 7);
    EXPECT_EQ(parse({"-f", "a", "-f=b"}).flags.string("format"), "b");
    EXPECT_EQ(parse({"--filter", "a=1", "-filter=b=2", "--filter", ""}).flags.strings("filter"),
              (Args{"a=1", "b=2", ""}));
}

TEST(FlagsParse, SliceDefaultIsTheInitialList) {
    auto def = slice_flag({"opt"}, "options");
    def.default_slice = {"d1", "d2"};
    EXPECT_EQ(parse_flags({def}, {}, false).flags.strings("opt"), (Args{"d1", "d2"}));
    EXPECT_EQ(parse_flags({def}, {"--opt", "x"}, false).flags.strings("opt"), (Args{"d1", "d2", "x"}));
}

// ---- errors ----

TEST(FlagsErrors, UndefinedFlagIsRenderedWithOneDashAndWithoutValue) {
    EXPECT_EQ(parse_error({"-qt", "5"}), "flag provided but not defined: -qt");
    EXPECT_EQ(parse_error({"--bogus"}), "flag provided but not defined: -bogus");
    EXPECT_EQ(parse_error({"-bogus"}), "flag provided but not defined: -bogus");
    EXPECT_EQ(parse_error({"--bogus=1=2"}), "flag provided but not defined: -bogus");
    EXPECT_EQ(parse_error({"-q", "--x="}), "flag provided but not defined: -x");
    EXPECT_EQ(parse_error({"-Q"}), "flag provided but not defined: -Q");  // names are case-sensitive
}

TEST(FlagsErrors, BadSyntax) {
    EXPECT_EQ(parse_error({"---x"}), "bad flag syntax: ---x");
    EXPECT_EQ(parse_error({"-=x"}), "bad flag syntax: -=x");
    EXPECT_EQ(parse_error({"--=x"}), "bad flag syntax: --=x");
    EXPECT_EQ(parse_error({"-="}), "bad flag syntax: -=");
    EXPECT_EQ(parse_error({"---"}), "bad flag syntax: ---");
}

TEST(FlagsErrors, MissingArgument) {
    EXPECT_EQ(parse_error({"-t"}), "flag needs an argument: -t");
    EXPECT_EQ(parse_error({"--timeout"}), "flag needs an argument: -timeout");
    EXPECT_EQ(parse_error({"-q", "--format"}), "flag needs an argument: -format");
    EXPECT_EQ(parse_error({"--filter"}), "flag needs an argument: -filter");
}

TEST(FlagsErrors, InvalidIntValue) {
    EXPECT_EQ(parse_error({"-t", "abc"}),
              "invalid value \"abc\" for flag -t: strconv.ParseInt: parsing \"abc\": invalid syntax");
    EXPECT_EQ(parse_error({"--timeout=abc"}),
              "invalid value \"abc\" for flag -timeout: strconv.ParseInt: parsing \"abc\": invalid syntax");
    EXPECT_EQ(parse_error({"-t="}),
              "invalid value \"\" for flag -t: strconv.ParseInt: parsing \"\": invalid syntax");
    EXPECT_EQ(parse_error({"-t", "99999999999999999999"}),
              "invalid value \"99999999999999999999\" for flag -t: strconv.ParseInt: parsing "
              "\"99999999999999999999\": value out of range");
}

TEST(FlagsErrors, InvalidBoolValue) {
    EXPECT_EQ(parse_error({"-q=x"}),
              "invalid boolean value \"x\" for -q: strconv.ParseBool: parsing \"x\": invalid syntax");
    EXPECT_EQ(parse_error({"--quiet=yes"}),
              "invalid boolean value \"yes\" for -quiet: strconv.ParseBool: parsing \"yes\": invalid syntax");
    EXPECT_EQ(parse_error({"-q="}),
              "invalid boolean value \"\" for -q: strconv.ParseBool: parsing \"\": invalid syntax");
}

TEST(FlagsErrors, ValuesAreGoQuoted) {
    EXPECT_EQ(parse_error({"-t=a\"b\\c"}),
              R"(invalid value "a\"b\\c" for flag -t: strconv.ParseInt: parsing "a\"b\\c": invalid syntax)");
    EXPECT_EQ(
        parse_error({"-q=\x01\n"}),
        R"(invalid boolean value "\x01\n" for -q: strconv.ParseBool: parsing "\x01\n": invalid syntax)");
}

TEST(FlagsErrors, AreGenericKind) {
    try {
        (void)parse({"--bogus"});
        FAIL();
    } catch (const FlagError& error) {
        EXPECT_EQ(error.kind(), FlagError::Kind::Generic);
    }
}

// ---- two forms ----

TEST(FlagsTwoForms, LaterDeclaredNameFirst) {
    for (const Args& args :
         {Args{"-t", "5", "--timeout", "6"}, Args{"--timeout", "6", "-t", "5"}, Args{"-timeout=1", "-t=1"}}) {
        try {
            (void)parse(args);
            FAIL() << "no error";
        } catch (const FlagError& error) {
            EXPECT_STREQ(error.what(), "Cannot use two forms of the same flag: t timeout");
            EXPECT_EQ(error.kind(), FlagError::Kind::TwoForms);
        }
    }
    const std::vector<FlagDef> create = {
        string_flag({"driver", "d"}, "virtualbox", "Driver to create machine with.")};
    EXPECT_EQ(parse_error(create, {"-d", "none", "--driver", "none"}),
              "Cannot use two forms of the same flag: d driver");
    EXPECT_EQ(parse_error({"-q", "--quiet=false"}), "Cannot use two forms of the same flag: q quiet");
}

TEST(FlagsTwoForms, SameNameTwiceIsFine) {
    EXPECT_EQ(parse({"-t", "1", "-t", "2"}).flags.integer("timeout"), 2);
}

TEST(FlagsTwoForms, FirstConflictingFlagInDeclarationOrderIsReported) {
    EXPECT_EQ(parse_error({"--format", "x", "-t", "1", "-f", "y", "--timeout", "2"}),
              "Cannot use two forms of the same flag: t timeout");
}

TEST(FlagsTwoForms, ReportedBeforeALaterParseError) {
    // codegangsta runs normalizeFlags on the flags seen before the parse error and reports it first.
    EXPECT_EQ(parse_error({"-t", "5", "--timeout", "6", "--bogus"}),
              "Cannot use two forms of the same flag: t timeout");
    EXPECT_EQ(parse_error({"-t", "5", "--bogus", "--timeout", "6"}), "flag provided but not defined: -bogus");
    EXPECT_EQ(parse_error({"-t", "5", "--timeout", "x"}),
              "invalid value \"x\" for flag -timeout: strconv.ParseInt: parsing \"x\": invalid syntax");
}

// ---- help ----

TEST(FlagsHelp, ImplicitHelpFlag) {
    for (const Args& args :
         {Args{"-h"}, Args{"--help"}, Args{"-help"}, Args{"--h"}, Args{"-h=true"}, Args{"-q", "-h", "x"}}) {
        EXPECT_TRUE(parse(args).help_requested) << args[0];
    }
    EXPECT_FALSE(parse({"-h=false"}).help_requested);
    EXPECT_FALSE(parse({"--", "-h"}).help_requested);
    EXPECT_EQ(parse_error({"-h", "--help"}), "Cannot use two forms of the same flag: h help");
    EXPECT_EQ(
        parse_error({"--help=maybe"}),
        "invalid boolean value \"maybe\" for -help: strconv.ParseBool: parsing \"maybe\": invalid syntax");
    EXPECT_THROW((void)parse({}).flags.boolean("help"), std::logic_error);
}

TEST(FlagsHelp, HelpWithReorderAfterPositional) {
    const auto result = parse({"name", "--help"}, true);
    EXPECT_TRUE(result.help_requested);
    EXPECT_EQ(result.args, (Args{"name"}));
}

// ---- environment ----

TEST(FlagsEnv, NonEmptyEnvReplacesStringDefault) {
    const std::vector<FlagDef> defs = {string_flag({"driver", "d"}, "virtualbox", "", "FLAGS_TEST_DRIVER")};
    EXPECT_EQ(parse_flags(defs, {}, false).flags.string("driver"), "virtualbox");
    {
        ScopedEnv env("FLAGS_TEST_DRIVER", "");
        EXPECT_EQ(parse_flags(defs, {}, false).flags.string("driver"), "virtualbox");
    }
    ScopedEnv env("FLAGS_TEST_DRIVER", "none");
    const auto result = parse_flags(defs, {}, false);
    EXPECT_EQ(result.flags.string("d"), "none");
    EXPECT_FALSE(result.flags.is_set("driver"));  // env defaults do not count as set
    EXPECT_EQ(parse_flags(defs, {"-d", "generic"}, false).flags.string("driver"), "generic");
}

TEST(FlagsEnv, FirstNonEmptyOfSeveralVariables) {
    const std::vector<FlagDef> defs = {string_flag({"x"}, "default", "", "FLAGS_TEST_A, FLAGS_TEST_B")};
    ScopedEnv a("FLAGS_TEST_A", "");
    ScopedEnv b("FLAGS_TEST_B", "from-b");
    EXPECT_EQ(parse_flags(defs, {}, false).flags.string("x"), "from-b");
}

TEST(FlagsEnv, SliceEnvIsSplitTrimmedAndCommandLineAppends) {
    const std::vector<FlagDef> defs = {slice_flag({"engine-registry-mirror"}, "", "FLAGS_TEST_MIRROR")};
    ScopedEnv env("FLAGS_TEST_MIRROR", " http://a , http://b,,c ");
    EXPECT_EQ(parse_flags(defs, {}, false).flags.strings("engine-registry-mirror"),
              (Args{"http://a", "http://b", "", "c"}));
    EXPECT_EQ(
        parse_flags(defs, {"--engine-registry-mirror", "x"}, false).flags.strings("engine-registry-mirror"),
        (Args{"http://a", "http://b", "", "c", "x"}));
}

TEST(FlagsEnv, SliceEnvTrimsUnicodeSpaceLikeGo) {
    const std::vector<FlagDef> defs = {slice_flag({"l"}, "", "FLAGS_TEST_LIST")};
    ScopedEnv env("FLAGS_TEST_LIST",
                  "\xc2\xa0"
                  "a\xe3\x80\x80,\tb\n,\xff ,\xc2\xa0");
    EXPECT_EQ(parse_flags(defs, {}, false).flags.strings("l"), (Args{"a", "b", "\xff", ""}));
}

TEST(FlagsEnv, BoolEnvParsedUnparseableIgnored) {
    const std::vector<FlagDef> defs = {bool_flag({"native-ssh"}, "", "FLAGS_TEST_NATIVE")};
    {
        ScopedEnv env("FLAGS_TEST_NATIVE", "1");
        EXPECT_TRUE(parse_flags(defs, {}, false).flags.boolean("native-ssh"));
        EXPECT_FALSE(parse_flags(defs, {"--native-ssh=false"}, false).flags.boolean("native-ssh"));
    }
    {
        ScopedEnv env("FLAGS_TEST_NATIVE", "yes");
        EXPECT_FALSE(parse_flags(defs, {}, false).flags.boolean("native-ssh"));
    }
    {
        ScopedEnv env("FLAGS_TEST_NATIVE", "False");
        EXPECT_FALSE(parse_flags(defs, {}, false).flags.boolean("native-ssh"));
    }
    // An unparseable first variable still ends the search for bools.
    const std::vector<FlagDef> two = {bool_flag({"b"}, "", "FLAGS_TEST_B1,FLAGS_TEST_B2")};
    ScopedEnv first("FLAGS_TEST_B1", "nope");
    ScopedEnv second("FLAGS_TEST_B2", "true");
    EXPECT_FALSE(parse_flags(two, {}, false).flags.boolean("b"));
}

TEST(FlagsEnv, IntEnvWithBaseDetectionUnparseableIgnored) {
    const std::vector<FlagDef> defs = {int_flag({"virtualbox-memory"}, 1024, "", "FLAGS_TEST_MEMORY")};
    {
        ScopedEnv env("FLAGS_TEST_MEMORY", "0x10");
        EXPECT_EQ(parse_flags(defs, {}, false).flags.integer("virtualbox-memory"), 16);
    }
    {
        ScopedEnv env("FLAGS_TEST_MEMORY", "abc");
        EXPECT_EQ(parse_flags(defs, {}, false).flags.integer("virtualbox-memory"), 1024);
    }
    // An unparseable int variable moves on to the next one.
    const std::vector<FlagDef> two = {int_flag({"n"}, 1, "", "FLAGS_TEST_N1,FLAGS_TEST_N2")};
    ScopedEnv first("FLAGS_TEST_N1", "x");
    ScopedEnv second("FLAGS_TEST_N2", "010");
    EXPECT_EQ(parse_flags(two, {}, false).flags.integer("n"), 8);
}

// ---- reordering ----

TEST(FlagsReorder, Steps) {
    EXPECT_EQ(reorder_args({}), Args{});
    EXPECT_EQ(reorder_args({"a", "b"}), (Args{"a", "b"}));
    EXPECT_EQ(reorder_args({"a", "-f", "b"}), (Args{"-f", "b", "a"}));
    EXPECT_EQ(reorder_args({"a", "b", "-q", "c", "--", "d", "-x"}),
              (Args{"-q", "c", "a", "b", "--", "d", "-x"}));
    EXPECT_EQ(reorder_args({"--", "a", "-q"}), (Args{"--", "a", "-q"}));  // terminator before any flag
    EXPECT_EQ(reorder_args({"a", "-", "b"}), (Args{"-", "b", "a"}));      // a lone dash counts as a flag here
    EXPECT_EQ(reorder_args({"-q", "a"}), (Args{"-q", "a"}));
    EXPECT_EQ(reorder_args({"a", "--", "-q"}), (Args{"a", "--", "-q"}));
}

TEST(FlagsReorder, ReferenceConsequences) {
    const auto ls = parse({"name", "-q"}, true);
    EXPECT_TRUE(ls.flags.boolean("quiet"));
    EXPECT_EQ(ls.args, (Args{"name"}));

    const auto rm = parse_flags(rm_flags(), {"a", "-f", "b"}, true);
    EXPECT_TRUE(rm.flags.boolean("force"));
    EXPECT_EQ(rm.args, (Args{"b", "a"}));

    const auto rm_y = parse_flags(rm_flags(), {"a", "-f", "b", "-y"}, true);
    EXPECT_TRUE(rm_y.flags.boolean("force"));
    EXPECT_FALSE(rm_y.flags.boolean("y"));
    EXPECT_EQ(rm_y.args, (Args{"b", "-y", "a"}));
}

TEST(FlagsReorder, TerminatorHandling) {
    // Flags before `--` are parsed; the words moved after them stop parsing, so `--` stays an argument.
    const auto kept = parse({"a", "-q", "--", "-t"}, true);
    EXPECT_TRUE(kept.flags.boolean("quiet"));
    EXPECT_EQ(kept.args, (Args{"a", "--", "-t"}));
    // No positional before the flags: `--` is consumed by the Go parser.
    const auto consumed = parse({"-q", "--", "x"}, true);
    EXPECT_EQ(consumed.args, (Args{"x"}));
    const auto first = parse({"--", "-q"}, true);
    EXPECT_FALSE(first.flags.boolean("quiet"));
    EXPECT_EQ(first.args, (Args{"-q"}));
}

TEST(FlagsReorder, WithoutReorderPositionalFirstStops) {
    const auto result = parse({"name", "-q"}, false);
    EXPECT_FALSE(result.flags.boolean("quiet"));
    EXPECT_EQ(result.args, (Args{"name", "-q"}));
}

TEST(FlagsReorder, ErrorsAfterReorder) {
    EXPECT_EQ(parse_error({"name", "--bogus"}, true), "flag provided but not defined: -bogus");
    // `name` is moved after `-t`, which then takes it as its value.
    EXPECT_EQ(parse_error({"name", "-t"}, true),
              "invalid value \"name\" for flag -t: strconv.ParseInt: parsing \"name\": invalid syntax");
    EXPECT_EQ(parse_error({"-t"}, true), "flag needs an argument: -t");
}

// ---- lookups ----

TEST(FlagsLookup, UnknownNamesAndKinds) {
    const auto result = parse({"-t", "7", "-f", "12"});
    EXPECT_THROW((void)result.flags.boolean("nope"), std::logic_error);
    EXPECT_THROW((void)result.flags.string("nope"), std::logic_error);
    EXPECT_THROW((void)result.flags.integer("nope"), std::logic_error);
    EXPECT_THROW((void)result.flags.strings("nope"), std::logic_error);
    EXPECT_THROW((void)result.flags.is_set("nope"), std::logic_error);
    EXPECT_THROW((void)result.flags.strings("timeout"), std::logic_error);
    EXPECT_EQ(result.flags.string("timeout"), "7");
    EXPECT_EQ(result.flags.integer("format"), 12);
    EXPECT_EQ(result.flags.string("quiet"), "false");
    EXPECT_EQ(parse({"-f", "x"}).flags.integer("format"), 0);
    EXPECT_TRUE(parse({"-f", "T"}).flags.boolean("format"));
    EXPECT_TRUE(parse({"-t", "1"}).flags.boolean("timeout"));
    EXPECT_EQ(parse({"--filter", "a", "--filter", "b"}).flags.string("filter"), "[a b]");
}

TEST(FlagsLookup, RedefinitionIsAProgrammingError) {
    EXPECT_THROW((void)parse_flags({bool_flag({"a", "b"}, ""), bool_flag({"b"}, "")}, {}, false),
                 std::logic_error);
    EXPECT_THROW((void)parse_flags({bool_flag({}, "")}, {}, false), std::logic_error);
}

TEST(FlagsLookup, DeclaredHelpReplacesTheImplicitOne) {
    const auto result = parse_flags({bool_flag({"help"}, "")}, {"--help"}, false);
    EXPECT_TRUE(result.help_requested);
    EXPECT_TRUE(result.flags.boolean("help"));
    // `h` alone is still implicit.
    EXPECT_TRUE(parse_flags({bool_flag({"help"}, "")}, {"-h"}, false).help_requested);
}

// ---- Go strconv ----

TEST(GoStrconv, ParseBool) {
    bool value = false;
    EXPECT_TRUE(parse_go_bool("True", value));
    EXPECT_TRUE(value);
    EXPECT_TRUE(parse_go_bool("F", value));
    EXPECT_FALSE(value);
    for (const char* bad : {"", "yes", "tRUE", "00", " true", "FaLsE"}) {
        EXPECT_FALSE(parse_go_bool(bad, value)) << bad;
    }
}

TEST(GoStrconv, ParseIntBases) {
    const std::vector<std::pair<std::string, long long>> good = {
        {"0", 0},
        {"10", 10},
        {"-10", -10},
        {"+5", 5},
        {"0x10", 16},
        {"0X1f", 31},
        {"010", 8},
        {"-010", -8},
        {"00", 0},
        {"-0x10", -16},
        {"9223372036854775807", 9223372036854775807LL},
        {"-9223372036854775808", static_cast<long long>(-9223372036854775807LL - 1)},
        {"0x7fffffffffffffff", 9223372036854775807LL}};
    for (const auto& [text, expected] : good) {
        long long value = -1;
        std::string error;
        EXPECT_TRUE(parse_go_int(text, value, &error)) << text << ": " << error;
        EXPECT_EQ(value, expected) << text;
    }
}

TEST(GoStrconv, ParseIntErrors) {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"", "invalid syntax"},
        {"abc", "invalid syntax"},
        {"08", "invalid syntax"},
        {"0x", "invalid syntax"},
        {"0b", "invalid syntax"},
        // Go 1.12 (what 0.16.2 was built with) has no 0b/0o prefixes or digit separators.
        {"0b101", "invalid syntax"},
        {"0o17", "invalid syntax"},
        {"1_000", "invalid syntax"},
        {"0x_ff", "invalid syntax"},
        {"0b2", "invalid syntax"},
        {"1.5", "invalid syntax"},
        {" 1", "invalid syntax"},
        {"1 ", "invalid syntax"},
        {"-", "invalid syntax"},
        {"+-1", "invalid syntax"},
        {"_1", "invalid syntax"},
        {"1_", "invalid syntax"},
        {"1__0", "invalid syntax"},
        {"0x_", "invalid syntax"},
        {"--1", "invalid syntax"},
        {"1e3", "invalid syntax"},
        {"9223372036854775808", "value out of range"},
        {"-9223372036854775809", "value out of range"},
        {"18446744073709551616", "value out of range"},
        {"0x10000000000000000", "value out of range"},
        {"99999999999999999999x", "value out of range"}};  // Go stops at the overflow
    for (const auto& [text, reason] : bad) {
        long long value = 0;
        std::string error;
        EXPECT_FALSE(parse_go_int(text, value, &error)) << text;
        EXPECT_EQ(error, "strconv.ParseInt: parsing " + go_quote(text) + ": " + reason) << text;
    }
    long long value = 0;
    EXPECT_FALSE(parse_go_int("x", value));  // no error text wanted
}

TEST(GoStrconv, Quote) {
    EXPECT_EQ(go_quote(""), "\"\"");
    EXPECT_EQ(go_quote("abc"), "\"abc\"");
    EXPECT_EQ(go_quote("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(go_quote("\a\b\f\n\r\t\v"), R"("\a\b\f\n\r\t\v")");
    EXPECT_EQ(go_quote(std::string("\x00\x1b", 2)), R"("\x00\x1b")");
    EXPECT_EQ(go_quote("\x7f"), R"("\u007f")");
    EXPECT_EQ(go_quote("h\xc3\xa9llo \xe4\xb8\x96"), "\"h\xc3\xa9llo \xe4\xb8\x96\"");  // printable: as is
    EXPECT_EQ(go_quote("\xff"), R"("\xff")");
    EXPECT_EQ(go_quote("\xc3"), R"("\xc3")");                  // truncated sequence
    EXPECT_EQ(go_quote("\xc0\x80"), R"("\xc0\x80")");          // overlong
    EXPECT_EQ(go_quote("\xed\xa0\x80"), R"("\xed\xa0\x80")");  // surrogate
    EXPECT_EQ(go_quote("\xc2\xa0"), R"("\u00a0")");            // no-break space is not printable in Go
    EXPECT_EQ(go_quote("\xc2\x85"), R"("\u0085")");
    EXPECT_EQ(go_quote("\xe2\x80\x8b"), R"("\u200b")");
    EXPECT_EQ(go_quote("\xef\xbb\xbf"), R"("\ufeff")");
    EXPECT_EQ(go_quote("\xf3\xb0\x80\x80"), R"("\U000f0000")");
    EXPECT_EQ(go_quote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");  // emoji: printable
    EXPECT_EQ(go_quote("\xef\xbf\xbd"), "\"\xef\xbf\xbd\"");          // a real U+FFFD is printable
}

TEST(GoStrconv, RuneCount) {
    EXPECT_EQ(rune_count(""), 0u);
    EXPECT_EQ(rune_count("abc"), 3u);
    EXPECT_EQ(rune_count("h\xc3\xa9"), 2u);
    EXPECT_EQ(rune_count("\xe4\xb8\x96\xf0\x9f\x98\x80"), 2u);
    EXPECT_EQ(rune_count("\xff\xfe"), 2u);
    EXPECT_EQ(rune_count("\xe4\xb8"), 2u);  // each byte of an invalid sequence is one rune
    EXPECT_EQ(rune_count("\xe4\xb8x"), 3u);
}

// ---- help lines ----

TEST(HelpRender, FlagLines) {
    EXPECT_EQ(render_flag_line(bool_flag({"quiet", "q"}, "Enable quiet mode")),
              "--quiet, -q\tEnable quiet mode");
    EXPECT_EQ(render_flag_line(string_flag({"driver", "d"}, "virtualbox", "Driver to create machine with.",
                                           "MACHINE_DRIVER")),
              "--driver, -d \"virtualbox\"\tDriver to create machine with. [$MACHINE_DRIVER]");
    EXPECT_EQ(render_flag_line(string_flag({"format", "f"}, "", "Pretty-print")),
              "--format, -f \tPretty-print");
    EXPECT_EQ(render_flag_line(int_flag({"timeout", "t"}, 10, "Timeout")), "--timeout, -t \"10\"\tTimeout");
    EXPECT_EQ(render_flag_line(int_flag({"n"}, -1, "N")), "-n \"-1\"\tN");
    EXPECT_EQ(render_flag_line(int_flag({"zero"}, 0, "Z")), "--zero \"0\"\tZ");
    EXPECT_EQ(render_flag_line(slice_flag({"engine-opt"}, "Opts")),
              "--engine-opt [--engine-opt option --engine-opt option]\tOpts");
    EXPECT_EQ(render_flag_line(slice_flag({"e", "env"}, "Env", "E")),
              "-e, --env [-e option -e option]\tEnv [$E]");
    EXPECT_EQ(render_flag_line(bool_flag({"x"}, "", "A,B")), "-x\t [$A, $B]");
    auto with_default = slice_flag({"s"}, "S");
    with_default.default_slice = {"never", "shown"};
    EXPECT_EQ(render_flag_line(with_default), "-s [-s option -s option]\tS");
}

TEST(HelpRender, LsCommandHelp) {
    const std::string expected = from_cat_a(R"ref(Usage: docker-machine ls [OPTIONS] [arg...]$
$
List machines$
$
Options:$
   $
   --quiet, -q^I^I^I^I^IEnable quiet mode$
   --filter [--filter option --filter option]^IFilter output based on conditions provided$
   --timeout, -t "10"^I^I^I^ITimeout in seconds, default to 10s$
   --format, -f ^I^I^I^IPretty-print machines using a Go template$
)ref");
    EXPECT_EQ(render_command_help(CommandHelp{"ls", "List machines", "", ls_flags()}), expected);
}

TEST(HelpRender, CommandWithoutFlagsOrDescription) {
    EXPECT_EQ(render_command_help(CommandHelp{"ip", "Get the IP address of a machine", "", {}}),
              "Usage: docker-machine ip [arg...]\n\nGet the IP address of a machine\n");
}

TEST(HelpRender, DescriptionWithoutFlags) {
    EXPECT_EQ(render_command_help(CommandHelp{"x", "Usage text", "More words.", {}}),
              "Usage: docker-machine x [arg...]\n\nUsage text\n\nDescription:\n   More words.\n");
}

std::vector<FlagDef> create_flags_with_virtualbox() {
    std::vector<FlagDef> flags = {
        string_flag({"driver", "d"}, "virtualbox", "Driver to create machine with.", "MACHINE_DRIVER"),
        string_flag({"engine-install-url"}, "https://get.docker.com",
                    "Custom URL to use for engine installation", "MACHINE_DOCKER_INSTALL_URL"),
        slice_flag({"engine-opt"},
                   "Specify arbitrary flags to include with the created engine in the form flag=value"),
        slice_flag({"engine-insecure-registry"},
                   "Specify insecure registries to allow with the created engine"),
        slice_flag({"engine-registry-mirror"}, "Specify registry mirrors to use", "ENGINE_REGISTRY_MIRROR"),
        slice_flag({"engine-label"}, "Specify labels for the created engine"),
        string_flag({"engine-storage-driver"}, "", "Specify a storage driver to use with the engine"),
        slice_flag({"engine-env"}, "Specify environment variables to set in the engine"),
        bool_flag({"swarm"}, "Configure Machine to join a Swarm cluster"),
        string_flag({"swarm-image"}, "swarm:latest", "Specify Docker image to use for Swarm",
                    "MACHINE_SWARM_IMAGE"),
        bool_flag({"swarm-master"}, "Configure Machine to be a Swarm master"),
        string_flag({"swarm-discovery"}, "", "Discovery service to use with Swarm"),
        string_flag({"swarm-strategy"}, "spread", "Define a default scheduling strategy for Swarm"),
        slice_flag({"swarm-opt"}, "Define arbitrary flags for Swarm master"),
        slice_flag({"swarm-join-opt"}, "Define arbitrary flags for Swarm join"),
        string_flag({"swarm-host"}, "tcp://0.0.0.0:3376", "ip/socket to listen on for Swarm master"),
        string_flag({"swarm-addr"}, "",
                    "addr to advertise for Swarm (default: detect and use the machine IP)"),
        bool_flag({"swarm-experimental"}, "Enable Swarm experimental features"),
        slice_flag({"tls-san"}, "Support extra SANs for TLS certs"),
        string_flag({"virtualbox-boot2docker-url"}, "",
                    "The URL of the boot2docker image. Defaults to the latest available version",
                    "VIRTUALBOX_BOOT2DOCKER_URL"),
        int_flag({"virtualbox-cpu-count"}, 1,
                 "number of CPUs for the machine (-1 to use the number of CPUs available)",
                 "VIRTUALBOX_CPU_COUNT"),
        int_flag({"virtualbox-disk-size"}, 20000, "Size of disk for host in MB", "VIRTUALBOX_DISK_SIZE"),
        bool_flag({"virtualbox-host-dns-resolver"}, "Use the host DNS resolver",
                  "VIRTUALBOX_HOST_DNS_RESOLVER"),
        string_flag({"virtualbox-hostonly-cidr"}, "192.168.99.1/24", "Specify the Host Only CIDR",
                    "VIRTUALBOX_HOSTONLY_CIDR"),
        string_flag({"virtualbox-hostonly-nicpromisc"}, "deny",
                    "Specify the Host Only Network Adapter Promiscuous Mode",
                    "VIRTUALBOX_HOSTONLY_NIC_PROMISC"),
        string_flag({"virtualbox-hostonly-nictype"}, "82540EM", "Specify the Host Only Network Adapter Type",
                    "VIRTUALBOX_HOSTONLY_NIC_TYPE"),
        bool_flag({"virtualbox-hostonly-no-dhcp"}, "Disable the Host Only DHCP Server",
                  "VIRTUALBOX_HOSTONLY_NO_DHCP"),
        string_flag({"virtualbox-import-boot2docker-vm"}, "", "The name of a Boot2Docker VM to import",
                    "VIRTUALBOX_BOOT2DOCKER_IMPORT_VM"),
        int_flag({"virtualbox-memory"}, 1024, "Size of memory for host in MB", "VIRTUALBOX_MEMORY_SIZE"),
        string_flag({"virtualbox-nat-nictype"}, "82540EM", "Specify the Network Adapter Type",
                    "VIRTUALBOX_NAT_NICTYPE"),
        bool_flag({"virtualbox-no-dns-proxy"}, "Disable proxying all DNS requests to the host",
                  "VIRTUALBOX_NO_DNS_PROXY"),
        bool_flag({"virtualbox-no-share"}, "Disable the mount of your home directory", "VIRTUALBOX_NO_SHARE"),
        bool_flag({"virtualbox-no-vtx-check"},
                  "Disable checking for the availability of hardware virtualization before the vm is started",
                  "VIRTUALBOX_NO_VTX_CHECK"),
        string_flag({"virtualbox-share-folder"}, "",
                    "Mount the specified directory instead of the default home location. Format: dir:name",
                    "VIRTUALBOX_SHARE_FOLDER"),
        string_flag({"virtualbox-ui-type"}, "headless", "Specify the UI Type: (gui|sdl|headless|separate)",
                    "VIRTUALBOX_UI_TYPE"),
    };
    // create sorts its flags by their rendered help line (cli.md §3.3).
    std::sort(flags.begin(), flags.end(),
              [](const FlagDef& a, const FlagDef& b) { return render_flag_line(a) < render_flag_line(b); });
    return flags;
}

TEST(HelpRender, CreateHelpWithVirtualboxFlags) {
    // First 20 flag lines verbatim from cli.md §3.3; the other 15 follow the same column (104 = 99 + 1
    // rounded up).
    const std::string expected = from_cat_a(R"ref(Usage: docker-machine create [OPTIONS] [arg...]$
$
Create a machine$
$
Description:$
   Run 'docker-machine create --driver name --help' to include the create flags for that driver in the help text.$
$
Options:$
   $
   --driver, -d "virtualbox"^I^I^I^I^I^I^I^I^I^IDriver to create machine with. [$MACHINE_DRIVER]$
   --engine-env [--engine-env option --engine-env option]^I^I^I^I^I^ISpecify environment variables to set in the engine$
   --engine-insecure-registry [--engine-insecure-registry option --engine-insecure-registry option]^ISpecify insecure registries to allow with the created engine$
   --engine-install-url "https://get.docker.com"^I^I^I^I^I^I^ICustom URL to use for engine installation [$MACHINE_DOCKER_INSTALL_URL]$
   --engine-label [--engine-label option --engine-label option]^I^I^I^I^I^ISpecify labels for the created engine$
   --engine-opt [--engine-opt option --engine-opt option]^I^I^I^I^I^ISpecify arbitrary flags to include with the created engine in the form flag=value$
   --engine-registry-mirror [--engine-registry-mirror option --engine-registry-mirror option]^I^ISpecify registry mirrors to use [$ENGINE_REGISTRY_MIRROR]$
   --engine-storage-driver ^I^I^I^I^I^I^I^I^I^ISpecify a storage driver to use with the engine$
   --swarm^I^I^I^I^I^I^I^I^I^I^I^IConfigure Machine to join a Swarm cluster$
   --swarm-addr ^I^I^I^I^I^I^I^I^I^I^Iaddr to advertise for Swarm (default: detect and use the machine IP)$
   --swarm-discovery ^I^I^I^I^I^I^I^I^I^I^IDiscovery service to use with Swarm$
   --swarm-experimental^I^I^I^I^I^I^I^I^I^I^IEnable Swarm experimental features$
   --swarm-host "tcp://0.0.0.0:3376"^I^I^I^I^I^I^I^I^Iip/socket to listen on for Swarm master$
   --swarm-image "swarm:latest"^I^I^I^I^I^I^I^I^I^ISpecify Docker image to use for Swarm [$MACHINE_SWARM_IMAGE]$
   --swarm-join-opt [--swarm-join-opt option --swarm-join-opt option]^I^I^I^I^IDefine arbitrary flags for Swarm join$
   --swarm-master^I^I^I^I^I^I^I^I^I^I^IConfigure Machine to be a Swarm master$
   --swarm-opt [--swarm-opt option --swarm-opt option]^I^I^I^I^I^I^IDefine arbitrary flags for Swarm master$
   --swarm-strategy "spread"^I^I^I^I^I^I^I^I^I^IDefine a default scheduling strategy for Swarm$
   --tls-san [--tls-san option --tls-san option]^I^I^I^I^I^I^ISupport extra SANs for TLS certs$
   --virtualbox-boot2docker-url ^I^I^I^I^I^I^I^I^IThe URL of the boot2docker image. Defaults to the latest available version [$VIRTUALBOX_BOOT2DOCKER_URL]$
   --virtualbox-cpu-count "1"^I^I^I^I^I^I^I^I^I^Inumber of CPUs for the machine (-1 to use the number of CPUs available) [$VIRTUALBOX_CPU_COUNT]$
   --virtualbox-disk-size "20000"^I^I^I^I^I^I^I^I^ISize of disk for host in MB [$VIRTUALBOX_DISK_SIZE]$
   --virtualbox-host-dns-resolver^I^I^I^I^I^I^I^I^IUse the host DNS resolver [$VIRTUALBOX_HOST_DNS_RESOLVER]$
   --virtualbox-hostonly-cidr "192.168.99.1/24"^I^I^I^I^I^I^I^ISpecify the Host Only CIDR [$VIRTUALBOX_HOSTONLY_CIDR]$
   --virtualbox-hostonly-nicpromisc "deny"^I^I^I^I^I^I^I^ISpecify the Host Only Network Adapter Promiscuous Mode [$VIRTUALBOX_HOSTONLY_NIC_PROMISC]$
   --virtualbox-hostonly-nictype "82540EM"^I^I^I^I^I^I^I^ISpecify the Host Only Network Adapter Type [$VIRTUALBOX_HOSTONLY_NIC_TYPE]$
   --virtualbox-hostonly-no-dhcp^I^I^I^I^I^I^I^I^IDisable the Host Only DHCP Server [$VIRTUALBOX_HOSTONLY_NO_DHCP]$
   --virtualbox-import-boot2docker-vm ^I^I^I^I^I^I^I^I^IThe name of a Boot2Docker VM to import [$VIRTUALBOX_BOOT2DOCKER_IMPORT_VM]$
   --virtualbox-memory "1024"^I^I^I^I^I^I^I^I^I^ISize of memory for host in MB [$VIRTUALBOX_MEMORY_SIZE]$
   --virtualbox-nat-nictype "82540EM"^I^I^I^I^I^I^I^I^ISpecify the Network Adapter Type [$VIRTUALBOX_NAT_NICTYPE]$
   --virtualbox-no-dns-proxy^I^I^I^I^I^I^I^I^I^IDisable proxying all DNS requests to the host [$VIRTUALBOX_NO_DNS_PROXY]$
   --virtualbox-no-share^I^I^I^I^I^I^I^I^I^IDisable the mount of your home directory [$VIRTUALBOX_NO_SHARE]$
   --virtualbox-no-vtx-check^I^I^I^I^I^I^I^I^I^IDisable checking for the availability of hardware virtualization before the vm is started [$VIRTUALBOX_NO_VTX_CHECK]$
   --virtualbox-share-folder ^I^I^I^I^I^I^I^I^I^IMount the specified directory instead of the default home location. Format: dir:name [$VIRTUALBOX_SHARE_FOLDER]$
   --virtualbox-ui-type "headless"^I^I^I^I^I^I^I^I^ISpecify the UI Type: (gui|sdl|headless|separate) [$VIRTUALBOX_UI_TYPE]$
)ref");
    const auto flags = create_flags_with_virtualbox();
    ASSERT_EQ(flags.size(), 35u);
    const std::string description =
        "Run 'docker-machine create --driver name --help' to include the create flags for that driver in the "
        "help "
        "text.";
    EXPECT_EQ(render_command_help(CommandHelp{"create", "Create a machine", description, flags}), expected);
}

std::vector<FlagDef> global_flags() {
    return {
        bool_flag({"debug", "D"}, "Enable debug mode"),
        string_flag({"storage-path", "s"}, "", "Configures storage path", "MACHINE_STORAGE_PATH"),
        string_flag({"tls-ca-cert"}, "", "CA to verify remotes against", "MACHINE_TLS_CA_CERT"),
        string_flag({"tls-ca-key"}, "", "Private key to generate certificates", "MACHINE_TLS_CA_KEY"),
        string_flag({"tls-client-cert"}, "", "Client cert to use for TLS", "MACHINE_TLS_CLIENT_CERT"),
        string_flag({"tls-client-key"}, "", "Private key used in client TLS auth", "MACHINE_TLS_CLIENT_KEY"),
        string_flag({"github-api-token"}, "", "Token to use for requests to the Github API",
                    "MACHINE_GITHUB_API_TOKEN"),
        bool_flag({"native-ssh"}, "Use the native (Go-based) SSH implementation.", "MACHINE_NATIVE_SSH"),
        string_flag({"bugsnag-api-token"}, "", "BugSnag API token for crash reporting",
                    "MACHINE_BUGSNAG_API_TOKEN")};
}

std::vector<AppCommand> app_commands() {
    return {{"active", "Print which machine is active"},
            {"config", "Print the connection config for machine"},
            {"create", "Create a machine"},
            {"env", "Display the commands to set up the environment for the Docker client"},
            {"inspect", "Inspect information about a machine"},
            {"ip", "Get the IP address of a machine"},
            {"kill", "Kill a machine"},
            {"ls", "List machines"},
            {"provision", "Re-provision existing machines"},
            {"regenerate-certs", "Regenerate TLS Certificates for a machine"},
            {"restart", "Restart a machine"},
            {"rm", "Remove a machine"},
            {"ssh", "Log into or run a command on a machine with SSH."},
            {"scp", "Copy files between machines"},
            {"mount", "Mount or unmount a directory from a machine with SSHFS."},
            {"start", "Start a machine"},
            {"status", "Get the status of a machine"},
            {"stop", "Stop a machine"},
            {"upgrade", "Upgrade a machine to the latest version of Docker"},
            {"url", "Get the URL of a machine"},
            {"version", "Show the Docker Machine version or a machine docker version"},
            {"help", "Shows a list of commands or help for one command"}};
}

const char* const k_app_help = R"ref(Usage: docker-machine [OPTIONS] COMMAND [arg...]$
$
Create and manage machines running Docker.$
$
Version: 0.16.2, build bd45ab13$
$
Author:$
  Docker Machine Contributors - <https://github.com/docker/machine>$
$
Options:$
  --debug, -D^I^I^I^I^I^IEnable debug mode$
  --storage-path, -s "/home/user/.docker/machine"^IConfigures storage path [$MACHINE_STORAGE_PATH]$
  --tls-ca-cert ^I^I^I^I^ICA to verify remotes against [$MACHINE_TLS_CA_CERT]$
  --tls-ca-key ^I^I^I^I^I^IPrivate key to generate certificates [$MACHINE_TLS_CA_KEY]$
  --tls-client-cert ^I^I^I^I^IClient cert to use for TLS [$MACHINE_TLS_CLIENT_CERT]$
  --tls-client-key ^I^I^I^I^IPrivate key used in client TLS auth [$MACHINE_TLS_CLIENT_KEY]$
  --github-api-token ^I^I^I^I^IToken to use for requests to the Github API [$MACHINE_GITHUB_API_TOKEN]$
  --native-ssh^I^I^I^I^I^IUse the native (Go-based) SSH implementation. [$MACHINE_NATIVE_SSH]$
  --bugsnag-api-token ^I^I^I^I^IBugSnag API token for crash reporting [$MACHINE_BUGSNAG_API_TOKEN]$
  --help, -h^I^I^I^I^I^Ishow help$
  --version, -v^I^I^I^I^I^Iprint the version$
  $
Commands:$
  active^I^IPrint which machine is active$
  config^I^IPrint the connection config for machine$
  create^I^ICreate a machine$
  env^I^I^IDisplay the commands to set up the environment for the Docker client$
  inspect^I^IInspect information about a machine$
  ip^I^I^IGet the IP address of a machine$
  kill^I^I^IKill a machine$
  ls^I^I^IList machines$
  provision^I^IRe-provision existing machines$
  regenerate-certs^IRegenerate TLS Certificates for a machine$
  restart^I^IRestart a machine$
  rm^I^I^IRemove a machine$
  ssh^I^I^ILog into or run a command on a machine with SSH.$
  scp^I^I^ICopy files between machines$
  mount^I^I^IMount or unmount a directory from a machine with SSHFS.$
  start^I^I^IStart a machine$
  status^I^IGet the status of a machine$
  stop^I^I^IStop a machine$
  upgrade^I^IUpgrade a machine to the latest version of Docker$
  url^I^I^IGet the URL of a machine$
  version^I^IShow the Docker Machine version or a machine docker version$
  help^I^I^IShows a list of commands or help for one command$
  $
Run 'docker-machine COMMAND --help' for more information on a command.$
)ref";

TEST(HelpRender, AppHelpMatchesReference) {
    const std::string expected = from_cat_a(k_app_help);
    EXPECT_EQ(render_app_help("docker-machine", "/home/user/.docker/machine", global_flags(), app_commands()),
              expected);
    // Help and version given by the caller (in any order) are still listed once, last, in codegangsta's
    // order.
    auto with_builtin = global_flags();
    with_builtin.insert(with_builtin.begin(), bool_flag({"version", "v"}, "print the version"));
    with_builtin.push_back(bool_flag({"help", "h"}, "show help"));
    EXPECT_EQ(render_app_help("docker-machine", "/home/user/.docker/machine", with_builtin, app_commands()),
              expected);
}

TEST(HelpRender, AppHelpUsesAppNameAndStorageDefault) {
    const std::string text = render_app_help("dm", "/tmp/store", global_flags(), app_commands());
    EXPECT_EQ(text.rfind("Usage: dm [OPTIONS] COMMAND [arg...]\n", 0), 0u);
    EXPECT_NE(
        text.find("  --storage-path, -s \"/tmp/store\"\tConfigures storage path [$MACHINE_STORAGE_PATH]\n"),
        std::string::npos);
    EXPECT_NE(text.find("\nRun 'dm COMMAND --help' for more information on a command.\n"), std::string::npos);
    // A shorter storage path narrows the options column to 40: --debug needs 4 tabs instead of 6.
    EXPECT_NE(text.find("  --debug, -D\t\t\t\tEnable debug mode\n"), std::string::npos);
}

// ---- tab-writer ----

TEST(Tabwriter, HelpFlavourRoundsToTabStops) {
    EXPECT_EQ(tabwrite_help("abcdefg\tx\n"), "abcdefg\tx\n");    // 7 + 1 = 8
    EXPECT_EQ(tabwrite_help("abcdefgh\tx\n"), "abcdefgh\tx\n");  // 9 -> 16: one tab still reaches it
    EXPECT_EQ(tabwrite_help("a\tx\nabcdefgh\ty\n"), "a\t\tx\nabcdefgh\ty\n");
    EXPECT_EQ(tabwrite_help("\tx\n"), "\tx\n");  // empty cell: width 1 -> 8
    EXPECT_EQ(tabwrite_help("no tabs\n"), "no tabs\n");
    EXPECT_EQ(tabwrite_help(""), "");
}

TEST(Tabwriter, BlocksEndAtLinesWithoutTabs) {
    EXPECT_EQ(tabwrite_help("a\tx\n--\nabcdefghijklmnop\ty\n"), "a\tx\n--\nabcdefghijklmnop\ty\n");
    EXPECT_EQ(tabwrite_help("a\tx\nabcdefghijklmnop\ty\n"), "a\t\t\tx\nabcdefghijklmnop\ty\n");
}

TEST(Tabwriter, NestedColumnBlocks) {
    // Column 1 exists on lines 1 and 3 only (line 2's second cell is its last): two separate blocks.
    EXPECT_EQ(tabwrite_table("a\tb\tc\na\tbbbbbbbbbbbb\na\tbbbbbbb\tc\n"),
              "a    b    c\n"
              "a    bbbbbbbbbbbb\n"
              "a    bbbbbbb   c\n");
    EXPECT_EQ(tabwrite_help("a\tb\tc\naaaaaaaaa\tb\nx\n"), "a\t\tb\tc\naaaaaaaaa\tb\nx\n");
}

TEST(Tabwriter, TableFlavourPadding) {
    EXPECT_EQ(tabwrite_table("a\tb\n"), "a    b\n");           // minwidth 5
    EXPECT_EQ(tabwrite_table("abcdef\tb\n"), "abcdef   b\n");  // padding 3
    EXPECT_EQ(tabwrite_table("a\t\tc\n"), "a         c\n");    // empty cells are padded too
    EXPECT_EQ(tabwrite_table("a\tb\t\n"), "a    b    \n");     // trailing empty last cell
    EXPECT_EQ(tabwrite_table("a\tb"), "a    b");               // no final newline
    EXPECT_EQ(tabwrite_table("h\xc3\xa9\tx\nab\tx\n"), "h\xc3\xa9   x\nab   x\n");  // runes, not bytes
    EXPECT_EQ(tabwrite_table("\xe4\xb8\tx\n"), "\xe4\xb8   x\n");  // invalid bytes: one rune each
}

TEST(Tabwriter, VerticalTabAndFormFeed) {
    EXPECT_EQ(tabwrite_table("a\vb\n"), "a    b\n");
    // A form feed ends the line (written as a newline) and the block.
    EXPECT_EQ(tabwrite_table("a\tb\fcccccccc\tb\n"), "a    b\ncccccccc   b\n");
    EXPECT_EQ(tabwrite_table("a\tb\ncccccccc\tb\n"), "a          b\ncccccccc   b\n");
}

TEST(Tabwriter, EscapedText) {
    // Text between 0xff bytes is one run: its tab does not split cells and the escapes take no width.
    EXPECT_EQ(tabwrite_table("\xff"
                             "a\tb\xff\tc\n"),
              "\xff"
              "a\tb\xff   c\n");
    EXPECT_EQ(tabwrite_table("\xff"
                             "a\nb"),
              "\xff"
              "a\nb");  // unterminated escape runs to the flush
}

TEST(Tabwriter, LsReferenceTable) {
    const std::vector<std::vector<std::string>> rows = {
        {"NAME", "ACTIVE", "DRIVER", "STATE", "URL", "SWARM", "DOCKER", "ERRORS"},
        {"broken", "", "not found", "Error", "", "", "",
         "open /home/u/.docker/machine/machines/broken/config.json: no such file or directory"},
        {"gen6", "-", "generic", "Stopped", "", "", "Unknown", ""},
        {"master2", "*", "none", "Running", "tcp://127.0.0.1:2376", "Master10", "v19.03.5", ""},
        {"Master10", "*", "none", "Running", "tcp://127.0.0.1:2376", "Master10 (master)", "v19.03.5", ""},
        {"plug", "-", "not-found", "Error", "", "Master10", "Unknown",
         "Driver \"foo\" not found. Do you have the plugin binary accessible in your PATH?"}};
    std::string input;
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            input += (i > 0 ? "\t" : "") + row[i];
        }
        input += "\n";
    }
    const std::string expected =
        "NAME       ACTIVE   DRIVER      STATE     URL                    SWARM               DOCKER     "
        "ERRORS\n"
        "broken              not found   Error                                                           "
        "open "
        "/home/u/.docker/machine/machines/broken/config.json: no such file or directory\n"
        "gen6       -        generic     Stopped                                              Unknown    \n"
        "master2    *        none        Running   tcp://127.0.0.1:2376   Master10            v19.03.5   \n"
        "Master10   *        none        Running   tcp://127.0.0.1:2376   Master10 (master)   v19.03.5   \n"
        "plug       -        not-found   Error                            Master10            Unknown    "
        "Driver "
        "\"foo\" not found. Do you have the plugin binary accessible in your PATH?\n";
    EXPECT_EQ(tabwrite_table(input), expected);
}

TEST(Tabwriter, AllEmptyColumnKeepsMinWidth) {
    EXPECT_EQ(tabwrite_table("A\t\tB\nA\t\tB\n"),
              "A" + std::string(9, ' ') + "B\nA" + std::string(9, ' ') + "B\n");
}

TEST(Tabwriter, CustomOptions) {
    EXPECT_EQ(tabwrite("a\tb\n", TabwriterOptions{0, 4, 0, '\t'}), "a\tb\n");
    EXPECT_EQ(tabwrite("abcd\tb\n", TabwriterOptions{0, 4, 0, '\t'}), "abcdb\n");  // already on a tab stop
    EXPECT_EQ(tabwrite("a\tb\n", TabwriterOptions{0, 0, 1, '\t'}),
              "ab\n");  // tabwidth 0: no padding possible
    EXPECT_EQ(tabwrite("a\tb\n", TabwriterOptions{2, 1, 0, '.'}), "a.b\n");
}

}  // namespace
}  // namespace machine::cli
