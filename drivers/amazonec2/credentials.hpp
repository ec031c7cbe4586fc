#pragma once

// Where AWS credentials come from, in the order the AWS SDK for Go (v1) looked, as docker-machine 0.16.2 used
// it: the --amazonec2-access-key/--amazonec2-secret-key pair, then the environment, the shared credentials
// file, and the instance role of the EC2 instance we run on.

#include <functional>
#include <optional>
#include <string>

#include "drivers/amazonec2/sigv4.hpp"
#include "drivers/common/http_client.hpp"

namespace machine::drivers::amazonec2 {

// What the chain may consult; tests replace each piece.
struct CredentialSources {
    std::function<std::optional<std::string>(const std::string&)> getenv;
    http::Transport* metadata_transport = nullptr;  // nullptr: skip the instance role
};

// Sources backed by the process environment and `transport` for the instance metadata service.
[[nodiscard]] CredentialSources process_credential_sources(http::Transport* transport);

struct ResolvedCredentials {
    Credentials credentials;
    std::string
        source;  // "flags", "environment", "shared credentials file <path> [profile]", "instance role <r>"
};

// Walks the chain: static keys (both given), env (AWS_ACCESS_KEY_ID or AWS_ACCESS_KEY, AWS_SECRET_ACCESS_KEY
// or AWS_SECRET_KEY, AWS_SESSION_TOKEN), the shared file ($AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials,
// profile $AWS_PROFILE or "default"), then the instance metadata service (IMDSv2 with a v1 fallback, at
// $AWS_EC2_METADATA_SERVICE_ENDPOINT or http://169.254.169.254; skipped when
// AWS_EC2_METADATA_DISABLED=true). nullopt when no source has credentials.
[[nodiscard]] std::optional<ResolvedCredentials> resolve_credentials(const Credentials& static_keys,
                                                                     const CredentialSources& sources);

// One profile of an INI-style credentials file's text; nullopt when the profile is missing or has no key
// pair.
[[nodiscard]] std::optional<Credentials> parse_shared_credentials(const std::string& text,
                                                                  const std::string& profile);

}  // namespace machine::drivers::amazonec2
