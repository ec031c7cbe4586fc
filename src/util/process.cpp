#include "machine/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
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
    if (input.empty()) {
        in.write_end.reset();
    } else {
        ::fcntl(in.write_end.get(), F_SETFL, O_NONBLOCK);
    }

    SigpipeBlock sigpipe_block;
    Output result;
    std::size_t written = 0;
    char buffer[65536];
    while (out.read_end.get() >= 0) {
        pollfd fds[2] = {{out.read_end.get(), POLLIN, 0}, {in.write_end.get(), POLLOUT, 0}};
        nfds_t count = in.write_end.get() >= 0 ? 2 : 1;
        if (::poll(fds, count, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (count == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
            ssize_t n = ::write(in.write_end.get(), input.data() + written, input.size() - written);
            if (n > 0) {
                written += static_cast<std::size_t>(n);
            }
            if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
                in.write_end.reset();
            }
        }
        if ((fds[0].revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
            ssize_t n = ::read(out.read_end.get(), buffer, sizeof buffer);
            if (n > 0) {
                result.output.append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                out.read_end.reset();
            }
        }
    }
    in.write_end.reset();
    result.exit_status = wait_for(pid);
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
