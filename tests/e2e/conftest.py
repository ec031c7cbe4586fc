"""End-to-end tests: the built docker-machine against real test hosts (tests/testhost), the real docker CLI
over TLS. Needs root (network namespaces). Traffic goes only to the test hosts' 10.213.N.x addresses."""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KIT = REPO / "tests" / "testhost"
BINARY = Path(os.environ.get("DOCKER_MACHINE_BIN", REPO / "build" / "docker-machine")).resolve()
TESTHOST_HOME = Path(os.environ.get("TESTHOST_HOME", "/var/tmp/testhost"))
KEY_ED25519 = TESTHOST_HOME / "run" / "keys" / "id_ed25519"
KEY_RSA = TESTHOST_HOME / "run" / "keys" / "id_rsa"


def pytest_collection_modifyitems(config, items):
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="end-to-end tests need root for the test-host kit")
        for item in items:
            item.add_marker(skip)


def kept_hint(name):
    """The line a failed create prints after its error once the machine exists (it stays listed)."""
    return (f'The machine "{name}" was kept with what was made so far (ls shows it). To clean up, run: '
            f'{BINARY} rm -f {name}\n')


class Result:
    def __init__(self, completed):
        self.code = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def __repr__(self):
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


class TestHost:
    """One disposable Debian 12 host (sshd + dockerd) in its own network namespace."""

    __test__ = False  # not a test class, despite its name

    def __init__(self, name, index, mode="docker", address=None, routed=False):
        self.name = name
        self.index = index
        self.mode = mode
        self.routed = routed  # reaches the other routed test hosts (10.213.0.0/16 via the machine side)
        self.ip = address or f"10.213.{index}.2"
        self.machine_side = f"10.213.{index}.1"

    def up(self, wipe=True):
        args = [str(KIT / "up.sh"), "-n", self.name, "-i", str(self.index), "-m", self.mode]
        if wipe:
            args.append("--wipe")
        if self.routed:
            args.append("--routed")
        if self.ip != f"10.213.{self.index}.2":
            args += ["-a", self.ip]
        subprocess.run(args, check=True, capture_output=True, text=True, timeout=600)
        return self

    def down(self):
        subprocess.run([str(KIT / "down.sh"), "-n", self.name, "--purge"], capture_output=True, text=True,
                       timeout=120)

    def ssh_connections(self):
        out = subprocess.run([str(KIT / "sshcount.sh"), self.name], capture_output=True, text=True).stdout
        return int(out.strip() or 0)

    def install_url(self):
        return f"http://{self.machine_side}:8213/install.sh"


class DockerMachine:
    def __init__(self, store, home):
        self.store = store
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "USER": "tester",
            "SHELL": "/bin/bash",
            "MACHINE_STORAGE_PATH": str(store),
        }

    def __call__(self, *args, env=None, stdin="", timeout=600):
        full_env = dict(self.env)
        full_env.update(env or {})
        return Result(subprocess.run([str(BINARY), *args], input=stdin, capture_output=True, text=True,
                                     env=full_env, timeout=timeout))

    def docker(self, name, *args, timeout=300):
        """Runs the real docker CLI with the environment `docker-machine env NAME` prints."""
        env_out = self("env", name)
        assert env_out.code == 0, env_out
        script = f'eval "$({BINARY} env {name})" && docker "$@"'
        full_env = dict(self.env)
        return Result(subprocess.run(["bash", "-c", script, "bash", *args], capture_output=True, text=True,
                                     env=full_env, timeout=timeout))


@pytest.fixture
def machine(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    return DockerMachine(tmp_path / "store", home)


@pytest.fixture(scope="module")
def docker_host():
    host = TestHost("e2edock", 11).up()
    yield host
    host.down()
