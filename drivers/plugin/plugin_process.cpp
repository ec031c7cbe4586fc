#include "drivers/plugin/plugin_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"

extern char** environ;

namespace machine::plugin {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t k_max_line = 1 << 20;
constexpr auto k_reader_tick = std::chrono::milliseconds(500);

// Plugin processes not yet reaped. A command that ends while a thread still waits on a hung plugin (ls gives
// up on it after its timeout) must not leave the plugin behind: exit() kills what is left.
struct LiveProcesses {
    std::mutex mutex;
    std::set<pid_t> pids;
};

LiveProcesses& live_processes() {
    static auto* live = new LiveProcesses;  // never destroyed: used by the exit handler
    return *live;
}

void kill_leftovers() {
    LiveProcesses& live = live_processes();
    std::lock_guard lock(live.mutex);
    for (pid_t pid : live.pids) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    live.pids.clear();
}

void register_pid(pid_t pid) {
    static std::once_flag once;
    std::call_once(once, [] { std::atexit(kill_leftovers); });
    LiveProcesses& live = live_processes();
    std::lock_guard lock(live.mutex);
    live.pids.insert(pid);
}

void close_fd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

void make_pipe(int& read_end, int& write_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw Error(std::string("pipe: ") + std::strerror(errno));
    }
    read_end = fds[0];
    write_end = fds[1];
}

std::string trim(const std::string& text) {
    const char* space = " \t\r\n\v\f";
    std::size_t begin = text.find_first_not_of(space);
    if (begin == std::string::npos) {
        return {};
    }
    return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

// The parent's environment with the plugin's two variables set (drivers.md §3.1).
std::vector<std::string> plugin_environment(const std::string& driver_name) {
    std::vector<std::string> env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        if (text.starts_with("MACHINE_PLUGIN_TOKEN=") || text.starts_with("MACHINE_PLUGIN_DRIVER_NAME=")) {
            continue;
        }
        env.emplace_back(text);
    }
    env.push_back("MACHINE_PLUGIN_TOKEN=42");
    env.push_back("MACHINE_PLUGIN_DRIVER_NAME=" + driver_name);
    return env;
}

std::string exit_text(int status) {
    if (WIFEXITED(status)) {
        return "exit status " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return std::string("signal: ") + ::strsignal(WTERMSIG(status));
    }
    return "status " + std::to_string(status);
}

}  // namespace

PluginProcess::PluginProcess(const std::string& binary, const std::string& driver_name,
                             std::chrono::milliseconds address_timeout)
    : m_binary(binary) {
    m_stdout.is_stdout = true;
    int stdout_write = -1;
    int stderr_write = -1;
    try {
        make_pipe(m_stdout.fd, stdout_write);
        make_pipe(m_stderr.fd, stderr_write);
        make_pipe(m_wake_read, m_wake_write);

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, stdout_write, STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, stderr_write, STDERR_FILENO);
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t signals;
        sigemptyset(&signals);
        posix_spawnattr_setsigmask(&attributes, &signals);
        sigaddset(&signals, SIGPIPE);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGQUIT);
        posix_spawnattr_setsigdefault(&attributes, &signals);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

        std::vector<std::string> env = plugin_environment(driver_name);
        std::vector<char*> envp;
        for (auto& entry : env) {
            envp.push_back(entry.data());
        }
        envp.push_back(nullptr);
        std::string argv0 = binary;
        char* argv[] = {argv0.data(), nullptr};
        log::debug("Launching plugin server for driver " + driver_name);
        int rc = ::posix_spawn(&m_pid, binary.c_str(), &actions, &attributes, argv, envp.data());
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
        if (rc != 0) {
            m_pid = -1;
            throw Error("Error starting plugin binary: fork/exec " + binary + ": " + std::strerror(rc));
        }
        register_pid(m_pid);
        close_fd(stdout_write);
        close_fd(stderr_write);
        ::fcntl(m_stdout.fd, F_SETFL, O_NONBLOCK);
        ::fcntl(m_stderr.fd, F_SETFL, O_NONBLOCK);

        // The address line, while stderr is logged as it comes.
        auto deadline = Clock::now() + address_timeout;
        std::lock_guard lock(m_output_mutex);
        while (!m_address_read && m_stdout.fd >= 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) {
                throw Error("Failed to dial the plugin server in " +
                            std::to_string(address_timeout.count() / 1000) + "s");
            }
            pollfd fds[2] = {{m_stdout.fd, POLLIN, 0}, {m_stderr.fd, POLLIN, 0}};
            if (::poll(fds, m_stderr.fd >= 0 ? 2 : 1, static_cast<int>(left.count()) + 1) < 0 &&
                errno != EINTR) {
                throw Error(std::string("poll: ") + std::strerror(errno));
            }
            read_available(m_stderr);
            read_available(m_stdout);
        }
        if (!m_address_read) {
            // stdout closed without a line: the plugin died (or closed its stdout) before serving.
            read_available(m_stderr);
            bool exited = wait_exit(std::chrono::seconds(2));
            std::string message =
                "the plugin binary " + go_quote(binary) + " " +
                (exited ? "exited (" + exit_text(m_exit_status) + ")" : "closed its output") +
                " before printing its server address";
            if (!m_last_stderr_line.empty()) {
                message += ": " + m_last_stderr_line;
            }
            throw Error(message);
        }
        log::debug("Plugin server listening at address " + m_address);
        m_reader = std::thread([this] { reader_loop(); });
    } catch (...) {
        close_fd(stdout_write);
        close_fd(stderr_write);
        kill_and_reap();
        close_fd(m_stdout.fd);
        close_fd(m_stderr.fd);
        close_fd(m_wake_read);
        close_fd(m_wake_write);
        throw;
    }
}

PluginProcess::~PluginProcess() {
    clear_periodic_task();
    if (m_reader.joinable()) {
        char byte = 0;
        while (::write(m_wake_write, &byte, 1) < 0 && errno == EINTR) {
        }
        m_reader.join();
    }
    drain_output();
    kill_and_reap();
    close_fd(m_stdout.fd);
    close_fd(m_stderr.fd);
    close_fd(m_wake_read);
    close_fd(m_wake_write);
}

void PluginProcess::set_machine_name(const std::string& name) {
    std::lock_guard lock(m_output_mutex);
    m_machine_name = name;
}

void PluginProcess::drain_output() {
    std::lock_guard lock(m_output_mutex);
    read_available(m_stdout);
    read_available(m_stderr);
}

void PluginProcess::set_periodic_task(std::chrono::milliseconds interval, std::function<void()> task) {
    std::lock_guard lock(m_task_mutex);
    m_task_interval = interval;
    m_task = std::move(task);
}

void PluginProcess::clear_periodic_task() {
    std::lock_guard lock(m_task_mutex);
    m_task = nullptr;
}

void PluginProcess::read_available(Stream& stream) {
    char buffer[4096];
    while (stream.fd >= 0) {
        ssize_t n = ::read(stream.fd, buffer, sizeof buffer);
        if (n > 0) {
            stream.partial.append(buffer, static_cast<std::size_t>(n));
            std::size_t newline;
            while ((newline = stream.partial.find('\n')) != std::string::npos) {
                std::string line = stream.partial.substr(0, newline);
                stream.partial.erase(0, newline + 1);
                emit_line(stream, std::move(line));
            }
            if (stream.partial.size() > k_max_line) {
                emit_line(stream, std::move(stream.partial));
                stream.partial.clear();
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        // End of the stream (or a read error): the last line may lack its newline.
        if (!stream.partial.empty()) {
            emit_line(stream, std::move(stream.partial));
            stream.partial.clear();
        }
        close_fd(stream.fd);
    }
}

void PluginProcess::emit_line(const Stream& stream, std::string line) {
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    if (stream.is_stdout && !m_address_read) {
        m_address = trim(line);
        m_address_read = true;
        return;
    }
    if (stream.is_stdout) {
        log::info("(" + m_machine_name + ") " + line);
    } else {
        // What to quote if the plugin dies before serving: a Go panic's first line, else its last words.
        bool crash_line = line.starts_with("panic: ") || line.starts_with("fatal error: ");
        if (!m_crash_line_seen && !trim(line).empty()) {
            m_last_stderr_line = line;
        }
        m_crash_line_seen = m_crash_line_seen || crash_line;
        log::debug("(" + m_machine_name + ") DBG | " + line);
    }
}

void PluginProcess::reader_loop() {
    auto next_run = Clock::now();
    bool scheduled = false;
    for (;;) {
        std::function<void()> task;
        std::chrono::milliseconds interval{0};
        {
            std::lock_guard lock(m_task_mutex);
            task = m_task;
            interval = m_task_interval;
        }
        if (!task) {
            scheduled = false;
        } else if (!scheduled) {
            next_run = Clock::now() + interval;
            scheduled = true;
        }
        if (scheduled && Clock::now() >= next_run) {
            task();
            next_run = Clock::now() + interval;
            continue;
        }
        pollfd fds[3];
        nfds_t count = 0;
        fds[count++] = {m_wake_read, POLLIN, 0};
        int stdout_fd = -1;
        int stderr_fd = -1;
        {
            std::lock_guard lock(m_output_mutex);
            stdout_fd = m_stdout.fd;
            stderr_fd = m_stderr.fd;
        }
        if (stdout_fd >= 0) {
            fds[count++] = {stdout_fd, POLLIN, 0};
        }
        if (stderr_fd >= 0) {
            fds[count++] = {stderr_fd, POLLIN, 0};
        }
        auto wait = k_reader_tick;
        if (scheduled) {
            wait = std::min(wait,
                            std::chrono::duration_cast<std::chrono::milliseconds>(next_run - Clock::now()) +
                                std::chrono::milliseconds(1));
        }
        int ready = ::poll(fds, count, static_cast<int>(std::max<long long>(wait.count(), 0)));
        if (ready < 0 && errno != EINTR) {
            return;
        }
        if ((fds[0].revents & POLLIN) != 0) {
            return;  // asked to stop
        }
        if (ready > 0) {
            drain_output();
        }
    }
}

bool PluginProcess::try_reap(int options) {
    if (m_reaped || m_pid <= 0) {
        return true;
    }
    LiveProcesses& live = live_processes();
    std::lock_guard lock(live.mutex);
    if (live.pids.count(m_pid) == 0) {
        m_reaped = true;  // the exit handler got there first
        return true;
    }
    int status = 0;
    pid_t done = ::waitpid(m_pid, &status, options);
    if (done == m_pid || (done < 0 && errno == ECHILD)) {
        m_reaped = true;
        m_exit_status = status;
        live.pids.erase(m_pid);
        return true;
    }
    return false;
}

bool PluginProcess::wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        if (try_reap(WNOHANG)) {
            return true;
        }
        if (Clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void PluginProcess::kill_and_reap() {
    if (m_pid <= 0 || try_reap(WNOHANG)) {
        return;
    }
    ::kill(m_pid, SIGKILL);
    (void)try_reap(0);
}

}  // namespace machine::plugin
