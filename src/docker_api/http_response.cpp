#include "docker_api/http_response.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "machine/error.hpp"

namespace machine::docker_api {
namespace {

// Go's http.Transport default MaxResponseHeaderBytes.
constexpr std::size_t k_max_head_bytes = 10 << 20;
// Go's chunked reader refuses longer chunk-size lines.
constexpr std::size_t k_max_chunk_line = 4096;
constexpr std::size_t k_read_size = 16 * 1024;

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(std::string_view text, std::string_view space = " \t") {
    auto first = text.find_first_not_of(space);
    if (first == std::string_view::npos) {
        return "";
    }
    auto last = text.find_last_not_of(space);
    return std::string(text.substr(first, last - first + 1));
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// Go's %q of a string, for the ASCII a server sends.
std::string go_quote(std::string_view text) {
    std::string quoted = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            quoted += '\\';
            quoted += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            quoted += static_cast<char>(c);
        } else {
            static constexpr char k_hex[] = "0123456789abcdef";
            quoted += "\\x";
            quoted += k_hex[c >> 4];
            quoted += k_hex[c & 0xf];
        }
    }
    return quoted + "\"";
}

// Go's http.ParseHTTPVersion.
bool is_http_version(std::string_view proto) {
    if (proto.substr(0, 5) != "HTTP/") {
        return false;
    }
    auto dot = proto.find('.');
    if (dot == std::string_view::npos) {
        return false;
    }
    std::string_view major = proto.substr(5, dot - 5);
    std::string_view minor = proto.substr(dot + 1);
    return all_digits(major) && all_digits(minor) && major.size() <= 7 && minor.size() <= 7;
}

// Go's transfer.go: fixTransferEncoding, then fixLength for a response.
void decide_framing(HttpHead& head, bool head_request) {
    std::optional<std::string> transfer_encoding = head.header("Transfer-Encoding");
    bool chunked = false;
    if (transfer_encoding) {
        std::vector<std::string> codings;
        std::size_t start = 0;
        for (;;) {
            std::size_t comma = transfer_encoding->find(',', start);
            std::string coding = lower(trim(transfer_encoding->substr(start, comma - start)));
            if (coding == "identity") {
                break;
            }
            if (coding != "chunked") {
                throw Error("unsupported transfer encoding " + go_quote(coding));
            }
            codings.push_back(coding);
            if (comma == std::string::npos) {
                break;
            }
            start = comma + 1;
        }
        if (codings.size() > 1) {
            throw Error("too many transfer encodings " + go_quote("chunked,chunked"));
        }
        chunked = !codings.empty();
    }

    std::vector<std::string> lengths;
    for (const auto& [name, value] : head.headers) {
        if (equals_ignoring_case(name, "Content-Length")) {
            lengths.push_back(value);
        }
    }
    for (const auto& length : lengths) {
        if (trim(length) != trim(lengths.front())) {
            std::string list;
            for (const auto& each : lengths) {
                list += (list.empty() ? "" : " ") + go_quote(each);
            }
            throw Error("http: message cannot contain multiple Content-Length headers; got [" + list + "]");
        }
    }

    if (head_request || head.status / 100 == 1 || head.status == 204 || head.status == 304) {
        head.framing = HttpHead::Framing::None;
        return;
    }
    if (chunked) {
        head.framing = HttpHead::Framing::Chunked;
        return;
    }
    std::string length = lengths.empty() ? "" : trim(lengths.front());
    if (length.empty()) {
        head.framing = HttpHead::Framing::UntilClose;
        return;
    }
    if (!all_digits(length) || length.size() > 18) {
        throw Error("bad Content-Length " + go_quote(length));
    }
    head.framing = HttpHead::Framing::ContentLength;
    head.content_length = std::stoull(length);
}

}  // namespace

std::optional<std::string> HttpHead::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (equals_ignoring_case(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

HttpResponseReader::HttpResponseReader(ReadSome read_some, bool head_request)
    : m_read_some(std::move(read_some)), m_head_request(head_request) {}

bool HttpResponseReader::fill() {
    if (m_eof) {
        return false;
    }
    if (m_position == m_buffer.size()) {
        m_buffer.clear();
        m_position = 0;
    } else if (m_position >= k_read_size) {
        m_buffer.erase(0, m_position);
        m_position = 0;
    }
    char chunk[k_read_size];
    std::size_t received = m_read_some(chunk, sizeof chunk);
    if (received == 0) {
        m_eof = true;
        return false;
    }
    m_buffer.append(chunk, received);
    return true;
}

std::optional<HttpResponseReader::Line> HttpResponseReader::read_line(std::size_t max_length,
                                                                      const char* too_long) {
    std::size_t scanned = 0;  // bytes after m_position known to hold no newline
    for (;;) {
        auto newline = m_buffer.find('\n', m_position + scanned);
        if (newline != std::string::npos) {
            Line line{m_buffer.substr(m_position, newline - m_position), true};
            m_position = newline + 1;
            if (line.text.size() + 1 > max_length) {
                throw Error(too_long);
            }
            if (!line.text.empty() && line.text.back() == '\r') {
                line.text.pop_back();
            }
            return line;
        }
        scanned = m_buffer.size() - m_position;
        if (scanned > max_length) {
            throw Error(too_long);
        }
        if (!fill()) {
            if (m_position == m_buffer.size()) {
                return std::nullopt;
            }
            Line line{m_buffer.substr(m_position), false};
            m_position = m_buffer.size();
            return line;
        }
    }
}

void HttpResponseReader::read_exact(std::size_t count, std::string& out) {
    while (count > 0) {
        if (m_position == m_buffer.size() && !fill()) {
            throw Error("unexpected EOF");
        }
        std::size_t available = std::min(count, m_buffer.size() - m_position);
        out.append(m_buffer, m_position, available);
        m_position += available;
        count -= available;
    }
}

HttpHead HttpResponseReader::read_head() {
    const std::string too_big =
        "net/http: server response headers exceeded " + std::to_string(k_max_head_bytes) + " bytes; aborted";
    for (bool first = true;; first = false) {
        std::size_t budget = k_max_head_bytes;
        std::optional<Line> status_line = read_line(budget, too_big.c_str());
        if (!status_line) {
            // Go's transport peeks a first byte: a connection closed before any answer is a plain EOF.
            throw Error(first ? "EOF" : "unexpected EOF");
        }
        budget -= status_line->text.size() + 1;

        // Go's http.ReadResponse.
        const std::string& text = status_line->text;
        auto first_space = text.find(' ');
        if (first_space == std::string::npos) {
            throw Error("malformed HTTP response " + go_quote(text));
        }
        auto second_space = text.find(' ', first_space + 1);
        std::string proto = text.substr(0, first_space);
        std::string code =
            text.substr(first_space + 1, second_space == std::string::npos ? std::string::npos
                                                                           : second_space - first_space - 1);
        std::string reason = second_space == std::string::npos ? "" : text.substr(second_space + 1);
        if (code.size() != 3 || !all_digits(code)) {
            throw Error("malformed HTTP status code " + go_quote(code));
        }
        HttpHead head;
        head.status = std::stoi(code);
        head.status_text = code + " " + reason;
        if (!is_http_version(proto)) {
            throw Error("malformed HTTP version " + go_quote(proto));
        }

        // Go's textproto.ReadMIMEHeader.
        for (;;) {
            std::optional<Line> line = read_line(budget, too_big.c_str());
            if (!line || !line->complete) {
                throw Error("unexpected EOF");
            }
            budget -= line->text.size() + 1;
            const std::string& header = line->text;
            if (header.empty()) {
                break;
            }
            if (header[0] == ' ' || header[0] == '\t') {
                if (head.headers.empty()) {
                    throw Error("malformed MIME header initial line: " + header);
                }
                std::string& value = head.headers.back().second;
                std::string more = trim(header);
                value += value.empty() || more.empty() ? more : " " + more;
                continue;
            }
            auto colon = header.find(':');
            if (colon == std::string::npos) {
                throw Error("malformed MIME header line: " + header);
            }
            auto key_end = header.find_last_not_of(' ', colon == 0 ? std::string::npos : colon - 1);
            std::string key = colon == 0 || key_end == std::string::npos ? "" : header.substr(0, key_end + 1);
            if (key.empty()) {
                continue;
            }
            head.headers.emplace_back(std::move(key), trim(header.substr(colon + 1)));
        }

        // Go's transport skips interim responses (but not 101 Switching Protocols).
        if (head.status >= 100 && head.status <= 199 && head.status != 101) {
            continue;
        }
        decide_framing(head, m_head_request);
        return head;
    }
}

void HttpResponseReader::read_chunked(std::string& body) {
    // Go's net/http/internal chunkedReader.
    for (;;) {
        std::optional<Line> line = read_line(k_max_chunk_line, "header line too long");
        if (!line || !line->complete) {
            throw Error("unexpected EOF");
        }
        std::string size_text = line->text;
        while (!size_text.empty() && (size_text.back() == ' ' || size_text.back() == '\t')) {
            size_text.pop_back();
        }
        size_text = size_text.substr(0, size_text.find(';'));
        if (size_text.empty()) {
            throw Error("empty hex number for chunk length");
        }
        std::uint64_t size = 0;
        for (std::size_t i = 0; i < size_text.size(); ++i) {
            char c = size_text[i];
            int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
            if (digit < 0) {
                throw Error("invalid byte in chunk length");
            }
            if (i == 16) {
                throw Error("http chunk length too large");
            }
            size = size << 4 | static_cast<std::uint64_t>(digit);
        }
        if (size == 0) {
            break;
        }
        read_exact(size, body);
        std::string end;
        read_exact(2, end);
        if (end != "\r\n") {
            throw Error("malformed chunked encoding");
        }
    }
    // The trailer: header lines up to an empty one.
    for (;;) {
        std::optional<Line> line = read_line(k_max_head_bytes, "header line too long");
        if (!line || !line->complete) {
            throw Error("http: unexpected EOF reading trailer");
        }
        if (line->text.empty()) {
            return;
        }
    }
}

std::string HttpResponseReader::read_body(const HttpHead& head) {
    std::string body;
    switch (head.framing) {
        case HttpHead::Framing::None:
            break;
        case HttpHead::Framing::ContentLength:
            read_exact(head.content_length, body);
            break;
        case HttpHead::Framing::Chunked:
            read_chunked(body);
            break;
        case HttpHead::Framing::UntilClose:
            do {
                body.append(m_buffer, m_position);
                m_position = m_buffer.size();
            } while (fill());
            break;
    }
    return body;
}

}  // namespace machine::docker_api
