#include "provision/os_release.hpp"

#include <string>
#include <vector>

#include "machine/error.hpp"
#include "machine/log.hpp"

namespace machine::provision {
namespace {

std::vector<std::string_view> split_on(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t found = text.find(separator, start);
        if (found == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, found - start));
        start = found + 1;
    }
}

std::string strip_quotes(std::string_view value) {
    if (!value.empty() && value.front() == '"') {
        // Go slices val[1:len(val)-1]; a lone '"' would panic there, it yields "" here.
        return value.size() < 2 ? std::string() : std::string(value.substr(1, value.size() - 2));
    }
    return std::string(value);
}

void set_if_known(OsRelease& release, const std::string& key, std::string value) {
    struct Field {
        const char* key;
        std::string OsRelease::*member;
    };
    static const Field k_fields[] = {
        {"ANSI_COLOR", &OsRelease::ansi_color},   {"NAME", &OsRelease::name},
        {"VERSION", &OsRelease::version},         {"VARIANT", &OsRelease::variant},
        {"VARIANT_ID", &OsRelease::variant_id},   {"ID", &OsRelease::id},
        {"ID_LIKE", &OsRelease::id_like},         {"PRETTY_NAME", &OsRelease::pretty_name},
        {"VERSION_ID", &OsRelease::version_id},   {"HOME_URL", &OsRelease::home_url},
        {"SUPPORT_URL", &OsRelease::support_url}, {"BUG_REPORT_URL", &OsRelease::bug_report_url},
    };
    for (const Field& field : k_fields) {
        if (key == field.key) {
            release.*field.member = std::move(value);
            return;
        }
    }
    log::debug("Couldn't set key " + key + ", no corresponding struct field found");
}

}  // namespace

OsReleaseLine parse_os_release_line(std::string_view line) {
    if (line.empty()) {
        return {};
    }
    std::vector<std::string_view> parts = split_on(line, '=');
    if (parts.size() != 2) {
        throw Error("Expected " + std::string(line) + " to split by '=' char into two strings, instead got " +
                    std::to_string(parts.size()) + " strings");
    }
    return {std::string(parts[0]), strip_quotes(parts[1])};
}

OsRelease parse_os_release(std::string_view contents) {
    OsRelease release;
    std::size_t start = 0;
    while (start < contents.size()) {
        std::size_t end = contents.find('\n', start);
        std::string_view line =
            contents.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        start = end == std::string_view::npos ? contents.size() : end + 1;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        try {
            OsReleaseLine parsed = parse_os_release_line(line);
            set_if_known(release, parsed.key, std::move(parsed.value));
        } catch (const Error& error) {
            log::warn(std::string("Warning: got an invalid line error parsing /etc/os-release: ") +
                      error.what());
        }
    }
    return release;
}

}  // namespace machine::provision
