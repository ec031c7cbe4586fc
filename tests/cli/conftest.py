"""Black-box tests of the built docker-machine binary, run as a user would, in temporary stores."""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("DOCKER_MACHINE_BIN", REPO / "build" / "docker-machine")).resolve()


class Result:
    def __init__(self, completed):
        self.code = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def __repr__(self):
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


class Machine:
    """Runs the binary against one storage path with a controlled environment."""

    def __init__(self, store: Path, home: Path):
        self.store = store
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "USER": "tester",
            "SHELL": "/bin/bash",
            "MACHINE_STORAGE_PATH": str(store),
        }

    def __call__(self, *args, stdin=None, env=None, argv0="docker-machine", timeout=60):
        """Runs the binary with argv[0] as a user typing `docker-machine` would give it."""
        full_env = dict(self.env)
        for key, value in (env or {}).items():
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        completed = subprocess.run([argv0, *args], input=stdin if stdin is not None else "", capture_output=True,
                                   text=True, env=full_env, timeout=timeout, executable=str(BINARY))
        return Result(completed)

    def create_none(self, name, url="tcp://127.0.0.1:2376", *extra):
        result = self("create", "-d", "none", "--url", url, *extra, name)
        assert result.code == 0, result
        return result

    def config_path(self, name):
        return self.store / "machines" / name / "config.json"


@pytest.fixture
def dm(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    return Machine(tmp_path / "store", home)


def pytest_configure(config):
    if not BINARY.exists():
        raise pytest.UsageError(f"docker-machine binary not found at {BINARY}; build first")
