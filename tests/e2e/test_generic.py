"""create -d generic and every follow-up command against a real test host (issue: SSH, provisioning and the
generic driver end to end)."""
import json
import os
import re
import subprocess
import time

import pytest

from conftest import BINARY, KEY_ED25519, KEY_RSA, TestHost, kept_hint


def create(machine, host, name, key=KEY_ED25519, *extra):
    return machine("create", "-d", "generic", "--generic-ip-address", host.ip, "--generic-ssh-key", str(key),
                   "--generic-ssh-user", "root", *extra, name)


def test_create_env_run_container_and_follow_ups(machine, docker_host, tmp_path):
    before = docker_host.ssh_connections()
    result = create(machine, docker_host, "m1", KEY_ED25519, "--engine-label", "team=e2e", "--tls-san",
                    "extra.example")
    assert result.code == 0, result
    connections = docker_host.ssh_connections() - before
    assert connections <= 2, f"create opened {connections} SSH connections"
    assert "Provisioning with debian..." in result.out
    assert "Docker is up and running!" in result.out
    assert result.out.endswith(f"run: {BINARY} env m1\n")
    machine_dir = machine.store / "machines" / "m1"
    assert (machine_dir / "known_hosts").read_text().startswith(f"{docker_host.ip} ")
    for name in ("ca.pem", "cert.pem", "key.pem", "server.pem", "server-key.pem", "id_ed25519"):
        assert (machine_dir / name).exists(), name

    run = machine.docker("m1", "run", "--rm", "busybox", "echo", "hello from the machine")
    assert run.code == 0, run
    assert run.out == "hello from the machine\n"
    info = machine.docker("m1", "info", "--format", "{{json .Labels}}")
    assert "provider=generic" in info.out and "team=e2e" in info.out

    ls = machine("ls")
    assert re.search(rf"^m1 +- +generic +Running +tcp://{re.escape(docker_host.ip)}:2376 +v\d+\.\d+\.\d+\S* *$",
                     ls.out, re.M), ls
    assert machine("status", "m1").out == "Running\n"
    assert machine("url", "m1").out == f"tcp://{docker_host.ip}:2376\n"
    assert machine("ip", "m1").out == f"{docker_host.ip}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*\n", machine("version", "m1").out)
    config = machine("config", "m1")
    assert config.code == 0, config
    assert config.out.endswith(f"-H=tcp://{docker_host.ip}:2376\n")

    # ssh with both clients
    for extra_env in ({}, {"MACHINE_NATIVE_SSH": "1"}):
        out = machine("ssh", "m1", "cat", "/etc/hostname", env=extra_env)
        assert (out.code, out.out.strip()) == (0, "m1"), out
        failed = machine("ssh", "m1", "exit", "3", env=extra_env)
        assert failed.code == 1
    assert machine("--native-ssh", "ssh", "m1", "--", "echo", "a", "b").out.strip() == "a b"

    # scp both ways
    local = tmp_path / "local.txt"
    local.write_text("payload\n")
    assert machine("scp", str(local), "m1:/tmp/remote.txt").code == 0
    back = tmp_path / "back.txt"
    assert machine("scp", "m1:/tmp/remote.txt", str(back)).code == 0
    assert back.read_text() == "payload\n"
    directory = tmp_path / "dir"
    (directory / "sub").mkdir(parents=True)
    (directory / "sub" / "f").write_text("x")
    assert machine("scp", "-r", "-q", str(directory), "m1:/tmp/").code == 0
    assert machine("ssh", "m1", "cat", "/tmp/dir/sub/f").out == "x"
    assert machine("scp", "-d", "-q", str(local), "m1:/tmp/delta.txt").code == 0
    assert machine("ssh", "m1", "cat", "/tmp/delta.txt").out == "payload\n"

    # regenerate-certs renews the server certificate and docker still works
    old_cert = (machine_dir / "server.pem").read_text()
    regen = machine("regenerate-certs", "-f", "m1")
    assert regen.code == 0, regen
    assert regen.out.startswith("Regenerating TLS certificates\n")
    assert (machine_dir / "server.pem").read_text() != old_cert
    assert machine.docker("m1", "version", "--format", "{{.Server.Version}}").code == 0

    # provision again
    assert machine("provision", "m1").code == 0

    # the generic driver cannot stop or start a host
    stop = machine("stop", "m1")
    assert (stop.code, stop.err) == (1, "generic driver does not support stop\n")

    # rm leaves the host alone and deletes the local state
    rm = machine("rm", "-y", "m1")
    assert rm.code == 0, rm
    assert not machine_dir.exists()


def test_scp_between_two_machines_and_mount(machine, docker_host, tmp_path):
    second = TestHost("e2esecond", 15).up()
    try:
        assert create(machine, docker_host, "src").code == 0
        assert create(machine, second, "dst").code == 0
        assert machine("ssh", "src", "echo from-src > /tmp/copy.txt").code == 0
        copied = machine("scp", "src:/tmp/copy.txt", "dst:/tmp/copied.txt")
        assert copied.code == 0, copied
        assert machine("ssh", "dst", "cat", "/tmp/copied.txt").out == "from-src\n"

        mount_point = tmp_path / "mnt"
        mount_point.mkdir()
        mounted = machine("mount", "src:/tmp", str(mount_point))
        assert mounted.code == 0, mounted
        try:
            assert (mount_point / "copy.txt").read_text() == "from-src\n"
        finally:
            assert machine("mount", "-u", "src:/tmp", str(mount_point)).code == 0
        assert not (mount_point / "copy.txt").exists()
    finally:
        second.down()


def test_hostile_engine_options_are_data_not_commands(machine, docker_host):
    """Engine options travel as data: the drop-in on the host holds them literally. (Upstream's double-quoted
    transport let the remote shell run them while writing the file.) The kit's systemctl stand-in expands
    command substitutions when it starts dockerd, unlike systemd, so only the file is checked here."""
    label = "evil=$(touch /tmp/injected)"
    env = "X=`touch /tmp/injected`"
    result = create(machine, docker_host, "hostile", KEY_ED25519, "--engine-label", label, "--engine-env", env)
    assert result.code == 0, result
    drop_in = machine("ssh", "hostile", "cat", "/etc/systemd/system/docker.service.d/10-machine.conf").out
    assert f"--label {label} " in drop_in, drop_in
    assert env in drop_in, drop_in
    assert machine("rm", "-y", "hostile").code == 0


def test_changed_host_key_is_refused(machine, docker_host):
    assert create(machine, docker_host, "pinned").code == 0
    known_hosts = machine.store / "machines" / "pinned" / "known_hosts"
    line = known_hosts.read_text().split()
    fake = subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(known_hosts) + ".fake"],
                          capture_output=True)
    assert fake.returncode == 0
    fake_key = (known_hosts.parent / "known_hosts.fake.pub").read_text().split()
    known_hosts.write_text(f"{line[0]} {fake_key[0]} {fake_key[1]}\n")
    for extra_env in ({}, {"MACHINE_NATIVE_SSH": "1"}):
        result = machine("ssh", "pinned", "true", env=extra_env)
        assert result.code == 1
        assert "has changed" in result.err and str(known_hosts) in result.err, result
    known_hosts.unlink()
    assert machine("ssh", "pinned", "true").code == 0
    assert known_hosts.exists()


def test_rsa_key_and_native_client_create(machine, docker_host):
    result = machine("--native-ssh", "create", "-d", "generic", "--generic-ip-address", docker_host.ip,
                     "--generic-ssh-key", str(KEY_RSA), "rsa1")
    assert result.code == 0, result
    assert machine("--native-ssh", "ssh", "rsa1", "echo", "ok").out.strip() == "ok"


def test_unreachable_host(machine, docker_host):
    """A host whose SSH port does not answer: upstream's error after its 60 x 3 s wait, store consistent.
    The address is the machine side of a test host's veth with a closed port, so nothing leaves the machine."""
    started = time.monotonic()
    result = machine("create", "-d", "generic", "--generic-ip-address", docker_host.machine_side,
                     "--generic-ssh-port", "1", "--generic-ssh-key", str(KEY_ED25519), "ghost", timeout=400)
    assert result.code == 1
    assert result.err == ("Error creating machine: Error waiting for machine to be running: Maximum number of "
                          "retries (60) exceeded\n" + kept_hint("ghost"))
    assert time.monotonic() - started < 300
    assert machine("ls", "-q").out.split() == ["ghost"]
    assert machine("status", "ghost").out == "Stopped\n"
    assert machine("rm", "-y", "ghost").code == 0


def test_fresh_host_through_install_url(machine):
    host = TestHost("e2efresh", 12, mode="fresh").up()
    try:
        result = create(machine, host, "fresh1", KEY_ED25519, "--engine-install-url", host.install_url())
        assert result.code == 0, result
        assert machine.docker("fresh1", "run", "--rm", "busybox", "true").code == 0
    finally:
        host.down()


def test_bad_install_url_fails_clearly(machine):
    host = TestHost("e2ebad", 13, mode="fresh").up()
    try:
        result = create(machine, host, "bad1", KEY_ED25519, "--engine-install-url",
                        f"http://{host.machine_side}:8213/missing.sh")
        assert result.code == 1
        assert "Error creating machine: Error running provisioning:" in result.err, result
        config = json.loads((machine.store / "machines" / "bad1" / "config.json").read_text())
        assert config["DriverName"] == "generic"
        assert machine("ls").code == 0
    finally:
        host.down()


def test_restart_reboots_the_host(machine):
    host = TestHost("e2ereboot", 14).up()
    try:
        assert create(machine, host, "rb").code == 0
        result = machine("restart", "rb")
        assert result.code == 0, result
        assert "Restarted machines may have new IP addresses." in result.out
        assert machine.docker("rb", "run", "--rm", "busybox", "true").code == 0
    finally:
        host.down()
