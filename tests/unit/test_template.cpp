// Go 1.12 text/template behaviour as docker-machine's `ls --format` and `inspect --format` expose it
// (reference/cli.md §3.5, §3.8). Expected strings are what Go prints.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "machine/template.hpp"
#include "machine/template_json.hpp"

namespace machine::tmpl {
namespace {

// A machine as `inspect` decodes it: JSON into generic maps.
const char* const k_machine_json = R"({
    "ConfigVersion": 3,
    "Driver": {
        "IPAddress": "192.168.99.100",
        "MachineName": "dev",
        "SSHUser": "docker",
        "SSHPort": 22,
        "Memory": 1024,
        "DiskSize": 20000,
        "Ratio": 0.5,
        "NoProxy": null
    },
    "DriverName": "virtualbox",
    "HostOptions": {
        "Driver": "",
        "Memory": 0,
        "EngineOptions": {
            "Dns": null,
            "Labels": ["a=b", "c=d"],
            "TlsVerify": true,
            "InstallURL": "https://get.docker.com"
        },
        "SwarmOptions": {
            "IsSwarm": false,
            "Address": "",
            "Discovery": "",
            "Agent": false,
            "Master": false,
            "Host": "tcp://0.0.0.0:3376",
            "Image": "swarm:latest",
            "Strategy": "spread",
            "Heartbeat": 0,
            "Overcommit": 0,
            "ArbitraryFlags": [],
            "ArbitraryJoinFlags": [],
            "Env": null,
            "IsExperimental": false
        }
    },
    "Name": "dev"
})";

std::string run(const std::string& text, const Value& data, bool json_functions = true) {
    return Template::parse(text, json_functions).execute(data);
}

std::string run_json(const std::string& text, const std::string& json) {
    return run(text, from_json_text(json));
}

std::string inspect(const std::string& text) {
    return run(text, from_json_text(k_machine_json));
}

std::string parse_error(const std::string& text, bool json_functions = false) {
    try {
        (void)Template::parse(text, json_functions);
    } catch (const ParseError& error) {
        return error.what();
    }
    return "(no error)";
}

std::string exec_error(const std::string& text, const Value& data, std::string* partial = nullptr) {
    const Template t = Template::parse(text, true);
    try {
        (void)t.execute(data, partial);
    } catch (const ExecError& error) {
        return error.what();
    }
    return "(no error)";
}

// The item `ls` formats (commands.HostListItem), with a swarm master's options.
Value host_list_item(bool with_swarm) {
    Value swarm = Value::make_struct("*swarm.Options", {
                                                           {"IsSwarm", true},
                                                           {"Address", ""},
                                                           {"Discovery", "token://abc"},
                                                           {"Agent", true},
                                                           {"Master", false},
                                                           {"Host", "tcp://0.0.0.0:3376"},
                                                           {"Image", "swarm:latest"},
                                                           {"Strategy", "spread"},
                                                           {"Heartbeat", 0},
                                                           {"Overcommit", 0.0},
                                                           {"ArbitraryFlags", Value::Array{}},
                                                           {"ArbitraryJoinFlags", Value::Array{}},
                                                           {"Env", Value::Array{}},
                                                           {"IsExperimental", false},
                                                       });
    return Value::make_struct(
        "commands.HostListItem",
        {
            {"Name", "dev"},
            {"Active", "-"},
            {"ActiveHost", false},
            {"ActiveSwarm", false},
            {"DriverName", "virtualbox"},
            {"State", "Running"},
            {"URL", "tcp://192.168.99.100:2376"},
            {"SwarmOptions", with_swarm ? swarm : Value(Value::NilPointer{"*swarm.Options"})},
            {"Swarm", ""},
            {"EngineOptions", Value::NilPointer{"*engine.Options"}},
            {"Error", ""},
            {"DockerVersion", "v19.03.5"},
            {"ResponseTime", "27ms"},
        });
}

// --- reference examples ---------------------------------------------------------------------------------

TEST(TemplateReference, InspectFieldAccess) {
    EXPECT_EQ(inspect("{{.Driver.IPAddress}}"), "192.168.99.100");
    EXPECT_EQ(inspect("{{.HostOptions.EngineOptions.TlsVerify}}"), "true");
    EXPECT_EQ(inspect("{{.HostOptions.EngineOptions.Dns}}"), "<no value>");
    EXPECT_EQ(inspect("{{.DriverName}}"), "virtualbox");
}

TEST(TemplateReference, InspectJsonOfSwarmOptions) {
    EXPECT_EQ(
        inspect("{{json .HostOptions.SwarmOptions}}"),
        R"({"Address":"","Agent":false,"ArbitraryFlags":[],"ArbitraryJoinFlags":[],"Discovery":"",)"
        R"("Env":null,"Heartbeat":0,"Host":"tcp://0.0.0.0:3376","Image":"swarm:latest","IsExperimental":false,)"
        R"("IsSwarm":false,"Master":false,"Overcommit":0,"Strategy":"spread"})");
}

TEST(TemplateReference, PrettyJsonIndentsWithFourSpacesAndSortsKeys) {
    EXPECT_EQ(inspect("{{prettyjson .HostOptions.EngineOptions}}"),
              "{\n"
              "    \"Dns\": null,\n"
              "    \"InstallURL\": \"https://get.docker.com\",\n"
              "    \"Labels\": [\n"
              "        \"a=b\",\n"
              "        \"c=d\"\n"
              "    ],\n"
              "    \"TlsVerify\": true\n"
              "}");
    EXPECT_EQ(run_json("{{prettyjson .}}", R"({"a":{},"b":[],"c":[{}]})"),
              "{\n    \"a\": {},\n    \"b\": [],\n    \"c\": [\n        {}\n    ]\n}");
}

TEST(TemplateReference, JsonEscapesLikeGo) {
    EXPECT_EQ(run_json("{{json .}}", R"({"s":"<a href=\"x\">&amp;</a>\n\t\u0001\u2028é"})"),
              R"({"s":"\u003ca href=\"x\"\u003e\u0026amp;\u003c/a\u003e\n\t\u0001\u2028é"})");
    EXPECT_EQ(run("{{json .}}", Value(std::string("bad \xff byte"))), R"("bad \ufffd byte")");
    EXPECT_EQ(run("{{json .Missing}}", Value(Value::Map{})), "null");
    EXPECT_EQ(run("{{json 3}} {{json 2.5}} {{json true}} {{json \"x\"}} {{json nil}}", Value()),
              R"(3 2.5 true "x" null)");
}

TEST(TemplateReference, JsonFunctionsOnlyForInspect) {
    EXPECT_EQ(parse_error("{{json .}}", false), R"(template: :1: function "json" not defined)");
    EXPECT_EQ(parse_error("{{prettyjson .}}", false), R"(template: :1: function "prettyjson" not defined)");
    EXPECT_EQ(parse_error("{{json .}}", true), "(no error)");
}

// --- printing values (fmt %v) ---------------------------------------------------------------------------

struct NumberCase {
    const char* json;
    const char* printed;  // {{.}}: fmt %v of a float64
    const char* as_json;  // {{json .}}: encoding/json
};

class TemplateNumbers : public ::testing::TestWithParam<NumberCase> {};

TEST_P(TemplateNumbers, PrintLikeGoFloat64) {
    const Value value = from_json_text(GetParam().json);
    EXPECT_EQ(run("{{.}}", value), GetParam().printed) << GetParam().json;
    EXPECT_EQ(format_value(value), GetParam().printed) << GetParam().json;
    EXPECT_EQ(run("{{json .}}", value), GetParam().as_json) << GetParam().json;
}

INSTANTIATE_TEST_SUITE_P(
    Reference, TemplateNumbers,
    ::testing::Values(NumberCase{"2376", "2376", "2376"}, NumberCase{"20000", "20000", "20000"},
                      NumberCase{"999999", "999999", "999999"}, NumberCase{"0.5", "0.5", "0.5"},
                      NumberCase{"1000000", "1e+06", "1000000"},
                      NumberCase{"12345678", "1.2345678e+07", "12345678"},
                      NumberCase{"0.00001", "1e-05", "0.00001"}, NumberCase{"0.0001", "0.0001", "0.0001"},
                      NumberCase{"123456.7", "123456.7", "123456.7"}, NumberCase{"0", "0", "0"},
                      NumberCase{"-42", "-42", "-42"}, NumberCase{"-1500000", "-1.5e+06", "-1500000"},
                      NumberCase{"0.1", "0.1", "0.1"}, NumberCase{"1e21", "1e+21", "1e+21"},
                      NumberCase{"1e20", "1e+20", "100000000000000000000"},
                      NumberCase{"0.000001", "1e-06", "0.000001"}, NumberCase{"0.0000001", "1e-07", "1e-7"},
                      NumberCase{"1.5e-10", "1.5e-10", "1.5e-10"}, NumberCase{"1e100", "1e+100", "1e+100"},
                      NumberCase{"3.141592653589793", "3.141592653589793", "3.141592653589793"},
                      NumberCase{"9007199254740993", "9.007199254740992e+15", "9007199254740992"}));

TEST(TemplatePrinting, ContainersAndNil) {
    EXPECT_EQ(run_json("{{.}}", R"({"b":[1,"x",null,true],"a":{"z":null,"y":2.5}})"),
              "map[a:map[y:2.5 z:<nil>] b:[1 x <nil> true]]");
    EXPECT_EQ(run_json("{{.b}}", R"({"b":[]})"), "[]");
    EXPECT_EQ(run_json("{{.m}}", R"({"m":{}})"), "map[]");
    // A missing key and a JSON null both print <no value> at the top of an action.
    EXPECT_EQ(run_json("{{.missing}} {{.n}}", R"({"n":null})"), "<no value> <no value>");
    EXPECT_EQ(run("{{.}}", Value()), "<no value>");
    EXPECT_EQ(run("{{.Foo.Bar}}", Value()), "<no value>");
    EXPECT_EQ(run_json("{{.a.b.c}}", R"({"a":{}})"), "<no value>");
    EXPECT_EQ(format_value(Value()), "<nil>");
    EXPECT_EQ(format_value(Value(Value::Array{Value(), Value(1), Value("s")})), "[<nil> 1 s]");
}

TEST(TemplatePrinting, StructsLikeGo) {
    const Value item = host_list_item(true);
    EXPECT_EQ(run("{{.SwarmOptions}}", item),
              "{true  token://abc true false tcp://0.0.0.0:3376 swarm:latest spread 0 0 [] [] [] false}");
    EXPECT_EQ(run("{{.Name}} {{.ActiveHost}} {{.ResponseTime}}", item), "dev false 27ms");
    // fmt shows a pointer to a struct as &{...} when it is an argument.
    EXPECT_EQ(run("{{print .SwarmOptions.Strategy}} {{printf \"%v\" .Name}}", item), "spread dev");
    EXPECT_EQ(run("{{print .SwarmOptions}}", item),
              "&{true  token://abc true false tcp://0.0.0.0:3376 swarm:latest spread 0 0 [] [] [] false}");
    EXPECT_EQ(run("{{printf \"%+v\" .}}", Value::make_struct("x.T", {{"A", 1}, {"B", "s"}})), "{A:1 B:s}");
    const Value no_swarm = host_list_item(false);
    EXPECT_EQ(run("{{.SwarmOptions}} {{.EngineOptions}}", no_swarm), "<nil> <nil>");
    EXPECT_EQ(run("{{if .SwarmOptions}}swarm{{else}}none{{end}}", no_swarm), "none");
    EXPECT_EQ(run("{{if .SwarmOptions}}swarm{{else}}none{{end}}", item), "swarm");
}

TEST(TemplatePrinting, StringsAreRaw) {
    EXPECT_EQ(run_json("{{.s}}", R"({"s":"tab\there <b>"})"), "tab\there <b>");
    EXPECT_EQ(run("{{\"\\u00e9\\x41\\n\"}}{{`raw\\n`}}", Value()),
              "\xc3\xa9"
              "A\nraw\\n");
}

// --- execution errors -----------------------------------------------------------------------------------

TEST(TemplateExecError, UnknownStructFieldNamesTheType) {
    const Value item = host_list_item(true);
    // As `ls --format '{{.Name}}\t{{.URL}}\t{{.Bogus}}'` runs it: the column is the field's byte offset.
    EXPECT_EQ(
        exec_error("{{.Name}}\t{{.URL}}\t{{.Bogus}}\n", item),
        R"(template: :1:21: executing "" at <.Bogus>: can't evaluate field Bogus in type commands.HostListItem)");
    EXPECT_EQ(
        exec_error("{{.Bogus}}", item),
        R"(template: :1:2: executing "" at <.Bogus>: can't evaluate field Bogus in type commands.HostListItem)");
    EXPECT_EQ(
        exec_error("{{.SwarmOptions.Nope}}", item),
        R"(template: :1:15: executing "" at <.SwarmOptions.Nope>: can't evaluate field Nope in type *swarm.Options)");
    EXPECT_EQ(
        exec_error("{{.Name.Length}}", item),
        R"(template: :1:7: executing "" at <.Name.Length>: can't evaluate field Length in type string)");
    EXPECT_EQ(
        exec_error("{{.SwarmOptions.Host}}", host_list_item(false)),
        R"(template: :1:15: executing "" at <.SwarmOptions.Host>: nil pointer evaluating *swarm.Options.Host)");
}

TEST(TemplateExecError, LocationIsLineAndByteColumn) {
    const Value item = host_list_item(true);
    EXPECT_EQ(
        exec_error("line one\n  {{.Name}} {{.Bogus}}", item),
        R"(template: :2:14: executing "" at <.Bogus>: can't evaluate field Bogus in type commands.HostListItem)");
}

TEST(TemplateExecError, LongContextIsCutAtTwentyBytes) {
    EXPECT_EQ(
        exec_error("{{.NetworkSettings.Networks.Foo}}", Value::make_struct("types.X", {})),
        R"(template: :1:18: executing "" at <.NetworkSettings.Net...>: can't evaluate field NetworkSettings in type types.X)");
}

TEST(TemplateExecError, JsonValuesAreInterfaces) {
    const Value machine = from_json_text(k_machine_json);
    EXPECT_EQ(
        exec_error("{{.Name.Foo}}", machine),
        R"(template: :1:7: executing "" at <.Name.Foo>: can't evaluate field Foo in type interface {})");
    EXPECT_EQ(
        exec_error("{{.Driver.NoProxy.Foo}}", machine),
        R"(template: :1:9: executing "" at <.Driver.NoProxy.Foo>: nil pointer evaluating interface {}.Foo)");
    EXPECT_EQ(exec_error("{{with .Name}}{{.Foo}}{{end}}", machine),
              R"(template: :1:16: executing "" at <.Foo>: can't evaluate field Foo in type string)");
}

TEST(TemplateExecError, PartialOutputIsKept) {
    std::string partial;
    const std::string error = exec_error("a{{.Name}}b{{.Bogus}}c", host_list_item(true), &partial);
    EXPECT_NE(error, "(no error)");
    EXPECT_EQ(partial, "adevb");
}

TEST(TemplateExecError, FunctionErrors) {
    const Value machine = from_json_text(k_machine_json);
    // JSON numbers are float64 and don't compare with the int constant 22.
    EXPECT_EQ(
        exec_error("{{if eq .Driver.SSHPort 22}}x{{end}}", machine),
        R"(template: :1:5: executing "" at <eq .Driver.SSHPort 2...>: error calling eq: incompatible types for comparison)");
    EXPECT_EQ(
        exec_error("{{eq .Driver \"x\"}}", machine),
        R"(template: :1:2: executing "" at <eq .Driver "x">: error calling eq: invalid type for comparison)");
    EXPECT_EQ(
        exec_error("{{eq .Missing \"x\"}}", machine),
        R"(template: :1:2: executing "" at <eq .Missing "x">: error calling eq: invalid type for comparison)");
    EXPECT_EQ(exec_error("{{eq 1}}", machine),
              R"(template: :1:2: executing "" at <eq 1>: error calling eq: missing argument for comparison)");
    EXPECT_EQ(
        exec_error("{{lt true false}}", machine),
        R"(template: :1:2: executing "" at <lt true false>: error calling lt: invalid type for comparison)");
    EXPECT_EQ(exec_error("{{len 3}}", machine),
              R"(template: :1:2: executing "" at <len 3>: error calling len: len of type int)");
    EXPECT_EQ(exec_error("{{len .Missing}}", machine),
              R"(template: :1:2: executing "" at <len .Missing>: error calling len: len of untyped nil)");
    EXPECT_EQ(
        exec_error("{{index .HostOptions.EngineOptions.Labels 5}}", machine),
        R"(template: :1:2: executing "" at <index .HostOptions.E...>: error calling index: index out of range: 5)");
    EXPECT_EQ(
        exec_error("{{index .Driver 1}}", machine),
        R"(template: :1:2: executing "" at <index .Driver 1>: error calling index: int is not index type for map[string]interface {})");
    EXPECT_EQ(exec_error("{{len}}", machine),
              R"(template: :1:2: executing "" at <len>: wrong number of args for len: want 1 got 0)");
    EXPECT_EQ(
        exec_error("{{and}}", machine),
        R"(template: :1:2: executing "" at <and>: wrong number of args for and: want at least 1 got 0)");
    EXPECT_EQ(
        exec_error("{{printf .Driver.SSHPort}}", machine),
        R"(template: :1:16: executing "" at <.Driver.SSHPort>: wrong type for value; expected string; got float64)");
    EXPECT_EQ(exec_error("{{printf 3}}", machine),
              R"(template: :1:9: executing "" at <3>: expected string; found 3)");
    EXPECT_EQ(exec_error("{{printf .Missing}}", machine),
              R"(template: :1:9: executing "" at <.Missing>: invalid value; expected string)");
}

TEST(TemplateExecError, OtherGoErrors) {
    const Value machine = from_json_text(k_machine_json);
    EXPECT_EQ(exec_error("{{range .Name}}{{end}}", machine),
              R"(template: :1:8: executing "" at <.Name>: range can't iterate over dev)");
    EXPECT_EQ(exec_error("{{nil}}", machine),
              R"(template: :1:2: executing "" at <nil>: nil is not a command)");
    EXPECT_EQ(exec_error("{{.Name 3}}", machine),
              R"(template: :1:2: executing "" at <.Name>: Name is not a method but has arguments)");
    EXPECT_EQ(exec_error("{{$ 3}}", machine),
              R"(template: :1:2: executing "" at <$>: can't give argument to non-function $)");
    EXPECT_EQ(exec_error("{{template \"nope\"}}", machine),
              R"(template: :1:11: executing "" at <{{template "nope"}}>: template "nope" not defined)");
    EXPECT_EQ(exec_error("{{$x = 1}}", machine),
              R"(template: :1:7: executing "" at <1>: undefined variable: $x)");
    EXPECT_EQ(
        exec_error("{{18446744073709551615}}", machine),
        R"(template: :1:2: executing "" at <18446744073709551615>: 18446744073709551615 overflows int)");
}

// --- parse errors ---------------------------------------------------------------------------------------

TEST(TemplateParseError, GoTexts) {
    EXPECT_EQ(parse_error("{{.Name"), "template: :1: unclosed action");
    EXPECT_EQ(parse_error("{{.Name}"), R"(template: :1: unexpected "}" in operand)");
    EXPECT_EQ(parse_error("{{foo}}"), R"(template: :1: function "foo" not defined)");
    EXPECT_EQ(parse_error("{{if .X}}"), "template: :1: unexpected EOF");
    EXPECT_EQ(parse_error("{{end}}"), "template: :1: unexpected {{end}}");
    EXPECT_EQ(parse_error("{{else}}"), "template: :1: unexpected {{else}}");
    EXPECT_EQ(parse_error("{{if}}{{end}}"), "template: :1: missing value for if");
    EXPECT_EQ(parse_error("{{}}"), "template: :1: missing value for command");
    EXPECT_EQ(parse_error("{{"), "template: :1: unexpected unclosed action in command");
    EXPECT_EQ(parse_error("{{$x}}"), R"(template: :1: undefined variable "$x")");
    EXPECT_EQ(parse_error("{{/* x"), "template: :1: unexpected unclosed comment in input");
    EXPECT_EQ(parse_error("{{/* x */ }}"),
              "template: :1: unexpected comment ends before closing delimiter in input");
    EXPECT_EQ(parse_error("{{.Name | \"x\"}}"), "template: :1: non executable command in pipeline stage 2");
    EXPECT_EQ(parse_error("{{| .X}}"), R"(template: :1: unexpected "|" in command)");
    EXPECT_EQ(parse_error("{{.X!}}"), "template: :1: unexpected bad character U+0021 '!' in command");
    EXPECT_EQ(parse_error("{{\"abc}}"), "template: :1: unexpected unterminated quoted string in command");
    EXPECT_EQ(parse_error("{{(.X}}"), "template: :1: unclosed left paren");
    EXPECT_EQ(parse_error("{{.X)}}"), "template: :1: unexpected \")\" in input");
    EXPECT_EQ(parse_error("{{3x}}"), R"(template: :1: unexpected bad number syntax: "3x" in command)");
    EXPECT_EQ(parse_error("{{08}}"), R"(template: :1: integer overflow: "08")");
    EXPECT_EQ(parse_error("{{99999999999999999999}}"),
              R"(template: :1: integer overflow: "99999999999999999999")");
    EXPECT_EQ(parse_error("{{\"a\".X}}"), R"(template: :1: unexpected . after term "\"a\"")");
    EXPECT_EQ(parse_error("{{\"\\q\"}}"), "template: :1: invalid syntax");
    EXPECT_EQ(parse_error("{{range $i, $j, $k := .}}{{end}}"),
              "template: :1: too many declarations in range");
    EXPECT_EQ(parse_error("{{with $i, $j := .}}{{end}}"), "template: :1: too many declarations in with");
    EXPECT_EQ(parse_error("{{if .X}}{{else}}{{else}}{{end}}"), "template: :1: expected end; found {{else}}");
    EXPECT_EQ(parse_error("{{with .X}}{{else if .Y}}{{end}}"), "template: :1: unexpected <if> in input");
    EXPECT_EQ(parse_error("{{.X \x01}}"), "template: :1: unrecognized character in action: U+0001");
    EXPECT_EQ(parse_error("{{abcdefghijklmnop | }}x{{"),
              "template: :1: function \"abcdefghijklmnop\" not defined");
    EXPECT_EQ(parse_error("{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}"),
              R"(template: :1: template: multiple definition of template "a")");
}

TEST(TemplateParseError, LineNumbers) {
    EXPECT_EQ(parse_error("a\nb\n{{.Name"), "template: :3: unclosed action");
    EXPECT_EQ(parse_error("{{if .X}}\nfoo\n"), "template: :3: unexpected EOF");
    EXPECT_EQ(parse_error("{{/*\n\n*/}}\n{{bar}}"), R"(template: :4: function "bar" not defined)");
    EXPECT_EQ(parse_error("{{.X\n}}"), "template: :1: unclosed action");
}

TEST(TemplateParseError, ItemsInMessages) {
    EXPECT_EQ(parse_error("{{.X \"abcdefghijklmnop\" | }}{{end .X}}"),
              R"(template: :1: unexpected ".X" in end)");
    EXPECT_EQ(parse_error("{{range .X}}{{end \"abcdefghijklmnop\"}}"),
              R"(template: :1: unexpected "\"abcdefghi"... in end)");
    EXPECT_EQ(parse_error("{{define}}"), "template: :1: unexpected \"}}\" in define clause");
    EXPECT_EQ(parse_error("{{template .X}}"), "template: :1: unexpected \".X\" in template clause");
}

// --- control structures ---------------------------------------------------------------------------------

TEST(TemplateControl, IfElse) {
    const Value machine = from_json_text(k_machine_json);
    EXPECT_EQ(run("{{if .Name}}yes{{else}}no{{end}}", machine), "yes");
    EXPECT_EQ(run("{{if .Missing}}yes{{else}}no{{end}}", machine), "no");
    EXPECT_EQ(run("{{if .Driver.NoProxy}}yes{{else}}no{{end}}", machine), "no");
    EXPECT_EQ(run("{{if .HostOptions.Memory}}a{{else if .Driver.Memory}}b{{else}}c{{end}}", machine), "b");
    EXPECT_EQ(run("{{if 0}}a{{else if \"\"}}b{{else if false}}c{{else}}d{{end}}", machine), "d");
}

TEST(TemplateControl, Truthiness) {
    const std::string t = "{{if .}}T{{else}}F{{end}}";
    EXPECT_EQ(run(t, Value()), "F");
    EXPECT_EQ(run(t, Value(0)), "F");
    EXPECT_EQ(run(t, Value(0.0)), "F");
    EXPECT_EQ(run(t, Value("")), "F");
    EXPECT_EQ(run(t, Value(false)), "F");
    EXPECT_EQ(run(t, Value(Value::Array{})), "F");
    EXPECT_EQ(run(t, Value(Value::Map{})), "F");
    EXPECT_EQ(run(t, Value(Value::NilPointer{"*x.T"})), "F");
    EXPECT_EQ(run(t, Value(-1)), "T");
    EXPECT_EQ(run(t, Value(0.1)), "T");
    EXPECT_EQ(run(t, Value(" ")), "T");
    EXPECT_EQ(run(t, Value(true)), "T");
    EXPECT_EQ(run(t, Value(Value::Array{Value()})), "T");
    EXPECT_EQ(run(t, Value::make_struct("x.T", {})), "T");
}

TEST(TemplateControl, RangeOverArraysAndSortedMaps) {
    EXPECT_EQ(run_json("{{range .}}[{{.}}]{{end}}", R"(["b","a",3])"), "[b][a][3]");
    EXPECT_EQ(run_json("{{range $i, $e := .}}{{$i}}:{{$e}} {{end}}", R"(["x","y"])"), "0:x 1:y ");
    EXPECT_EQ(run_json("{{range $k, $v := .}}{{$k}}={{$v}};{{end}}", R"({"b":2,"a":1,"c":null})"),
              "a=1;b=2;c=<no value>;");
    EXPECT_EQ(run_json("{{range $v := .}}{{$v}}{{end}}", R"({"b":2,"a":1})"), "12");
    EXPECT_EQ(run_json("{{range .x}}x{{else}}empty{{end}}", R"({"x":[]})"), "empty");
    EXPECT_EQ(run_json("{{range .missing}}x{{else}}empty{{end}}", R"({})"), "empty");
    EXPECT_EQ(run_json("{{range .}}{{.Name}},{{end}}", R"([{"Name":"a"},{"Name":"b"}])"), "a,b,");
    // $ is the data everywhere; variables declared in the body don't leak.
    EXPECT_EQ(run_json("{{range .l}}{{$.n}}{{.}}{{end}}", R"({"n":"-","l":[1,2]})"), "-1-2");
    EXPECT_EQ(parse_error("{{range .}}{{$x := 1}}{{end}}{{$x}}"), R"(template: :1: undefined variable "$x")");
}

TEST(TemplateControl, With) {
    const Value machine = from_json_text(k_machine_json);
    EXPECT_EQ(run("{{with .Driver}}{{.IPAddress}}{{end}}", machine), "192.168.99.100");
    EXPECT_EQ(run("{{with .Missing}}x{{else}}none{{end}}", machine), "none");
    EXPECT_EQ(run("{{with $d := .Driver}}{{$d.SSHUser}}@{{.IPAddress}}{{end}}", machine),
              "docker@192.168.99.100");
}

TEST(TemplateControl, Variables) {
    const Value machine = from_json_text(k_machine_json);
    EXPECT_EQ(run("{{$n := .Name}}{{$n}}-{{$n = \"x\"}}{{$n}}", machine), "dev-x");
    EXPECT_EQ(run("{{$}}", Value(7)), "7");
    EXPECT_EQ(run("{{$.Name}}", machine), "dev");
    EXPECT_EQ(run("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", machine), "2");
    EXPECT_EQ(run("{{if true}}{{$x := 2}}{{$x}}{{end}}", machine), "2");
}

TEST(TemplateControl, DefineTemplateBlock) {
    const Value machine = from_json_text(k_machine_json);
    EXPECT_EQ(run("{{define \"ip\"}}<{{.IPAddress}}>{{end}}ip={{template \"ip\" .Driver}}", machine),
              "ip=<192.168.99.100>");
    EXPECT_EQ(run("{{block \"b\" .Name}}[{{.}}]{{end}}", machine), "[dev]");
    EXPECT_EQ(exec_error("{{define \"t\"}}{{.Bogus.X}}{{end}}{{template \"t\" 3}}", machine),
              R"(template: :1:22: executing "t" at <.Bogus.X>: can't evaluate field Bogus in type int)");
    EXPECT_EQ(
        exec_error("{{define \"r\"}}{{template \"r\"}}{{end}}{{template \"r\"}}", machine),
        R"(template: :1:25: executing "r" at <{{template "r"}}>: exceeded maximum template depth (300))");
}

// --- text, trim markers and comments --------------------------------------------------------------------

TEST(TemplateText, TrimMarkersAndComments) {
    EXPECT_EQ(run("{{23 -}} < {{- 45}}", Value()), "23<45");
    EXPECT_EQ(run("a  \n\t {{- \"b\" -}} \n c", Value()), "abc");
    EXPECT_EQ(run("x {{- /* comment */ -}} y", Value()), "xy");
    EXPECT_EQ(run("x{{/* multi\nline */}}y", Value()), "xy");
    EXPECT_EQ(run("{{-3}}", Value()), "-3");  // no space: a negative number, not a trim marker
    EXPECT_EQ(run("a {{- 1}}", Value()), "a1");
    EXPECT_EQ(run("{{.}}}}{{\"}}\"}}", Value("v")), "v}}}}");
    EXPECT_EQ(run("no actions at all\n", Value()), "no actions at all\n");
    EXPECT_EQ(run("", Value()), "");
    EXPECT_EQ(parse_error("{{.X  -}}"), R"(template: :1: illegal number syntax: "-")");
}

// --- pipelines and functions ----------------------------------------------------------------------------

TEST(TemplatePipelines, ChainingAndParentheses) {
    const Value machine = from_json_text(k_machine_json);
    EXPECT_EQ(run("{{.Name | printf \"%q\"}}", machine), "\"dev\"");
    EXPECT_EQ(run("{{.Name | printf \"%s-%s\" \"x\"}}", machine), "x-dev");
    EXPECT_EQ(run("{{\"a\" | printf \"%s%s\" \"b\" | printf \"(%s)\"}}", machine), "(ba)");
    EXPECT_EQ(run("{{printf \"%s/%s\" (.Driver.SSHUser) (printf \"%v\" .Driver.SSHPort)}}", machine),
              "docker/22");
    EXPECT_EQ(run("{{(.Driver).IPAddress}}", machine), "192.168.99.100");
    EXPECT_EQ(run("{{(index .HostOptions.EngineOptions.Labels 1)}}", machine), "c=d");
    EXPECT_EQ(run("{{len .HostOptions.EngineOptions.Labels | printf \"%d labels\"}}", machine), "2 labels");
}

TEST(TemplatePipelines, LogicFunctions) {
    EXPECT_EQ(
        run("{{and 1 \"\" 3}}|{{and 1 2 3}}|{{or 0 \"\" 3}}|{{or 0 \"\"}}|{{not 0}}|{{not .}}", Value(1)),
        "|3|3||true|false");
    EXPECT_EQ(run_json("{{if and .a .b}}both{{else}}not both{{end}}", R"({"a":true,"b":false})"), "not both");
    EXPECT_EQ(run_json("{{or .missing \"default\"}}", R"({})"), "default");
}

TEST(TemplatePipelines, Comparisons) {
    EXPECT_EQ(run("{{eq 1 1}} {{eq 1 2}} {{eq 1 2 3 1}} {{ne \"a\" \"b\"}} {{eq true true}}", Value()),
              "true false true true true");
    EXPECT_EQ(run("{{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge 2 3}} {{lt \"a\" \"b\"}} {{lt 1.5 2.5}}", Value()),
              "true true false false true true");
    EXPECT_EQ(run_json("{{eq .State \"Running\"}} {{gt .Port 2000.0}}", R"({"State":"Running","Port":2376})"),
              "true true");
    EXPECT_EQ(
        run_json("{{range .}}{{if eq .Name \"b\"}}{{.Name}}{{end}}{{end}}", R"([{"Name":"a"},{"Name":"b"}])"),
        "b");
}

TEST(TemplatePipelines, LenAndIndex) {
    const Value machine = from_json_text(k_machine_json);
    EXPECT_EQ(run("{{len .Name}} {{len .Driver}} {{len .HostOptions.EngineOptions.Labels}}", machine),
              "3 8 2");
    EXPECT_EQ(
        run("{{index .Driver \"SSHUser\"}} {{index .Driver \"Nope\"}} {{index . \"Driver\" \"SSHPort\"}}",
            machine),
        "docker <no value> 22");
    EXPECT_EQ(run("{{index \"abc\" 1}} {{index .HostOptions.EngineOptions.Labels 0}}", machine), "98 a=b");
}

TEST(TemplatePipelines, PrintFunctions) {
    EXPECT_EQ(run("{{print 1 2 \"a\" 3 nil}}|{{println 1 \"a\"}}|{{print}}", Value()), "1 2a3 <nil>|1 a\n|");
    EXPECT_EQ(run_json("{{print .missing}} {{print .n}}", R"({"n":null})"), "<nil> <nil>");
    EXPECT_EQ(run("{{html \"<a href='x'>&\\\"\"}}", Value()), "&lt;a href=&#39;x&#39;&gt;&amp;&#34;");
    EXPECT_EQ(run("{{html .Missing}}", Value(Value::Map{})), "&lt;no value&gt;");
    EXPECT_EQ(run("{{js \"it's <b>\\\"\\\\\\n\"}}", Value()), "it\\'s \\x3Cb\\x3E\\\"\\\\\\u000A");
    EXPECT_EQ(run("{{urlquery \"a b&c=d/é\"}}", Value()), "a+b%26c%3Dd%2F%C3%A9");
    EXPECT_EQ(run("{{html 1 2}}", Value()), "1 2");
}

struct PrintfCase {
    const char* text;
    const char* expected;
};

class TemplatePrintf : public ::testing::TestWithParam<PrintfCase> {};

TEST_P(TemplatePrintf, MatchesGoFmt) {
    const Value data = from_json_text(R"({"f":3,"pi":3.14159,"s":"abc","n":null,"l":[1,"x"],"m":{"k":1.5}})");
    EXPECT_EQ(run(GetParam().text, data), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Verbs, TemplatePrintf,
    ::testing::Values(
        PrintfCase{R"({{printf "%d" 3}})", "3"},
        PrintfCase{R"({{printf "%5d|%-5d|%05d|%+d|% d" 42 42 42 42 42}})", "   42|42   |00042|+42| 42"},
        PrintfCase{R"({{printf "%x %X %o %b %#x %#o" 255 255 8 5 255 8}})", "ff FF 10 101 0xff 010"},
        PrintfCase{R"({{printf "%x" -255}})", "-ff"},
        PrintfCase{R"({{printf "%.3d|%8.3d|%-08d|" 7 7 1}})", "007|     007|1       |"},
        PrintfCase{R"({{printf "%c%c %q %U %#U" 72 105 65 65 233}})", "Hi 'A' U+0041 U+00E9 'é'"},
        PrintfCase{R"({{printf "%s|%10s|%-10s|%.2s|%q" "abc" "abc" "abc" "abc" "a\"b"}})",
                   "abc|       abc|abc       |ab|\"a\\\"b\""},
        PrintfCase{R"({{printf "%x % x %#x %X" "hi" "hi" "hi" "hi"}})", "6869 68 69 0x6869 6869"},
        PrintfCase{R"({{printf "%#q %q" "x" "\u00e9\n"}})", "`x` \"é\\n\""},
        PrintfCase{R"({{printf "%+q" "é"}})", "\"\\u00e9\""},
        PrintfCase{R"({{printf "%t %v" true false}})", "true false"},
        PrintfCase{R"({{printf "%f|%.2f|%8.3f|%-8.1f|%08.3f" .pi .pi .pi .pi -3.14159}})",
                   "3.141590|3.14|   3.142|3.1     |-003.142"},
        PrintfCase{R"({{printf "%e|%E|%.2e|%+.1e" 1234.5678 1234.5678 1234.5678 12345.0}})",
                   "1.234568e+03|1.234568E+03|1.23e+03|+1.2e+04"},
        PrintfCase{R"({{printf "%g|%g|%g|%G|%.3g|%.10g" 1234.5678 1e21 100000.0 1e-7 1234.5678 1234.5678}})",
                   "1234.5678|1e+21|100000|1E-07|1.23e+03|1234.5678"},
        PrintfCase{R"({{printf "%v|%6.2v|%.0f|%.1f" 1e6 3.14159 2.5 0.25}})", "1e+06|   3.1|2|0.2"},
        PrintfCase{R"({{printf "%d|%s|%t" .f .f .s}})", "%!d(float64=3)|%!s(float64=3)|%!t(string=abc)"},
        PrintfCase{R"({{printf "%v %s %d" .n .n .missing}})", "<nil> %!s(<nil>) %!d(<nil>)"},
        PrintfCase{R"({{printf "%v|%d|%s" .l .l .l}})",
                   "[1 x]|[%!d(float64=1) %!d(string=x)]|[%!s(float64=1) x]"},
        PrintfCase{R"({{printf "%v|%.1f" .m .m}})", "map[k:1.5]|map[%!f(string=k):1.5]"},
        PrintfCase{R"({{printf "%T %T %T %T %T %T" .f 1 "s" .l .m nil}})",
                   "float64 int string []interface {} map[string]interface {} <nil>"},
        PrintfCase{R"({{printf "%d %d" 1}})", "1 %!d(MISSING)"},
        PrintfCase{R"({{printf "%d" 1 2 "x"}})", "1%!(EXTRA int=2, string=x)"},
        PrintfCase{R"({{printf "100%% %z" 1}})", "100% %!z(int=1)"},
        PrintfCase{R"({{printf "%[2]d %[1]d|%[3]d" 1 2}})", "2 1|%!d(BADINDEX)"},
        PrintfCase{R"({{printf "%*d|%-*d|%.*f" 5 42 4 7 2 3.14159}})", "   42|7   |3.14"},
        PrintfCase{R"({{printf "%*d" "x" 42}})", "%!(BADWIDTH)42"},
        PrintfCase{R"({{printf "abc%"}})", "abc%!(NOVERB)"},
        PrintfCase{R"({{printf "%05s|%5t|%-5v|" "ab" true .s}})", "000ab| true|abc  |"},
        PrintfCase{R"({{printf "%5d" "ab"}})", "%!d(string=   ab)"},
        PrintfCase{R"({{printf "%v" 18446744073709551615.0}})", "1.8446744073709552e+19"}));

// --- literals -------------------------------------------------------------------------------------------

TEST(TemplateLiterals, NumbersStringsBools) {
    EXPECT_EQ(run("{{1}} {{-2}} {{+3}} {{0x1F}} {{017}} {{1.5}} {{1e3}} {{.5}} {{'a'}} {{'\\n'}}", Value()),
              "1 -2 3 31 15 1.5 1000 0.5 97 10");
    EXPECT_EQ(run("{{true}} {{false}} {{\"s\\t\"}} {{`r\\t`}}", Value()), "true false s\t r\\t");
    EXPECT_EQ(run("{{printf \"%T %T %T %T\" 1 1.0 1e3 'a'}}", Value()), "int float64 float64 int");
}

// --- data from JSON -------------------------------------------------------------------------------------

TEST(TemplateJson, DecodesLikeGoInterface) {
    const Value v = from_json_text(
        R"({"i":1,"f":1.5,"s":"x","b":true,"n":null,"a":[1],"o":{"k":"v"},"big":18446744073709551615})");
    const auto& map = std::get<Value::Map>(v.storage());
    EXPECT_TRUE(std::holds_alternative<double>(map.at("i").storage()));
    EXPECT_DOUBLE_EQ(std::get<double>(map.at("i").storage()), 1.0);
    EXPECT_DOUBLE_EQ(std::get<double>(map.at("f").storage()), 1.5);
    EXPECT_EQ(std::get<std::string>(map.at("s").storage()), "x");
    EXPECT_TRUE(std::get<bool>(map.at("b").storage()));
    EXPECT_TRUE(map.at("n").is_nil());
    EXPECT_EQ(std::get<Value::Array>(map.at("a").storage()).size(), 1U);
    EXPECT_EQ(std::get<std::string>(std::get<Value::Map>(map.at("o").storage()).at("k").storage()), "v");
    EXPECT_EQ(format_value(map.at("big")), "1.8446744073709552e+19");
    EXPECT_EQ(run_json("{{.k}}", R"({"k":1,"k":2})"), "2");
    EXPECT_THROW((void)from_json_text("{not json"), std::invalid_argument);
    EXPECT_THROW((void)from_json_text(""), std::invalid_argument);
}

// --- ls usage -------------------------------------------------------------------------------------------

TEST(TemplateLs, TableHeaderMapAndItems) {
    // Table mode executes the template against a map of header texts first; unknown fields print <no value>.
    const std::string format = "{{.Name}}\t{{.Active}}\t{{.DriverName}}\t{{.Nope}}\n";
    Value::Map headers{{"Name", "NAME"}, {"Active", "ACTIVE"}, {"DriverName", "DRIVER"}};
    const Template t = Template::parse(format, false);
    EXPECT_EQ(t.execute(Value(headers)), "NAME\tACTIVE\tDRIVER\t<no value>\n");
    EXPECT_EQ(Template::parse("{{.Name}}: {{.DriverName}}\n", false).execute(host_list_item(true)),
              "dev: virtualbox\n");
}

TEST(TemplateLs, ExecuteConcurrently) {
    const Template t = Template::parse("{{.Name}}-{{range .l}}{{.}}{{end}}", false);
    std::vector<std::thread> threads;
    std::vector<std::string> results(8);
    for (std::size_t i = 0; i < results.size(); ++i) {
        threads.emplace_back([&, i] {
            const Value data = from_json_text(R"({"Name":"m)" + std::to_string(i) + R"(","l":[1,2,3]})");
            for (int n = 0; n < 50; ++n) {
                results[i] = t.execute(data);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (std::size_t i = 0; i < results.size(); ++i) {
        EXPECT_EQ(results[i], "m" + std::to_string(i) + "-123");
    }
}

TEST(TemplateLs, DeepNestingFailsCleanly) {
    const std::string deep = "{{" + std::string(5000, '(') + "1" + std::string(5000, ')') + "}}";
    EXPECT_EQ(parse_error(deep), "template: :1: max expression depth exceeded");
    std::string ifs;
    for (int i = 0; i < 3000; ++i) {
        ifs += "{{if 1}}";
    }
    EXPECT_EQ(parse_error(ifs), "template: :1: max expression depth exceeded");
}

}  // namespace
}  // namespace machine::tmpl
