#include "machine/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

namespace machine::progress {
namespace {

constexpr auto k_first_draw_after = std::chrono::seconds(1);
constexpr auto k_redraw_interval = std::chrono::milliseconds(250);
constexpr const char* k_frames[] = {"|", "/", "-", "\\"};

std::mutex g_terminal_mutex;
bool g_line_drawn = false;  // guarded by g_terminal_mutex

void write_stderr(const std::string& text) {
    std::size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::write(STDERR_FILENO, text.data() + written, text.size() - written);
        if (n <= 0) {
            return;
        }
        written += static_cast<std::size_t>(n);
    }
}

void erase_locked() {
    if (g_line_drawn) {
        write_stderr("\r\033[K");
        g_line_drawn = false;
    }
}

}  // namespace

struct Wait::State {
    std::mutex mutex;
    std::condition_variable stop_signal;
    bool stop = false;
    std::thread drawer;
};

bool enabled() {
    static const bool on = [] {
        const char* term = std::getenv("TERM");
        const char* setting = std::getenv("MACHINE_PROGRESS");
        if (setting != nullptr && std::strcmp(setting, "0") == 0) {
            return false;
        }
        return ::isatty(STDERR_FILENO) == 1 && (term == nullptr || std::strcmp(term, "dumb") != 0);
    }();
    return on;
}

std::string line_text(const std::string& label, long long seconds, unsigned frame) {
    return std::string(k_frames[frame % 4]) + " " + label + " (" + std::to_string(seconds) + "s)";
}

void erase_line() {
    std::lock_guard lock(g_terminal_mutex);
    erase_locked();
}

Wait::Wait(std::string label) {
    if (!enabled()) {
        return;
    }
    m_state = std::make_shared<State>();
    m_state->drawer = std::thread([state = m_state, label = std::move(label)] {
        const auto started = std::chrono::steady_clock::now();
        unsigned frame = 0;
        std::unique_lock lock(state->mutex);
        if (state->stop_signal.wait_for(lock, k_first_draw_after, [&] { return state->stop; })) {
            return;
        }
        while (!state->stop) {
            auto seconds =
                std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
            {
                std::lock_guard terminal(g_terminal_mutex);
                write_stderr("\r" + line_text(label, seconds.count(), frame++) + "\033[K");
                g_line_drawn = true;
            }
            state->stop_signal.wait_for(lock, k_redraw_interval, [&] { return state->stop; });
        }
    });
}

Wait::~Wait() {
    if (!m_state) {
        return;
    }
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stop = true;
    }
    m_state->stop_signal.notify_all();
    m_state->drawer.join();
    erase_line();
}

}  // namespace machine::progress
