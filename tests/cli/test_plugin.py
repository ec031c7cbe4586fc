"""External driver plugins (docs/plugins.md) through tests/plugin's docker-machine-driver-fake, a Go plugin built
with the standard library only: flags from the plugin, values and state through it, and plugins that crash, hang
or print garbage. Everything stays on 127.0.0.1; no test host is needed."""
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BINARY

PLUGIN_DIR = Path(os.environ.get("MACHINE_TEST_PLUGIN_DIR", BINARY.parent / "plugins"))
PLUGIN = PLUGIN_DIR / "docker-machine-driver-fake"


@pytest.fixture
def fake(dm, tmp_path):
    """The `dm` runner with the fake plugin on PATH and its call log."""
    if not PLUGIN.exists():
        if shutil.which("go"):
            pytest.fail(f"go is installed but {PLUGIN} is missing: build the test_plugin target")
        pytest.skip("Go is not installed: the test driver plugin (tests/plugin) could not be built")
    dm.env["PATH"] = f"{PLUGIN_DIR}:{dm.env['PATH']}"
    dm.plugin_log = tmp_path / "plugin.log"
    dm.env["FAKEPLUGIN_LOG"] = str(dm.plugin_log)
    return dm


def log_lines(dm):
    return dm.plugin_log.read_text().splitlines() if dm.plugin_log.exists() else []


def started_pids(dm):
    return [int(line.split()[1].split("=")[1]) for line in log_lines(dm) if line.startswith("start pid=")]


def assert_no_plugin_left(dm):
    """Every plugin process the command started is gone once it returned."""
    pids = started_pids(dm)
    assert pids, "no plugin was started"
    for pid in pids:
        deadline = time.time() + 2
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"plugin process {pid} still runs")


@pytest.fixture
def ssh_port():
    """A port on 127.0.0.1 that accepts connections: the fake driver's idea of a running machine."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener.getsockname()[1]
    listener.close()


def closed_port():
    """Port 1 on 127.0.0.1: nothing listens there (a just-freed ephemeral port could be taken again)."""
    return 1


def create_stopping_in_driver(dm, name, port, *extra):
    """A create that the plugin ends in its Create (it exits): the machine is stored as created so far."""
    return dm("create", "-d", "fake", "--fake-ip-address", "127.0.0.1", "--fake-ssh-port", str(port), *extra,
              name, env={"FAKEPLUGIN_MODE": "crash-create"})


def test_create_help_shows_the_plugins_flags(fake):
    result = fake("create", "-d", "fake", "--help")
    assert result.code == 0, result
    lines = [line.strip() for line in result.out.splitlines()]
    assert any(line.startswith('--fake-ssh-port "22"') and line.endswith("SSH port [$FAKE_SSH_PORT]") for line in lines)
    assert any(line.startswith('--fake-ssh-user "root"') and line.endswith("SSH user") for line in lines)
    assert any(line.startswith("--fake-tag [--fake-tag option --fake-tag option]") for line in lines)
    assert any(line.startswith("--fake-verbose") and line.endswith("Print more [$FAKE_VERBOSE]") for line in lines)
    # Sorted with the shared flags by their rendered line.
    flag_lines = [line for line in lines if line.startswith("--")]
    assert flag_lines == sorted(flag_lines)
    calls = log_lines(fake)
    assert "GetCreateFlags" in calls and calls[-1] == "exit 0", calls
    assert any(line.startswith('SetConfigRaw {"IPAddress":"","MachineName":"flag-lookup"') for line in calls)
    assert_no_plugin_left(fake)


def test_flag_values_reach_the_plugin_with_go_types(fake):
    result = create_stopping_in_driver(fake, "m1", closed_port(), "--fake-tag", "a", "--fake-tag", "b",
                                       "--fake-verbose", "--fake-engine-port", "2377", "--swarm-master")
    assert result.code == 1, result
    flags = next(line for line in log_lines(fake) if line.startswith("SetConfigFromFlags "))
    values = json.loads(flags.split(" ", 1)[1])
    assert values["fake-ip-address"] == ["string", "127.0.0.1"]
    assert values["fake-engine-port"] == ["int", 2377]
    assert values["fake-ssh-port"] == ["int", values["fake-ssh-port"][1]]
    assert values["fake-ssh-user"] == ["string", "root"]  # the plugin's default
    assert values["fake-tag"] == ["[]string", ["a", "b"]]
    assert values["fake-verbose"] == ["bool", True]
    assert values["swarm-master"] == ["bool", True]  # shared flags travel too, as upstream sends them
    assert values["driver"] == ["string", "fake"]
    assert "engine-opt" not in values  # slices that were not given are left out


def test_driver_output_and_crash_in_create_leave_a_consistent_store(fake):
    port = closed_port()
    result = create_stopping_in_driver(fake, "m1", port)
    assert result.code == 1, result
    assert "Running pre-create checks...\nCreating machine...\n(m1) Creating a fake machine at 127.0.0.1...\n" \
        in result.out
    assert result.err == ("Error creating machine: Error in driver during machine creation: unexpected EOF\n"
                          'The machine "m1" was kept with what was made so far (ls shows it). To clean up, run: '
                          "docker-machine rm -f m1\n")
    assert_no_plugin_left(fake)

    # Saved before Create, with the plugin's own JSON as the driver object.
    config = json.loads(fake.config_path("m1").read_text())
    assert config["DriverName"] == "fake"
    assert config["Driver"]["IPAddress"] == "127.0.0.1"
    assert config["Driver"]["SSHPort"] == port
    assert config["Driver"]["Tags"] == ["default-tag"]
    assert config["Driver"]["MachineName"] == "m1"
    assert list(config["Driver"])[:3] == ["IPAddress", "MachineName", "SSHUser"]

    # Commands that only read the store don't start the plugin.
    before = len(started_pids(fake))
    inspect = fake("inspect", "--format", "{{.Driver.EnginePort}} {{.DriverName}}", "m1")
    assert inspect.out == "2376 fake\n", inspect
    assert len(started_pids(fake)) == before

    ls = fake("ls", "--format", "{{.Name}} {{.DriverName}} {{.State}} {{.Error}}")
    assert ls.code == 0, ls
    assert ls.out == "m1 fake Stopped \n", ls
    status = fake("status", "m1")
    assert (status.code, status.out) == (0, "Stopped\n")

    removed = fake("rm", "-y", "m1")
    assert removed.code == 0, removed
    assert "(m1) Removing the fake machine...\n" in removed.out
    assert "Successfully removed m1" in removed.out
    assert not (fake.store / "machines" / "m1").exists()
    assert_no_plugin_left(fake)


def test_state_changes_go_through_the_plugin_and_are_saved(fake, ssh_port):
    assert create_stopping_in_driver(fake, "m1", ssh_port).code == 1
    assert fake("status", "m1").out == "Running\n"
    url = fake("url", "m1")
    assert (url.code, url.out) == (0, "tcp://127.0.0.1:2376\n")
    assert fake("ip", "m1").out == "127.0.0.1\n"

    stop = fake("stop", "m1")
    assert stop.code == 0, stop
    assert 'Machine "m1" was stopped.' in stop.out
    assert json.loads(fake.config_path("m1").read_text())["Driver"]["Stopped"] is True
    assert fake("status", "m1").out == "Stopped\n"
    again = fake("stop", "m1")
    assert again.code == 1 and 'Machine "m1" is already stopped.' in again.err
    assert fake("url", "m1").err == "Host is not running\n"
    assert_no_plugin_left(fake)


def test_driver_errors_are_shown_verbatim(fake):
    missing = fake("create", "-d", "fake", "m1")
    assert missing.code == 1
    assert missing.err == ("Error setting machine configuration from flags provided: "
                           "fake driver requires the --fake-ip-address option\n")
    precheck = fake("create", "-d", "fake", "--fake-ip-address", "127.0.0.1", "--fake-ssh-key", "/nonexistent",
                    "m2")
    assert precheck.code == 3
    assert precheck.err == 'Error with pre-create check: "SSH key does not exist: \\"/nonexistent\\""\n'
    assert not (fake.store / "machines" / "m1").exists()
    assert not (fake.store / "machines" / "m2").exists()

    assert create_stopping_in_driver(fake, "m3", closed_port()).code == 1
    refused = fake("rm", "-y", "m3", env={"FAKEPLUGIN_MODE": "fail-remove"})
    assert refused.code == 1
    assert "fake plugin refuses to remove m3" in refused.err
    assert fake.config_path("m3").exists()
    forced = fake("rm", "-f", "-y", "m3", env={"FAKEPLUGIN_MODE": "fail-remove"})
    assert forced.code == 0, forced
    assert not (fake.store / "machines" / "m3").exists()
    assert_no_plugin_left(fake)


def test_plugin_crashing_at_start(fake):
    result = fake("create", "-d", "fake", "m1", env={"FAKEPLUGIN_MODE": "crash-start"})
    assert result.code == 1
    assert result.err.startswith("Error attempting to get plugin server address for RPC: the plugin binary ")
    assert "exited (exit status 2) before printing its server address: panic: fake plugin crashed at start" \
        in result.err
    assert not (fake.store / "machines").exists() or not any((fake.store / "machines").iterdir())


def test_plugin_hanging_at_start_times_out(fake):
    started = time.monotonic()
    result = fake("create", "-d", "fake", "--help", env={"FAKEPLUGIN_MODE": "hang-start"})
    elapsed = time.monotonic() - started
    assert result.code == 1
    assert result.err == ("Error attempting to get plugin server address for RPC: "
                          "Failed to dial the plugin server in 10s\n")
    assert 9.5 < elapsed < 20, elapsed
    assert_no_plugin_left(fake)


def test_plugin_printing_garbage(fake):
    result = fake("create", "-d", "fake", "m1", env={"FAKEPLUGIN_MODE": "garbage"})
    assert result.code == 1
    assert result.err == (f"Error dialing the RPC server of the plugin binary {PLUGIN}: "
                          "dial tcp: address this is not an address: missing port in address\n")
    assert_no_plugin_left(fake)


def test_incompatible_api_version(fake):
    result = fake("create", "-d", "fake", "m1", env={"FAKEPLUGIN_MODE": "version-2"})
    assert (result.code, result.err) == (1, "Driver binary uses an incompatible API version (2)\n")
    assert_no_plugin_left(fake)


def test_plugins_from_before_0_5_1_use_the_old_service_name(fake):
    result = fake("-D", "create", "-d", "fake", "--help", env={"FAKEPLUGIN_MODE": "legacy-service"})
    assert result.code == 0, result
    assert "--fake-ip-address" in result.out
    assert "re-attempting with RpcServerDriver" in result.err
    assert "() Calling .GetVersion" in result.err


def test_hung_plugin_in_ls_is_a_timeout_and_is_stopped(fake):
    assert create_stopping_in_driver(fake, "m1", closed_port()).code == 1
    started = time.monotonic()
    ls = fake("ls", "-t", "2", "--format", "{{.Name}} {{.State}}", env={"FAKEPLUGIN_MODE": "hang-state"})
    assert time.monotonic() - started < 8
    assert (ls.code, ls.out) == (0, "m1 Timeout\n"), ls
    assert_no_plugin_left(fake)


def test_machine_whose_plugin_is_gone(fake):
    assert create_stopping_in_driver(fake, "m1", closed_port()).code == 1
    fake.env["PATH"] = "/usr/bin:/bin"
    ls = fake("ls", "--format", "{{.Name}}|{{.DriverName}}|{{.State}}|{{.Error}}")
    assert ls.out == ('m1|not-found|Error|Driver "fake" not found. Do you have the plugin binary accessible in '
                      'your PATH?\n')
    assert fake("rm", "-f", "-y", "m1").code == 0
    assert not (fake.store / "machines" / "m1").exists()


def test_plugin_debug_output_with_D(fake):
    result = create_stopping_in_driver(fake, "m1", closed_port())
    assert "DBG |" not in result.err
    fake("rm", "-f", "-y", "m1")
    debug = fake("-D", "create", "-d", "fake", "--fake-ip-address", "127.0.0.1", "m2",
                 env={"FAKEPLUGIN_MODE": "crash-create"})
    assert "(m2) DBG | debug: tags are default-tag\n" in debug.err
    assert "(m2) Calling .Create\n" in debug.err


def test_bash_completion_offers_the_plugin_and_its_flags(fake, tmp_path):
    helpers = Path("/usr/share/bash-completion/bash_completion")
    if not helpers.exists():
        pytest.skip("bash-completion is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker-machine").symlink_to(BINARY)
    script = Path(__file__).resolve().parents[2] / "contrib" / "completion" / "bash" / "docker-machine.bash"

    def complete(line):
        words = line.split(" ")
        program = (f"source {helpers}; source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
                   f"COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; _docker_machine; "
                   'printf "%s\\n" "${COMPREPLY[@]}"')
        env = dict(fake.env, PATH=f"{bin_dir}:{fake.env['PATH']}")
        return subprocess.run(["bash", "-c", program], capture_output=True, text=True, env=env).stdout.split()

    assert "fake" in complete("docker-machine create -d fa")
    assert complete("docker-machine create -d fake --fake-ssh-") == ["--fake-ssh-key", "--fake-ssh-port",
                                                                     "--fake-ssh-user"]


def test_ls_ends_cleanly_every_time(fake):
    """The plugin of a listed machine is closed by the command's own thread, never during exit (this crashed
    one `ls` in a few under load before the query threads handed the machines back)."""
    assert create_stopping_in_driver(fake, "m1", closed_port()).code == 1
    assert create_stopping_in_driver(fake, "m2", closed_port()).code == 1
    for _ in range(15):
        ls = fake("ls", "--format", "{{.Name}} {{.State}}")
        assert (ls.code, ls.out) == (0, "m1 Stopped\nm2 Stopped\n"), ls
    assert_no_plugin_left(fake)
