#pragma once

// What provisioning needs from the outside world, as one value that tests can fake: the machine's SSH
// connection, its driver, and the clock used between retries.

#include <chrono>
#include <functional>
#include <string>

#include "machine/driver.hpp"
#include "machine/ssh.hpp"

namespace machine::provision {

using SleepFunction = std::function<void(std::chrono::milliseconds)>;

// upstream's mcnutils.WaitFor: 60 attempts, 3 s apart.
inline constexpr int k_default_attempts = 60;
inline constexpr std::chrono::milliseconds k_default_interval{3000};

struct ProvisionEnv {
    // The one connection of this machine (run() for most, run_tty() for the RedHat family). A getter rather
    // than a reference so that a connection dropped by reset_ssh is reopened by the next command.
    std::function<ssh::Client&()> ssh;
    Driver& driver;
    SleepFunction sleep;                   // pause between retries
    std::function<void()> reset_ssh = {};  // drop the connection after a reboot (may be empty)
    // The swarm-mode step (init/join over the Engine API), which needs the whole host and its store; empty
    // where no host is at hand (unit tests).
    std::function<void()> configure_swarm_mode = {};
};

// The production environment: std::this_thread::sleep_for.
[[nodiscard]] SleepFunction real_sleep();

// mcnutils.WaitForSpecific: calls `condition` up to `attempts` times, pausing `interval` after each false.
// Returns whether it became true.
// `label` names the wait on a terminal's progress line (machine/progress.hpp).
[[nodiscard]] bool wait_for(const ProvisionEnv& env, const std::function<bool()>& condition, int attempts,
                            std::chrono::milliseconds interval, const char* label = "Waiting");

// "Maximum number of retries (N) exceeded".
[[nodiscard]] std::string max_retries_message(int attempts);

// Polls the driver state (60 x 3 s); errors from the driver count as "not yet". Throws
// Error("Maximum number of retries (60) exceeded").
void wait_for_machine_state(const ProvisionEnv& env, State target);

}  // namespace machine::provision
