#pragma once

#include <memory>

#include "cli/command.hpp"

namespace machine::cli {

std::unique_ptr<Command> make_active_command();
std::unique_ptr<Command> make_config_command();
std::unique_ptr<Command> make_create_command();
std::unique_ptr<Command> make_env_command();
std::unique_ptr<Command> make_inspect_command();
std::unique_ptr<Command> make_ip_command();
std::unique_ptr<Command> make_kill_command();
std::unique_ptr<Command> make_ls_command();
std::unique_ptr<Command> make_provision_command();
std::unique_ptr<Command> make_regenerate_certs_command();
std::unique_ptr<Command> make_restart_command();
std::unique_ptr<Command> make_rm_command();
std::unique_ptr<Command> make_ssh_command();
std::unique_ptr<Command> make_scp_command();
std::unique_ptr<Command> make_mount_command();
std::unique_ptr<Command> make_start_command();
std::unique_ptr<Command> make_status_command();
std::unique_ptr<Command> make_stop_command();
std::unique_ptr<Command> make_upgrade_command();
std::unique_ptr<Command> make_url_command();
std::unique_ptr<Command> make_version_command();
// Beyond upstream (issue 11); not listed in `docker-machine --help`.
std::unique_ptr<Command> make_context_command();
std::unique_ptr<Command> make_export_command();
std::unique_ptr<Command> make_import_command();

}  // namespace machine::cli
