// libFuzzer entry point: parses the input as a template (with the inspect-only json functions) and executes
// it against a small fixed value. Parse and execution errors are expected; anything else is a bug.

#include <cstddef>
#include <cstdint>
#include <string>

#include "machine/template.hpp"

namespace {

const machine::tmpl::Value& fuzz_data() {
    using machine::tmpl::Value;
    static const Value k_data = [] {
        Value::Map driver{{"IPAddress", "192.168.99.100"},
                          {"SSHPort", 22.0},
                          {"Ratio", 0.5},
                          {"Big", 1e21},
                          {"NoProxy", Value()}};
        Value::Map root{
            {"Name", "dev"},
            {"Driver", Value(driver)},
            {"Labels", Value(Value::Array{"a=b", 1.5, true, Value(), Value(Value::Map{{"k", "v"}})})},
            {"Empty", Value(Value::Array{})},
            {"Item", Value::make_struct(
                         "commands.HostListItem",
                         {{"Name", "dev"},
                          {"Active", false},
                          {"SwarmOptions", Value::NilPointer{"*swarm.Options"}},
                          {"Engine", Value::make_struct("*engine.Options", {{"Labels", Value::Array{}}})},
                          {"Count", 3}})},
        };
        return Value(root);
    }();
    return k_data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto tmpl = machine::tmpl::Template::parse(text, true);
        std::string partial;
        try {
            (void)tmpl.execute(fuzz_data(), &partial);
        } catch (const machine::tmpl::ExecError&) {
        }
    } catch (const machine::tmpl::ParseError&) {
    }
    return 0;
}
