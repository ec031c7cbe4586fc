#include "provision/flows.hpp"

#include <exception>

#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "provision/detection.hpp"
#include "provision/version_compare.hpp"

namespace machine::provision {
namespace {

// The last release before the "-ce" versions: older engines are purged and reinstalled by `upgrade`.
constexpr const char* k_last_release_before_ce = "1.13.1";

[[noreturn]] void rethrow_wrapped(const std::string& prefix) {
    try {
        throw;
    } catch (const std::exception& error) {
        throw Error(prefix + error.what());
    }
}

// host.Start(): "Starting "X"...", driver start, poll Running, "Machine "X" was started.", wait for Docker.
void start_machine(const ProvisionEnv& env) {
    const std::string quoted_name = go_quote(env.driver.base().machine_name);
    log::info("Starting " + quoted_name + "...");
    bool running = false;
    try {
        running = env.driver.state() == State::Running;
    } catch (const Error& error) {
        log::debug(std::string("Error getting machine state: ") + error.what());
    }
    if (running) {
        throw Error("Machine " + quoted_name + " is already running.");
    }
    env.driver.start();
    wait_for_machine_state(env, State::Running);
    log::info("Machine " + quoted_name + " was started.");
    run_wait_for_docker(env);
}

}  // namespace

void run_create_provisioning(const ProvisionEnv& env, const HostOptions& options,
                             const std::function<void()>& check_connection) {
    log::info("Waiting for machine to be running, this may take a few minutes...");
    try {
        wait_for_machine_state(env, State::Running);
    } catch (...) {
        rethrow_wrapped("Error creating machine: Error waiting for machine to be running: ");
    }

    log::info("Detecting operating system of created instance...");
    std::unique_ptr<Provisioner> provisioner;
    try {
        provisioner = detect_provisioner(env);
    } catch (...) {
        rethrow_wrapped("Error creating machine: Error detecting OS: ");
    }

    log::info("Provisioning with " + provisioner->name() + "...");
    try {
        provisioner->provision(options.swarm, options.auth, options.engine);
    } catch (...) {
        rethrow_wrapped("Error creating machine: Error running provisioning: ");
    }

    log::info("Checking connection to Docker...");
    try {
        check_connection();
    } catch (...) {
        rethrow_wrapped("Error creating machine: Error checking the host: ");
    }
    log::info("Docker is up and running!");
}

void run_reprovision(const ProvisionEnv& env, const HostOptions& options, bool with_swarm) {
    std::unique_ptr<Provisioner> provisioner = detect_provisioner(env);
    provisioner->provision(with_swarm ? options.swarm : SwarmOptions{}, options.auth, options.engine);
}

void run_rotate_certificates(const ProvisionEnv& env, const HostOptions& options) {
    std::unique_ptr<Provisioner> provisioner = detect_provisioner(env);
    provisioner->rotate_certificates(options.swarm, options.auth, options.engine);
}

void run_wait_for_docker(const ProvisionEnv& env) {
    std::unique_ptr<Provisioner> provisioner = detect_provisioner(env);
    provisioner->wait_for_daemon_port(2376);
}

void run_upgrade(const ProvisionEnv& env, const HostOptions& options,
                 const std::function<std::string()>& query_docker_version) {
    if (env.driver.state() != State::Running) {
        log::info("Starting machine so machine can be upgraded...");
        start_machine(env);
    }

    std::unique_ptr<Provisioner> provisioner = detect_provisioner(env);
    const std::string docker_version = query_docker_version();

    // Engines before the "-ce" versioning had other package names: purge them and provision from scratch
    // (the ISO-based systems simply fetch the latest ISO).
    const std::string name = provisioner->name();
    if (version_less_than_or_equal(docker_version, k_last_release_before_ce) && name != "rancheros" &&
        name != "boot2docker") {
        provisioner->package("docker-engine", PackageAction::Purge);
        run_reprovision(env, options, /*with_swarm=*/true);
        return;
    }

    log::info("Upgrading docker...");
    provisioner->package("docker", PackageAction::Upgrade);
    log::info("Restarting docker...");
    provisioner->service("docker", ServiceAction::Restart);
}

}  // namespace machine::provision
