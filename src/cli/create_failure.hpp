#pragma once

// What a failed `create` tells the user (issue 11). Upstream keeps the machine directory of a create that
// failed after the driver started and says nothing about it; we keep it too (scripts may rely on that:
// removing it would be a silent change), so `ls` lists the machine with its error, and add a hint on stderr,
// after the error, saying how to remove what was made. Cloud drivers that fail inside their own create delete
// the resources they made themselves (amazonec2, digitalocean).

#include <exception>
#include <string>

namespace machine::cli {

// Armed for the part of create that touches the host or cloud side. If it is destroyed while an exception
// unwinds (and dismiss() was not called), it queues the clean-up hint for run() to print after the error.
class CreateFailureNotice {
public:
    CreateFailureNotice(std::string argv0, std::string machine_name);
    ~CreateFailureNotice();
    CreateFailureNotice(const CreateFailureNotice&) = delete;
    CreateFailureNotice& operator=(const CreateFailureNotice&) = delete;
    void dismiss() { m_dismissed = true; }

private:
    std::string m_argv0;
    std::string m_name;
    int m_exceptions_at_start = std::uncaught_exceptions();
    bool m_dismissed = false;
};

// Lines printed on stderr after the error message of a failed command (see cli::run).
void add_exit_note(std::string line);
[[nodiscard]] std::string take_exit_notes();

}  // namespace machine::cli
