"""An external driver plugin end to end: tests/plugin's docker-machine-driver-fake (Go, standard library only)
points docker-machine at a real test host (index 51); create provisions it through the plugin's SSH details,
then ls, ssh, docker over TLS and rm, every driver call going over the plugin protocol."""
import json
import os
import re
import shutil
import time

import pytest

from conftest import BINARY, KEY_ED25519, TestHost

PLUGIN_DIR = BINARY.parent / "plugins"
PLUGIN = PLUGIN_DIR / "docker-machine-driver-fake"


@pytest.fixture(scope="module")
def plugin_host():
    host = TestHost("e2eplug", 51).up()
    yield host
    host.down()


@pytest.fixture
def fake(machine, tmp_path):
    if not PLUGIN.exists():
        if shutil.which("go"):
            pytest.fail(f"go is installed but {PLUGIN} is missing: build the test_plugin target")
        pytest.skip("Go is not installed: the test driver plugin (tests/plugin) could not be built")
    machine.env["PATH"] = f"{PLUGIN_DIR}:{machine.env['PATH']}"
    machine.plugin_log = tmp_path / "plugin.log"
    machine.env["FAKEPLUGIN_LOG"] = str(machine.plugin_log)
    return machine


def plugin_pids(machine):
    lines = machine.plugin_log.read_text().splitlines()
    return [int(line.split()[1].split("=")[1]) for line in lines if line.startswith("start pid=")]


def assert_plugins_gone(machine):
    for pid in plugin_pids(machine):
        deadline = time.time() + 2
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            assert time.time() < deadline, f"plugin process {pid} still runs"
            time.sleep(0.05)


def test_create_ls_ssh_rm_through_a_plugin(fake, plugin_host):
    created = fake("create", "-d", "fake", "--fake-ip-address", plugin_host.ip, "--fake-ssh-key", str(KEY_ED25519),
                   "--fake-tag", "e2e", "m1")
    assert created.code == 0, created
    assert f"Creating machine...\n(m1) Creating a fake machine at {plugin_host.ip}...\n(m1) Importing SSH key...\n" \
        in created.out
    assert "Docker is up and running!" in created.out
    machine_dir = fake.store / "machines" / "m1"
    config = json.loads((machine_dir / "config.json").read_text())
    assert config["DriverName"] == "fake"
    assert config["Driver"]["SSHKeyPath"] == str(machine_dir / "id_fake")
    assert config["Driver"]["Tags"] == ["e2e"]
    assert (machine_dir / "server.pem").exists()
    # The plugin lived through the whole create on heartbeats and was closed at the end.
    calls = fake.plugin_log.read_text().splitlines()
    assert "exit 1: no heartbeat" not in calls
    assert calls.count("Close") == 2  # the flag-lookup plugin and the machine's
    assert_plugins_gone(fake)

    ls = fake("ls")
    assert re.search(rf"^m1 +- +fake +Running +tcp://{re.escape(plugin_host.ip)}:2376 +v\d+\.\d+\.\d+\S* *$", ls.out,
                     re.M), ls
    for extra_env in ({}, {"MACHINE_NATIVE_SSH": "1"}):
        ssh = fake("ssh", "m1", "cat", "/etc/hostname", env=extra_env)
        assert (ssh.code, ssh.out.strip()) == (0, "m1"), ssh
    run = fake.docker("m1", "run", "--rm", "busybox", "echo", "via the plugin")
    assert (run.code, run.out) == (0, "via the plugin\n"), run
    info = fake.docker("m1", "info", "--format", "{{json .Labels}}")
    assert "provider=fake" in info.out

    removed = fake("rm", "-y", "m1")
    assert removed.code == 0, removed
    assert "(m1) Removing the fake machine...\n" in removed.out
    assert not machine_dir.exists()
    assert_plugins_gone(fake)
