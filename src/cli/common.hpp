#pragma once

// Helpers shared by several commands: machine-name arguments, the multi-machine runner, prompts.

#include <functional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "machine/host.hpp"

namespace machine::cli {

// The names given, or ["default"] when none and a machine called default exists (cli.md §1.8).
[[nodiscard]] std::vector<std::string> names_or_default(const Context& context,
                                                        const std::vector<std::string>& args);

// One machine name: the default rule for zero, "Expected one machine name" for more than one.
[[nodiscard]] std::string single_name_or_default(const Context& context,
                                                 const std::vector<std::string>& args);

// runAction (cli.md §1.10): load all (any load error aborts), act concurrently, report errors joined by \n,
// save every machine if all succeeded.
void run_action(Context& context, const std::vector<std::string>& names,
                const std::function<void(Host&)>& action);

// The "Starting \"x\"..." / "already running" state transitions of start, stop and kill.
void transition_start(Host& host);
void transition_stop(Host& host);
void transition_kill(Host& host);

// Reads one whitespace-free token and a newline from stdin (Go fmt.Scanln); throws Error on EOF ("EOF"),
// an empty line ("unexpected newline") or extra tokens ("expected newline").
[[nodiscard]] std::string read_confirmation_token();
// Prompt + token; true when the answer starts with y/Y.
[[nodiscard]] bool confirm(const std::string& prompt);

// Prints the command's help text on stdout (several commands do this before an argument error).
void print_help(const Command& command, const Context& context);

}  // namespace machine::cli
