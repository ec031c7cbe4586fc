#pragma once

#include <stdexcept>
#include <string>

namespace machine {

// Every failure a command reports to the user is a machine::Error. It carries the process exit code so that
// main() can catch once and exit the way docker-machine 0.16.2 did (1 by default, 3 for pre-create failures).
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, int exit_code = 1)
        : std::runtime_error(message), m_exit_code(exit_code) {}
    [[nodiscard]] int exit_code() const noexcept { return m_exit_code; }

private:
    int m_exit_code;
};

// The named machine's directory does not exist.
class MachineNotFound : public Error {
public:
    explicit MachineNotFound(const std::string& name);
    [[nodiscard]] const std::string& name() const noexcept { return m_name; }

private:
    std::string m_name;
};

// A driver operation that the driver does not support (e.g. "generic driver does not support kill").
class NotSupported : public Error {
public:
    using Error::Error;
};

// A failure that must not print anything more (the message was already shown); exits with the given code.
class SilentExit : public Error {
public:
    explicit SilentExit(int exit_code) : Error("", exit_code) {}
};

}  // namespace machine
