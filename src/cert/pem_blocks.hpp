#pragma once

// PEM decoding with the semantics of Go's encoding/pem, which docker-machine's certificate code relies on.

#include <string>
#include <string_view>
#include <vector>

namespace machine::cert {

struct PemBlock {
    std::string type;  // "CERTIFICATE", "RSA PRIVATE KEY", ...
    std::string der;
    bool has_headers = false;  // "Proc-Type: ..." lines (encrypted keys)
};

// Go's pem.Decode applied repeatedly: every block of `text` in order; text around blocks is ignored.
[[nodiscard]] std::vector<PemBlock> decode_pem_blocks(std::string_view text);

}  // namespace machine::cert
