#include "machine/log.hpp"

#include <cstdio>
#include <mutex>
#include <string>

#include "machine/progress.hpp"

namespace machine::log {
namespace {

std::mutex g_write_mutex;
bool g_debug = false;
bool g_info_to_stderr = false;

// Lines from concurrent per-machine threads must not interleave inside a line.
void write_line(std::FILE* stream, std::string_view message) {
    std::string line(message);
    line.push_back('\n');
    std::lock_guard lock(g_write_mutex);
    progress::erase_line();  // a progress line on the terminal goes before any message
    std::fwrite(line.data(), 1, line.size(), stream);
    std::fflush(stream);
}

}  // namespace

void info(std::string_view message) {
    write_line(g_info_to_stderr ? stderr : stdout, message);
}
void warn(std::string_view message) {
    write_line(g_info_to_stderr ? stderr : stdout, message);
}
void error(std::string_view message) {
    write_line(stderr, message);
}
void debug(std::string_view message) {
    if (g_debug) {
        write_line(stderr, message);
    }
}
void set_debug(bool enabled) {
    g_debug = enabled;
}
bool debug_enabled() {
    return g_debug;
}
void set_info_to_stderr(bool to_stderr) {
    g_info_to_stderr = to_stderr;
}

}  // namespace machine::log
