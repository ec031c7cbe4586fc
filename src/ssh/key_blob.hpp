#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace machine::ssh::detail {

// Decodes standard base64 (padding optional); nullopt on a character outside the alphabet.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

// The key type name at the start of an SSH public key blob given in base64 ("ssh-ed25519",
// "ecdsa-sha2-nistp256", "ssh-rsa"); nullopt if it is not such a blob.
[[nodiscard]] std::optional<std::string> key_blob_type(std::string_view key_base64);

}  // namespace machine::ssh::detail
