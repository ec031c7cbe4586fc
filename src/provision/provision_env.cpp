#include "provision/provision_env.hpp"

#include <thread>

#include "machine/error.hpp"
#include "machine/log.hpp"
#include "machine/progress.hpp"

namespace machine::provision {

SleepFunction real_sleep() {
    return [](std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); };
}

bool wait_for(const ProvisionEnv& env, const std::function<bool()>& condition, int attempts,
              std::chrono::milliseconds interval, const char* label) {
    progress::Wait shown(label);
    for (int attempt = 0; attempt < attempts; ++attempt) {
        if (condition()) {
            return true;
        }
        env.sleep(interval);
    }
    return false;
}

std::string max_retries_message(int attempts) {
    return "Maximum number of retries (" + std::to_string(attempts) + ") exceeded";
}

void wait_for_machine_state(const ProvisionEnv& env, State target) {
    bool reached = wait_for(
        env,
        [&] {
            try {
                return env.driver.state() == target;
            } catch (const Error& error) {
                log::debug(std::string("Error getting machine state: ") + error.what());
                return false;
            }
        },
        k_default_attempts, k_default_interval, "Waiting for the machine to be running");
    if (!reached) {
        throw Error(max_retries_message(k_default_attempts));
    }
}

}  // namespace machine::provision
