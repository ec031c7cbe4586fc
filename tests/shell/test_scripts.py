"""The scripts themselves: syntax in every shell that loads them, shellcheck, and the outputs of the binary
they parse (../shared/reference/completion.md)."""
import re
import subprocess

import pytest

from shellkit import (BASH_COMPLETION, BASH_PROMPT, BASH_WRAPPER, COMMANDS, CONTRIB, FISH_COMPLETION,
                      FISH_FUNCTIONS, RUNNING, STOPPED, ZSH_COMPLETION_DIR, need)

BASH_SCRIPTS = [BASH_COMPLETION, BASH_PROMPT, BASH_WRAPPER]


@need("shellcheck")
@pytest.mark.parametrize("script", BASH_SCRIPTS, ids=lambda p: p.name)
def test_shellcheck(script):
    result = subprocess.run(["shellcheck", "--shell=bash", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@need("bash")
@pytest.mark.parametrize("script", BASH_SCRIPTS, ids=lambda p: p.name)
def test_bash_syntax(script):
    subprocess.run(["bash", "-n", str(script)], check=True)


@need("zsh")
@pytest.mark.parametrize("script", [ZSH_COMPLETION_DIR / "_docker-machine", BASH_PROMPT, BASH_WRAPPER],
                         ids=lambda p: p.name)
def test_zsh_syntax(script):
    subprocess.run(["zsh", "-n", str(script)], check=True)


@need("fish")
@pytest.mark.parametrize("script", [FISH_COMPLETION, *sorted(FISH_FUNCTIONS.glob("*.fish"))], ids=lambda p: p.name)
def test_fish_syntax(script):
    subprocess.run(["fish", "--no-execute", str(script)], check=True)


@need("bash")
def test_sourcing_changes_nothing_else(world):
    """Sourcing the completion defines functions and the compspec, and leaves shell options and IFS alone."""
    script = f"""
before=$(shopt -p; set +o; printf %q "$IFS")
source {BASH_COMPLETION}
after=$(shopt -p; set +o; printf %q "$IFS")
[ "$before" = "$after" ] && echo same
"""
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                            env=world.env)
    assert result.stdout.strip() == "same"


def test_zsh_compdef_line():
    first = (ZSH_COMPLETION_DIR / "_docker-machine").read_text().splitlines()[0]
    assert first.split() == ["#compdef", "docker-machine", "docker-machine.exe", "__docker_machine_wrapper"]


def test_only_documented_files():
    files = sorted(str(p.relative_to(CONTRIB)) for p in CONTRIB.rglob("*") if p.is_file())
    assert files == ["bash/docker-machine-prompt.bash", "bash/docker-machine-wrapper.bash",
                     "bash/docker-machine.bash", "fish/docker-machine.fish",
                     "fish/functions/__docker_machine_ps1.fish", "fish/functions/docker-machine.fish",
                     "zsh/_docker-machine"]


# --- the binary's answers the scripts rely on ------------------------------------------------------------

def test_app_help_commands_block(world):
    """Commands and global options are read from the app help: `  name<TABs>usage` lines after `Commands:`,
    `  --flag...<TAB>` lines after `Options:`."""
    out = world.dm("--help").stdout
    block = out.split("\nCommands:\n", 1)[1]
    names = re.findall(r"^  ([a-z][a-z0-9-]*)\t", block, flags=re.M)
    assert names == COMMANDS
    assert "\n  \nRun 'docker-machine COMMAND --help'" in out


def test_command_help_flag_lines(world):
    """Command flags: lines of three spaces then the names; a value-taking flag has a space before the TAB."""
    out = world.dm("create", "--driver", "generic", "--help").stdout
    lines = [line for line in out.splitlines() if line.startswith("   -")]
    assert "   --driver, -d \"virtualbox\"" in [line.split("\t")[0] for line in lines]
    assert any(line.startswith("   --generic-ssh-key \t") for line in lines)
    assert any(line.startswith("   --swarm-master\t") for line in lines)
    assert any(line.startswith("   --engine-env [--engine-env option --engine-env option]\t") for line in lines)


def test_machine_lists(world):
    assert world.dm("ls", "-q").stdout.split() == sorted(RUNNING + STOPPED)
    assert world.dm("ls", "-q", "--filter", "state=Running").stdout.split() == RUNNING
    assert world.dm("ls", "-q", "--filter", "state=Stopped").stdout.split() == STOPPED
    assert world.dm("--storage-path", str(world.store2), "ls", "-q").stdout.split() == ["other1"]


def test_status_is_the_state_word(world):
    assert world.dm("status", "m1").stdout == "Running\n"
    assert world.dm("status", "off1").stdout == "Stopped\n"


def test_swarm_column_and_discovery(world):
    lines = world.dm("ls", "-f", "{{.Swarm}}").stdout.splitlines()
    assert "sw1 (master)" in lines
    assert world.dm("inspect", "-f", "{{.HostOptions.SwarmOptions.Discovery}}", "sw1").stdout == "token://abc\n"
