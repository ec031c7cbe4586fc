"""url, ip, status, inspect, config, env and state changes on none machines (cli.md §3)."""
import json
import re

import pytest

NO_DEFAULT = 'Error: No machine name(s) specified and no "default" machine exists\n'


@pytest.mark.parametrize("command", ["inspect", "status", "url", "ip", "config", "env", "kill", "start", "stop",
                                     "restart", "provision", "upgrade", "regenerate-certs"])
def test_default_machine_rule(dm, command):
    args = [command, "-f"] if command == "regenerate-certs" else [command]
    result = dm(*args)
    assert result.code == 1
    assert result.err == NO_DEFAULT


def test_url_ip_status(dm):
    dm.create_none("default", "tcp://1.2.3.4:2376")
    dm.create_none("other", "none")
    assert dm("url").out == "tcp://1.2.3.4:2376\n"
    assert dm("url", "other").out == "none\n"
    assert dm("ip").out == "1.2.3.4:2376\n"
    assert dm("ip", "other").out == "\n"
    assert dm("status", "default").out == "Running\n"
    assert dm("url", "a", "b").err == "Error: Expected one machine name as an argument\n"
    assert dm("status", "ghost").err.startswith('Docker machine "ghost" does not exist.')


def test_ip_of_several_machines_and_load_errors(dm):
    dm.create_none("a", "tcp://1.1.1.1:1")
    dm.create_none("b", "tcp://2.2.2.2:2")
    result = dm("ip", "a", "b")
    assert sorted(result.out.splitlines()) == ["1.1.1.1:1", "2.2.2.2:2"]
    result = dm("ip", "a", "ghost")
    assert result.code == 1
    assert result.out == ""


def test_state_changes_on_none_driver(dm):
    dm.create_none("m", "tcp://1.2.3.4:2376")
    result = dm("start", "m")
    assert result.code == 1
    assert result.out == 'Starting "m"...\n'
    assert result.err == 'Machine "m" is already running.\n'
    result = dm("stop", "m")
    assert result.out == 'Stopping "m"...\n'
    assert result.err == "hosts without a driver cannot be stopped\n"
    result = dm("kill", "m")
    assert result.err == "hosts without a driver cannot be killed\n"
    result = dm("restart", "m")
    assert result.err == "hosts without a driver cannot be restarted\n"


def test_inspect(dm):
    dm.create_none("m", "tcp://1.2.3.4:2376")
    result = dm("inspect", "m")
    assert result.code == 0
    assert result.out == dm.config_path("m").read_text() + "\n"
    assert dm("inspect", "-f", "{{.Driver.IPAddress}}", "m").out == "1.2.3.4:2376\n"
    assert dm("inspect", "--format", "{{.HostOptions.EngineOptions.TlsVerify}}", "m").out == "true\n"
    assert dm("inspect", "-f", "{{.Driver.SSHPort}}", "m").out == "0\n"
    assert dm("inspect", "-f", "{{.Missing}}", "m").out == "<no value>\n"
    assert dm("inspect", "-f", "{{.HostOptions.EngineOptions.Dns}}", "m").out == "<no value>\n"
    swarm = dm("inspect", "-f", "{{json .HostOptions.SwarmOptions}}", "m").out
    assert swarm.startswith('{"Address":"","Agent":false,"ArbitraryFlags":[],')
    assert swarm.endswith('"Strategy":"spread"}\n')
    pretty = json.loads(dm("inspect", "-f", "{{prettyjson .Driver}}", "m").out)
    assert pretty["URL"] == "tcp://1.2.3.4:2376"
    bad = dm("inspect", "-f", "{{.Name", "m")
    assert bad.code == 1
    assert bad.err.startswith("template parsing error: template: :1: unclosed action")
    many = dm("inspect", "a", "b")
    assert many.code == 1
    assert many.err == "Error: Expected one machine name as an argument\n"
    assert many.out.startswith("Usage: docker-machine inspect")


def test_config_and_env_report_connection_errors(dm):
    dm.create_none("m", "tcp://127.0.0.1:1")
    result = dm("config", "m")
    assert result.code == 1
    assert result.err.startswith("Error running connection boilerplate: Error checking and/or regenerating the "
                                 'certs: There was an error validating certificates for host "127.0.0.1:1": ')
    result = dm("env", "m")
    assert result.code == 1
    assert result.err.startswith("Error checking TLS connection: Error checking and/or regenerating the certs: ")
    assert result.err.endswith("\nYou can attempt to regenerate them using 'docker-machine regenerate-certs [name]'.\n"
                               "Be advised that this will trigger a Docker daemon restart which might stop running "
                               "containers.\n\n")
    swarm = dm("env", "--swarm", "m")
    assert swarm.err == ('Error checking TLS connection: "m" is not a swarm master. The --swarm flag is intended for '
                         'use with swarm masters\n')


def test_env_unset(dm):
    result = dm("env", "-u")
    assert result.code == 0
    assert result.out == ("unset DOCKER_TLS_VERIFY\nunset DOCKER_HOST\nunset DOCKER_CERT_PATH\n"
                          "unset DOCKER_MACHINE_NAME\n# Run this command to configure your shell: \n"
                          f"# eval $({dm_binary()} env -u)\n")
    assert dm("env", "-u", "x").err == "Error: Expected no machine name when the -u flag is present\n"
    fish = dm("env", "-u", "--shell", "fish")
    assert fish.out.startswith("set -e DOCKER_TLS_VERIFY;\n")
    quirk = dm("env", "-u", "--no-proxy", env={"NO_PROXY": "localhost"})
    assert "unset NO_PROXYlocalhost\n" in quirk.out


def test_env_unknown_shell(dm):
    result = dm("env", "-u", env={"SHELL": ""})
    assert result.code == 1
    assert result.out == ("The default lines below are for a sh/bash shell, you can specify the shell you're using, "
                          "with the --shell flag.\n\n")
    assert result.err == "Error: Unknown shell\n"


def dm_binary():
    return "docker-machine"


def test_regenerate_certs_prompt(dm):
    dm.create_none("m")
    result = dm("regenerate-certs", "m", stdin="n\n")
    assert result.code == 0
    assert result.out == "Regenerate TLS machine certs?  Warning: this is irreversible. (y/n): "
    result = dm("regenerate-certs", "m", stdin="")
    assert (result.code, result.err) == (1, "EOF\n")
    result = dm("regenerate-certs", "m", stdin="\n")
    assert (result.code, result.err) == (1, "unexpected newline\n")


def test_ssh_requires_running_and_help(dm):
    assert dm("ssh", "-h").out.startswith("Usage: docker-machine ssh [arg...]")
    result = dm("ssh", "ghost")
    assert result.code == 1
    assert result.err.startswith('Docker machine "ghost" does not exist.')


def test_scp_and_mount_argument_counts(dm):
    result = dm("scp", "a")
    assert result.code == 1
    assert result.err == "Improper number of arguments\n"
    assert result.out.startswith("Usage: docker-machine scp")
    result = dm("mount")
    assert result.err == "Improper number of arguments\n"
    result = dm("scp", "ghost:/x", "/tmp/y")
    assert result.err.startswith('Error loading host: Error loading host: Docker machine "ghost" does not exist.')


def test_version_of_machine(dm):
    dm.create_none("m", "tcp://127.0.0.1:1")
    result = dm("version", "m")
    assert result.code == 1
    assert result.err == "Unable to query docker version: Cannot connect to the docker engine endpoint\n"
    assert dm("version", "a", "b").err == "Error: Expected one machine name as an argument\n"
