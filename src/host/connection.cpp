#include "machine/connection.hpp"

#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/net.hpp"

namespace machine {
namespace {

constexpr auto k_handshake_timeout = std::chrono::seconds(20);

std::string port_of(const std::string& address) {
    auto colon = address.rfind(':');
    return colon == std::string::npos ? "" : address.substr(colon + 1);
}

std::string invalid_certs_error(const std::string& host_port, const std::string& reason) {
    return "Error checking and/or regenerating the certs: There was an error validating certificates for "
           "host " +
           go_quote(host_port) + ": " + reason +
           "\nYou can attempt to regenerate them using 'docker-machine regenerate-certs [name]'.\nBe advised "
           "that "
           "this will trigger a Docker daemon restart which might stop running containers.\n";
}

}  // namespace

cert::TlsClientFiles tls_client_files(const Host& host) {
    return {host.options.auth.ca_cert_path, host.options.auth.client_cert_path,
            host.options.auth.client_key_path};
}

std::string swarm_url(const Host& host, const std::string& url) {
    if (host.options.swarm.swarm_mode) {
        return url;  // a swarm-mode manager serves the swarm API on its daemon's own port
    }
    std::string address = net::url_host(url);
    std::string host_part = address.substr(0, address.rfind(':'));
    return "tcp://" + host_part + ":" + port_of(net::url_host(host.options.swarm.host));
}

std::string check_connection(Host& host, bool swarm) {
    std::string url = host.driver->url();
    if (swarm) {
        if (!host.options.swarm.master) {
            throw Error(go_quote(host.name) +
                        " is not a swarm master. The --swarm flag is intended for use with swarm masters");
        }
        url = swarm_url(host, url);
    }
    std::string host_port = net::url_host(url);
    if (url.find("://") == std::string::npos || host_port.empty()) {
        throw Error("Error parsing URL: parse " + url + ": missing protocol scheme");
    }
    try {
        cert::check_tls_handshake(host_port, tls_client_files(host), k_handshake_timeout);
    } catch (const Error& error) {
        if (swarm) {
            try {
                std::string daemon_host_port = net::url_host(host.driver->url());
                cert::check_tls_handshake(daemon_host_port, tls_client_files(host), k_handshake_timeout);
            } catch (const Error&) {
                throw Error(invalid_certs_error(host_port, error.what()));
            }
            throw Error(
                "Connection to Swarm cannot be checked but the certs are valid. Maybe swarm is not started");
        }
        throw Error(invalid_certs_error(host_port, error.what()));
    }
    return url;
}

}  // namespace machine
