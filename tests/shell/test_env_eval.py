"""`docker-machine env` evaluated by each shell, as users do it, then the real docker CLI reaches the machine
(the fake TLS daemon behind m1); `env -u` undoes it."""
import shutil
import subprocess

import pytest

from shellkit import need

VERSION = "{{.Server.Version}}"

CASES = [
    pytest.param("bash", ["bash", "--norc", "--noprofile", "-c"],
                 f"eval \"$(docker-machine env m1)\" && docker version --format '{VERSION}' && "
                 "eval \"$(docker-machine env -u)\" && echo \"unset:${DOCKER_HOST-}${DOCKER_MACHINE_NAME-}\"",
                 marks=need("bash", "docker"), id="bash"),
    pytest.param("zsh", ["zsh", "-f", "-c"],
                 f"eval \"$(docker-machine env m1)\" && docker version --format '{VERSION}' && "
                 "eval \"$(docker-machine env -u)\" && echo \"unset:${DOCKER_HOST-}${DOCKER_MACHINE_NAME-}\"",
                 marks=need("zsh", "docker"), id="zsh"),
    pytest.param("sh", ["sh", "-c"],
                 f"eval \"$(docker-machine env m1)\" && docker version --format '{VERSION}' && "
                 "eval \"$(docker-machine env -u)\" && echo \"unset:${DOCKER_HOST-}${DOCKER_MACHINE_NAME-}\"",
                 marks=need("sh", "docker"), id="sh"),
    pytest.param("fish", ["fish", "--no-config", "-c"],
                 f"eval (docker-machine env --shell fish m1); and docker version --format '{VERSION}'; and "
                 "eval (docker-machine env --shell fish -u); and echo \"unset:$DOCKER_HOST$DOCKER_MACHINE_NAME\"",
                 marks=need("fish", "docker"), id="fish-eval"),
    pytest.param("fish", ["fish", "--no-config", "-c"],
                 f"docker-machine env m1 | source; and docker version --format '{VERSION}'; and "
                 "docker-machine env -u | source; and echo \"unset:$DOCKER_HOST$DOCKER_MACHINE_NAME\"",
                 marks=need("fish", "docker"), id="fish-source-autodetected"),
    pytest.param("tcsh", ["tcsh", "-f", "-c"],
                 f"eval `docker-machine env --shell tcsh m1` && docker version --format '{VERSION}' && "
                 "eval `docker-machine env --shell tcsh -u` && "
                 "if (! $?DOCKER_HOST && ! $?DOCKER_MACHINE_NAME) echo unset:",
                 marks=need("tcsh", "docker"), id="tcsh"),
]


@pytest.mark.parametrize("shell,argv,script", CASES)
def test_env_then_docker_version(world, shell, argv, script):
    env = {**world.env, "SHELL": f"/usr/bin/{shell}" if shell != "sh" else "/bin/sh"}
    result = subprocess.run([*argv, script], capture_output=True, text=True, env=env, cwd=world.home, timeout=120)
    assert result.stdout.splitlines() == ["20.10.99-fake", "unset:"], result


HOSTILE_CASES = [
    pytest.param(["bash", "--norc", "--noprofile", "-c"], 'eval "$(docker-machine env m1)" && '
                 'docker version --format "{{.Server.Version}}" && printf "%s\\n" "$DOCKER_CERT_PATH"',
                 marks=need("bash", "docker"), id="bash"),
    pytest.param(["sh", "-c"], 'eval "$(docker-machine env m1)" && '
                 'docker version --format "{{.Server.Version}}" && printf "%s\\n" "$DOCKER_CERT_PATH"',
                 marks=need("sh", "docker"), id="sh"),
    pytest.param(["zsh", "-f", "-c"], 'eval "$(docker-machine env m1)" && '
                 'docker version --format "{{.Server.Version}}" && printf "%s\\n" "$DOCKER_CERT_PATH"',
                 marks=need("zsh", "docker"), id="zsh"),
    pytest.param(["fish", "--no-config", "-c"], 'docker-machine env --shell fish m1 | source; and '
                 'docker version --format "{{.Server.Version}}"; and printf "%s\\n" "$DOCKER_CERT_PATH"',
                 marks=need("fish", "docker"), id="fish"),
    pytest.param(["tcsh", "-f", "-c"], 'eval `docker-machine env --shell tcsh m1` && '
                 'docker version --format "{{.Server.Version}}" && printenv DOCKER_CERT_PATH',
                 marks=need("tcsh", "docker"), id="tcsh"),
]


@pytest.mark.parametrize("argv,script", HOSTILE_CASES)
def test_env_with_a_hostile_storage_path(world, tmp_path, argv, script):
    """A storage path full of characters the shells treat specially ($, backquotes, quotes, !, backslash):
    each shell gets back exactly the path, nothing in it runs, and docker reaches the machine."""
    store = tmp_path / "st $HOME \"q\" `touch pwned` $(touch pwned) 'x' !! a\\b"
    shutil.copytree(world.store, store)
    env = {**world.env, "SHELL": "/bin/bash", "MACHINE_STORAGE_PATH": str(store)}
    result = subprocess.run([*argv, script], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=120)
    assert result.stdout.splitlines() == ["20.10.99-fake", f"{store}/machines/m1"], result
    assert not (tmp_path / "pwned").exists()
