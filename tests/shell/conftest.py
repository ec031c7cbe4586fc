"""Fixtures of the shell-integration tests (helpers live in shellkit.py)."""
import pytest

from shellkit import BINARY, World


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """The temporary store, shared by all tests (they only read it)."""
    if not BINARY.exists():
        pytest.fail(f"docker-machine binary not found: {BINARY} (set DOCKER_MACHINE_BIN)")
    w = World(tmp_path_factory.mktemp("shell"))
    try:
        w.build()
        yield w
    finally:
        w.close()

