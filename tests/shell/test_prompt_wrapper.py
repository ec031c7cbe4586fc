"""The prompt helper (__docker_machine_ps1) and the `docker-machine use` wrapper, in bash, zsh and fish."""
import subprocess

import pytest

from shellkit import (BASH_PROMPT, BASH_WRAPPER, FISH_FUNCTIONS, need, start_bash, start_fish, start_zsh)

FAKE_DOCKER_MACHINE = """#!/bin/sh
# stands in for docker-machine: records its arguments, answers `status` with $FAKE_STATE
echo "$*" >>"$FAKE_CALLS"
[ "$1" = status ] && [ -n "$FAKE_STATE" ] && echo "$FAKE_STATE"
exit 0
"""

STATUS_SUFFIX = [("Running", " R"), ("Stopping", " R->S"), ("Starting", " S->R"), ("Error", " E"),
                 ("Timeout", " E"), ("Stopped", " S"), ("Paused", " S"), ("Saved", " S"), ("", " S")]


def run_prompt(world, tmp_path, shell, variables, call="__docker_machine_ps1", fake=True):
    """Calls the prompt function in a fresh non-interactive SHELL with VARIABLES set; returns (output, calls made
    to the fake docker-machine)."""
    env = dict(world.env)
    calls = tmp_path / "calls"
    if fake:
        fake_bin = tmp_path / "fakebin"
        fake_bin.mkdir(exist_ok=True)
        (fake_bin / "docker-machine").write_text(FAKE_DOCKER_MACHINE)
        (fake_bin / "docker-machine").chmod(0o755)
        env["PATH"] = f"{fake_bin}:{env['PATH']}"
    env["FAKE_CALLS"] = str(calls)
    for key, value in variables.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    if shell == "bash":
        argv = ["bash", "--norc", "--noprofile", "-u", "-c", f"source {BASH_PROMPT}; {call}"]
    elif shell == "zsh":
        argv = ["zsh", "-f", "-u", "-c", f"source {BASH_PROMPT}; {call}"]
    else:
        argv = ["fish", "--no-config", "-c", f"source {FISH_FUNCTIONS / '__docker_machine_ps1.fish'}; {call}"]
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result
    return result.stdout, calls.read_text().splitlines() if calls.exists() else []


SHELLS = [pytest.param("bash", marks=need("bash")), pytest.param("zsh", marks=need("zsh")),
          pytest.param("fish", marks=need("fish"))]


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("state,suffix", STATUS_SUFFIX)
def test_status_suffix(world, tmp_path, shell, state, suffix):
    out, calls = run_prompt(world, tmp_path, shell, {"DOCKER_MACHINE_NAME": "dev", "FAKE_STATE": state,
                                                     "DOCKER_MACHINE_PS1_SHOWSTATUS": "true"})
    assert out == f" [dev{suffix}]"
    assert calls == ["status dev"]


@pytest.mark.parametrize("shell", SHELLS)
def test_name_only_without_showstatus(world, tmp_path, shell):
    for value in (None, "", "1", "yes", "TRUE"):
        out, calls = run_prompt(world, tmp_path, shell, {"DOCKER_MACHINE_NAME": "dev", "FAKE_STATE": "Running",
                                                         "DOCKER_MACHINE_PS1_SHOWSTATUS": value})
        assert out == " [dev]"
        assert calls == []


@pytest.mark.parametrize("shell", SHELLS)
def test_nothing_without_machine(world, tmp_path, shell):
    for value in (None, ""):
        out, calls = run_prompt(world, tmp_path, shell, {"DOCKER_MACHINE_NAME": value, "FAKE_STATE": "Running",
                                                         "DOCKER_MACHINE_PS1_SHOWSTATUS": "true"})
        assert out == ""
        assert calls == []


@pytest.mark.parametrize("shell", SHELLS)
def test_format_argument(world, tmp_path, shell):
    out, _ = run_prompt(world, tmp_path, shell, {"DOCKER_MACHINE_NAME": "dev", "FAKE_STATE": "Starting",
                                                 "DOCKER_MACHINE_PS1_SHOWSTATUS": "true"},
                        call="__docker_machine_ps1 '(%s) '")
    assert out == "(dev S->R) "


@pytest.mark.parametrize("shell", SHELLS)
def test_status_from_the_real_binary(world, tmp_path, shell):
    out, _ = run_prompt(world, tmp_path, shell, {"DOCKER_MACHINE_NAME": "m1", "DOCKER_MACHINE_PS1_SHOWSTATUS": "true"},
                        fake=False)
    assert out == " [m1 R]"
    out, _ = run_prompt(world, tmp_path, shell, {"DOCKER_MACHINE_NAME": "off1",
                                                 "DOCKER_MACHINE_PS1_SHOWSTATUS": "true"}, fake=False)
    assert out == " [off1 S]"


# --- the wrapper and the prompt together, in interactive shells -------------------------------------------

def use_and_unset(shell, prompt_with, prompt_without):
    """`docker-machine use m1` sets the shell up (the prompt shows the machine, docker reaches it), `use -u` undoes
    it; everything else goes to docker-machine unchanged."""
    shell.wait_screen(lambda s: s.splitlines()[-1].rstrip() == prompt_without.rstrip())

    rc, out = shell.run("docker-machine use")
    assert "Usage: docker-machine use" in out and "--swarm" in out and "--unset, -u" in out

    rc, out = shell.run("docker-machine use m1")
    assert out.strip().splitlines()[-1] == "Active machine: m1"
    shell.wait_screen(lambda s: s.splitlines()[-1].rstrip() == prompt_with.rstrip())
    rc, out = shell.run("printenv DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_MACHINE_NAME")
    assert out.split() == [f"tcp://127.0.0.1:{shell.world.port}", "1", "m1"]
    rc, out = shell.run("docker version --format '{{.Server.Version}}'")
    assert (rc, out.strip()) == (0, "20.10.99-fake")

    rc, out = shell.run("docker-machine ls -q --filter state=Stopped")
    assert (rc, out.split()) == (0, ["off1"])

    rc, out = shell.run("docker-machine use -u")
    assert out.strip() == "Active machine:"
    shell.wait_screen(lambda s: s.splitlines()[-1].rstrip() == prompt_without.rstrip())
    rc, out = shell.run("printenv DOCKER_HOST DOCKER_MACHINE_NAME")
    assert out == ""


@need("bash", "tmux", "docker")
def test_bash_use_and_prompt(world, tmp_path):
    shell = start_bash(world, tmp_path, capture=False,
                       extra_rc="PS1='$(__docker_machine_ps1 \"[%s]\")$ '\n")
    shell.world = world
    try:
        use_and_unset(shell, "[m1]$ ", "$ ")
        rc, out = shell.run("type -t docker-machine")
        assert out.strip() == "alias"
    finally:
        shell.close()


@need("zsh", "tmux", "docker")
def test_zsh_use_and_prompt(world, tmp_path):
    shell = start_zsh(world, tmp_path, capture=False,
                      extra_rc="setopt PROMPT_SUBST\nPS1='$(__docker_machine_ps1 \"[%s]\")%% '\n")
    shell.world = world
    try:
        use_and_unset(shell, "[m1]% ", "% ")
    finally:
        shell.close()


@need("fish", "tmux", "docker")
def test_fish_use_and_prompt(world, tmp_path):
    shell = start_fish(world, tmp_path)
    shell.world = world
    try:
        use_and_unset(shell, "[m1]> ", "> ")
        rc, out = shell.run("type -t docker-machine")
        assert out.strip() == "function"
    finally:
        shell.close()


@need("bash", "tmux")
def test_prompt_shows_status_when_asked(world, tmp_path):
    shell = start_bash(world, tmp_path, capture=False,
                       extra_rc="PS1='$(__docker_machine_ps1)$ '\nDOCKER_MACHINE_PS1_SHOWSTATUS=true\n")
    try:
        shell.run("docker-machine use m1")
        shell.wait_screen(lambda s: s.splitlines()[-1].rstrip() == " [m1 R]$")
        shell.run("DOCKER_MACHINE_NAME=off1")
        shell.wait_screen(lambda s: s.splitlines()[-1].rstrip() == " [off1 S]$")
    finally:
        shell.close()


@pytest.mark.parametrize("shell_name", [pytest.param("bash", marks=need("bash")), pytest.param("zsh", marks=need("zsh"))])
def test_wrapper_without_alias(world, shell_name):
    """DOCKER_MACHINE_WRAPPED other than `true` before sourcing: only the function, docker-machine stays the
    command."""
    script = (f"DOCKER_MACHINE_WRAPPED=no; source {BASH_WRAPPER}; "
              "alias docker-machine >/dev/null 2>&1 && echo aliased; "
              "__docker_machine_wrapper use m1; echo \"$DOCKER_MACHINE_NAME\"; __docker_machine_wrapper ls -q")
    argv = ["bash", "--norc", "--noprofile", "-c", script] if shell_name == "bash" else ["zsh", "-f", "-c", script]
    result = subprocess.run(argv, capture_output=True, text=True, env={**world.env, "SHELL": f"/bin/{shell_name}"})
    assert result.stdout.splitlines() == ["Active machine: m1", "m1", "dev", "m1", "m2", "off1", "sw1"]


@need("bash")
def test_wrapper_sets_wrapped_and_alias(world):
    script = (f"shopt -s expand_aliases; source {BASH_WRAPPER}\n"
              "echo \"$DOCKER_MACHINE_WRAPPED\"; alias docker-machine\n")
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                            env=world.env)
    assert result.stdout.splitlines() == ["true", "alias docker-machine='__docker_machine_wrapper'"]
