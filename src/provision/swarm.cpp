#include "provision/swarm.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

#include "machine/docker_api.hpp"
#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/net.hpp"

namespace machine::provision {
namespace {

using Json = nlohmann::ordered_json;

constexpr int k_engine_default_port = 2376;
constexpr std::chrono::milliseconds k_dial_timeout{30000};

std::vector<std::string> split_on(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t found = text.find(separator, start);
        if (found == std::string::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, found - start));
        start = found + 1;
    }
}

// Go's strings.Fields.
std::vector<std::string> fields(const std::string& text) {
    std::vector<std::string> words;
    std::string current;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            if (!current.empty()) {
                words.push_back(std::move(current));
                current.clear();
            }
        } else {
            current.push_back(c);
        }
    }
    if (!current.empty()) {
        words.push_back(std::move(current));
    }
    return words;
}

// Go's url.QueryEscape.
std::string query_escape(const std::string& text) {
    static const char* k_hex = "0123456789ABCDEF";
    std::string escaped;
    for (unsigned char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~') {
            escaped.push_back(static_cast<char>(c));
        } else if (c == ' ') {
            escaped.push_back('+');
        } else {
            escaped.push_back('%');
            escaped.push_back(k_hex[c >> 4]);
            escaped.push_back(k_hex[c & 15]);
        }
    }
    return escaped;
}

int go_atoi(const std::string& text) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 9) {
        throw Error("strconv.Atoi: parsing " + go_quote(text) + ": invalid syntax");
    }
    return std::stoi(text);
}

Json restart_always() {
    Json policy = Json::object();
    policy["Name"] = "always";
    policy["MaximumRetryCount"] = 0;
    return policy;
}

// The samalba/dockerclient errors docker-machine 0.16.2 reports.
std::string request_error_text(const docker_api::Response& response) {
    if (response.status == 404) {
        return "Not found";
    }
    return response.status_text + ": " + response.body;
}

// The last "error" member of the JSON messages an image pull streams back, if any.
std::string pull_stream_error(const std::string& body) {
    std::string error;
    std::size_t start = 0;
    while (start < body.size()) {
        std::size_t end = body.find('\n', start);
        std::string chunk = body.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? body.size() : end + 1;
        Json message = Json::parse(chunk, nullptr, /*allow_exceptions=*/false);
        if (message.is_object() && message.contains("error")) {
            error =
                message["error"].is_string() ? message["error"].get<std::string>() : message["error"].dump();
        }
    }
    return error;
}

std::string wrap(const std::string& prefix, const Error& error) {
    std::string text = error.what();
    // Unusable TLS files are reported before the first request, unwrapped.
    if (text.rfind("Unable to read TLS config:", 0) == 0) {
        return text;
    }
    return prefix + text;
}

void create_container(const std::string& docker_url, const cert::TlsClientFiles& files,
                      const SwarmContainer& container) {
    try {
        docker_api::Response pulled = docker_api::request(
            docker_url, files, "POST", "/v1.15/images/create?fromImage=" + query_escape(container.image), "",
            k_dial_timeout);
        if (pulled.status == 404) {
            throw Error("Image not found");
        }
        if (pulled.status >= 400) {
            throw Error(pulled.body);
        }
        if (std::string error = pull_stream_error(pulled.body); !error.empty()) {
            throw Error(error);
        }
    } catch (const Error& error) {
        throw Error(wrap("Unable to pull image: ", error));
    }

    std::string id;
    try {
        docker_api::Response created = docker_api::request(
            docker_url, files, "POST", "/v1.15/containers/create?name=" + query_escape(container.name),
            container.create_body, k_dial_timeout);
        if (created.status >= 400) {
            throw Error(request_error_text(created));
        }
        Json result = Json::parse(created.body, nullptr, /*allow_exceptions=*/false);
        if (result.is_object() && result.contains("Id") && result["Id"].is_string()) {
            id = result["Id"].get<std::string>();
        }
    } catch (const Error& error) {
        throw Error(wrap("Error while creating container: ", error));
    }

    try {
        docker_api::Response started =
            docker_api::request(docker_url, files, "POST", "/v1.15/containers/" + id + "/start",
                                container.start_body, k_dial_timeout);
        if (started.status >= 400) {
            throw Error(request_error_text(started));
        }
    } catch (const Error& error) {
        throw Error(wrap("Error while starting container: ", error));
    }
}

}  // namespace

int swarm_engine_port(const std::string& engine_url) {
    std::vector<std::string> parts = split_on(engine_url, ':');
    if (parts.size() == 3) {
        return go_atoi(parts[2]);
    }
    // Upstream fell back to 2376 for an IPv6 literal (more than two colons); take its real port.
    std::string host;
    std::string port;
    if (engine_url.find('[') != std::string::npos &&
        net::split_host_port(net::url_host(engine_url), host, port)) {
        return go_atoi(port);
    }
    return k_engine_default_port;
}

std::vector<SwarmContainer> swarm_containers(const SwarmOptions& swarm, const std::vector<std::string>& env,
                                             const AuthOptions& auth, const std::string& docker_options_dir,
                                             const std::string& ip, int engine_port) {
    std::vector<std::string> host_parts = split_on(net::url_host(swarm.host), ':');
    if (host_parts.size() < 2) {
        throw Error("Swarm host " + go_quote(swarm.host) + " has no port");
    }
    const std::string swarm_port = host_parts[1];
    const std::string advertise = net::join_host_port(ip, std::to_string(engine_port));
    const Json env_json = env;

    std::vector<SwarmContainer> containers;
    if (swarm.master) {
        std::string command = "manage --tlsverify --tlscacert=" + auth.ca_cert_remote_path +
                              " --tlscert=" + auth.server_cert_remote_path +
                              " --tlskey=" + auth.server_key_remote_path + " -H " + swarm.host +
                              " --strategy " + swarm.strategy + " --advertise " +
                              net::join_host_port(ip, "3376");
        if (swarm.is_experimental) {
            command = "--experimental " + command;
        }
        std::vector<std::string> cmd = fields(command);
        for (const std::string& option : swarm.arbitrary_flags) {
            cmd.push_back("--" + option);
        }
        cmd.push_back(swarm.discovery);  // discovery must come last

        const std::string port_key = swarm_port + "/tcp";
        Json binding = Json::object();
        binding["HostIp"] = "0.0.0.0";
        binding["HostPort"] = swarm_port;
        Json port_bindings = Json::object();
        port_bindings[port_key] = Json::array({binding});
        Json host_config = Json::object();
        host_config["Binds"] = Json::array({docker_options_dir + ":" + docker_options_dir});
        host_config["PortBindings"] = port_bindings;
        host_config["RestartPolicy"] = restart_always();
        Json exposed = Json::object();
        exposed["2375/tcp"] = Json::object();
        exposed[port_key] = Json::object();
        Json config = Json::object();
        config["Env"] = env_json;
        config["Cmd"] = cmd;
        config["Image"] = swarm.image;
        config["ExposedPorts"] = exposed;
        config["HostConfig"] = host_config;
        containers.push_back({"swarm-agent-master", swarm.image, config.dump(), host_config.dump()});
    }
    if (swarm.agent) {
        std::vector<std::string> cmd = {"join", "--advertise", advertise};
        for (const std::string& option : swarm.arbitrary_join_flags) {
            cmd.push_back("--" + option);
        }
        cmd.push_back(swarm.discovery);
        if (swarm.is_experimental) {
            cmd.insert(cmd.begin(), "--experimental");
        }
        Json host_config = Json::object();
        host_config["RestartPolicy"] = restart_always();
        Json config = Json::object();
        config["Env"] = env_json;
        config["Cmd"] = cmd;
        config["Image"] = swarm.image;
        config["HostConfig"] = host_config;
        containers.push_back({"swarm-agent", swarm.image, config.dump(), host_config.dump()});
    }
    return containers;
}

void configure_swarm(Driver& driver, const SwarmOptions& swarm, const std::vector<std::string>& env,
                     const AuthOptions& auth, const std::string& docker_options_dir) {
    log::info("Configuring swarm...");
    const std::string ip = driver.ip();
    const int engine_port = swarm_engine_port(driver.url());
    std::vector<SwarmContainer> containers =
        swarm_containers(swarm, env, auth, docker_options_dir, ip, engine_port);
    const std::string docker_url = "tcp://" + net::join_host_port(ip, std::to_string(engine_port));
    const cert::TlsClientFiles files{auth.ca_cert_path, auth.client_cert_path, auth.client_key_path};
    for (const SwarmContainer& container : containers) {
        create_container(docker_url, files, container);
    }
}

}  // namespace machine::provision
