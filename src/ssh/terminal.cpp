#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>

namespace machine::ssh::detail {
namespace {

std::atomic<bool> g_window_changed{false};

extern "C" void on_window_change(int) {
    g_window_changed.store(true);
}

}  // namespace

std::optional<TerminalSize> terminal_size(int fd) {
    winsize size{};
    if (::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0 || size.ws_row == 0) {
        return std::nullopt;
    }
    return TerminalSize{size.ws_col, size.ws_row};
}

RawMode::RawMode(int fd) : m_fd(fd) {
    if (::tcgetattr(fd, &m_saved) != 0) {
        return;
    }
    termios raw = m_saved;
    raw.c_iflag |= IGNPAR;
    raw.c_iflag &= ~(ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXANY | IXOFF | IUCLC);
    raw.c_lflag &= ~(ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHONL | IEXTEN);
    raw.c_oflag &= ~OPOST;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    m_active = ::tcsetattr(fd, TCSADRAIN, &raw) == 0;
}

RawMode::~RawMode() {
    if (m_active) {
        ::tcsetattr(m_fd, TCSADRAIN, &m_saved);
    }
}

WindowChangeWatcher::WindowChangeWatcher() {
    g_window_changed.store(false);
    struct sigaction action {};
    action.sa_handler = on_window_change;
    sigemptyset(&action.sa_mask);
    sigaction(SIGWINCH, &action, &m_old_action);
}

WindowChangeWatcher::~WindowChangeWatcher() {
    sigaction(SIGWINCH, &m_old_action, nullptr);
}

bool WindowChangeWatcher::take() {
    return g_window_changed.exchange(false);
}

}  // namespace machine::ssh::detail
