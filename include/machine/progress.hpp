#pragma once

// Progress of long waits (issue 11): waiting for SSH, for a cloud instance, for the Docker daemon. Shown as
// one self-erasing line on stderr, and only when stderr is a terminal (TERM not "dumb", MACHINE_PROGRESS not
// "0"), so scripts and anything reading stdout see exactly what they saw before.

#include <memory>
#include <string>

namespace machine::progress {

// While alive, and once the wait has lasted a second, redraws "<spinner> <label> (<seconds>s)" on stderr a
// few times a second; the line is erased when the wait ends or before machine::log writes anything.
class Wait {
public:
    explicit Wait(std::string label);
    ~Wait();
    Wait(const Wait&) = delete;
    Wait& operator=(const Wait&) = delete;

private:
    struct State;
    std::shared_ptr<State> m_state;
};

// Whether progress lines are drawn in this process (stderr is a terminal, and so on).
[[nodiscard]] bool enabled();

// Erases a drawn progress line; machine::log calls it before each line it writes.
void erase_line();

// The text of one redraw, e.g. "⠙ Waiting for SSH (12s)" (for tests).
[[nodiscard]] std::string line_text(const std::string& label, long long seconds, unsigned frame);

}  // namespace machine::progress
