#pragma once

// SSH to a machine through its driver's SSH endpoint, with one connection per machine for the whole command.

#include <string>

#include "machine/driver.hpp"
#include "machine/ssh.hpp"

namespace machine {

// Chooses the SSH client for this process (--native-ssh / MACHINE_NATIVE_SSH); set once by the CLI.
void set_native_ssh(bool native);
[[nodiscard]] ssh::ClientKind ssh_client_kind();

// host, port, user and key from the driver; host keys pinned in <machine dir>/known_hosts.
[[nodiscard]] ssh::Endpoint ssh_endpoint(Driver& driver);

// The machine's SSH client, opened on first use and kept until the process ends (or forget_ssh_client).
// Not shared between threads: each machine is driven by one thread at a time.
[[nodiscard]] ssh::Client& ssh_client(Driver& driver);
// Drops the cached connection (after a reboot, or when the endpoint changed).
void forget_ssh_client(Driver& driver);
// Closes every cached connection. Called when the command is done, before exit: left to the static
// destructors, a native connection's goodbye ran after OpenSSL's exit-time cleanup and crashed the process
// (SIGSEGV in RAND_bytes from ssh_disconnect) after `--native-ssh provision` had succeeded.
void close_ssh_clients();

// Runs one command on the machine; returns its output. Throws ssh::CommandFailed on a non-zero exit, Error on
// connection failure.
std::string run_ssh_command(Driver& driver, const std::string& command);

}  // namespace machine
