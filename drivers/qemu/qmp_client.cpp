#include "drivers/qemu/qmp_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "machine/error.hpp"

namespace machine::drivers::qemu {

QmpClient::QmpClient(const std::string& socket_path, std::chrono::milliseconds timeout)
    : m_path(socket_path), m_timeout(timeout) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof address.sun_path) {
        throw Error("QMP " + socket_path + ": socket path too long");
    }
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        throw Error("QMP " + socket_path + ": " + std::strerror(errno));
    }
    if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        int error = errno;
        ::close(m_fd);
        m_fd = -1;
        throw Error("QMP " + socket_path + ": " + std::strerror(error));
    }
    try {
        auto greeting = nlohmann::json::parse(read_message());
        if (!greeting.contains("QMP")) {
            throw Error("QMP " + m_path + ": unexpected greeting");
        }
        (void)execute("qmp_capabilities");
    } catch (...) {
        ::close(m_fd);
        m_fd = -1;
        throw;
    }
}

QmpClient::~QmpClient() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

void QmpClient::send(const std::string& text) {
    std::size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::send(m_fd, text.data() + written, text.size() - written, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw Error("QMP " + m_path + ": " + std::strerror(errno));
        }
        written += static_cast<std::size_t>(n);
    }
}

std::string QmpClient::read_message() {
    while (true) {
        auto newline = m_buffer.find('\n');
        if (newline != std::string::npos) {
            std::string line = m_buffer.substr(0, newline);
            m_buffer.erase(0, newline + 1);
            if (line.find_first_not_of(" \r\t") == std::string::npos) {
                continue;
            }
            return line;
        }
        pollfd fd{m_fd, POLLIN, 0};
        int ready = ::poll(&fd, 1, static_cast<int>(m_timeout.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready == 0) {
            throw Error("QMP " + m_path + ": no answer within " + std::to_string(m_timeout.count()) + " ms");
        }
        char chunk[4096];
        ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw Error("QMP " + m_path + ": connection closed");
        }
        m_buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

std::string QmpClient::execute(const std::string& command) {
    send(nlohmann::json{{"execute", command}}.dump() + "\n");
    while (true) {
        nlohmann::json message;
        try {
            message = nlohmann::json::parse(read_message());
        } catch (const nlohmann::json::exception& error) {
            throw Error("QMP " + command + ": " + error.what());
        }
        if (message.contains("return")) {
            return message["return"].dump();
        }
        if (message.contains("error")) {
            const auto& error = message["error"];
            throw Error("QMP " + command + ": " + error.value("class", std::string()) + ": " +
                        error.value("desc", std::string()));
        }
        // {"event": ...}: not an answer.
    }
}

std::string QmpClient::status() {
    auto answer = nlohmann::json::parse(execute("query-status"));
    return answer.value("status", std::string());
}

}  // namespace machine::drivers::qemu
