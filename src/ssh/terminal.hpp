#pragma once

#include <signal.h>
#include <termios.h>

#include <optional>

// The local terminal during an interactive native session.
namespace machine::ssh::detail {

struct TerminalSize {
    int columns = 80;
    int rows = 24;
};

// The size of the terminal on `fd`, if it is one and the size can be read.
[[nodiscard]] std::optional<TerminalSize> terminal_size(int fd);

// Puts the terminal on `fd` in raw mode (like OpenSSH's client) and restores it on destruction.
class RawMode {
public:
    explicit RawMode(int fd);
    ~RawMode();
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;

private:
    int m_fd;
    bool m_active = false;
    termios m_saved{};
};

// Notes SIGWINCH while alive (one instance at a time); take() says whether the window size changed since the
// last call.
class WindowChangeWatcher {
public:
    WindowChangeWatcher();
    ~WindowChangeWatcher();
    WindowChangeWatcher(const WindowChangeWatcher&) = delete;
    WindowChangeWatcher& operator=(const WindowChangeWatcher&) = delete;
    [[nodiscard]] bool take();

private:
    struct sigaction m_old_action {};
};

}  // namespace machine::ssh::detail
