#include "machine/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "machine/error.hpp"

extern char** environ;

namespace machine::process {
namespace {

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    [[nodiscard]] int get() const { return m_fd; }
    void reset() {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

private:
    int m_fd = -1;
};

struct Pipe {
    Fd read_end;
    Fd write_end;
};

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw Error(std::string("pipe: ") + std::strerror(errno));
    }
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

class SpawnActions {
public:
    SpawnActions() { posix_spawn_file_actions_init(&m_actions); }
    ~SpawnActions() { posix_spawn_file_actions_destroy(&m_actions); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
    void dup2(int from, int to) { posix_spawn_file_actions_adddup2(&m_actions, from, to); }
    void open(int fd, const char* path, int flags) {
        posix_spawn_file_actions_addopen(&m_actions, fd, path, flags, 0);
    }
    [[nodiscard]] const posix_spawn_file_actions_t* get() const { return &m_actions; }

private:
    posix_spawn_file_actions_t m_actions;
};

// The child starts with an empty signal mask and default SIGPIPE/SIGINT/SIGQUIT, whatever this process has.
class SpawnAttributes {
public:
    SpawnAttributes() {
        posix_spawnattr_init(&m_attributes);
        sigset_t empty;
        sigemptyset(&empty);
        posix_spawnattr_setsigmask(&m_attributes, &empty);
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        sigaddset(&defaults, SIGINT);
        sigaddset(&defaults, SIGQUIT);
        posix_spawnattr_setsigdefault(&m_attributes, &defaults);
        posix_spawnattr_setflags(&m_attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    ~SpawnAttributes() { posix_spawnattr_destroy(&m_attributes); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    [[nodiscard]] const posix_spawnattr_t* get() const { return &m_attributes; }

private:
    posix_spawnattr_t m_attributes;
};

pid_t spawn(const std::vector<std::string>& argv, const SpawnActions& actions) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    SpawnAttributes attributes;
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, args[0], actions.get(), attributes.get(), args.data(), environ);
    if (rc != 0) {
        throw Error("exec: \"" + argv[0] + "\": " + std::strerror(rc));
    }
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return 255;
        }
    }
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return 255;
}

// Blocks SIGPIPE in this thread while writing to a pipe whose reader may be gone; a SIGPIPE raised meanwhile
// is consumed, so EPIPE is just an error code.
class SigpipeBlock {
public:
    SigpipeBlock() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        m_was_pending = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &set, &m_old_mask);
    }
    ~SigpipeBlock() {
        if (!m_was_pending) {
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGPIPE);
            timespec zero{0, 0};
            while (sigtimedwait(&set, nullptr, &zero) == SIGPIPE) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &m_old_mask, nullptr);
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;

private:
    sigset_t m_old_mask;
    bool m_was_pending = false;
};

// Ignores SIGINT and SIGQUIT in this process while an attached child runs.
class InterruptsIgnored {
public:
    InterruptsIgnored() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        sigaction(SIGINT, &ignore, &m_old_int);
        sigaction(SIGQUIT, &ignore, &m_old_quit);
    }
    ~InterruptsIgnored() {
        sigaction(SIGINT, &m_old_int, nullptr);
        sigaction(SIGQUIT, &m_old_quit, nullptr);
    }
    InterruptsIgnored(const InterruptsIgnored&) = delete;
    InterruptsIgnored& operator=(const InterruptsIgnored&) = delete;

private:
    struct sigaction m_old_int {};
    struct sigaction m_old_quit {};
};

// What a child reads on stdin: `head`, then zero bytes up to `total` bytes, written as the pipe takes them.
class InputFeeder {
public:
    InputFeeder(std::string_view head, std::uint64_t total_size)
        : m_head(head), m_total(std::max<std::uint64_t>(total_size, head.size())) {}
    [[nodiscard]] bool empty() const { return m_total == 0; }
    [[nodiscard]] bool done() const { return m_written >= m_total; }
    // Writes what the pipe takes now; false on a write error (the reader is gone).
    bool write_some(int fd) {
        static const std::array<char, 65536> k_zeros{};
        const char* data = nullptr;
        std::size_t size = 0;
        if (m_written < m_head.size()) {
            data = m_head.data() + m_written;
            size = m_head.size() - static_cast<std::size_t>(m_written);
        } else {
            data = k_zeros.data();
            size = static_cast<std::size_t>(std::min<std::uint64_t>(k_zeros.size(), m_total - m_written));
        }
        ssize_t n = ::write(fd, data, size);
        if (n > 0) {
            m_written += static_cast<std::uint64_t>(n);
            return true;
        }
        return n < 0 && (errno == EAGAIN || errno == EINTR);
    }

private:
    std::string_view m_head;
    std::uint64_t m_total;
    std::uint64_t m_written = 0;
};

// An output pipe of the child and where its bytes go.
struct Sink {
    Fd* fd;
    std::string* text;
};

// Feeds the child's stdin and drains its output pipes until they close, then reaps it.
int pump(pid_t pid, Fd& input, InputFeeder& feeder, std::array<Sink, 2> sinks) {
    if (feeder.empty()) {
        input.reset();
    } else {
        ::fcntl(input.get(), F_SETFL, O_NONBLOCK);
    }
    SigpipeBlock sigpipe_block;
    std::array<char, 65536> buffer{};
    auto open = [](const Sink& sink) { return sink.fd != nullptr && sink.fd->get() >= 0; };
    while (open(sinks[0]) || open(sinks[1])) {
        std::array<pollfd, 3> fds{{{open(sinks[0]) ? sinks[0].fd->get() : -1, POLLIN, 0},
                                   {open(sinks[1]) ? sinks[1].fd->get() : -1, POLLIN, 0},
                                   {input.get(), POLLOUT, 0}}};
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (input.get() >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
            if (!feeder.write_some(input.get()) || feeder.done()) {
                input.reset();
            }
        }
        for (std::size_t i = 0; i < sinks.size(); ++i) {
            if (open(sinks[i]) && (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
                ssize_t n = ::read(sinks[i].fd->get(), buffer.data(), buffer.size());
                if (n > 0) {
                    sinks[i].text->append(buffer.data(), static_cast<std::size_t>(n));
                } else if (n == 0 || errno != EINTR) {
                    sinks[i].fd->reset();
                }
            }
        }
    }
    input.reset();
    return wait_for(pid);
}

}  // namespace

Output run_captured(const std::vector<std::string>& argv, std::string_view input) {
    Pipe in = make_pipe();
    Pipe out = make_pipe();
    SpawnActions actions;
    actions.dup2(in.read_end.get(), STDIN_FILENO);
    actions.dup2(out.write_end.get(), STDOUT_FILENO);
    actions.dup2(out.write_end.get(), STDERR_FILENO);
    pid_t pid = spawn(argv, actions);
    in.read_end.reset();
    out.write_end.reset();
    Output result;
    InputFeeder feeder(input, input.size());
    result.exit_status = pump(pid, in.write_end, feeder, {Sink{&out.read_end, &result.output}, Sink{}});
    return result;
}

SeparateOutput run_separated(const std::vector<std::string>& argv, std::string_view input_head,
                             std::uint64_t input_size) {
    if (argv.empty()) {
        throw Error("exec: no command");
    }
    InputFeeder feeder(input_head, input_size);
    Pipe in = make_pipe();
    Pipe out = make_pipe();
    Pipe err = make_pipe();
    SpawnActions actions;
    if (feeder.empty()) {
        actions.open(STDIN_FILENO, "/dev/null", O_RDONLY);
    } else {
        actions.dup2(in.read_end.get(), STDIN_FILENO);
    }
    actions.dup2(out.write_end.get(), STDOUT_FILENO);
    actions.dup2(err.write_end.get(), STDERR_FILENO);
    pid_t pid = spawn(argv, actions);
    in.read_end.reset();
    out.write_end.reset();
    err.write_end.reset();
    SeparateOutput result;
    result.exit_status =
        pump(pid, in.write_end, feeder, {Sink{&out.read_end, &result.out}, Sink{&err.read_end, &result.err}});
    return result;
}

int run_attached(const std::vector<std::string>& argv) {
    InterruptsIgnored interrupts_ignored;
    SpawnActions actions;
    return wait_for(spawn(argv, actions));
}

int run_silent(const std::vector<std::string>& argv) {
    SpawnActions actions;
    actions.open(STDIN_FILENO, "/dev/null", O_RDONLY);
    actions.open(STDOUT_FILENO, "/dev/null", O_WRONLY);
    actions.open(STDERR_FILENO, "/dev/null", O_WRONLY);
    return wait_for(spawn(argv, actions));
}

std::optional<std::string> find_in_path(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        return ::access(name.c_str(), X_OK) == 0 ? std::optional<std::string>(name) : std::nullopt;
    }
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t pos = 0;
    while (pos <= dirs.size()) {
        std::size_t colon = dirs.find(':', pos);
        if (colon == std::string_view::npos) {
            colon = dirs.size();
        }
        std::string dir(dirs.substr(pos, colon - pos));
        pos = colon + 1;
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        struct stat info {};
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    return std::nullopt;
}

bool file_exists(const std::string& path) {
    struct stat info {};
    return !path.empty() && ::stat(path.c_str(), &info) == 0;
}

}  // namespace machine::process
