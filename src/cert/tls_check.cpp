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
    // Upstream's check is tls.DialWithDialer: connect and handshake, no HTTP request. TransferError is a
    // machine::Error whose text is Go's.
    TlsConnection connection(*material, host_port, deadline_after(timeout));
}

}  // namespace machine::cert
