// libFuzzer entry point: decodes the input as a machine's config.json (any version, with migration) and, when
// it loads, encodes it again and decodes the result. Errors of type machine::Error are expected; crashes,
// other exceptions and a re-encoded document that no longer loads are bugs.

#include <cstddef>
#include <cstdint>
#include <string>

#include "machine/config_codec.hpp"
#include "machine/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    machine::DecodedHost decoded;
    try {
        decoded = machine::decode_host("fuzz", bytes);
    } catch (const machine::Error&) {
        return 0;
    }
    std::string encoded = machine::encode_host(*decoded.host);
    machine::DecodedHost again = machine::decode_host("fuzz", encoded);  // must not throw
    if (machine::encode_host(*again.host) != encoded) {
        __builtin_trap();  // encoding is not stable
    }
    return 0;
}
