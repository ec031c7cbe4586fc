#pragma once

// The Docker CLI context of a machine (issue 11), shared by `context` and `rm`.

#include <string>

#include "cli/command.hpp"

namespace machine::cli {

// Called by `rm` once the machine is removed: deletes the Docker context docker-machine wrote for it, if any
// (a context the user made is left alone), and says so on stdout. Never throws: a failure is printed on
// stderr.
void remove_machine_docker_context(const Context& context, const std::string& name);

// Called by `regenerate-certs`: rewrites the machine's Docker context with its current certificates if
// docker-machine wrote one (the CA and client certificate may have been renewed). Never throws.
void refresh_machine_docker_context(Context& context, const std::string& name);

}  // namespace machine::cli
