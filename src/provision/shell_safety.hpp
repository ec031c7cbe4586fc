#pragma once

// Remote commands are shell text. Values that come from the user (engine options, labels, registries, install
// URLs) must reach the remote side as data, never as shell syntax: upstream put them raw into double-quoted
// or unquoted command text, so `--engine-label 'x$(reboot)'` ran `reboot` on the host.

#include <string>
#include <string_view>

namespace machine::provision {

// What a POSIX shell makes of `"<text>"` (backslash escapes \$ \` \" \\ and \<newline>; a bare '"' toggles
// the quoting), without expanding anything. Sending this result single-quoted writes the same bytes
// upstream's double-quoted transport wrote for harmless values, and the literal text for hostile ones.
[[nodiscard]] std::string double_quoted_literal(std::string_view text);

// `text` as one shell word: unchanged when it only has characters that are never special (so ordinary URLs
// and paths read as upstream's commands did), single-quoted otherwise.
[[nodiscard]] std::string shell_word(std::string_view text);

}  // namespace machine::provision
