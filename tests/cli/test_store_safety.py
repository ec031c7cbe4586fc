"""Parallel creates and crash safety of the store (issue: foundation, store invariants)."""
import json
import os
import random
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import BINARY


def run_create(dm, name, url="tcp://127.0.0.1:2376"):
    return subprocess.run([str(BINARY), "create", "-d", "none", "--url", url, name], env=dm.env,
                          capture_output=True, text=True, timeout=120)


def test_twenty_parallel_creates_share_one_ca(dm):
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda i: run_create(dm, f"m{i}"), range(20)))
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results if r.returncode]
    ca_lines = sum(r.stdout.count("Creating CA:") for r in results)
    client_lines = sum(r.stdout.count("Creating client certificate:") for r in results)
    assert (ca_lines, client_lines) == (1, 1)
    certs = dm.store / "certs"
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(certs / "ca.pem"), str(certs / "cert.pem")],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    assert len(dm("ls", "-q").out.splitlines()) == 20


def test_eight_parallel_creates_of_one_name(dm):
    dm.create_none("seed")  # certs exist, so the race is only about the name
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: run_create(dm, "same", f"tcp://10.0.0.{i}:2376"), range(8)))
    winners = [r for r in results if r.returncode == 0]
    losers = [r for r in results if r.returncode != 0]
    assert len(winners) == 1
    assert all(r.stderr == 'Docker machine "same" already exists\n' for r in losers)
    config = json.loads(dm.config_path("same").read_text())
    assert winners[0].stdout and config["Driver"]["URL"].startswith("tcp://10.0.0.")


def test_sigkill_during_create_and_rm_never_corrupts(dm):
    dm.create_none("seed")
    rng = random.Random(4242)
    for round_number in range(40):
        name = f"k{round_number % 5}"
        args = ["rm", "-y", name] if rng.random() < 0.4 else ["create", "-d", "none", "--url",
                                                                 f"tcp://127.0.0.1:{round_number}", name]
        process = subprocess.Popen([str(BINARY), *args], env=dm.env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 0.03))
        process.send_signal(signal.SIGKILL)
        process.wait()
        for config in (dm.store / "machines").glob("*/config.json"):
            json.loads(config.read_text())  # never half-written
    result = dm("ls")
    assert result.code == 0
    assert result.out.startswith("NAME")
    # Every machine still lists: a directory killed before its first save shows its error row.
    assert len(result.out.splitlines()) == 1 + len([p for p in (dm.store / "machines").iterdir() if p.is_dir()])


def test_open_store_permissions_are_warned_about_on_stderr(dm):
    dm.create_none("m")
    assert dm("ls", "-q").err == ""
    os.chmod(dm.store, 0o755)
    os.chmod(dm.store / "certs" / "key.pem", 0o644)
    result = dm("ls", "-q")
    assert result.out == "m\n"  # stdout unchanged
    assert f"Warning: {dm.store} is open to other users (mode 0755); run: chmod 700 {dm.store}\n" in result.err
    assert f"Warning: private key {dm.store}/certs/key.pem is readable by other users (mode 0644)" in result.err


def test_certificates_close_to_expiry_are_reported(dm, tmp_path):
    dm.create_none("m")
    ca = dm.store / "certs" / "ca.pem"
    short_lived = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/O=test",
                                  "-days", "3", "-keyout", str(tmp_path / "k.pem"), "-out", str(ca)],
                                 capture_output=True, text=True)
    assert short_lived.returncode == 0, short_lived.stderr
    result = dm("ls", "-q")
    assert result.out == "m\n"
    assert f"Warning: the CA certificate {ca} expires on " in result.err
    assert "docker-machine regenerate-certs -f --renew-ca --certs-only $(docker-machine ls -q)" in result.err
    assert result.err.count("Warning: the CA certificate") == 1
