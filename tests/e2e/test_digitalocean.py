"""create -d digitalocean end to end: the driver talks to the project's DigitalOcean fake
(tests/fakes/digitalocean, which checks every request and answer against DigitalOcean's OpenAPI description) on
127.0.0.1, and the droplet the fake hands out is a real test host standing at that address (index 22,
10.213.22.2), so provisioning, `env` and `docker run` over TLS run for real.

The fake's hook plays the part of the cloud: on "create" it installs the droplet's public keys on the test host
(as cloud-init does), on shutdown/power_off it shuts the test host down (disk and addresses kept), on
power_on/reboot it boots it again."""
import json
import os
import re
import stat
import subprocess
import sys
import urllib.request

import pytest

from conftest import BINARY, KEY_ED25519, KEY_RSA, KIT, REPO, TestHost, kept_hint

FAKE = REPO / "tests" / "fakes" / "digitalocean" / "fake_digitalocean.py"
TOKEN = "dop_v1_e2e"
INDEX = 22
ADDRESS = f"10.213.{INDEX}.2"
HOST_NAME = "e2edo"

HOOK = r"""#!/bin/bash
# The fake's hook: what the cloud does to the machine behind a droplet. $1 = event, keys on stdin.
set -u
KIT={kit}
ssh_host() {{ ssh -q -i {key} -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=10 root@"$DROPLET_IP" "$@"; }}
install_keys() {{ [ -s "$1" ] || return 0; ssh_host 'cat >> /root/.ssh/authorized_keys' < "$1"; }}
keys=$(mktemp); cat > "$keys"; trap 'rm -f "$keys"' EXIT
case "$1" in
    create) install_keys "$keys" ;;
    shutdown|power_off) "$KIT/down.sh" -n {name} --keep-net ;;
    power_on) "$KIT/up.sh" -n {name} -i {index} -a "$DROPLET_IP" && install_keys "$keys" ;;
    reboot) "$KIT/down.sh" -n {name} --keep-net && "$KIT/up.sh" -n {name} -i {index} -a "$DROPLET_IP" \
        && install_keys "$keys" ;;
    destroy) : ;;
esac
"""


class Fake:
    def __init__(self, tmp_path):
        hook = tmp_path / "hook.sh"
        hook.write_text(HOOK.format(kit=KIT, key=KEY_ED25519, name=HOST_NAME, index=INDEX))
        hook.chmod(0o755)
        self.process = subprocess.Popen(
            [sys.executable, str(FAKE), "--port", "0", "--token", TOKEN, "--addresses", ADDRESS,
             "--per-page", "5", "--hook", str(hook)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, (line, self.process.stderr.read() if self.process.poll() is not None else "")
        self.url = match.group(1)

    def call(self, method, path, payload=None, token=None):
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def state(self):
        return self.call("GET", "/_fake/state")

    def findings(self):
        return self.call("GET", "/_fake/findings")

    def reset(self):
        self.call("POST", "/_fake/reset")

    def fail(self, **rule):
        self.call("POST", "/_fake/fail", rule)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def do_host():
    host = TestHost(HOST_NAME, INDEX).up()
    yield host
    host.down()


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    server = Fake(tmp_path_factory.mktemp("fakedo"))
    yield server
    server.stop()


@pytest.fixture
def do(machine, fake):
    """docker-machine pointed at the fake, with a clean fake state; no finding may be left at the end."""
    fake.reset()
    machine.env["DIGITALOCEAN_API_URL"] = fake.url
    yield machine
    findings = fake.findings()
    assert findings == [], "\n".join(findings)


def create(machine, name, *extra, token=TOKEN):
    return machine("create", "-d", "digitalocean", "--digitalocean-access-token", token, *extra, name)


def driver_config(machine, name):
    return json.loads((machine.store / "machines" / name / "config.json").read_text())["Driver"]


def test_create_use_stop_start_restart_kill_rm(do, fake, do_host):
    result = create(do, "dom1", "--digitalocean-tags", "e2e, docker-machine", "--digitalocean-monitoring")
    assert result.code == 0, result
    for line in ("(dom1) Creating SSH key...", "(dom1) Creating Digital Ocean droplet...",
                 "(dom1) Waiting for IP address to be assigned to the Droplet...", "Docker is up and running!"):
        assert line + "\n" in result.out, result
    machine_dir = do.store / "machines" / "dom1"
    for name in ("id_rsa", "id_rsa.pub"):
        assert stat.S_IMODE((machine_dir / name).stat().st_mode) == 0o600

    state = fake.state()
    [droplet] = state["droplets"]
    [key] = state["keys"]
    assert droplet["name"] == "dom1" and droplet["tags"] == ["e2e", "docker-machine"] and droplet["monitoring"]
    assert droplet["key_ids"] == [key["id"]] and key["name"] == "dom1"
    assert key["public_key"] == (machine_dir / "id_rsa.pub").read_text()
    config = driver_config(do, "dom1")
    assert list(config)[9:] == ["AccessToken", "DropletID", "DropletName", "Image", "Region", "SSHKeyID",
                                "SSHKeyFingerprint", "SSHKey", "Size", "IPv6", "Backups", "PrivateNetworking",
                                "UserDataFile", "Monitoring", "Tags"]
    assert (config["DropletID"], config["SSHKeyID"], config["IPAddress"]) == (droplet["id"], key["id"], ADDRESS)
    assert config["SSHKeyPath"] == str(machine_dir / "id_rsa")

    assert do("status", "dom1").out == "Running\n"
    assert do("ip", "dom1").out == f"{ADDRESS}\n"
    assert do("url", "dom1").out == f"tcp://{ADDRESS}:2376\n"
    run = do.docker("dom1", "run", "--rm", "busybox", "true")
    assert run.code == 0, run
    info = do.docker("dom1", "info", "--format", "{{json .Labels}}")
    assert "provider=digitalocean" in info.out, info
    assert do("ssh", "dom1", "hostname").out.strip() == "dom1"

    stop = do("stop", "dom1")
    assert stop.code == 0, stop
    assert do("status", "dom1").out == "Stopped\n"
    url = do("url", "dom1")
    assert (url.code, url.err) == (1, "Host is not running\n")
    start = do("start", "dom1")
    assert start.code == 0, start
    assert do("status", "dom1").out == "Running\n"
    assert do.docker("dom1", "run", "--rm", "busybox", "true").code == 0

    restart = do("restart", "dom1")
    assert restart.code == 0, restart
    assert do.docker("dom1", "run", "--rm", "busybox", "true").code == 0

    kill = do("kill", "dom1")
    assert kill.code == 0, kill
    assert do("status", "dom1").out == "Stopped\n"
    assert do("start", "dom1").code == 0
    types = [a["type"] for a in fake.state()["actions"]]
    assert types == ["create", "shutdown", "power_on", "reboot", "power_off", "power_on"]

    rm = do("rm", "-y", "dom1")
    assert rm.code == 0, rm
    assert not machine_dir.exists()
    state = fake.state()
    assert state["droplets"] == [] and state["keys"] == []


def test_existing_key_by_fingerprint(do, fake, do_host):
    """A key already at DigitalOcean (the kit's RSA key): copied into the machine dir, not deleted by rm."""
    key = fake.call("POST", "/v2/account/keys", {"name": "kit", "public_key": KEY_RSA.with_suffix(".pub").read_text()},
                    token=TOKEN)["ssh_key"]
    result = create(do, "dofp", "--digitalocean-ssh-key-fingerprint", key["fingerprint"],
                    "--digitalocean-ssh-key-path", str(KEY_RSA))
    assert result.code == 0, result
    copy = do.store / "machines" / "dofp" / "id_rsa"
    assert copy.read_bytes() == KEY_RSA.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert not (do.store / "machines" / "dofp" / "id_rsa.pub").exists()
    config = driver_config(do, "dofp")
    assert (config["SSHKeyID"], config["SSHKeyFingerprint"], config["SSHKey"]) == (key["id"], key["fingerprint"],
                                                                                   str(KEY_RSA))
    assert do.docker("dofp", "run", "--rm", "busybox", "true").code == 0
    assert do("rm", "-y", "dofp").code == 0
    state = fake.state()
    assert state["droplets"] == [] and [k["id"] for k in state["keys"]] == [key["id"]]


def test_unknown_fingerprint(do, fake):
    result = create(do, "dobadfp", "--digitalocean-ssh-key-fingerprint", "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff")
    assert result.code == 1
    assert result.err == ("Error creating machine: Error in driver during machine creation: Digital Ocean SSH key "
                          "with fingerprint 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff doesn't exist\n" +
                          kept_hint("dobadfp"))
    assert do("rm", "-y", "dobadfp").code == 0
    assert fake.state()["droplets"] == []


def test_invalid_token_fails_the_pre_create_check(do, fake):
    result = create(do, "dobad", token="wrong")
    assert result.code == 3
    assert re.fullmatch(r'Error with pre-create check: "GET http://127\.0\.0\.1:\d+/v2/regions: 401 '
                        r'\(request \\"[0-9a-f-]+\\"\) Unable to authenticate you"\n', result.err), result
    assert do("ls", "-q").out == ""
    assert fake.state()["keys"] == []


def test_token_is_required(do):
    result = do("create", "-d", "digitalocean", "dotok")
    assert (result.code, result.err) == (1, "Error setting machine configuration from flags provided: digitalocean "
                                            "driver requires the --digitalocean-access-token option\n")


def test_unknown_region(do, fake):
    result = create(do, "doreg", "--digitalocean-region", "mars1")
    assert (result.code, result.err) == (3, 'Error with pre-create check: "digitalocean requires a valid region"\n')
    # the region list is paged (5 a page here): every page is read
    requests = [r["path"] for r in fake.call("GET", "/_fake/requests")]
    assert requests == ["/v2/regions"] + [f"/v2/regions?page={n}&per_page=5" for n in (2, 3)]


def test_missing_user_data_file(do, tmp_path):
    result = create(do, "doud", "--digitalocean-userdata", str(tmp_path / "none.yml"))
    assert (result.code, result.err) == (3, f'Error with pre-create check: "user-data file {tmp_path}/none.yml could '
                                            'not be found"\n')


def test_unknown_size_leaves_nothing_behind(do, fake):
    result = create(do, "dosize", "--digitalocean-size", "s-64vcpu-1tb")
    assert result.code == 1
    assert re.fullmatch(r"Error creating machine: Error in driver during machine creation: POST "
                        r"http://127\.0\.0\.1:\d+/v2/droplets: 422 \(request \"[0-9a-f-]+\"\) You specified an invalid "
                        r"size for Droplet creation\.\n" + re.escape(kept_hint("dosize")), result.err), result
    # the key made for the droplet is gone again; the machine is in the store and can be removed
    assert fake.state()["keys"] == []
    assert do("ls", "-q").out == "dosize\n"
    rm = do("rm", "-y", "dosize")
    assert rm.code == 0, rm
    assert "(dosize) Digital Ocean droplet doesn't exist, assuming it is already deleted" in rm.out
    assert do("ls", "-q").out == ""


def test_api_errors_are_reported(do, fake, do_host):
    result = create(do, "doerr")
    assert result.code == 0, result
    fake.fail(method="POST", path="^/v2/droplets$", status=500, id="server_error", message="Server was unable to "
              "give you a response.")
    result = create(do, "doerr2")
    assert result.code == 1
    assert "500 (request" in result.err and "Server was unable to give you a response." in result.err, result

    # a stored machine whose droplet the API cannot show
    fake.fail(method="GET", path="^/v2/droplets/", status=503, id="service_unavailable", message="Try again.")
    status = do("status", "doerr")
    assert status.code == 1 and "503" in status.err and "Try again." in status.err, status
    assert do("status", "doerr").out == "Running\n"
    # the droplet deleted behind docker-machine's back: rm still cleans up
    droplet_id = driver_config(do, "doerr")["DropletID"]
    fake.call("DELETE", f"/v2/droplets/{droplet_id}", token=TOKEN)
    assert do("status", "doerr").code == 1
    rm = do("rm", "-y", "doerr")
    assert rm.code == 0, rm
    assert "(doerr) Digital Ocean droplet doesn't exist, assuming it is already deleted" in rm.out
    assert fake.state()["keys"] == []
