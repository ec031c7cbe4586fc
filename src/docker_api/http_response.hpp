#pragma once

// Reading one HTTP/1.1 response from a byte stream, with the framing rules and error texts of Go 1.12's
// net/http (http.ReadResponse, textproto, the chunked reader), which docker-machine reported verbatim.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace machine::docker_api {

// The status line and headers of a response, and how its body is delimited.
struct HttpHead {
    enum class Framing { None, ContentLength, Chunked, UntilClose };

    int status = 0;
    std::string status_text;  // Go's resp.Status: the status line after the protocol, e.g. "400 Bad Request"
    std::vector<std::pair<std::string, std::string>> headers;  // in order, names as the server sent them
    Framing framing = Framing::UntilClose;
    std::uint64_t content_length = 0;  // with Framing::ContentLength

    // The first value of header `name` (case-insensitive), if any.
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

// Reads one response. Transport failures thrown by `read_some` pass through unchanged; errors of the
// response itself throw machine::Error with Go's text.
class HttpResponseReader {
public:
    // Fills `buffer` with at most `size` available bytes; returns 0 at the end of the stream.
    using ReadSome = std::function<std::size_t(char* buffer, std::size_t size)>;

    // `head_request`: the response answers a HEAD request, so it has no body whatever its headers say.
    HttpResponseReader(ReadSome read_some, bool head_request);

    // The final response's status line and headers; 1xx interim responses (100 Continue, ...) are skipped.
    // Throws Error: "EOF" (the stream ended before the first byte), "unexpected EOF" (it ended inside the
    // head), `malformed HTTP response "<line>"`, `malformed HTTP status code "<code>"`, `malformed HTTP
    // version "<proto>"`, "malformed MIME header line: <line>", `bad Content-Length "<value>"`,
    // `unsupported transfer encoding "<te>"`, "net/http: server response headers exceeded 10485760 bytes;
    // aborted".
    [[nodiscard]] HttpHead read_head();

    // The body of `head` (as returned by read_head), up to its end. Throws Error: "unexpected EOF" (the
    // stream ended before the body did), "malformed chunked encoding", "invalid byte in chunk length", "http:
    // unexpected EOF reading trailer", ...
    [[nodiscard]] std::string read_body(const HttpHead& head);

private:
    struct Line {
        std::string text;       // without "\n" or "\r\n"
        bool complete = false;  // false: the stream ended before the newline
    };

    // Reads more into the buffer; false at the end of the stream.
    bool fill();
    // The next line; std::nullopt when the stream ends before its first byte. A line longer than
    // `max_length` throws Error(`too_long`).
    std::optional<Line> read_line(std::size_t max_length, const char* too_long);
    // Appends exactly `count` bytes to `out`; throws Error("unexpected EOF") if the stream ends first.
    void read_exact(std::size_t count, std::string& out);
    void read_chunked(std::string& body);

    ReadSome m_read_some;
    bool m_head_request;
    std::string m_buffer;
    std::size_t m_position = 0;  // first unread byte of m_buffer
    bool m_eof = false;
};

}  // namespace machine::docker_api
