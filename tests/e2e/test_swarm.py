"""Swarm mode across three test hosts that reach each other (issue: `--swarm*` flags build a working Docker
swarm). One master and two workers created with the flags, the real docker CLI through `env`, a 3-replica
busybox service, the SWARM column of `ls`, `rm` of a worker, and bad input refused before anything exists."""
import json
import re
import time

import pytest

from conftest import BINARY, KEY_ED25519, DockerMachine, TestHost


def create(machine, host, name, *extra):
    return machine("create", "-d", "generic", "--generic-ip-address", host.ip, "--generic-ssh-key",
                   str(KEY_ED25519), "--generic-ssh-user", "root", *extra, name)


def wait_until(condition, timeout=90, interval=1.0):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


@pytest.fixture(scope="module")
def hosts():
    started = []
    try:
        for name, index in (("swarm31", 31), ("swarm32", 32), ("swarm33", 33)):
            started.append(TestHost(name, index, routed=True).up())
        yield started
    finally:
        for host in started:
            host.down()


@pytest.fixture(scope="module")
def swarm_machine(hosts, tmp_path_factory):
    root = tmp_path_factory.mktemp("swarm")
    (root / "home").mkdir()
    machine = DockerMachine(root / "store", root / "home")
    master = create(machine, hosts[0], "m1", "--swarm-master")
    assert master.code == 0, master
    assert "Configuring swarm..." in master.out
    yield machine
    for name in ("w1", "w2", "legacy", "m1"):
        machine("rm", "-f", name)


def nodes(machine):
    out = machine.docker("m1", "node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.ManagerStatus}}")
    assert out.code == 0, out
    return sorted(line.split(" ", 2) for line in out.out.splitlines())


def test_bad_input_is_refused_before_anything_is_created(swarm_machine, hosts):
    machine = swarm_machine
    worker_host = hosts[1]
    before = worker_host.ssh_connections()
    cases = [
        (["--swarm", "--swarm-discovery", "machine://ghost"],
         'Error with swarm discovery: swarm manager "ghost" does not exist (--swarm-discovery machine://ghost)\n'),
        (["--swarm"],
         "Error with swarm discovery: --swarm needs --swarm-discovery machine://NAME (or tcp://HOST:PORT) "
         "naming a manager of the swarm to join\n"),
        (["--swarm", "--swarm-discovery", "token://abc"],
         'Error with swarm discovery: Swarm mode joins the swarm of a manager given as machine://NAME or '
         'tcp://HOST:PORT, not "token://abc" (use --swarm-standalone for the standalone Swarm containers of a '
         'discovery service)\n'),
        (["--swarm", "--swarm-discovery", "tcp://127.0.0.1:1"],
         None),  # nothing listens there: "cannot be reached"
    ]
    for flags, message in cases:
        result = create(machine, worker_host, "w1", *flags)
        assert result.code == 1, (flags, result)
        if message is None:
            assert result.err.startswith(
                'Error with swarm discovery: swarm manager tcp://127.0.0.1:1 cannot be reached: '), result
        else:
            assert result.err == message, (flags, result)
        assert "Creating machine..." not in result.out
        assert not (machine.store / "machines" / "w1").exists()
    assert worker_host.ssh_connections() == before, "a refused create must not touch the host"
    assert machine("ls", "-q").out == "m1\n"


def test_master_and_two_workers_run_a_replicated_service(swarm_machine, hosts):
    machine = swarm_machine
    for name, host in (("w1", hosts[1]), ("w2", hosts[2])):
        result = create(machine, host, name, "--swarm", "--swarm-discovery", "machine://m1")
        assert result.code == 0, result
        assert "Configuring swarm..." in result.out

    listed = wait_until(lambda: [n for n in nodes(machine) if n[1] == "Ready"] if len(
        [n for n in nodes(machine) if n[1] == "Ready"]) == 3 else None)
    assert listed, nodes(machine)
    assert [n[0] for n in listed] == ["m1", "w1", "w2"]
    assert listed[0][2] == "Leader" and listed[1][2] == "" and listed[2][2] == ""

    # The stored options say swarm mode; workers share the master's discovery, so ls groups them.
    config = json.loads((machine.store / "machines" / "w1" / "config.json").read_text())
    swarm = config["HostOptions"]["SwarmOptions"]
    assert (swarm["IsSwarm"], swarm["Agent"], swarm["Master"], swarm["Discovery"], swarm["SwarmMode"]) == (
        True, True, False, "machine://m1", True)
    ls = machine("ls", "--format", "{{.Name}}|{{.Swarm}}|{{.State}}")
    assert ls.out == "m1|m1 (master)|Running\nw1|m1|Running\nw2|m1|Running\n", ls
    table = machine("ls")
    assert re.search(r"^m1 +- +generic +Running +tcp://10\.213\.31\.2:2376 +m1 \(master\) ", table.out, re.M), table
    assert machine("ls", "-q", "--filter", "swarm=m1").out == "m1\nw1\nw2\n"
    # env --swarm of a swarm-mode master is its daemon: the swarm API lives there.
    env_swarm = machine("env", "--swarm", "m1")
    assert 'export DOCKER_HOST="tcp://10.213.31.2:2376"' in env_swarm.out, env_swarm

    created = machine.docker("m1", "service", "create", "--detach", "--no-resolve-image", "--name", "sleepers",
                             "--replicas", "3", "busybox", "sleep", "3600")
    assert created.code == 0, created

    def running_tasks():
        ps = machine.docker("m1", "service", "ps", "sleepers", "--filter", "desired-state=running", "--format",
                            "{{.Node}} {{.CurrentState}}")
        running = [line.split()[0] for line in ps.out.splitlines() if " Running" in line]
        return running if len(running) == 3 else None

    running = wait_until(running_tasks, timeout=120)
    assert running, machine.docker("m1", "service", "ps", "sleepers")
    replicas = machine.docker("m1", "service", "ls", "--format", "{{.Name}} {{.Replicas}}")
    assert replicas.out.strip() == "sleepers 3/3", replicas

    # Joining through a worker is refused: it is not a manager.
    not_manager = create(machine, hosts[2], "x", "--swarm", "--swarm-discovery", "machine://w1")
    assert (not_manager.code, not_manager.err) == (1, 'Error with swarm discovery: "w1" is not a swarm manager\n')
    assert not (machine.store / "machines" / "x").exists()

    removed = machine("rm", "-y", "w2")
    assert removed.code == 0, removed
    assert removed.out == ("About to remove w2\nWARNING: This action will delete both local reference and remote "
                           "instance.\nLeaving the swarm...\nSuccessfully removed w2\n")
    assert [n[0] for n in nodes(machine)] == ["m1", "w1"]
    # A worker whose daemon no longer answers can't leave; its manager forgets it by hostname.
    stopped = machine("ssh", "w1", "systemctl stop docker")
    assert stopped.code == 0, stopped
    removed = machine("rm", "-y", "w1")
    assert removed.code == 0, removed
    assert removed.err.startswith("Could not leave the swarm: "), removed
    assert [n[0] for n in nodes(machine)] == ["m1"]
    # The service keeps its three replicas on what is left.
    assert wait_until(lambda: machine.docker("m1", "service", "ls", "--format", "{{.Replicas}}").out.strip()
                      == "3/3", timeout=120)
    # Pointing at a swarm-mode manager's daemon is plain "*": there is no separate swarm endpoint.
    active = machine("ls", "--format", "{{.Name}} {{.Active}} {{.ActiveSwarm}}",
                     env={"DOCKER_HOST": "tcp://10.213.31.2:2376"})
    assert active.out == "m1 * false\n", active


def test_standalone_containers_stay_behind_their_flag(swarm_machine, hosts):
    """--swarm-standalone takes upstream's path (the swarm image from Docker Hub, which an offline test host
    cannot pull): the create gets as far as pulling the image, and stores no SwarmMode."""
    machine = swarm_machine
    result = create(machine, hosts[2], "legacy", "--swarm-standalone", "--swarm-master", "--swarm-discovery",
                    "token://abc")
    assert result.code == 1, result
    assert "Configuring swarm..." in result.out
    assert result.err.startswith("Error creating machine: Error running provisioning: Unable to pull image: "), result
    swarm = json.loads((machine.store / "machines" / "legacy" / "config.json").read_text())["HostOptions"][
        "SwarmOptions"]
    assert "SwarmMode" not in swarm and swarm["Discovery"] == "token://abc" and swarm["Master"] is True
