#include "key_blob.hpp"

#include <cstdint>

namespace machine::ssh::detail {

std::optional<std::string> base64_decode(std::string_view text) {
    std::string result;
    std::uint32_t accumulator = 0;
    int bits = 0;
    for (char c : text) {
        int value;
        if (c >= 'A' && c <= 'Z') {
            value = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
            value = c - 'a' + 26;
        } else if (c >= '0' && c <= '9') {
            value = c - '0' + 52;
        } else if (c == '+') {
            value = 62;
        } else if (c == '/') {
            value = 63;
        } else if (c == '=') {
            break;
        } else {
            return std::nullopt;
        }
        accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            result.push_back(static_cast<char>((accumulator >> bits) & 0xff));
        }
    }
    return result;
}

std::optional<std::string> key_blob_type(std::string_view key_base64) {
    auto blob = base64_decode(key_base64);
    if (!blob || blob->size() < 4) {
        return std::nullopt;
    }
    std::uint32_t length = 0;
    for (int i = 0; i < 4; ++i) {
        length = (length << 8) | static_cast<unsigned char>((*blob)[i]);
    }
    if (length == 0 || length > 64 || blob->size() < 4 + length) {
        return std::nullopt;
    }
    return blob->substr(4, length);
}

}  // namespace machine::ssh::detail
