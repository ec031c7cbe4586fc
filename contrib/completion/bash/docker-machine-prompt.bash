# shellcheck shell=bash
#
# Shows the docker-machine machine this shell is set up for (DOCKER_MACHINE_NAME, set by
# `eval "$(docker-machine env NAME)"` or `docker-machine use NAME`) in the prompt. Works in bash and zsh.
#
# Installation (details in docs/shell.md): source this file from ~/.bashrc (or ~/.zshrc), then put
# $(__docker_machine_ps1) in the prompt:
#     source ~/.local/share/docker-machine/docker-machine-prompt.bash
#     PS1='[\u@\h \W$(__docker_machine_ps1)]\$ '
# zsh also needs `setopt PROMPT_SUBST`:
#     PS1='%n@%m %~$(__docker_machine_ps1)%# '
#
# __docker_machine_ps1 [FORMAT]
#   Prints nothing when DOCKER_MACHINE_NAME is empty or unset. Otherwise prints FORMAT (a printf format,
#   default " [%s]") applied to the machine name, e.g. __docker_machine_ps1 " (%s)" prints " (dev)".
#   When DOCKER_MACHINE_PS1_SHOWSTATUS is `true` the state of the machine is appended after a space, from
#   `docker-machine status NAME` (run at every prompt, so it costs the time of one status query):
#     R     Running          R->S  Stopping          S->R  Starting
#     E     Error, Timeout   S     anything else (stopped, paused, unknown machine...)

__docker_machine_ps1() {
    local format=${1:- [%s]}
    [ -n "${DOCKER_MACHINE_NAME-}" ] || return 0
    local name=$DOCKER_MACHINE_NAME
    if [ "${DOCKER_MACHINE_PS1_SHOWSTATUS-}" = true ]; then
        case "$(docker-machine status "$DOCKER_MACHINE_NAME")" in
            Running) name="$name R" ;;
            Stopping) name="$name R->S" ;;
            Starting) name="$name S->R" ;;
            Error | Timeout) name="$name E" ;;
            *) name="$name S" ;;
        esac
    fi
    # shellcheck disable=SC2059 # the format is the caller's, as with printf itself
    printf -- "$format" "$name"
}
