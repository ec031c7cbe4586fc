# The docker-machine machine of this shell (DOCKER_MACHINE_NAME), for fish_prompt; same behaviour as
# __docker_machine_ps1 of docker-machine-prompt.bash.
#
# Installation (details in docs/shell.md): copy this file to ~/.config/fish/functions/, then call it from
# fish_prompt, e.g.  function fish_prompt; printf '%s%s> ' (prompt_pwd) (__docker_machine_ps1); end
#
# __docker_machine_ps1 [FORMAT]: nothing when DOCKER_MACHINE_NAME is empty, otherwise FORMAT (printf format,
# default " [%s]") applied to the name; with DOCKER_MACHINE_PS1_SHOWSTATUS=true the state is appended:
# R (Running), R->S (Stopping), S->R (Starting), E (Error, Timeout), S (anything else).
function __docker_machine_ps1 --description 'docker-machine machine of this shell, for the prompt'
    set -l format ' [%s]'
    test -n "$argv[1]"; and set format $argv[1]
    test -n "$DOCKER_MACHINE_NAME"; or return 0
    set -l name $DOCKER_MACHINE_NAME
    if test "$DOCKER_MACHINE_PS1_SHOWSTATUS" = true
        set -l state (command docker-machine status $DOCKER_MACHINE_NAME)
        switch "$state"
            case Running
                set name "$name R"
            case Stopping
                set name "$name R->S"
            case Starting
                set name "$name S->R"
            case Error Timeout
                set name "$name E"
            case '*'
                set name "$name S"
        end
    end
    printf $format $name  # fish's printf takes no options
end
