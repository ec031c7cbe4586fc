#include "provision/engine_config.hpp"

#include "machine/go_quote.hpp"
#include "provision/version_compare.hpp"

namespace machine::provision {
namespace {

// The option items shared by all variants, each rendered as `prefix + item + suffix`.
std::string option_items(const EngineOptions& engine, const std::string& prefix, const std::string& suffix) {
    std::string text;
    for (const std::string& label : engine.labels) {
        text += prefix + "--label " + label + suffix;
    }
    for (const std::string& registry : engine.insecure_registry) {
        text += prefix + "--insecure-registry " + registry + suffix;
    }
    for (const std::string& mirror : engine.registry_mirror) {
        text += prefix + "--registry-mirror " + mirror + suffix;
    }
    for (const std::string& flag : engine.arbitrary_flags) {
        text += prefix + "--" + flag + suffix;
    }
    return text;
}

// `Environment={{range .EngineOptions.Env}}{{ printf "%q" . }} {{end}}`.
std::string environment_line(const EngineOptions& engine) {
    std::string text = "Environment=";
    for (const std::string& entry : engine.env) {
        text += go_quote(entry) + " ";
    }
    return text + "\n";
}

// `{{range .EngineOptions.Env}}export \"{{ printf "%q" . }}\"\n{{end}}`.
std::string export_lines(const EngineOptions& engine) {
    std::string text;
    for (const std::string& entry : engine.env) {
        text += "export \\\"" + go_quote(entry) + "\\\"\n";
    }
    return text;
}

}  // namespace

std::string default_daemon_command(const std::string& client_version) {
    return version_less_than(client_version, "1.12.0") ? "/usr/bin/docker daemon" : "/usr/bin/dockerd";
}

std::string render_systemd_drop_in(const EngineConfigContext& context, const std::string& daemon_command) {
    const EngineOptions& engine = context.engine;
    return "[Service]\nExecStart=\nExecStart=" + daemon_command +
           " -H tcp://0.0.0.0:" + std::to_string(context.docker_port) +
           " -H unix:///var/run/docker.sock --storage-driver " + engine.storage_driver +
           " --tlsverify --tlscacert " + context.ca_cert_remote_path + " --tlscert " +
           context.server_cert_remote_path + " --tlskey " + context.server_key_remote_path + " " +
           option_items(engine, "", " ") + "\n" + environment_line(engine);
}

std::string render_coreos_drop_in(const EngineConfigContext& context, const std::string& daemon_argument) {
    const EngineOptions& engine = context.engine;
    return "[Service]\nEnvironment=TMPDIR=/var/tmp\nExecStart=\nExecStart=/usr/lib/coreos/dockerd " +
           daemon_argument +
           " --host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:" + std::to_string(context.docker_port) +
           " --tlsverify --tlscacert " + context.ca_cert_remote_path + " --tlscert " +
           context.server_cert_remote_path + " --tlskey " + context.server_key_remote_path +
           option_items(engine, " ", "") +
           " \\$DOCKER_OPTS \\$DOCKER_OPT_BIP \\$DOCKER_OPT_MTU \\$DOCKER_OPT_IPMASQ\n" +
           environment_line(engine);
}

std::string render_docker_opts_file(const EngineConfigContext& context) {
    const EngineOptions& engine = context.engine;
    return "\nDOCKER_OPTS='\n-H tcp://0.0.0.0:" + std::to_string(context.docker_port) +
           "\n-H unix:///var/run/docker.sock\n--storage-driver " + engine.storage_driver +
           "\n--tlsverify\n--tlscacert " + context.ca_cert_remote_path + "\n--tlscert " +
           context.server_cert_remote_path + "\n--tlskey " + context.server_key_remote_path + "\n" +
           option_items(engine, "", "\n") + "\n'\n" + export_lines(engine) + "\n";
}

std::string render_boot2docker_profile(const EngineConfigContext& context) {
    const EngineOptions& engine = context.engine;
    return "\nEXTRA_ARGS='\n" + option_items(engine, "", "\n") +
           "\n'\nCACERT=" + context.ca_cert_remote_path +
           "\nDOCKER_HOST='-H tcp://0.0.0.0:" + std::to_string(context.docker_port) +
           "'\nDOCKER_STORAGE=" + engine.storage_driver +
           "\nDOCKER_TLS=auto\nSERVERKEY=" + context.server_key_remote_path +
           "\nSERVERCERT=" + context.server_cert_remote_path + "\n\n" + export_lines(engine) + "\n";
}

}  // namespace machine::provision
