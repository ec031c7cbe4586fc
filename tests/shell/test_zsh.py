"""zsh: completion in a real interactive zsh (tmux) with compinit and _docker-machine from $fpath."""
import time

import pytest

from shellkit import COMMANDS, EXTRA_COMMANDS, MACHINES, bare, case_params, expand, expected_for, need, start_zsh

pytestmark = need("zsh", "tmux")


@pytest.fixture(scope="module")
def zsh(world, tmp_path_factory):
    shell = start_zsh(world, tmp_path_factory.mktemp("zsh"))
    yield shell
    shell.close()


@pytest.mark.parametrize("line,expected,files", case_params())
def test_completion(zsh, world, line, expected, files):
    """The wrapper is sourced in this session, so `docker-machine` is an alias of __docker_machine_wrapper: the
    completion must follow it."""
    words, _ = zsh.complete(expand(world, line))
    assert {bare(w, files) for w in words} == expected_for("zsh", expected)


def test_swarm_discovery_of_masters(zsh):
    words, _ = zsh.complete("docker-machine create --swarm-discovery ")
    assert set(words) == {"token://abc"}


def test_without_wrapper(world, tmp_path):
    shell = start_zsh(world, tmp_path, extra_env={"DOCKER_MACHINE_WRAPPED": "false"})
    try:
        rc, out = shell.run("whence -w docker-machine")
        assert out.strip() == "docker-machine: command"
        words, _ = shell.complete("docker-machine ")
        assert set(words) == set(COMMANDS) | set(EXTRA_COMMANDS)
        words, _ = shell.complete("docker-machine env ")
        assert set(words) == set(MACHINES)
    finally:
        shell.close()


@pytest.mark.parametrize("typed,shown", [
    ("docker-machine create --driver=gen", "docker-machine create --driver=generic "),
    ("docker-machine ls --filter sta", "docker-machine ls --filter state="),
    ("docker-machine ls --filter state=Ru", "docker-machine ls --filter state=Running "),
    ("docker-machine scp m1", "docker-machine scp m1:"),
    ("docker-machine mount m1", "docker-machine mount m1:"),
    ("docker-machine env --shell=fi", "docker-machine env --shell=fish "),
    ("docker-machine stat", "docker-machine status "),
    ("docker-machine env o", "docker-machine env off1 "),
])
def test_inserted_text(zsh, typed, shown):
    assert zsh.line_after_tab(typed) == shown


def test_list_shown(zsh):
    zsh.screen_after_tabs("docker-machine env ", lambda s: all(name in s for name in MACHINES), tabs=1)


def test_commands_listed_with_descriptions(zsh):
    zsh.screen_after_tabs("docker-machine ", lambda s: "Print which machine is active" in s and "regenerate-certs" in s,
                          tabs=1)


def test_machine_names_fast_with_hundreds_of_machines(world, tmp_path):
    store = world.make_slow_store(tmp_path / "big", 300)
    shell = start_zsh(world, tmp_path / "zsh", extra_env={"MACHINE_STORAGE_PATH": str(store)})
    try:
        start = time.monotonic()
        words, _ = shell.complete("docker-machine rm ")
        assert len(set(words)) == 300
        assert time.monotonic() - start < 4.0
    finally:
        shell.close()
