# shellcheck shell=bash
#
# `docker-machine use`: sets this shell up for a machine, as `eval "$(docker-machine env NAME)"` would.
# Works in bash and zsh.
#
# Installation (details in docs/shell.md): source this file from ~/.bashrc (or ~/.zshrc):
#     source ~/.local/share/docker-machine/docker-machine-wrapper.bash
# It makes `docker-machine` an alias of the function __docker_machine_wrapper, which handles `use` and passes
# every other command to the real docker-machine unchanged. Set DOCKER_MACHINE_WRAPPED to anything but `true`
# before sourcing to get only the function, without the alias. The bash and zsh completions offer `use` while
# DOCKER_MACHINE_WRAPPED is `true`.
#
#   docker-machine use NAME            the Docker client of this shell talks to machine NAME
#   docker-machine use --swarm NAME    ... to the swarm master NAME
#   docker-machine use -u              back to the local Docker (unsets the variables)
# Any other `env` option (--no-proxy ...) is accepted as well.

__docker_machine_wrapper() {
    if [ "${1-}" = use ]; then
        shift
        case "${1-}" in
            '' | -h | --help)
                cat <<'HELP'
Usage: docker-machine use [OPTIONS] [arg...]

Evaluate the commands to set up the environment for the Docker client

Description:
   Argument is a machine name.

Options:

   --swarm	Display the Swarm config instead of the Docker daemon
   --unset, -u	Unset variables instead of setting them
HELP
                ;;
            *)
                eval "$(command docker-machine env "$@")"
                echo "Active machine: ${DOCKER_MACHINE_NAME-}"
                ;;
        esac
    else
        command docker-machine "$@"
    fi
}

: "${DOCKER_MACHINE_WRAPPED:=true}"
if [ "$DOCKER_MACHINE_WRAPPED" = true ]; then
    alias docker-machine=__docker_machine_wrapper
fi
