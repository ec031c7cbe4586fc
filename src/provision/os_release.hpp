#pragma once

// /etc/os-release parsing as docker-machine 0.16.2 does it (certs-and-provisioning.md §4 step 3).

#include <string>
#include <string_view>

namespace machine::provision {

// The recognised keys of /etc/os-release; every other key is ignored.
struct OsRelease {
    std::string ansi_color;      // ANSI_COLOR
    std::string name;            // NAME
    std::string version;         // VERSION
    std::string variant;         // VARIANT
    std::string variant_id;      // VARIANT_ID
    std::string id;              // ID
    std::string id_like;         // ID_LIKE
    std::string pretty_name;     // PRETTY_NAME
    std::string version_id;      // VERSION_ID
    std::string home_url;        // HOME_URL
    std::string support_url;     // SUPPORT_URL
    std::string bug_report_url;  // BUG_REPORT_URL

    bool operator==(const OsRelease&) const = default;
};

struct OsReleaseLine {
    std::string key;    // "" for an empty line
    std::string value;  // with one pair of surrounding double quotes stripped
};

// Upstream's parseLine: "" -> {"", ""}; a line must split on '=' into exactly two parts, otherwise throws
// Error("Expected <line> to split by '=' char into two strings, instead got <n> strings"). A value starting
// with
// '"' loses its first and last characters (single quotes are kept).
[[nodiscard]] OsReleaseLine parse_os_release_line(std::string_view line);

// Parses the whole file line by line (Go's bufio.ScanLines: "\n" separated, a trailing "\r" dropped). Invalid
// lines are skipped with the stdout warning "Warning: got an invalid line error parsing /etc/os-release:
// <err>".
[[nodiscard]] OsRelease parse_os_release(std::string_view contents);

}  // namespace machine::provision
