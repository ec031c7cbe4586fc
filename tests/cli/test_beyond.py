"""Issue 11, beyond docker-machine 0.16.2: ls --format json, inspect --state, context, export/import, the
commands left out of `--help`, the progress line on terminals (docs/compatibility.md)."""
import hashlib
import json
import os
import pty
import select
import subprocess
import time

from conftest import BINARY

LS_JSON_KEYS = ["Name", "Active", "ActiveSwarm", "DriverName", "State", "URL", "Swarm", "DockerVersion", "Error",
                "ResponseTimeMs"]


def test_ls_format_json_one_object_per_machine(dm):
    dm.create_none("b2", "tcp://127.0.0.1:1")
    dm.create_none("a1", "tcp://[::1]:1")
    (dm.store / "machines" / "broken").mkdir()
    result = dm("ls", "--format", "json")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert len(lines) == 3
    objects = [json.loads(line) for line in lines]
    assert [o["Name"] for o in objects] == ["a1", "b2", "broken"]
    for o in objects:
        assert list(o) == LS_JSON_KEYS
    assert objects[0]["URL"] == "tcp://[::1]:1"
    assert objects[0]["State"] == "Running"
    assert objects[0]["DriverName"] == "none"
    assert objects[0]["DockerVersion"] == "Unknown"
    assert objects[0]["Error"].startswith("Unable to query docker version")
    assert objects[0]["Active"] is False
    assert isinstance(objects[0]["ResponseTimeMs"], int)
    assert objects[2]["State"] == "Error" and "no such file or directory" in objects[2]["Error"]
    # filters and -q apply as before
    assert [json.loads(line)["Name"] for line in dm("ls", "-f", "json", "--filter", "name=b").out.splitlines()] == \
        ["b2", "broken"]
    assert dm("ls", "-q", "--format", "json").out == "a1\nb2\n"  # -q wins, as with templates


def test_ls_json_marks_the_active_machine(dm):
    dm.create_none("a1", "tcp://127.0.0.1:1")
    line = dm("ls", "--format", "json", env={"DOCKER_HOST": "tcp://127.0.0.1:1"}).out
    assert json.loads(line)["Active"] is True


def test_ls_templates_are_unchanged(dm):
    dm.create_none("a1", "tcp://127.0.0.1:1")
    assert dm("ls", "--format", "{{.Name}} json").out == "a1 json\n"
    assert dm("ls", "--format", "table {{.Name}}").out == "NAME\na1\n"


def test_inspect_state_adds_live_object(dm):
    dm.create_none("a1", "tcp://[::1]:1")
    plain = dm("inspect", "a1")
    assert plain.out == dm.config_path("a1").read_text() + "\n"  # unchanged without the flag
    result = dm("inspect", "--state", "a1")
    assert result.code == 0, result
    document = json.loads(result.out)
    assert {k: v for k, v in document.items() if k != "Live"} == json.loads(plain.out)
    live = document["Live"]
    assert list(live) == ["State", "URL", "IP", "DockerVersion", "Error", "Active", "Certificates"]
    assert (live["State"], live["URL"], live["IP"]) == ("Running", "tcp://[::1]:1", "::1")
    assert live["Certificates"]["CA"]["Path"] == str(dm.store / "certs" / "ca.pem")
    assert live["Certificates"]["CA"]["NotAfter"].endswith("Z")
    assert live["Certificates"]["Server"]["NotAfter"] is None  # the none driver is not provisioned
    assert dm("inspect", "--state", "-f", "{{.Live.State}} {{.Live.IP}}", "a1").out == "Running ::1\n"


def test_new_commands_have_help_but_stay_out_of_app_help(dm):
    app_help = dm("--help").out
    for command in ("context", "export", "import"):
        assert f"\n  {command}\t" not in app_help
        result = dm("help", command)
        assert result.code == 0
        assert result.out.startswith(f"Usage: docker-machine {command}")
    assert "--renew-ca" in dm("regenerate-certs", "--help").out
    assert "--certs-only" in dm("regenerate-certs", "--help").out
    assert "--state" in dm("inspect", "--help").out
    assert "--ca-key" in dm("export", "--help").out


def context_dir(home, name):
    return home / ".docker" / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()


def write_context(home, name, store):
    meta = context_dir(home, name)
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({
        "Name": name, "Metadata": {"Description": "x", "DockerMachineStore": str(store)},
        "Endpoints": {"docker": {"Host": "tcp://127.0.0.1:1", "SkipTLSVerify": False}}}))


def test_rm_removes_only_contexts_docker_machine_wrote(dm, tmp_path):
    home = tmp_path / "home"
    dm.create_none("m1", "tcp://127.0.0.1:1")
    dm.create_none("m2", "tcp://127.0.0.1:1")
    write_context(home, "m1", dm.store)
    write_context(home, "m2", "/some/other/store")
    (home / ".docker" / "config.json").write_text('{"auths": {}, "currentContext": "m1"}')
    result = dm("rm", "-y", "m1", "m2")
    assert result.code == 0, result
    assert "Removed Docker context m1\n" in result.out
    assert "context m2" not in result.out
    assert not context_dir(home, "m1").exists()
    assert context_dir(home, "m2").exists()
    assert json.loads((home / ".docker" / "config.json").read_text()) == {"auths": {}}


def test_context_errors(dm):
    dm.create_none("m1", "tcp://127.0.0.1:1")
    result = dm("context", "rm", "m1")
    assert (result.code, result.err) == (1, "No Docker context m1 made by docker-machine\n")
    result = dm("context", "bogus", "m1")
    assert result.code == 1
    assert result.out.startswith("Usage: docker-machine context")
    # the connection check of `env` comes first: no daemon, no context
    result = dm("context", "create", "m1")
    assert result.code == 1
    assert result.err.startswith('Error checking and/or regenerating the certs: There was an error validating '
                                 'certificates for host "127.0.0.1:1"')
    assert not context_dir(dm.store.parent / "home", "m1").exists()


def test_export_import_into_another_store(dm, tmp_path):
    dm.create_none("m1", "tcp://[fd00::5]:2376", "--engine-label", "team=x")
    archive = tmp_path / "m1.tar.gz"
    result = dm("export", "m1", str(archive))
    assert result.code == 0, result
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    listing = subprocess.run(["tar", "-tzf", str(archive)], capture_output=True, text=True, check=True).stdout
    assert "machine/config.json" in listing.splitlines()
    assert "certs/ca.pem" in listing.splitlines()
    assert "certs/ca-key.pem" not in listing.splitlines()

    other = tmp_path / "other-store"
    result = dm("-s", str(other), "import", str(archive))
    assert (result.code, result.out) == (0, "Imported machine m1\n"), result
    config = (other / "machines" / "m1" / "config.json").read_text()
    assert str(dm.store) not in config
    assert json.loads(config)["HostOptions"]["AuthOptions"]["CaCertPath"] == str(other / "machines/m1/ca.pem")
    assert dm("-s", str(other), "url", "m1").out == "tcp://[fd00::5]:2376\n"
    assert dm("-s", str(other), "inspect", "-f", "{{.HostOptions.EngineOptions.Labels}}", "m1").out == "[team=x]\n"
    again = dm("-s", str(other), "import", str(archive))
    assert (again.code, again.err) == (1, 'Docker machine "m1" already exists\n')
    bad = tmp_path / "bad.tar.gz"
    bad.write_text("nope")
    result = dm("import", str(bad))
    assert result.code == 1 and "not a" in result.err


def test_progress_line_only_on_a_terminal(dm):
    """generic against a closed port waits for the machine: a terminal on stderr sees a progress line; stdout
    (a pipe) is unchanged."""
    args = [str(BINARY), "create", "-d", "generic", "--generic-ip-address", "127.0.0.1", "--generic-ssh-port", "1",
            "p1"]
    env = dict(dm.env, TERM="xterm")
    master, slave = pty.openpty()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    drawn = b""
    deadline = time.monotonic() + 30  # the first run makes the CA: allow for a loaded machine
    while b"(1s)" not in drawn and time.monotonic() < deadline:
        if select.select([master], [], [], 0.2)[0]:
            try:
                drawn += os.read(master, 65536)
            except OSError:
                break
    process.kill()
    out = process.communicate()[0].decode()
    os.close(master)
    assert "\r" not in out and "Waiting for machine to be running" in out
    assert b"Waiting for the machine to be running (1s)" in drawn
    assert drawn.startswith(b"\r")

    # not a terminal: nothing on stderr
    process = subprocess.Popen(args[:-1] + ["p2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    for line in process.stdout:
        if line.startswith(b"Waiting for machine to be running"):
            break
    time.sleep(2)  # well past the first draw on a terminal
    process.kill()
    _, err = process.communicate()
    assert err == b""
