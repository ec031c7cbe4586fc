#pragma once

// Docker version comparison of docker-machine's versioncmp package (certs-and-provisioning.md §6).

#include <string_view>

namespace machine::provision {

// -1 if v1 < v2, 1 if v1 > v2, 0 otherwise. "-rc" becomes "."; a version containing "-ce" is greater than any
// version without it; then everything from the first '-' is dropped (after removing "-ce" when both have it),
// the rest is split on '.' and compared numerically (missing or non-numeric segments count as 0).
[[nodiscard]] int compare_versions(std::string_view v1, std::string_view v2);

[[nodiscard]] inline bool version_less_than(std::string_view v, std::string_view other) {
    return compare_versions(v, other) < 0;
}
[[nodiscard]] inline bool version_less_than_or_equal(std::string_view v, std::string_view other) {
    return compare_versions(v, other) <= 0;
}

}  // namespace machine::provision
