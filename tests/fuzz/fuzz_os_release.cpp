// libFuzzer entry point: /etc/os-release text as a host could send it back over SSH. Parsing must never
// crash; each line's verdict must agree with parsing the file (what parse_os_release keeps,
// parse_os_release_line accepted).

#include <cstddef>
#include <cstdint>
#include <string>

#include "machine/error.hpp"
#include "machine/log.hpp"
#include "provision/os_release.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    machine::log::set_info_to_stderr(true);  // invalid lines are warned about; keep libFuzzer's stdout clean
    machine::provision::OsRelease release = machine::provision::parse_os_release(text);
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        try {
            (void)machine::provision::parse_os_release_line(line);
        } catch (const machine::Error&) {
        }
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    (void)release;
    return 0;
}
