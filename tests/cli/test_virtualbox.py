"""The virtualbox driver through the CLI (drivers.md §4.3), with a fake VBoxManage on PATH that answers from
tests/fixtures/virtualbox (hand-written VBoxManage outputs; no real VirtualBox runs here)."""
import json
import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "virtualbox"

FAKE_VBOXMANAGE = """#!/bin/sh
echo "$*" >> "$VBOX_LOG"
state=$(cat "$VBOX_STATE")
case "$1" in
  --version) cat "$VBOX_FIXTURES/version.txt" ;;
  showvminfo)
    if [ "$state" = none ]; then cat "$VBOX_FIXTURES/showvminfo-not-found.stderr.txt" >&2; exit 1; fi
    cat "$VBOX_FIXTURES/showvminfo-$state.txt" ;;
  controlvm)
    case "$3" in acpipowerbutton|poweroff) echo poweroff > "$VBOX_STATE" ;; esac ;;
  unregistervm) echo none > "$VBOX_STATE" ;;
esac
"""


@pytest.fixture
def vbox(dm, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "VBoxManage"
    script.write_text(FAKE_VBOXMANAGE)
    script.chmod(0o755)
    (tmp_path / "vbox-state").write_text("running\n")
    dm.env.update({"PATH": f"{bin_dir}:{dm.env['PATH']}", "VBOX_LOG": str(tmp_path / "vbox.log"),
                   "VBOX_STATE": str(tmp_path / "vbox-state"), "VBOX_FIXTURES": str(FIXTURES)})
    # A machine made by `create -d none`, turned into a virtualbox one (what upstream would have stored).
    dm.create_none("dev")
    config = json.loads(dm.config_path("dev").read_text())
    config["DriverName"] = "virtualbox"
    config["Driver"] = {"IPAddress": "", "MachineName": "dev", "SSHUser": "docker", "SSHPort": 41735,
                        "SSHKeyPath": "", "StorePath": str(dm.store), "SwarmMaster": False, "SwarmHost": "",
                        "SwarmDiscovery": "", "VBoxManager": {}, "HostInterfaces": {}, "CPU": 1, "Memory": 1024,
                        "DiskSize": 20000, "NatNicType": "82540EM", "Boot2DockerURL": "",
                        "Boot2DockerImportVM": "", "HostDNSResolver": False, "HostOnlyCIDR": "192.168.99.1/24",
                        "HostOnlyNicType": "82540EM", "HostOnlyPromiscMode": "deny", "UIType": "headless",
                        "HostOnlyNoDHCP": False, "NoShare": False, "DNSProxy": True, "NoVTXCheck": False,
                        "ShareFolder": ""}
    dm.config_path("dev").write_text(json.dumps(config, indent=4))

    def calls():
        log = tmp_path / "vbox.log"
        return log.read_text().splitlines() if log.exists() else []

    dm.vbox_calls = calls
    dm.vbox_state = tmp_path / "vbox-state"
    return dm


def test_create_help_defaults_to_virtualbox(dm):
    result = dm("create", "--help", env={"MACHINE_DRIVER": None})
    assert result.code == 0, result
    assert ("   --virtualbox-boot2docker-url \t\t\t\t\t\t\t\t\tThe URL of the boot2docker image. Defaults to the "
            "latest available version [$VIRTUALBOX_BOOT2DOCKER_URL]\n") in result.out
    assert '   --virtualbox-hostonly-cidr "192.168.56.1/21"' in result.out
    assert '   --virtualbox-memory "1024"' in result.out
    assert "   --virtualbox-no-vtx-check\t" in result.out


def test_create_without_vboxmanage_fails_the_pre_create_check(dm):
    result = dm("create", "dev", env={"MACHINE_DRIVER": None, "PATH": "/nonexistent"})
    assert result.code == 3, result
    assert result.err == ('Error with pre-create check: "VBoxManage not found. Make sure VirtualBox is installed '
                          'and VBoxManage is in the path"\n')


def test_status_stop_start_state_and_rm(vbox):
    assert vbox("status", "dev").out == "Running\n"
    assert vbox.vbox_calls() == ["showvminfo dev --machinereadable"]

    result = vbox("stop", "dev")
    assert result.code == 0, result
    assert 'Stopping "dev"...' in result.out
    assert "controlvm dev acpipowerbutton" in vbox.vbox_calls()
    assert vbox("status", "dev").out == "Stopped\n"

    vbox.vbox_state.write_text("running\n")
    result = vbox("kill", "dev")
    assert result.code == 0, result
    assert "controlvm dev poweroff" in vbox.vbox_calls()
    assert vbox("status", "dev").out == "Stopped\n"

    result = vbox("rm", "-y", "dev")
    assert result.code == 0, result
    assert "unregistervm --delete dev" in vbox.vbox_calls()
    assert not (vbox.store / "machines" / "dev").exists()


def test_vboxmanage_errors_reach_the_user(vbox):
    vbox.vbox_state.write_text("none\n")
    result = vbox("status", "dev")
    assert result.code == 1, result
    assert "machine does not exist" in result.err
