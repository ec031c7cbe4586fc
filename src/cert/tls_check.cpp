#include "cert/tls_client.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"

namespace machine::cert {

void check_tls_handshake(const std::string& host_port, const TlsClientFiles& files,
                         std::chrono::seconds timeout) {
    std::shared_ptr<const TlsClientMaterial> material = load_tls_client_material(files);
    try {
        (void)split_host_port(host_port);
    } catch (const Error& error) {
        throw Error(std::string("dial tcp: ") + error.what());
    }
    TlsTransfer transfer(*material, host_port, "/", timeout);
    // Upstream's check is tls.DialWithDialer: connect and handshake, no HTTP request.
    curl_api().easy_setopt(transfer.handle(), CURLOPT_CONNECT_ONLY, 1L);
    if (auto failure = transfer.perform()) {
        throw Error(failure->text);
    }
}

}  // namespace machine::cert
