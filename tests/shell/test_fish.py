"""fish: the completion through fish's own engine (`complete -C`), and TAB in a real interactive fish (tmux),
with the script and the functions installed in ~/.config/fish as documented."""
import subprocess
import time

import pytest

from shellkit import (COMMANDS, EXTRA_COMMANDS, MACHINES, SHELLS, bare, case_params, expand, expected_for,
                      fish_complete, install_fish, need, start_fish)

pytestmark = need("fish")


def candidates(world, line):
    """fish falls back to fuzzy (substring, subsequence) matches when nothing matches as a prefix; keep the
    prefix matches, which are the ones fish would show when the script is right."""
    token = line.split(" ")[-1]
    return [w for w in fish_complete(world, line) if w.startswith(token)]


@pytest.mark.parametrize("line,expected,files", case_params())
def test_completion(world, line, expected, files):
    words = candidates(world, expand(world, line))
    assert {bare(w, files) for w in words} == expected_for("fish", expected)


@pytest.mark.parametrize("line,expected", [
    ("docker-machine create --driver=gen", ["--driver=generic"]),
    ("docker-machine ls --filter st", ["state="]),
    ("docker-machine ls --filter state=Ru", ["state=Running"]),
    ("docker-machine ls --filter=driver=gen", ["--filter=driver=generic"]),
    ("docker-machine scp m1", ["m1:"]),
    ("docker-machine mount m", ["m1:", "m2:"]),
])
def test_candidates_as_inserted(world, line, expected):
    assert candidates(world, line) == expected


def test_descriptions(world):
    result = subprocess.run(["fish", "-c", 'complete -C"docker-machine "; complete -C"docker-machine ls --f"'],
                            capture_output=True, text=True, env=world.env, cwd=world.home)
    assert "active\tPrint which machine is active" in result.stdout.splitlines()
    assert "--filter\tFilter output based on conditions provided" in result.stdout.splitlines()


def test_no_use_without_wrapper(world, tmp_path):
    """`use` is offered only when the fish wrapper function is installed."""
    install_fish(world)
    env = {**world.env, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    (tmp_path / "config" / "fish" / "completions").mkdir(parents=True)
    (tmp_path / "config" / "fish" / "completions" / "docker-machine.fish").write_text(
        (world.home / ".config" / "fish" / "completions" / "docker-machine.fish").read_text())
    result = subprocess.run(["fish", "-c", 'complete -C"docker-machine "'], capture_output=True, text=True, env=env,
                            cwd=world.home)
    assert {line.split("\t")[0] for line in result.stdout.splitlines()} == set(COMMANDS) | set(EXTRA_COMMANDS)


@pytest.fixture(scope="module")
def fish(world, tmp_path_factory):
    shell = start_fish(world, tmp_path_factory.mktemp("fish"))
    yield shell
    shell.close()


@need("tmux")
def test_tab_lists_commands(fish):
    fish.screen_after_tabs("docker-machine ", lambda s: "Print which machine is active" in s and "regenerate-certs" in s,
                           tabs=1)


@need("tmux")
def test_tab_lists_machines(fish):
    fish.screen_after_tabs("docker-machine env ", lambda s: all(name in s for name in MACHINES), tabs=1)


@need("tmux")
def test_tab_lists_shells(fish):
    fish.screen_after_tabs("docker-machine env --shell ", lambda s: all(name in s for name in SHELLS), tabs=1)


@need("tmux")
def test_tab_lists_generic_flags(fish):
    fish.screen_after_tabs("docker-machine create -d generic --generic-s",
                           # the pager shortens the common start of long candidates to `…`
                           lambda s: all(f in s for f in ("ssh-key  (SSH private key path", "ssh-port  (SSH port",
                                                          "ssh-user  (SSH user")), tabs=1)


@need("tmux")
def test_tab_inserts(fish):
    assert fish.line_after_tab("docker-machine create --driver=gen") == "docker-machine create --driver=generic "
    assert fish.line_after_tab("docker-machine scp m1") == "docker-machine scp m1:"


def test_machine_names_fast_with_hundreds_of_machines(world, tmp_path):
    store = world.make_slow_store(tmp_path / "big", 300)
    start = time.monotonic()
    words = fish_complete(world, "docker-machine rm ", extra_env={"MACHINE_STORAGE_PATH": str(store)})
    assert len(words) == 300
    assert time.monotonic() - start < 4.0
