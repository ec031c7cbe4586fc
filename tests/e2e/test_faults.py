"""Fault injection (issue 4, hardening): SIGKILL during regenerate-certs and provision, the SSH connection cut
mid-provision, a dockerd that never comes up, a full disk, a read-only store and a store with wrong permissions.
After each fault: every file of the store is readable, `ls` shows every machine, `rm -f` cleans up, and the
error says what happened. Test hosts fault41..fault45 (10.213.41-45.x); needs root (namespaces, mounts)."""
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import BINARY, KEY_ED25519, TESTHOST_HOME, DockerMachine, TestHost


def create(machine, host, name, *extra, timeout=600):
    return machine("create", "-d", "generic", "--generic-ip-address", host.ip, "--generic-ssh-key", str(KEY_ED25519),
                   "--generic-ssh-user", "root", *extra, name, timeout=timeout)


def start(machine, *args):
    """Starts the binary in the background (to be killed or cut off)."""
    return subprocess.Popen([str(BINARY), *args], env=machine.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def in_host(host, script, check=True, stdin=""):
    """Runs a shell script inside the test host (its PID and mount namespaces, its root): only its processes
    and files are touched, never those of other test hosts on this machine."""
    init = (TESTHOST_HOME / "run" / host.name / "init.pid").read_text().strip()
    result = subprocess.run(["nsenter", "-t", init, "-m", "-p", "-r", "-w", "/bin/sh", "-c", script],
                            input=stdin, capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, result
    return result


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def assert_store_consistent(machine):
    """No unreadable file, and `ls` shows every machine directory."""
    store = machine.store
    for config in store.glob("machines/*/config.json"):
        json.loads(config.read_text())  # never half-written
    for pem in list(store.glob("certs/*.pem")) + list(store.glob("machines/*/*.pem")):
        kind = ["pkey"] if "key" in pem.name else ["x509", "-noout"]
        parsed = subprocess.run(["openssl", *kind, "-in", str(pem)], capture_output=True, text=True)
        assert parsed.returncode == 0, f"{pem} is unreadable: {parsed.stderr}"
    machines = sorted(p.name for p in (store / "machines").iterdir() if p.is_dir()) if (store / "machines").exists() \
        else []
    listed = machine("ls", "--format", "{{.Name}}", timeout=120)
    assert listed.code == 0, listed
    assert sorted(listed.out.split()) == machines


def assert_removed(machine, name):
    removed = machine("rm", "-f", name)
    assert removed.code == 0, removed
    assert f"Successfully removed {name}\n" in removed.out
    assert not (machine.store / "machines" / name).exists()
    assert name not in machine("ls", "-q").out.split()


# A dockerd that starts but drops its "-H tcp://..." listeners: it never answers on the network.
NO_TCP_DOCKERD = """#!/bin/bash
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        -H) case "$2" in tcp://*) shift 2; continue ;; esac ;;
    esac
    args+=("$1")
    shift
done
exec /usr/bin/dockerd.real "${args[@]}"
"""


@pytest.fixture(scope="module")
def fault_host():
    host = TestHost("fault41", 41).up()
    yield host
    host.down()


@pytest.fixture
def tmpfs_store(tmp_path):
    """A DockerMachine whose storage path is a small tmpfs of its own (1 MiB)."""
    mount_point = tmp_path / "mnt"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount_point)], check=True)
    home = tmp_path / "home"
    home.mkdir()
    try:
        yield DockerMachine(mount_point / "store", home), mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_sigkill_during_regenerate_certs_and_provision(machine, fault_host):
    assert create(machine, fault_host, "k1").code == 0
    rng = random.Random(41)
    for _ in range(10):
        command = rng.choice([["regenerate-certs", "-f", "k1"], ["provision", "k1"]])
        process = start(machine, *command)
        time.sleep(rng.uniform(0.1, 1.8))  # a provisioning here takes 1.5-2.5 s
        process.send_signal(signal.SIGKILL)
        process.communicate()
        assert_store_consistent(machine)
    # One more run repairs whatever the kills left behind (a stopped daemon included), and docker works.
    repaired = machine("provision", "k1", timeout=300)
    assert repaired.code == 0, repaired
    version = machine.docker("k1", "version", "--format", "{{.Server.Version}}")
    assert version.code == 0, version
    assert_removed(machine, "k1")


# A systemctl that stalls after stopping docker, so that the cut lands while that command runs and the daemon
# is down. (Stalling before the stop would let the orphaned command stop the daemon later, racing the repair.)
STALLING_SYSTEMCTL = """#!/bin/sh
/usr/bin/systemctl.real "$@"
status=$?
case "$*" in *"stop docker"*) touch /run/docker-stopping; sleep 3 ;; esac
exit $status
"""


@pytest.mark.parametrize("client", [[], ["--native-ssh"]], ids=["external-ssh", "native-ssh"])
def test_ssh_connection_cut_mid_provision(machine, fault_host, client):
    """The SSH connection dies while the daemon is being stopped for its new configuration (the worst moment):
    the command fails saying so, the machine stays listed, the next provision repairs it."""
    in_host(fault_host, "mv /usr/bin/systemctl /usr/bin/systemctl.real && cat > /usr/bin/systemctl && "
                        "chmod 755 /usr/bin/systemctl", stdin=STALLING_SYSTEMCTL)
    try:
        for command in ([*client, "create", "-d", "generic", "--generic-ip-address", fault_host.ip,
                         "--generic-ssh-key", str(KEY_ED25519), "--generic-ssh-user", "root", "cut1"],
                        [*client, "provision", "cut1"]):
            in_host(fault_host, "rm -f /run/docker-stopping")
            process = start(machine, *command)
            try:
                wait_until(lambda: in_host(fault_host, "test -e /run/docker-stopping", check=False).returncode == 0
                           or process.poll() is not None, 60, "the provisioning to stop the daemon")
            except AssertionError:
                process.kill()
                raise AssertionError(process.communicate())
            in_host(fault_host, "pkill -f '^sshd: root' || true")  # the sessions, not the listener
            out, err = process.communicate(timeout=300)
            assert process.returncode == 1, (out, err)
            prefix = "Error creating machine: Error running provisioning: " if "create" in command else ""
            assert err.startswith(prefix), err
            assert f"ssh: lost the connection to root@{fault_host.ip}:22" in err, err
            assert_store_consistent(machine)
            assert "cut1" in machine("ls", "-q").out.split()
    finally:
        in_host(fault_host, "mv /usr/bin/systemctl.real /usr/bin/systemctl")
    repaired = machine(*client, "provision", "cut1", timeout=300)
    assert repaired.code == 0, repaired  # (the native client used to crash at exit here: SIGSEGV)
    assert "The Docker daemon is not running; starting it..." in repaired.out  # the cut left it stopped
    assert machine.docker("cut1", "version", "--format", "{{.Server.Version}}").code == 0
    assert_removed(machine, "cut1")


def test_dockerd_that_never_comes_up(machine):
    host = TestHost("fault42", 42).up()
    try:
        # dockerd runs (from boot); once stopped it can't start again: the binary now fails at once.
        in_host(host, "mv /usr/bin/dockerd /usr/bin/dockerd.real && cat > /usr/bin/dockerd && chmod 755 /usr/bin/dockerd",
                stdin='#!/bin/sh\necho "failed to start daemon: simulated" >&2\nexit 1\n')
        result = create(machine, host, "dead1")
        assert result.code == 1, result
        assert result.err.startswith("Error creating machine: Error running provisioning: "), result
        assert "sudo systemctl -f start docker" in result.err, result
        assert "Job for docker.service failed" in result.err, result
        assert_store_consistent(machine)

        # dockerd starts but never listens on its TCP port: upstream's 10 x 3 s wait, then its message.
        in_host(host, "cat > /usr/bin/dockerd", stdin=NO_TCP_DOCKERD)
        started = time.monotonic()
        result = machine("provision", "dead1")
        assert result.code == 1, result
        assert result.err == ("Unable to verify the Docker daemon is listening: Maximum number of retries (10) "
                              "exceeded\n"), result
        assert 25 < time.monotonic() - started < 120
        assert_store_consistent(machine)
        listed = machine("ls")
        assert listed.code == 0 and "dead1" in listed.out, listed
        assert_removed(machine, "dead1")
    finally:
        host.down()


def test_full_disk_during_saves(tmpfs_store, fault_host):
    machine, mount_point = tmpfs_store
    assert create(machine, fault_host, "full1").code == 0
    machine_dir = machine.store / "machines" / "full1"
    before = {p.name: p.read_bytes() for p in machine_dir.iterdir() if p.is_file()}
    subprocess.run(["dd", "if=/dev/zero", f"of={mount_point}/filler", "bs=4k"], capture_output=True)
    # the disk is full: nothing more can be written
    with pytest.raises(OSError):
        (mount_point / "one-more").write_bytes(b"x" * 8192)

    # Repeated, with both SSH clients: the early failure used to crash the process at exit now and then
    # (SIGSEGV: a key still being generated in the background when OpenSSL had shut down).
    for client in ([], ["--native-ssh"]) * 4:
        regen = machine(*client, "regenerate-certs", "-f", "full1")
        assert regen.code == 1, regen
        assert "no space left on device" in regen.err, regen
    after = {p.name: p.read_bytes() for p in machine_dir.iterdir() if p.is_file()}
    assert after == before  # old certificates and config.json intact, no temp file left
    assert machine.docker("full1", "version", "--format", "{{.Server.Version}}").code == 0

    second = machine("create", "-d", "none", "--url", "tcp://127.0.0.1:1", "full2")
    assert second.code == 1, second
    assert "no space left on device" in second.err, second
    assert_store_consistent(machine)
    assert_removed(machine, "full2")

    (mount_point / "filler").unlink()
    regen = machine("regenerate-certs", "-f", "full1")
    assert regen.code == 0, regen
    assert machine.docker("full1", "version", "--format", "{{.Server.Version}}").code == 0
    assert_removed(machine, "full1")


def test_read_only_store(tmpfs_store):
    machine, mount_point = tmpfs_store
    assert machine("create", "-d", "none", "--url", "tcp://127.0.0.1:1", "ro1").code == 0
    config = (machine.store / "machines" / "ro1" / "config.json").read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    try:
        created = machine("create", "-d", "none", "--url", "tcp://127.0.0.1:1", "ro2")
        assert created.code == 1, created
        assert "read-only file system" in created.err, created
        assert machine("ls", "-q").out == "ro1\n"
        removed = machine("rm", "-f", "ro1")
        assert removed.code == 1, removed
        assert "read-only file system" in removed.err, removed
        assert (machine.store / "machines" / "ro1" / "config.json").read_bytes() == config
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(mount_point)], check=True)
    assert_store_consistent(machine)
    assert_removed(machine, "ro1")


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv")
def test_store_with_wrong_permissions_as_an_unprivileged_user():
    """As an ordinary user (root would ignore the modes): a machine directory or certs/ with its permissions
    taken away is reported, the other machines still list, and rm -f still removes it."""
    base = Path(tempfile.mkdtemp(prefix="dm-faults-perm-"))
    try:
        os.chmod(base, 0o755)
        binary = base / "docker-machine"
        shutil.copy2(BINARY, binary)
        os.chown(base, 65534, 65534)
        store = base / "store"

        def run(*args):
            return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i",
                                   f"HOME={base}", "PATH=/usr/bin:/bin", f"MACHINE_STORAGE_PATH={store}",
                                   str(binary), *args], capture_output=True, text=True, timeout=60)

        for name in ("p1", "p2"):
            assert run("create", "-d", "none", "--url", "tcp://127.0.0.1:1", name).returncode == 0
        (store / "machines" / "p1" / "sub").mkdir()
        os.chown(store / "machines" / "p1" / "sub", 65534, 65534)
        os.chmod(store / "machines" / "p1" / "sub", 0)
        os.chmod(store / "machines" / "p1", 0)
        listed = run("ls")
        assert listed.returncode == 0, listed
        assert f"open {store}/machines/p1/config.json: permission denied" in listed.stdout, listed
        assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == ["p1", "p2"]

        os.chmod(store / "certs", 0)
        created = run("create", "-d", "none", "--url", "tcp://127.0.0.1:1", "p3")
        assert created.returncode == 1, created
        assert created.stderr == f"Error generating certificates: open {store}/certs/ca.pem: permission denied\n"
        os.chmod(store / "certs", 0o700)

        removed = run("rm", "-f", "p1")
        assert removed.returncode == 0, removed
        assert not (store / "machines" / "p1").exists()
        assert run("ls", "-q").stdout == "p2\n"
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(base)], check=False)
        shutil.rmtree(base, ignore_errors=True)
