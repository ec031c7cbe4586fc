#pragma once

// The machine-readable views added on top of upstream (issue 11): `ls --format json` and `inspect --state`.
// Field names are documented in docs/commands/ls.md and docs/commands/inspect.md and stay stable. Kept in one
// translation unit so that only it pays for nlohmann/json.

#include <chrono>
#include <string>

#include "cli/host_list.hpp"
#include "machine/host.hpp"

namespace machine::cli {

// One line of `ls --format json`: a compact JSON object (Go's escaping), no trailing newline.
[[nodiscard]] std::string ls_item_json(const HostListItem& item);

// The machine's config.json (as `inspect` prints it) with a "Live" object appended: the state, URL, IP,
// Docker version and error as `ls` sees them now, and the NotAfter dates of the CA, client and server
// certificates. Indented like `inspect`'s output, no trailing newline.
[[nodiscard]] std::string inspect_with_live_state(const Host& host, const std::string& config_json,
                                                  const HostListItem& item);

}  // namespace machine::cli
