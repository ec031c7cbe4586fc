#pragma once

// A running docker-machine-driver-NAME binary (docs/plugins.md §1): started with the plugin environment, its
// first stdout line is the address of its RPC server; every later stdout line is logged as Info
// "(<machine>) <line>", every stderr line as Debug "(<machine>) DBG | <line>". One thread per process reads
// both pipes and runs a periodic task (the heartbeat). The destructor ends the process for good.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace machine::plugin {

class PluginProcess {
public:
    // Starts `binary` for driver `driver_name` and waits up to `address_timeout` for its address line.
    // Throws Error: "Failed to dial the plugin server in 10s", or, when the plugin ends before printing its
    // address, a message with its exit status and last stderr line.
    PluginProcess(const std::string& binary, const std::string& driver_name,
                  std::chrono::milliseconds address_timeout);
    // Stops the reader thread, kills the process if it still runs (SIGKILL) and reaps it.
    ~PluginProcess();
    PluginProcess(const PluginProcess&) = delete;
    PluginProcess& operator=(const PluginProcess&) = delete;

    // The first stdout line, whitespace trimmed.
    [[nodiscard]] const std::string& address() const { return m_address; }
    [[nodiscard]] pid_t pid() const { return m_pid; }
    // The prefix of logged lines, "(<name>) ".
    void set_machine_name(const std::string& name);
    // Logs every complete line that is in the pipes now: after an RPC reply, whatever the plugin printed
    // while serving it appears before what the caller prints next.
    void drain_output();
    // Runs `task` on the reader thread every `interval` (first after one interval) until cleared.
    void set_periodic_task(std::chrono::milliseconds interval, std::function<void()> task);
    void clear_periodic_task();
    // Waits for the process to exit on its own; true if it did (and it is reaped).
    bool wait_exit(std::chrono::milliseconds timeout);

private:
    struct Stream {
        int fd = -1;
        bool is_stdout = false;
        std::string partial;
    };
    void read_available(Stream& stream);  // m_output_mutex held
    void emit_line(const Stream& stream, std::string line);
    void reader_loop();
    bool try_reap(int options);
    void kill_and_reap();

    std::string m_binary;
    pid_t m_pid = -1;
    bool m_reaped = false;
    int m_exit_status = 0;
    std::string m_address;
    std::string m_last_stderr_line;
    bool m_crash_line_seen = false;

    std::mutex m_output_mutex;  // the pipes, the line buffers, the prefix
    Stream m_stdout;
    Stream m_stderr;
    std::string m_machine_name;
    bool m_address_read = false;

    std::mutex m_task_mutex;
    std::function<void()> m_task;
    std::chrono::milliseconds m_task_interval{0};

    int m_wake_read = -1;  // a byte written here wakes the reader thread to stop
    int m_wake_write = -1;
    std::thread m_reader;
};

}  // namespace machine::plugin
