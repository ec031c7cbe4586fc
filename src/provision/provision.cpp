// The public provisioning entry points (machine/provision.hpp): a ProvisionEnv on the machine's cached SSH
// connection, then the flows of flows.cpp.

#include "machine/provision.hpp"

#include "machine/cert.hpp"

#include <chrono>

#include "machine/connection.hpp"
#include "machine/docker_api.hpp"
#include "machine/error.hpp"
#include "machine/machine_ssh.hpp"
#include "machine/swarm.hpp"
#include "provision/flows.hpp"

namespace machine {
namespace {

constexpr std::chrono::milliseconds k_docker_api_timeout{30000};

provision::ProvisionEnv env_for(Host& host, bool native_ssh) {
    if (!host.driver) {
        throw Error("machine " + host.name + " has no driver");
    }
    // The CLI's --native-ssh / MACHINE_NATIVE_SSH choice; the same value for every machine of this process.
    set_native_ssh(native_ssh);
    Driver& driver = *host.driver;
    return provision::ProvisionEnv{
        [&driver]() -> ssh::Client& { return ssh_client(driver); },
        driver,
        provision::real_sleep(),
        [&driver] { forget_ssh_client(driver); },
        [&host] { swarm::configure(host); },
    };
}

}  // namespace

bool needs_provisioning(const std::string& driver_name) {
    return driver_name != "none" && driver_name != "ci-test";
}

void provision_new_host(Host& host, bool native_ssh) {
    cert::start_key_generation();  // the server key, made while SSH round trips run
    provision::run_create_provisioning(env_for(host, native_ssh), host.options,
                                       [&host] { (void)check_connection(host, /*swarm=*/false); });
}

void reprovision_host(Host& host, bool native_ssh, bool with_swarm) {
    cert::start_key_generation();
    provision::run_reprovision(env_for(host, native_ssh), host.options, with_swarm);
}

void wait_for_machine_state(Host& host, State target) {
    if (!host.driver) {
        throw Error("machine " + host.name + " has no driver");
    }
    // Waiting for a state needs no SSH: the connection getter is never called.
    const provision::ProvisionEnv env{
        []() -> ssh::Client& { throw Error("no SSH connection while waiting for a machine state"); },
        *host.driver,
        provision::real_sleep(),
    };
    provision::wait_for_machine_state(env, target);
}

void rotate_host_certificates(Host& host, bool native_ssh) {
    cert::start_key_generation();
    provision::run_rotate_certificates(env_for(host, native_ssh), host.options);
}

void wait_for_docker(Host& host, bool native_ssh) {
    provision::run_wait_for_docker(env_for(host, native_ssh));
}

void upgrade_host(Host& host, bool native_ssh) {
    provision::run_upgrade(env_for(host, native_ssh), host.options, [&host] {
        const std::string url = host.driver->url();
        try {
            return docker_api::server_version(url, tls_client_files(host), k_docker_api_timeout);
        } catch (const Error& error) {
            throw Error(std::string("Unable to query docker version: ") + error.what());
        }
    });
}

}  // namespace machine
