"""create and rm (its/cli create_rm_test, cli.md §3.3, §3.13)."""
import json
import os
import subprocess

import pytest

NO_SUCH = 'Docker machine "{0}" does not exist. Use "docker-machine ls" to list machines. Use "docker-machine create" to add a new one.'


def test_unknown_driver(dm):
    result = dm("create", "-d", "bogus", "bogus")
    assert result.code == 1
    assert result.err == ('Driver "bogus" not found. Do you have the plugin binary "docker-machine-driver-bogus" '
                          'accessible in your PATH?\n')
    assert dm("create", "-d", "bogus", "--help").code == 1


def test_no_name(dm):
    result = dm("create", "-d", "none")
    assert result.code == 1
    assert result.err == "Error: No machine name specified\n"
    assert result.out.startswith("Usage: docker-machine create [OPTIONS] [arg...]")


@pytest.mark.parametrize("name", ["∞", "-", ".", "..", "_a"])
def test_invalid_names(dm, name):
    result = dm("create", "-d", "none", "--url", "none", "--", name) if name.startswith("-") else \
        dm("create", "-d", "none", "--url", "none", name)
    assert result.code == 1
    assert result.err == "Error creating machine: Invalid hostname specified. Allowed hostname chars are: 0-9a-zA-Z . -\n"
    assert not (dm.store / "machines" / name).exists()


def test_weird_but_valid_names(dm):
    dm.create_none("a", "none")
    dm.create_none("0", "none")


def test_extra_arguments(dm):
    result = dm("create", "-d", "none", "--url", "none", "a", "extra", "more")
    assert result.code == 1
    assert result.err == "Invalid command line. Found extra arguments [extra more]\n"


def test_url_required(dm):
    result = dm("create", "-d", "none", "x")
    assert result.code == 1
    assert result.err == ("Error setting machine configuration from flags provided: --url option is required when "
                          "no driver is selected\n")
    assert not (dm.store / "machines" / "x").exists()


def test_first_create_output_and_files(dm):
    result = dm("create", "-d", "none", "--url", "tcp://1.2.3.4:2376", "x")
    certs = dm.store / "certs"
    assert result.out == (
        f"Creating CA: {certs}/ca.pem\n"
        f"Creating client certificate: {certs}/cert.pem\n"
        "Running pre-create checks...\nCreating machine...\n"
        f"To see how to connect your Docker Client to the Docker Engine running on this virtual machine, run: "
        f"{dm_binary()} env x\n")
    assert result.err == ""
    for name, mode in (("ca.pem", 0o644), ("ca-key.pem", 0o600), ("cert.pem", 0o644), ("key.pem", 0o600)):
        assert (certs / name).stat().st_mode & 0o777 == mode, name
    assert certs.stat().st_mode & 0o777 == 0o700
    assert (dm.store / "machines" / "x").stat().st_mode & 0o777 == 0o700
    assert dm.config_path("x").stat().st_mode & 0o777 == 0o600
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(certs / "ca.pem"), str(certs / "cert.pem")],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    second = dm("create", "-d", "none", "--url", "tcp://1.2.3.4:2376", "y")
    assert "Creating CA" not in second.out


def dm_binary():
    return "docker-machine"


def test_config_json_records_flags(dm):
    dm.create_none("m", "tcp://1.2.3.4:2376", "--engine-opt", "log-level=debug", "--engine-env", "FOO=bar",
                   "--engine-label", "env=prod", "--tls-san", "a.example", "--swarm", "--swarm-discovery",
                   "token://abc", "--engine-insecure-registry", "reg:5000")
    text = dm.config_path("m").read_text()
    assert not text.endswith("\n")
    config = json.loads(text)
    assert list(config) == ["ConfigVersion", "Driver", "DriverName", "HostOptions", "Name"]
    assert config["Driver"]["IPAddress"] == "1.2.3.4:2376"
    assert config["Driver"]["URL"] == "tcp://1.2.3.4:2376"
    engine = config["HostOptions"]["EngineOptions"]
    assert engine["ArbitraryFlags"] == ["log-level=debug"]
    assert engine["Env"] == ["FOO=bar"]
    assert engine["Labels"] == ["env=prod"]
    assert engine["InsecureRegistry"] == ["reg:5000"]
    assert engine["Dns"] is None
    swarm = config["HostOptions"]["SwarmOptions"]
    assert swarm["IsSwarm"] and swarm["Agent"] and not swarm["Master"]
    assert swarm["Discovery"] == "token://abc"
    auth = config["HostOptions"]["AuthOptions"]
    assert auth["ServerCertSANs"] == ["a.example"]
    assert auth["StorePath"] == str(dm.store / "machines" / "m")


def test_swarm_options_of_an_unprovisioned_host_are_only_recorded(dm):
    """Driver none has no swarm step: upstream's key set, no swarm-mode mark, no discovery check."""
    dm.create_none("m", "tcp://1.2.3.4:2376", "--swarm", "--swarm-master")
    swarm = json.loads(dm.config_path("m").read_text())["HostOptions"]["SwarmOptions"]
    assert "SwarmMode" not in swarm and swarm["Discovery"] == ""


@pytest.mark.parametrize("flags,message", [
    (["--swarm", "--swarm-discovery", "machine://ghost"],
     'Error with swarm discovery: swarm manager "ghost" does not exist (--swarm-discovery machine://ghost)\n'),
    (["--swarm"], "Error with swarm discovery: --swarm needs --swarm-discovery machine://NAME (or "
                  "tcp://HOST:PORT) naming a manager of the swarm to join\n"),
    (["--swarm-master", "--swarm-discovery", "consul://10.0.0.1:8500"],
     'Error with swarm discovery: Swarm mode joins the swarm of a manager given as machine://NAME or '
     'tcp://HOST:PORT, not "consul://10.0.0.1:8500" (use --swarm-standalone for the standalone Swarm '
     'containers of a discovery service)\n'),
])
def test_swarm_mode_join_target_is_checked_before_anything_is_created(dm, flags, message):
    # 127.0.0.1:1 is never dialled: the check comes first.
    result = dm("create", "-d", "generic", "--generic-ip-address", "127.0.0.1", "--generic-ssh-port", "1", *flags,
                "w")
    assert (result.code, result.err) == (1, message), result
    assert "Running pre-create checks..." not in result.out
    assert not (dm.store / "machines" / "w").exists()


def test_swarm_mode_names_flags_it_ignores(dm):
    result = dm("create", "-d", "generic", "--generic-ip-address", "127.0.0.1", "--swarm", "--swarm-strategy",
                "binpack", "--swarm-opt", "heartbeat=5s", "w")
    assert result.code == 1
    assert result.err.startswith(
        "Warning: --swarm-strategy is only used by the standalone Swarm containers (--swarm-standalone); swarm "
        "mode ignores it\nWarning: --swarm-opt is only used by the standalone Swarm containers "
        "(--swarm-standalone); swarm mode ignores it\nError with swarm discovery: --swarm needs "), result


def test_env_var_defaults_for_create(dm):
    dm.create_none("m", "tcp://1.2.3.4:2376")
    config = json.loads(dm.config_path("m").read_text())
    assert config["HostOptions"]["EngineOptions"]["InstallURL"] == "https://get.docker.com"
    result = dm("create", "--url", "tcp://1.2.3.4:2376", "n",
                env={"MACHINE_DRIVER": "none", "MACHINE_DOCKER_INSTALL_URL": "http://x/install.sh",
                     "ENGINE_REGISTRY_MIRROR": "https://a, https://b", "MACHINE_SWARM_IMAGE": "swarm:1"})
    assert result.code == 0, result
    config = json.loads(dm.config_path("n").read_text())
    assert config["DriverName"] == "none"
    assert config["HostOptions"]["EngineOptions"]["InstallURL"] == "http://x/install.sh"
    assert config["HostOptions"]["EngineOptions"]["RegistryMirror"] == ["https://a", "https://b"]
    assert config["HostOptions"]["SwarmOptions"]["Image"] == "swarm:1"


def test_tls_global_flags_are_recorded(dm, tmp_path):
    dm.create_none("seed")
    certs = dm.store / "certs"
    result = dm("--tls-ca-cert", str(certs / "ca.pem"), "--tls-client-cert", str(tmp_path / "cert.pem"),
                "create", "-d", "none", "--url", "tcp://1.2.3.4:2376", "m")
    # The default client key exists already: upstream refuses to overwrite it.
    assert (result.code, result.err) == (1, "Error generating certificates: client key already exists\n")
    result = dm("--tls-ca-cert", str(certs / "ca.pem"), "--tls-client-cert", str(tmp_path / "cert.pem"),
                "--tls-client-key", str(tmp_path / "key.pem"), "create", "-d", "none", "--url",
                "tcp://1.2.3.4:2376", "m")
    assert result.code == 0, result
    assert f"Creating client certificate: {tmp_path / 'cert.pem'}" in result.out
    auth = json.loads(dm.config_path("m").read_text())["HostOptions"]["AuthOptions"]
    assert auth["ClientCertPath"] == str(tmp_path / "cert.pem")
    assert auth["ClientKeyPath"] == str(tmp_path / "key.pem")
    assert auth["CaCertPath"] == str(certs / "ca.pem")


def test_existing_machine(dm):
    dm.create_none("m")
    before = dm.config_path("m").read_text()
    result = dm("create", "-d", "none", "--url", "tcp://9.9.9.9:1", "m")
    assert result.code == 1
    assert result.err == 'Docker machine "m" already exists\n'
    assert dm.config_path("m").read_text() == before


def test_bad_swarm_discovery(dm):
    result = dm("create", "-d", "none", "--url", "x", "--swarm-discovery", "foo", "m")
    assert result.code == 1
    assert result.err == "Error parsing swarm discovery: Swarm Discovery URL was in the wrong format: foo\n"


def test_rm_without_names(dm):
    result = dm("rm", "-y")
    assert result.code == 1
    assert result.err == "Error: Expected to get one or more machine names as arguments\n"
    assert result.out.startswith("Usage: docker-machine rm")


def test_rm_unknown_machine_flag_after_name(dm):
    result = dm("rm", "∞", "-y")
    assert result.code == 1
    assert result.out == "About to remove ∞\nWARNING: This action will delete both local reference and remote instance.\n"
    assert result.err == f'Error removing host "∞": {NO_SUCH.format("∞")}\n'


def test_rm_force_unknown(dm):
    result = dm("rm", "-f", "ghost")
    assert result.code == 0
    assert result.err == f'Error removing host "ghost": {NO_SUCH.format("ghost")}\nCan\'t remove "ghost"\n'


def test_rm_existing_and_prompt(dm):
    for name in ("zero", "ba", "ab", "c"):
        dm.create_none(name)
    assert dm("rm", "zero", "-y").code == 0
    assert not (dm.store / "machines" / "zero").exists()
    result = dm("rm", "ba", stdin="y\n")
    assert result.code == 0
    assert "Are you sure? (y/n): " in result.out
    assert "Successfully removed ba" in result.out
    assert not (dm.store / "machines" / "ba").exists()
    result = dm("rm", "ab", stdin="n\n")
    assert result.code == 0
    assert (dm.store / "machines" / "ab").exists()
    for stdin in ("", "\n", "y y\n"):
        assert dm("rm", "ab", stdin=stdin).code == 0
        assert (dm.store / "machines" / "ab").exists()
    result = dm("rm", "-f", "c")
    assert result.code == 0
    assert "Successfully removed c" in result.out


def test_rm_reorders_arguments(dm):
    dm.create_none("a")
    dm.create_none("b")
    result = dm("rm", "a", "-f", "b")
    assert result.out.splitlines()[0] == "About to remove b, a"
    assert result.out.splitlines()[2:] == ["Successfully removed b", "Successfully removed a"]


def test_rm_continues_after_a_failure(dm):
    dm.create_none("one")
    dm.create_none("three")
    result = dm("rm", "-y", "one", "two", "three")
    assert result.code == 1
    assert result.err == f'Error removing host "two": {NO_SUCH.format("two")}\n'
    assert not (dm.store / "machines" / "one").exists()
    assert not (dm.store / "machines" / "three").exists()
