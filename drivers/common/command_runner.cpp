#include "drivers/common/command_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "machine/error.hpp"

extern char** environ;

namespace machine::drivers {
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
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
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
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
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
    posix_spawn_file_actions_t m_actions{};
};

// The child starts with an empty signal mask and default SIGPIPE, whatever this process has.
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
        posix_spawnattr_setsigdefault(&m_attributes, &defaults);
        posix_spawnattr_setflags(&m_attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    ~SpawnAttributes() { posix_spawnattr_destroy(&m_attributes); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    [[nodiscard]] const posix_spawnattr_t* get() const { return &m_attributes; }

private:
    posix_spawnattr_t m_attributes{};
};

// Blocks SIGPIPE in this thread while feeding a child that may exit early; EPIPE is then just an error code.
class SigpipeBlock {
public:
    SigpipeBlock() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &set, &m_old_mask);
    }
    ~SigpipeBlock() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        timespec zero{0, 0};
        while (sigtimedwait(&set, nullptr, &zero) == SIGPIPE) {
        }
        pthread_sigmask(SIG_SETMASK, &m_old_mask, nullptr);
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;

private:
    sigset_t m_old_mask{};
};

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

// Feeds CommandInput to a non-blocking pipe, chunk by chunk.
class InputFeeder {
public:
    explicit InputFeeder(const CommandInput& input)
        : m_input(input), m_total(std::max<std::uint64_t>(input.total_size, input.head.size())) {}
    [[nodiscard]] bool done() const { return m_written >= m_total; }
    // Writes what the pipe takes now; false on a write error (the reader is gone).
    bool write_some(int fd) {
        static const std::array<char, 65536> k_zeros{};
        const char* data = nullptr;
        std::size_t size = 0;
        if (m_written < m_input.head.size()) {
            data = m_input.head.data() + m_written;
            size = m_input.head.size() - static_cast<std::size_t>(m_written);
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
    const CommandInput& m_input;
    std::uint64_t m_total;
    std::uint64_t m_written = 0;
};

class ProcessRunner final : public CommandRunner {
public:
    CommandResult run(const std::vector<std::string>& argv, const CommandInput& input) override {
        if (argv.empty()) {
            throw Error("exec: no command");
        }
        bool has_input = !input.head.empty() || input.total_size > 0;
        Pipe in = make_pipe();
        Pipe out = make_pipe();
        Pipe err = make_pipe();
        SpawnActions actions;
        if (has_input) {
            actions.dup2(in.read_end.get(), STDIN_FILENO);
        } else {
            actions.open(STDIN_FILENO, "/dev/null", O_RDONLY);
        }
        actions.dup2(out.write_end.get(), STDOUT_FILENO);
        actions.dup2(err.write_end.get(), STDERR_FILENO);

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
        in.read_end.reset();
        out.write_end.reset();
        err.write_end.reset();
        if (!has_input) {
            in.write_end.reset();
        } else {
            ::fcntl(in.write_end.get(), F_SETFL, O_NONBLOCK);
        }

        SigpipeBlock sigpipe_block;
        InputFeeder feeder(input);
        CommandResult result;
        std::array<char, 65536> buffer{};
        while (out.read_end.get() >= 0 || err.read_end.get() >= 0) {
            std::array<pollfd, 3> fds{{{out.read_end.get(), POLLIN, 0},
                                       {err.read_end.get(), POLLIN, 0},
                                       {in.write_end.get(), POLLOUT, 0}}};
            if (::poll(fds.data(), fds.size(), -1) < 0) {
                if (errno == EINTR) {
                    continue;
                }
                break;
            }
            if (in.write_end.get() >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
                if (!feeder.write_some(in.write_end.get()) || feeder.done()) {
                    in.write_end.reset();
                }
            }
            for (auto [index, target] : {std::pair{0, &result.out}, std::pair{1, &result.err}}) {
                Fd& fd = index == 0 ? out.read_end : err.read_end;
                if (fd.get() >= 0 &&
                    (fds[static_cast<std::size_t>(index)].revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
                    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
                    if (n > 0) {
                        target->append(buffer.data(), static_cast<std::size_t>(n));
                    } else if (n == 0 || errno != EINTR) {
                        fd.reset();
                    }
                }
            }
        }
        in.write_end.reset();
        result.exit_status = wait_for(pid);
        return result;
    }
};

}  // namespace

CommandRunner& default_command_runner() {
    static ProcessRunner runner;
    return runner;
}

std::string join_args(const std::vector<std::string>& argv) {
    std::string out;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        out += (i == 0 ? "" : " ") + argv[i];
    }
    return out;
}

}  // namespace machine::drivers
