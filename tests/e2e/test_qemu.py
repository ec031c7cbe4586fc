"""The qemu driver end to end: one VM from contrib/qemu-image's Debian image (built once, cached under
/var/tmp), create -> docker over TLS runs a container -> stop -> start -> rm. The guest's network is qemu's
user-mode network with restrict=on: it reaches nothing; only its SSH and Docker ports are forwarded, on
127.0.0.1. Accelerator: $QEMU_E2E_ACCEL (default tcg, which works everywhere; "auto" takes KVM when it runs
guests). Timings go to $QEMU_E2E_REPORT (default /var/tmp/docker-machine-qemu-e2e.txt)."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import BINARY, REPO, TESTHOST_HOME, DockerMachine

IMAGE_DIR = Path(os.environ.get("QEMU_IMAGE_DIR", "/var/tmp/docker-machine-qemu-image"))
ACCEL = os.environ.get("QEMU_E2E_ACCEL", "tcg")
REPORT = Path(os.environ.get("QEMU_E2E_REPORT", "/var/tmp/docker-machine-qemu-e2e.txt"))
BUSYBOX_TAR = TESTHOST_HOME / "roots" / "images" / "busybox.tar"


def qemu_pids(store):
    out = subprocess.run(["pgrep", "-f", f"{store}/machines/"], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def wait_for_docker(machine, name, timeout=180):
    deadline = time.monotonic() + timeout
    while True:
        result = machine.docker(name, "version", "--format", "{{.Server.Version}}", timeout=60)
        if result.code == 0 or time.monotonic() > deadline:
            return result
        time.sleep(3)


@pytest.fixture(scope="module")
def image():
    if shutil.which("qemu-system-x86_64") is None:
        pytest.fail("qemu-system-x86_64 missing: run scripts/install-deps.sh")
    subprocess.run([str(REPO / "contrib" / "qemu-image" / "build-image.sh"), str(IMAGE_DIR)], check=True,
                   timeout=1800)
    return IMAGE_DIR


def test_qemu_lifecycle(image):
    assert BUSYBOX_TAR.exists(), "busybox image missing: tests/testhost/build-roots.sh makes it"
    # A short store path: the QMP socket lives in the machine directory (unix socket paths: 107 bytes).
    base = Path(tempfile.mkdtemp(prefix="dmq-", dir="/tmp"))
    store = base / "s"
    home = base / "h"
    home.mkdir()
    machine = DockerMachine(store, home)
    timings = {"accel_requested": ACCEL}
    listener = socket.socket()
    try:
        t0 = time.monotonic()
        result = machine("create", "-d", "qemu", "--qemu-image", str(image / "disk.qcow2"), "--qemu-kernel",
                         str(image / "vmlinuz"), "--qemu-initrd", str(image / "initrd.img"), "--qemu-accel", ACCEL,
                         "--qemu-memory", "1024", "qm", timeout=1200)
        timings["create_s"] = round(time.monotonic() - t0, 1)
        assert result.code == 0, result
        assert "Provisioning with debian..." in result.out
        assert "Docker is up and running!" in result.out
        driver = json.loads((store / "machines" / "qm" / "config.json").read_text())["Driver"]
        timings["accel_in_use"] = driver["AccelInUse"]
        if ACCEL != "auto":
            assert driver["AccelInUse"] == ACCEL
        url = machine("url", "qm").out.strip()
        assert driver["IPAddress"].startswith("127.0.") and driver["EnginePort"] == 2376
        assert url == f"tcp://{driver['IPAddress']}:2376"
        assert machine("status", "qm").out == "Running\n"

        load = machine.docker("qm", "import", str(BUSYBOX_TAR), "busybox")  # a rootfs tar (build-roots.sh)
        assert load.code == 0, load
        run = machine.docker("qm", "run", "--rm", "busybox", "echo", "hello from qemu")
        assert run.code == 0, run
        assert run.out == "hello from qemu\n"

        # restrict=on: the guest can't even reach the host side of its network (10.0.2.2, which without
        # restrict=on would be this host's loopback), let alone anything else.
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        accepted = []
        threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
        probe = machine("ssh", "qm", f"curl -sS -m 5 -o /dev/null http://10.0.2.2:{port}/; echo rc=$?")
        assert "rc=0" not in probe.out, probe
        assert not accepted

        t0 = time.monotonic()
        result = machine("stop", "qm")
        timings["stop_s"] = round(time.monotonic() - t0, 1)
        assert result.code == 0, result
        assert machine("status", "qm").out == "Stopped\n"
        assert not qemu_pids(store)

        t0 = time.monotonic()
        result = machine("start", "qm", timeout=900)
        assert result.code == 0, result
        assert machine("status", "qm").out == "Running\n"
        version = wait_for_docker(machine, "qm")
        timings["start_to_docker_s"] = round(time.monotonic() - t0, 1)
        assert version.code == 0, version
        run = machine.docker("qm", "run", "--rm", "busybox", "echo", "again")
        assert run.code == 0, run
        assert run.out == "again\n"

        result = machine("rm", "-y", "qm")
        assert result.code == 0, result
        assert not qemu_pids(store)
        assert not (store / "machines" / "qm").exists()
    finally:
        listener.close()
        for pid in qemu_pids(store):
            os.kill(pid, 9)
        REPORT.write_text(json.dumps(timings, indent=1) + "\n")
        shutil.rmtree(base, ignore_errors=True)
