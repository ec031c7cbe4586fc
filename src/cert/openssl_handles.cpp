#include "cert/openssl_handles.hpp"

#include <openssl/err.h>

#include <limits>

#include "machine/error.hpp"

namespace machine::cert {

std::string openssl_error_text() {
    unsigned long last = 0;
    while (unsigned long code = ERR_get_error()) {
        last = code;
    }
    if (last == 0) {
        return "unknown OpenSSL error";
    }
    const char* reason = ERR_reason_error_string(last);
    return reason != nullptr ? reason : "OpenSSL error " + std::to_string(last);
}

BioPtr memory_bio(std::string_view data) {
    if (data.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw Error("data too large");
    }
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) {
        throw Error(openssl_error_text());
    }
    return bio;
}

std::string bio_contents(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

}  // namespace machine::cert
