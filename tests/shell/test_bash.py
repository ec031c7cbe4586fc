"""bash: completion in a real interactive bash (tmux), registration, bash-completion's on-demand loading."""
import os
import subprocess

import pytest

from shellkit import (BASH_COMPLETION, MACHINES, bare, case_params, expand, expected_for, need, start_bash)

pytestmark = need("bash", "tmux")


@pytest.fixture(scope="module")
def bash(world, tmp_path_factory):
    shell = start_bash(world, tmp_path_factory.mktemp("bash"))
    yield shell
    shell.close()


@pytest.mark.parametrize("line,expected,files", case_params())
def test_completion(bash, world, line, expected, files):
    words, _ = bash.complete(expand(world, line))
    assert {bare(w, files) for w in words} == expected_for("bash", expected)


def test_registered_for_both_names(world):
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c",
                             f"source {BASH_COMPLETION} && complete -p docker-machine docker-machine.exe"],
                            capture_output=True, text=True, env=world.env)
    assert result.stdout.splitlines() == ["complete -F _docker_machine docker-machine",
                                          "complete -F _docker_machine docker-machine.exe"]


def test_no_use_without_wrapper(world, tmp_path):
    """`use` is a command only when DOCKER_MACHINE_WRAPPED is true (the wrapper sets it)."""
    shell = start_bash(world, tmp_path, extra_env={"DOCKER_MACHINE_WRAPPED": "false"})
    try:
        words, _ = shell.complete("docker-machine u")
        assert set(words) == {"upgrade", "url"}
    finally:
        shell.close()


@pytest.mark.parametrize("typed,shown", [
    ("docker-machine create --driver=gen", "docker-machine create --driver=generic "),
    ("docker-machine ls --filter sta", "docker-machine ls --filter state="),
    ("docker-machine ls --filter state=Ru", "docker-machine ls --filter state=Running "),
    ("docker-machine ls --filter=driver=gen", "docker-machine ls --filter=driver=generic "),
    ("docker-machine scp m1", "docker-machine scp m1:"),
    ("docker-machine mount m1", "docker-machine mount m1:"),
    ("docker-machine env --shell=fi", "docker-machine env --shell=fish "),
    ("docker-machine sta", "docker-machine sta"),  # start, status: nothing to insert yet
    ("docker-machine stat", "docker-machine status "),
    ("docker-machine env o", "docker-machine env off1 "),
])
def test_inserted_text(bash, typed, shown):
    """What readline puts on the line: words bash splits at `=` and `:` are completed in place; `state=` and
    `m1:` get no space after them."""
    assert bash.line_after_tab(typed) == shown


def test_list_shown_after_two_tabs(bash):
    screen = bash.screen_after_tabs("docker-machine env ", lambda s: all(name in s for name in MACHINES))
    assert "dev" in screen and "off1" in screen


def test_files_quoted(bash, world):
    """File names bash must quote are inserted quoted (-o filenames)."""
    (world.files / "with space.txt").write_text("x")
    try:
        assert bash.line_after_tab(f"docker-machine scp {world.files}/wi") == \
            f"docker-machine scp {world.files}/with\\ space.txt "
    finally:
        (world.files / "with space.txt").unlink()


def test_loaded_on_demand_by_bash_completion(world, tmp_path):
    """The documented per-user install: ~/.local/share/bash-completion/completions/docker-machine, loaded by the
    bash-completion package the first time docker-machine is completed."""
    if not os.path.exists("/usr/share/bash-completion/bash_completion"):
        pytest.skip("bash-completion package not installed")
    shell = start_bash(world, tmp_path, with_bash_completion=True, capture=False)
    try:
        rc, out = shell.run("complete -p docker-machine")
        assert rc != 0  # not loaded yet
        shell.screen_after_tabs("docker-machine env ", lambda s: all(name in s for name in MACHINES))
        rc, out = shell.run("complete -p docker-machine")
        assert rc == 0 and "_docker_machine" in out
        assert shell.line_after_tab("docker-machine create --driver=gen") == "docker-machine create --driver=generic "
    finally:
        shell.close()


def test_machine_names_fast_with_hundreds_of_machines(world, tmp_path):
    """Machine names come from `ls -q`, which does not ask 300 unreachable hosts for their state."""
    store = world.make_slow_store(tmp_path / "big", 300)
    script = f"""
source {BASH_COMPLETION}
COMP_LINE='docker-machine rm '
COMP_POINT=${{#COMP_LINE}}
COMP_WORDS=(docker-machine rm '')
COMP_CWORD=2
start=$EPOCHREALTIME
_docker_machine
end=$EPOCHREALTIME
echo "${{#COMPREPLY[@]}} $start $end"
"""
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                            env={**world.env, "MACHINE_STORAGE_PATH": str(store)}, timeout=120)
    count, start, end = result.stdout.split()
    assert int(count) == 300
    assert float(end) - float(start) < 2.0, result.stdout
