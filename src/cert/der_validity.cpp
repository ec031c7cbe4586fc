// NotAfter of a PEM certificate without OpenSSL: `ls` reports certificates close to expiry, and decoding them
// through libcrypto pulls megabytes of its ASN.1 code into memory for two dates.

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "machine/cert.hpp"

namespace machine::cert {
namespace {

std::optional<std::string> base64_decode(std::string_view text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=' || c == '\n' || c == '\r' || c == ' ' || c == '\t') {
            continue;
        }
        int v = value(c);
        if (v < 0) {
            return std::nullopt;
        }
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

// One DER element: tag, and its contents as a view into the input.
struct Element {
    unsigned char tag = 0;
    std::string_view contents;
};

std::optional<Element> read_element(std::string_view& der) {
    if (der.size() < 2) {
        return std::nullopt;
    }
    Element element;
    element.tag = static_cast<unsigned char>(der[0]);
    std::size_t length = static_cast<unsigned char>(der[1]);
    std::size_t header = 2;
    if (length & 0x80) {
        std::size_t octets = length & 0x7F;
        if (octets == 0 || octets > 4 || der.size() < 2 + octets) {
            return std::nullopt;
        }
        length = 0;
        for (std::size_t i = 0; i < octets; ++i) {
            length = (length << 8) | static_cast<unsigned char>(der[2 + i]);
        }
        header += octets;
    }
    if (der.size() - header < length) {
        return std::nullopt;
    }
    element.contents = der.substr(header, length);
    der.remove_prefix(header + length);
    return element;
}

std::optional<std::chrono::system_clock::time_point> parse_time(const Element& time) {
    std::string text(time.contents);
    std::tm parts{};
    std::size_t at = 0;
    auto number = [&](std::size_t digits) {
        int value = 0;
        for (std::size_t i = 0; i < digits; ++i) {
            char c = at < text.size() ? text[at++] : 'x';
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    };
    int year = time.tag == 0x17 ? number(2) : time.tag == 0x18 ? number(4) : -1;
    if (time.tag == 0x17 && year >= 0) {
        year += year < 50 ? 2000 : 1900;  // RFC 5280 UTCTime
    }
    int month = number(2), day = number(2), hour = number(2), minute = number(2), second = number(2);
    if (year < 0 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0 || at >= text.size() ||
        text[at] != 'Z') {
        return std::nullopt;
    }
    parts.tm_year = year - 1900;
    parts.tm_mon = month - 1;
    parts.tm_mday = day;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
    return std::chrono::system_clock::from_time_t(::timegm(&parts));
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> pem_not_after(std::string_view pem) {
    constexpr std::string_view k_begin = "-----BEGIN CERTIFICATE-----";
    constexpr std::string_view k_end = "-----END CERTIFICATE-----";
    auto begin = pem.find(k_begin);
    auto end = begin == std::string_view::npos ? begin : pem.find(k_end, begin);
    if (end == std::string_view::npos) {
        return std::nullopt;
    }
    auto der_text = base64_decode(pem.substr(begin + k_begin.size(), end - begin - k_begin.size()));
    if (!der_text) {
        return std::nullopt;
    }
    std::string_view der = *der_text;
    auto certificate = read_element(der);
    if (!certificate || certificate->tag != 0x30) {
        return std::nullopt;
    }
    std::string_view body = certificate->contents;
    auto tbs = read_element(body);
    if (!tbs || tbs->tag != 0x30) {
        return std::nullopt;
    }
    std::string_view fields = tbs->contents;
    auto next = read_element(fields);
    if (next && next->tag == 0xA0) {  // [0] version
        next = read_element(fields);
    }
    // serial (next), signature algorithm, issuer, then validity.
    for (int skipped = 0; next && skipped < 3; ++skipped) {
        next = read_element(fields);
    }
    if (!next || next->tag != 0x30) {
        return std::nullopt;
    }
    std::string_view validity = next->contents;
    auto not_before = read_element(validity);
    auto not_after = not_before ? read_element(validity) : std::nullopt;
    if (!not_after) {
        return std::nullopt;
    }
    return parse_time(*not_after);
}

}  // namespace machine::cert
