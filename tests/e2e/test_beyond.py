"""Issue 11 against real test hosts and the real docker CLI: Docker contexts, ls --format json and inspect --state,
restart-only certificate rotation and CA renewal, export/import into another store, the clean-up hint of a failed
create. Test hosts 61 and 62 only."""
import json
import subprocess

import pytest

from conftest import BINARY, KEY_ED25519, TestHost


@pytest.fixture(scope="module")
def host61():
    host = TestHost("beyond61", 61).up()
    yield host
    host.down()


@pytest.fixture(scope="module")
def fresh62():
    host = TestHost("beyond62", 62, mode="fresh").up()
    yield host
    host.down()


def create(machine, host, name, *extra):
    return machine("create", "-d", "generic", "--generic-ip-address", host.ip, "--generic-ssh-key", str(KEY_ED25519),
                   "--generic-ssh-user", "root", *extra, name)


def docker(machine, *args):
    """The real docker CLI with the machine's HOME (so its ~/.docker) and no DOCKER_* variables."""
    return subprocess.run(["docker", *args], capture_output=True, text=True, env=dict(machine.env), timeout=120)


def test_context_json_rotation_export_and_rm(machine, host61, tmp_path):
    result = create(machine, host61, "b1")
    assert result.code == 0, result
    home = machine.env["HOME"]

    # Docker context: `docker --context` and `docker context use`
    result = machine("context", "create", "b1")
    assert result.code == 0, result
    version = docker(machine, "--context", "b1", "version", "--format", "{{.Server.Version}}")
    assert version.returncode == 0, version
    assert docker(machine, "context", "use", "b1").returncode == 0
    run = docker(machine, "run", "-d", "--name", "keep", "--restart", "always", "busybox", "sleep", "100000")
    assert run.returncode == 0, run
    assert docker(machine, "create", "--name", "data", "busybox", "true").returncode == 0

    # machine-readable state
    line = json.loads(machine("ls", "--format", "json").out)
    assert (line["Name"], line["State"], line["URL"], line["Error"]) == ("b1", "Running", f"tcp://{host61.ip}:2376", "")
    assert line["DockerVersion"] == "v" + version.stdout.strip()
    live = json.loads(machine("inspect", "--state", "b1").out)["Live"]
    assert (live["State"], live["IP"], live["DockerVersion"]) == ("Running", host61.ip, line["DockerVersion"])
    assert live["Certificates"]["Server"]["NotAfter"] is not None

    # restart-only rotation: containers and daemon settings stay, one restart
    machine_dir = machine.store / "machines" / "b1"
    old_server = (machine_dir / "server.pem").read_text()
    calls_before = machine("ssh", "b1", "wc -l < /var/log/systemctl-shim.calls").out.strip()
    result = machine("regenerate-certs", "-f", "--certs-only", "b1")
    assert result.code == 0, result
    assert "Restarting the Docker daemon..." in result.out
    assert "Installing" not in result.out and "Setting Docker configuration" not in result.out
    assert (machine_dir / "server.pem").read_text() != old_server
    calls = machine("ssh", "b1", f"tail -n +{int(calls_before) + 1} /var/log/systemctl-shim.calls").out
    assert "restart docker" in calls and "stop docker" not in calls, calls
    names = docker(machine, "ps", "-a", "--format", "{{.Names}} {{.State}}").stdout.split("\n")
    assert "keep running" in names and "data created" in names, names

    # CA renewal: new CA, old one kept aside, the context follows
    old_ca = (machine.store / "certs" / "ca.pem").read_text()
    result = machine("regenerate-certs", "-f", "--certs-only", "--renew-ca", "b1")
    assert result.code == 0, result
    assert (machine.store / "certs" / "ca.pem").read_text() != old_ca
    assert (machine.store / "certs" / "previous" / "ca.pem").read_text() == old_ca
    assert docker(machine, "ps", "-q").returncode == 0
    assert machine.docker("b1", "ps", "-q").code == 0  # env as before

    # export, import into another store, use it from there
    archive = tmp_path / "b1.tar.gz"
    assert machine("export", "b1", str(archive)).code == 0
    other = tmp_path / "other"
    assert machine("-s", str(other), "import", str(archive)).code == 0
    script = f'eval "$({BINARY} -s {other} env b1)" && docker ps --format "{{{{.Names}}}}"'
    imported = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=dict(machine.env))
    assert imported.returncode == 0, imported
    assert "keep" in imported.stdout.split()

    # rm takes the context away, and docker falls back to its default context
    result = machine("rm", "-y", "b1")
    assert result.code == 0, result
    assert "Removed Docker context b1" in result.out
    contexts = docker(machine, "context", "ls", "--format", "{{.Name}}").stdout.split()
    assert "b1" not in contexts and "default" in contexts
    assert "currentContext" not in json.loads(open(f"{home}/.docker/config.json").read())


def test_failed_create_keeps_the_machine_and_says_how_to_clean_up(machine, fresh62):
    # The fresh host has no Docker; an install script that fails makes provisioning fail at once.
    result = create(machine, fresh62, "broken", "--engine-install-url", "file:///etc/hostname")
    assert result.code == 1
    assert "Error creating machine: Error running provisioning: error installing docker" in result.err
    assert result.err.endswith(f"To clean up, run: {BINARY} rm -f broken\n")
    assert json.loads(machine("ls", "--format", "json").out)["Name"] == "broken"
    assert machine("rm", "-f", "broken").code == 0
    assert machine("ls", "-q").out == ""
