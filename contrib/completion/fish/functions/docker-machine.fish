# `docker-machine use` for fish: sets this shell up for a machine, as
# `docker-machine env --shell fish NAME | source` would. Every other command goes to the real docker-machine.
#
# Installation (details in docs/shell.md): copy this file to ~/.config/fish/functions/docker-machine.fish.
#
#   docker-machine use NAME            the Docker client of this shell talks to machine NAME
#   docker-machine use --swarm NAME    ... to the swarm master NAME
#   docker-machine use -u              back to the local Docker (erases the variables)
function docker-machine --description 'docker-machine, plus `use` to set up this shell for a machine'
    if test "$argv[1]" != use
        command docker-machine $argv
        return
    end
    set -e argv[1]
    switch "$argv[1]"
        case '' -h --help
            printf '%s\n' 'Usage: docker-machine use [OPTIONS] [arg...]' '' \
                'Evaluate the commands to set up the environment for the Docker client' '' 'Description:' \
                '   Argument is a machine name.' '' 'Options:' '' \
                '   --swarm	Display the Swarm config instead of the Docker daemon' \
                '   --unset, -u	Unset variables instead of setting them'
        case '*'
            command docker-machine env --shell fish $argv | source
            echo "Active machine: $DOCKER_MACHINE_NAME"
    end
end
