#include "cert/pem_blocks.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "cert/openssl_handles.hpp"

namespace machine::cert {

std::vector<PemBlock> decode_pem_blocks(std::string_view text) {
    std::vector<PemBlock> blocks;
    BioPtr bio = memory_bio(text);
    for (;;) {
        char* raw_name = nullptr;
        char* raw_header = nullptr;
        unsigned char* raw_data = nullptr;
        long length = 0;
        int ok = PEM_read_bio(bio.get(), &raw_name, &raw_header, &raw_data, &length);
        OpensslBytesPtr<char> name(raw_name);
        OpensslBytesPtr<char> header(raw_header);
        OpensslBytesPtr<unsigned char> data(raw_data);
        if (ok == 0) {
            // End of input (or a malformed block, which ends Go's decoding of the rest as well).
            ERR_clear_error();
            break;
        }
        blocks.push_back(
            PemBlock{name.get(),
                     std::string(reinterpret_cast<const char*>(data.get()), static_cast<std::size_t>(length)),
                     header && header.get()[0] != '\0'});
    }
    return blocks;
}

}  // namespace machine::cert
