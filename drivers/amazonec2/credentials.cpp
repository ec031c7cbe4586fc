#include "drivers/amazonec2/credentials.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "machine/log.hpp"

namespace machine::drivers::amazonec2 {
namespace {

constexpr const char* k_default_metadata_endpoint = "http://169.254.169.254";
// Off EC2 nothing answers at 169.254.169.254: give up quickly.
constexpr auto k_metadata_timeout = std::chrono::seconds(1);

std::string trim(const std::string& text) {
    const char* k_space = " \t\r\n";
    size_t first = text.find_first_not_of(k_space);
    if (first == std::string::npos) {
        return "";
    }
    return text.substr(first, text.find_last_not_of(k_space) - first + 1);
}

std::optional<std::string> non_empty(const CredentialSources& sources, const char* name) {
    std::optional<std::string> value = sources.getenv(name);
    if (value && value->empty()) {
        return std::nullopt;
    }
    return value;
}

std::optional<Credentials> from_environment(const CredentialSources& sources) {
    std::optional<std::string> id = non_empty(sources, "AWS_ACCESS_KEY_ID");
    if (!id) {
        id = non_empty(sources, "AWS_ACCESS_KEY");
    }
    std::optional<std::string> secret = non_empty(sources, "AWS_SECRET_ACCESS_KEY");
    if (!secret) {
        secret = non_empty(sources, "AWS_SECRET_KEY");
    }
    if (!id || !secret) {
        return std::nullopt;
    }
    return Credentials{*id, *secret, sources.getenv("AWS_SESSION_TOKEN").value_or("")};
}

std::optional<std::string> read_whole_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::optional<http::Response> metadata_request(http::Transport& transport, const std::string& method,
                                               const std::string& url,
                                               const std::vector<http::Header>& headers) {
    http::Request request;
    request.method = method;
    request.url = url;
    request.headers = headers;
    request.timeout = k_metadata_timeout;
    try {
        return transport.send(request);
    } catch (const http::TransportError& error) {
        log::debug(std::string("instance metadata service not reachable: ") + error.what());
        return std::nullopt;
    }
}

std::optional<ResolvedCredentials> from_instance_role(const CredentialSources& sources) {
    std::string disabled = sources.getenv("AWS_EC2_METADATA_DISABLED").value_or("");
    if (sources.metadata_transport == nullptr || disabled == "true" || disabled == "TRUE" ||
        disabled == "1") {
        return std::nullopt;
    }
    std::string endpoint =
        non_empty(sources, "AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or(k_default_metadata_endpoint);
    while (!endpoint.empty() && endpoint.back() == '/') {
        endpoint.pop_back();
    }
    http::Transport& transport = *sources.metadata_transport;

    // IMDSv2 first (a session token); instances that only allow v1 answer the PUT with an error.
    std::vector<http::Header> headers;
    if (auto token = metadata_request(transport, "PUT", endpoint + "/latest/api/token",
                                      {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}})) {
        if (token->status == 200) {
            headers.push_back({"X-aws-ec2-metadata-token", trim(token->body)});
        }
    } else {
        return std::nullopt;  // nothing listens there: not on EC2
    }
    const std::string base = endpoint + "/latest/meta-data/iam/security-credentials/";
    auto roles = metadata_request(transport, "GET", base, headers);
    if (!roles || roles->status != 200) {
        return std::nullopt;
    }
    std::string role = trim(roles->body.substr(0, roles->body.find('\n')));
    if (role.empty()) {
        return std::nullopt;
    }
    auto document = metadata_request(transport, "GET", base + role, headers);
    if (!document || document->status != 200) {
        return std::nullopt;
    }
    nlohmann::json json = nlohmann::json::parse(document->body, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("AccessKeyId") || !json.contains("SecretAccessKey") ||
        !json["AccessKeyId"].is_string() || !json["SecretAccessKey"].is_string()) {
        return std::nullopt;
    }
    Credentials credentials{json["AccessKeyId"].get<std::string>(),
                            json["SecretAccessKey"].get<std::string>(), json.value("Token", std::string())};
    return ResolvedCredentials{credentials, "instance role " + role};
}

}  // namespace

CredentialSources process_credential_sources(http::Transport* transport) {
    CredentialSources sources;
    sources.getenv = [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) {
            return std::nullopt;
        }
        return std::string(value);
    };
    sources.metadata_transport = transport;
    return sources;
}

std::optional<Credentials> parse_shared_credentials(const std::string& text, const std::string& profile) {
    std::istringstream lines(text);
    std::string line;
    bool in_profile = false;
    Credentials credentials;
    while (std::getline(lines, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line[0] == ';') {
            continue;
        }
        if (line.front() == '[' && line.back() == ']') {
            in_profile = trim(line.substr(1, line.size() - 2)) == profile;
            continue;
        }
        size_t equals = line.find('=');
        if (!in_profile || equals == std::string::npos) {
            continue;
        }
        std::string key = trim(line.substr(0, equals));
        std::string value = trim(line.substr(equals + 1));
        if (key == "aws_access_key_id") {
            credentials.access_key = value;
        } else if (key == "aws_secret_access_key") {
            credentials.secret_key = value;
        } else if (key == "aws_session_token" ||
                   (key == "aws_security_token" && credentials.session_token.empty())) {
            credentials.session_token = value;
        }
    }
    if (credentials.access_key.empty() || credentials.secret_key.empty()) {
        return std::nullopt;
    }
    return credentials;
}

std::optional<ResolvedCredentials> resolve_credentials(const Credentials& static_keys,
                                                       const CredentialSources& sources) {
    if (!static_keys.access_key.empty() && !static_keys.secret_key.empty()) {
        return ResolvedCredentials{static_keys, "flags"};
    }
    if (auto credentials = from_environment(sources)) {
        return ResolvedCredentials{*credentials, "environment"};
    }

    std::string file = non_empty(sources, "AWS_SHARED_CREDENTIALS_FILE").value_or("");
    if (file.empty()) {
        if (auto home = non_empty(sources, "HOME")) {
            file = *home + "/.aws/credentials";
        }
    }
    std::string profile = non_empty(sources, "AWS_PROFILE")
                              .value_or(non_empty(sources, "AWS_DEFAULT_PROFILE").value_or("default"));
    if (!file.empty()) {
        if (auto text = read_whole_file(file)) {
            if (auto credentials = parse_shared_credentials(*text, profile)) {
                return ResolvedCredentials{*credentials,
                                           "shared credentials file " + file + " [" + profile + "]"};
            }
        }
    }
    return from_instance_role(sources);
}

}  // namespace machine::drivers::amazonec2
