// libFuzzer target for the quoting of `env` output: the input (NUL bytes dropped: environment values can't
// hold them) is a value, quoted for every shell; the reference reader of each shell's quoting rules
// (tests/unit/shell_reference_parser.hpp) must give back exactly the value, and a value without characters
// special to the shell must come out unchanged (upstream's output, byte for byte).

#include <cstddef>
#include <cstdint>
#include <string>

#include "machine/shell_env.hpp"
#include "tests/unit/shell_reference_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string value;
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] != 0) {
            value += static_cast<char>(data[i]);
        }
    }
    for (const char* shell : {"bash", "fish", "tcsh", "emacs", "powershell"}) {
        std::string line = machine::shell::set_line(shell, "DOCKER_CERT_PATH", value);
        auto read = machine::shell_reference::read_set_line(shell, line);
        if (!read || read->name != "DOCKER_CERT_PATH" || read->value != value) {
            __builtin_trap();  // the shell would not give back the value
        }
    }
    if (value.find_first_of("\\\"$`!\n") == std::string::npos &&
        value.find("\xE2\x80") == std::string::npos) {
        for (const char* shell : {"bash", "fish", "tcsh", "emacs", "powershell", "cmd"}) {
            if (machine::shell::quote_value(shell, value) != value) {
                __builtin_trap();  // an ordinary value changed
            }
        }
    }
    return 0;
}
