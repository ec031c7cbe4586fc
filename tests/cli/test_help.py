"""Help, version, unknown commands and flag errors (cli.md §1.3-§1.7, its/cli help_test)."""
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "help"
APP_HELP = (FIXTURES / "app_help.txt").read_text()

COMMANDS = ["active", "config", "create", "env", "inspect", "ip", "kill", "ls", "regenerate-certs", "restart",
            "rm", "scp", "ssh", "start", "status", "stop", "upgrade", "url"]


@pytest.mark.parametrize("args", [[], ["help"], ["h"], ["-h"], ["--help"], ["--help", "ls"]])
def test_app_help_is_byte_identical(dm, args):
    result = dm(*args, env={"HOME": "/home/user", "MACHINE_STORAGE_PATH": None})
    assert result.code == 0
    assert result.out == APP_HELP
    assert result.err == ""


def test_app_help_shows_effective_storage_default(dm):
    result = dm("--help", env={"MACHINE_STORAGE_PATH": "/x/y"})
    assert '  --storage-path, -s "/x/y"\tConfigures storage path [$MACHINE_STORAGE_PATH]\n' in result.out


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(dm, command):
    # create's help lists its driver's flags; virtualbox's are checked in test_virtualbox.py.
    result = dm(command, "-h", env={"MACHINE_DRIVER": "none"})
    assert result.code == 0, result
    assert f"machine {command}" in result.out
    assert result.out.startswith(f"Usage: docker-machine {command}")


def test_ls_help_layout(dm):
    result = dm("ls", "--help")
    assert result.out == (
        "Usage: docker-machine ls [OPTIONS] [arg...]\n\nList machines\n\nOptions:\n   \n"
        "   --quiet, -q\t\t\t\t\tEnable quiet mode\n"
        "   --filter [--filter option --filter option]\tFilter output based on conditions provided\n"
        "   --timeout, -t \"10\"\t\t\t\tTimeout in seconds, default to 10s\n"
        "   --format, -f \t\t\t\tPretty-print machines using a Go template\n")


def test_help_of_command_without_flags(dm):
    result = dm("help", "url")
    assert result.code == 0
    assert result.out == "Usage: docker-machine url [arg...]\n\nGet the URL of a machine\n\nDescription:\n   Argument is a machine name.\n"


def test_version(dm):
    for args in (["-v"], ["--version"], ["version"], ["-v", "ls"]):
        result = dm(*args)
        assert result.code == 0
        assert result.out == "docker-machine version 0.16.2, build bd45ab13\n"


def test_unknown_command(dm):
    result = dm("foo")
    assert result.code == 1
    assert result.out == ""
    assert result.err == "docker-machine: 'foo' is not a docker-machine command. See 'docker-machine --help'.\n"
    result = dm("help", "foo")
    assert result.code == 1
    assert "'foo' is not a docker-machine command" in result.err


def test_flag_error_prints_usage_and_exits_zero(dm):
    result = dm("ls", "--bogus")
    assert result.code == 0
    assert result.out.startswith("Incorrect Usage.\n\nUsage: docker-machine ls [OPTIONS] [arg...]")
    assert result.err == "flag provided but not defined: -bogus\n"


def test_flag_error_bundled_booleans(dm):
    result = dm("ls", "-qt", "5")
    assert result.err == "flag provided but not defined: -qt\n"


def test_two_forms_of_same_flag(dm):
    result = dm("ls", "-t", "5", "--timeout", "6")
    assert result.code == 0
    assert result.out.startswith("Cannot use two forms of the same flag: t timeout\n\nUsage:")


def test_bad_int_value(dm):
    result = dm("ls", "-t", "abc")
    assert result.err == 'invalid value "abc" for flag -t: strconv.ParseInt: parsing "abc": invalid syntax\n'


def test_flag_error_in_create_exits_one(dm):
    result = dm("create", "-d", "none", "--bogus", "x")
    assert result.code == 1
    assert result.out.startswith("Incorrect Usage.")
    assert "flag provided but not defined: -bogus" in result.err


def test_global_flag_error_prints_app_help(dm):
    result = dm("--bogus", "ls")
    assert result.code == 0
    assert result.out.startswith("Incorrect Usage.\n\nUsage: docker-machine [OPTIONS] COMMAND [arg...]")
    assert result.err == "flag provided but not defined: -bogus\n"


def test_invalid_machine_debug(dm):
    result = dm("ls", env={"MACHINE_DEBUG": "maybe"})
    assert result.code == 1
    assert result.err == ('Error parsing boolean value from MACHINE_DEBUG: strconv.ParseBool: parsing "maybe": '
                          'invalid syntax\n')


def test_debug_line(dm):
    result = dm("ls", "-q", "-D")
    assert "Docker Machine Version:  0.16.2, build bd45ab13\n" in result.err
    assert dm("ls", "-q").err == ""
    assert "Docker Machine Version:" not in dm("ls", "-q", "-D", env={"MACHINE_DEBUG": "false"}).err


def test_app_name_comes_from_argv0(dm):
    result = dm("foo", argv0="/usr/local/bin/machine")
    assert result.err == "machine: 'foo' is not a machine command. See '/usr/local/bin/machine --help'.\n"


def test_create_help_lists_driver_flags_sorted(dm):
    result = dm("create", "-d", "none", "--help")
    assert result.code == 0
    lines = [line for line in result.out.splitlines() if line.startswith("   --")]
    flag_names = [line.split()[0] for line in lines]
    assert "--url" in flag_names
    assert '   --driver, -d "virtualbox"' in result.out
    assert lines == sorted(lines, key=lambda line: line.strip().encode())
    assert "Run 'docker-machine create --driver name --help' to include the create flags" in result.out


def test_help_create_shows_shared_flags_only(dm):
    result = dm("help", "create")
    assert result.code == 0
    assert "--url" not in result.out
    assert result.out.index("--driver") < result.out.index("--engine-install-url") < result.out.index("--tls-san")
