#include "cli/create_failure.hpp"

#include <mutex>
#include <utility>

#include "machine/go_quote.hpp"

namespace machine::cli {
namespace {

std::mutex g_notes_mutex;
std::string g_notes;

}  // namespace

CreateFailureNotice::CreateFailureNotice(std::string argv0, std::string machine_name)
    : m_argv0(std::move(argv0)), m_name(std::move(machine_name)) {}

CreateFailureNotice::~CreateFailureNotice() {
    if (m_dismissed || std::uncaught_exceptions() <= m_exceptions_at_start) {
        return;
    }
    try {
        add_exit_note("The machine " + go_quote(m_name) +
                      " was kept with what was made so far (ls shows it). To clean up, run: " + m_argv0 +
                      " rm -f " + m_name);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
}

void add_exit_note(std::string line) {
    std::lock_guard lock(g_notes_mutex);
    g_notes += line + "\n";
}

std::string take_exit_notes() {
    std::lock_guard lock(g_notes_mutex);
    return std::exchange(g_notes, std::string());
}

}  // namespace machine::cli
