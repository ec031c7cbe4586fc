#pragma once

// Certificates as docker-machine 0.16.2 makes them (reference/certs-and-provisioning.md §1), with OpenSSL 3.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace machine::cert {

// The subject organization: $USER, or "unknown" when empty.
[[nodiscard]] std::string default_organization();

// Creates a self-signed CA (RSA 2048, O=<org>, 1080 days, CA:TRUE). Key file 0600 PKCS#1 "RSA PRIVATE KEY",
// cert file 0644. Throws machine::Error.
void generate_ca(const std::string& cert_path, const std::string& key_path, const std::string& organization);
// Same, with `now` in place of the wall clock (NotBefore = `now` truncated to the minute - 5 min); tests use
// it to make expired certificates.
void generate_ca(const std::string& cert_path, const std::string& key_path, const std::string& organization,
                 std::chrono::system_clock::time_point now);

// Creates a certificate signed by the CA. `hosts` empty => client certificate (ExtKeyUsage clientAuth);
// otherwise a server certificate whose SANs are `hosts` (IPs as IP SANs, others as DNS SANs, order kept),
// ExtKeyUsage serverAuth (+ clientAuth when `also_client_auth`, for swarm masters). Throws machine::Error.
void generate_signed_cert(const std::string& cert_path, const std::string& key_path,
                          const std::string& ca_cert_path, const std::string& ca_key_path,
                          const std::string& organization, const std::vector<std::string>& hosts,
                          bool also_client_auth);
// Same, with `now` in place of the wall clock.
void generate_signed_cert(const std::string& cert_path, const std::string& key_path,
                          const std::string& ca_cert_path, const std::string& ca_key_path,
                          const std::string& organization, const std::vector<std::string>& hosts,
                          bool also_client_auth, std::chrono::system_clock::time_point now);

// NotAfter of the PEM certificate at path; throws machine::Error ("Failed to decode PEM data", ...).
[[nodiscard]] std::chrono::system_clock::time_point not_after(const std::string& cert_path);

// Starts generating an RSA key in the background; the next certificate generated takes it instead of making
// its own. Provisioning calls it before its SSH round trips so the ~0.1-0.5 s of key generation overlaps
// them.
void start_key_generation();
// Waits for a key started by start_key_generation that no certificate took, and drops it. Called before the
// process exits: left to the static destructors, the generating thread ran on after OpenSSL's exit-time
// cleanup and crashed the process (a command failing before it used the key, e.g. regenerate-certs on a full
// disk).
void discard_prefetched_key();

// NotAfter of the first certificate of a PEM text, read without OpenSSL (a small DER walk); nullopt when the
// text holds no well-formed certificate. For warnings only: validation goes through OpenSSL.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> pem_not_after(std::string_view pem);

struct BootstrapPaths {
    std::string cert_dir;
    std::string ca_cert;
    std::string ca_key;
    std::string client_cert;
    std::string client_key;
};
// CA + client certificate bootstrap (§1.2): creates what is missing or expired, prints "Creating CA: ..."
// etc. through machine::log::info, never replaces valid certificates. Throws machine::Error with upstream's
// text. Callers hold the store-wide certs lock.
void bootstrap_certificates(const BootstrapPaths& paths);

// An RSA 2048 key pair for SSH: PKCS#1 PEM private key and "ssh-rsa AAAA...\n" public key, both 0600.
// Existing files are overwritten. Throws machine::Error.
void generate_ssh_key_pair(const std::string& private_key_path, const std::string& public_key_path);

// Upstream's ssh.GenerateSSHKey: keeps an existing private key at `private_key_path`, otherwise writes a new
// pair to `private_key_path` and `<private_key_path>.pub`. Errors: "Desired directory for SSH keys does not
// exist: <err>" (stat failed other than not-found), "Error writing keys to file(s): <err>".
void ensure_ssh_key(const std::string& private_key_path);

// Mutual-TLS client material for talking to a machine's Docker daemon.
struct TlsClientFiles {
    std::string ca_cert;
    std::string client_cert;
    std::string client_key;
};

// TLS handshake with `host:port` (hostname verification on, server name = host) within `timeout`.
// Throws machine::Error with the failure text (the caller wraps it into upstream's messages).
void check_tls_handshake(const std::string& host_port, const TlsClientFiles& files,
                         std::chrono::seconds timeout);

}  // namespace machine::cert
