#pragma once

// The failure of a network exchange with a Docker engine (TCP connect, TLS handshake, reading, writing),
// worded as Go words it, with its kind so that callers can reword timeouts and refused connections their own
// way.

#include <string>

#include "machine/error.hpp"

namespace machine::cert {

class TransferError : public Error {
public:
    enum class Kind {
        ConnectionRefused,  // "dial tcp 1.2.3.4:2376: connect: connection refused"
        DialTimeout,        // "dial tcp 1.2.3.4:2376: i/o timeout"
        HandshakeTimeout,   // "tls: DialWithDialer timed out"
        Timeout,            // "i/o timeout": the deadline passed while reading or writing after the handshake
        Other,  // "x509: certificate signed by unknown authority", "remote error: tls: ...", "EOF"
    };

    TransferError(Kind kind, const std::string& text) : Error(text), m_kind(kind) {}
    [[nodiscard]] Kind kind() const noexcept { return m_kind; }

private:
    Kind m_kind;
};

}  // namespace machine::cert
