#pragma once

// A QMP (QEMU Machine Protocol) client over the unix socket a qemu process was started with
// (`-qmp unix:<path>,server=on,wait=off`): greeting, capabilities negotiation, then one command at a time.

#include <chrono>
#include <string>

namespace machine::drivers::qemu {

class QmpClient {
public:
    // Connects and negotiates capabilities. Throws Error "QMP <path>: <reason>" when there is nobody there.
    explicit QmpClient(const std::string& socket_path,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    ~QmpClient();
    QmpClient(const QmpClient&) = delete;
    QmpClient& operator=(const QmpClient&) = delete;

    // Runs `command` ({"execute": command}) and returns the compact JSON text of its "return" value;
    // asynchronous events that arrive meanwhile are skipped. Throws Error "QMP <command>: <class>: <desc>" on
    // a QMP error.
    std::string execute(const std::string& command);
    // query-status's "status" ("running", "paused", "shutdown", "prelaunch", ...).
    [[nodiscard]] std::string status();

private:
    // One JSON message (QMP sends one per line).
    [[nodiscard]] std::string read_message();
    void send(const std::string& text);

    int m_fd = -1;
    std::string m_path;
    std::string m_buffer;
    std::chrono::milliseconds m_timeout;
};

}  // namespace machine::drivers::qemu
