"""ls and active (its/cli ls_test, cli.md §3.1, §3.8)."""
import re
import shutil

import pytest


@pytest.fixture
def fleet(dm):
    """The machines of upstream's ls_test: five none machines and a three-node swarm."""
    dm.create_none("testmachine5", "url5", "--engine-label", "app=1")
    dm.create_none("testmachine4", "url4", "--engine-label", "foo=bar", "--engine-label", "app=1")
    dm.create_none("testmachine3", "url3")
    dm.create_none("testmachine2", "url2")
    dm.create_none("testmachine", "url1")
    return dm


HEADER = re.compile(r"NAME +ACTIVE +DRIVER +STATE +URL +SWARM +DOCKER +ERRORS")


def rows(result):
    return result.out.splitlines()


def test_no_filter(fleet):
    lines = rows(fleet("ls"))
    assert len(lines) == 6
    assert HEADER.fullmatch(lines[0].rstrip())
    for line, suffix in zip(lines[1:], ["", "2", "3", "4", "5"]):
        number = suffix or "1"
        assert re.match(rf"testmachine{suffix} +- +none +Running +url{number} +Unknown +Unable to query docker version: .*",
                        line), line


def test_filters(fleet):
    def names(*args):
        return [line.split()[0] for line in rows(fleet("ls", *args))[1:]]

    assert names("--filter", "label=foo=bar") == ["testmachine4"]
    assert names("--filter", "label=foo=bar", "--filter", "label=app=1") == ["testmachine4", "testmachine5"]
    assert names("--filter", "label=invalid=filter") == []
    assert len(names("--filter", "driver=none")) == 5
    assert len(names("--filter", "state=Running")) == 5
    for state in ("None", "Paused", "Saved", "Stopped", "Stopping", "Starting", "Error"):
        assert names("--filter", f"state={state}") == []
    assert names("--filter", "name=testmachine2") == ["testmachine2"]
    assert names("--filter", "name=^t.*e[3-5]") == ["testmachine3", "testmachine4", "testmachine5"]


def test_quiet(fleet):
    assert fleet("ls", "-q", "--filter", "driver=none").out.splitlines()[:3] == [
        "testmachine", "testmachine2", "testmachine3"]
    assert fleet("ls", "-q", "--filter", "name=testmachine3").out == "testmachine3\n"
    assert fleet("ls", "-q", "--filter", "name=^t.*e[45]").out == "testmachine4\ntestmachine5\n"
    assert len(fleet("ls", "-q", "--filter", "state=Running").out.splitlines()) == 5


def test_swarm_filter_and_column(fleet):
    fleet.create_none("testswarm", "tcp://127.0.0.1:2375", "--swarm", "--swarm-master", "--swarm-discovery",
                      "token://deadbeef")
    fleet.create_none("testswarm2", "tcp://127.0.0.1:2375", "--swarm", "--swarm-discovery", "token://deadbeef")
    fleet.create_none("testswarm3", "tcp://127.0.0.1:2375", "--swarm", "--swarm-discovery", "token://deadbeef")
    lines = rows(fleet("ls", "--filter", "swarm=testswarm"))
    assert [line.split()[0] for line in lines[1:]] == ["testswarm", "testswarm2", "testswarm3"]
    assert "testswarm (master)" in lines[1]
    assert re.search(r"testswarm2 .* testswarm  ", lines[2])
    multi = fleet("ls", "-q", "--filter", "swarm=testswarm", "--filter", "name=^t.*e", "--filter", "driver=none",
                  "--filter", "state=Running")
    assert multi.out == "testswarm\ntestswarm2\ntestswarm3\n"
    assert fleet("ls", "--format", "{{.DriverName}}").out == "none\n" * 8
    table = rows(fleet("ls", "--format", "table {{.Name}}: {{.DriverName}}"))
    assert len(table) == 9
    assert "NAME" in table[0]
    assert table[1:] == [f"testmachine{n}: none" for n in ["", "2", "3", "4", "5"]] + [
        "testswarm: none", "testswarm2: none", "testswarm3: none"]


def test_filter_errors(dm):
    assert dm("ls", "--filter", "foo=bar").err == "Unsupported filter key 'foo'\n"
    assert dm("ls", "--filter", "DrIvEr").err == "Unsupported filter syntax\n"
    assert dm("ls", "--filter", "foo=bar").code == 1


def test_table_layout_and_natural_sort(dm):
    dm.create_none("Master10", "tcp://127.0.0.1:1")
    dm.create_none("master2", "tcp://127.0.0.1:1")
    dm.create_none("gen6", "tcp://127.0.0.1:1")
    out = dm("ls", "--format", "table {{.Name}}\t{{.Active}}\t{{.DriverName}}").out
    assert out == ("NAME       ACTIVE   DRIVER\n"
                   "gen6       -        none\n"
                   "master2    -        none\n"
                   "Master10   -        none\n")
    assert dm("ls", "-q").out == "Master10\ngen6\nmaster2\n"


def test_broken_config_is_reported_not_fatal(dm):
    dm.create_none("good", "tcp://127.0.0.1:1")
    (dm.store / "machines" / "broken").mkdir()
    (dm.store / "machines" / "corrupt").mkdir()
    (dm.store / "machines" / "corrupt" / "config.json").write_text('{"ConfigVersion": 3, "Driver": ')
    result = dm("ls")
    assert result.code == 0
    lines = rows(result)
    assert lines[1].startswith("broken ")
    assert "not found   Error" in lines[1]
    assert lines[1].endswith(f"open {dm.store}/machines/broken/config.json: no such file or directory")
    assert "Error getting migrated host: unexpected end of JSON input" in lines[2]
    assert lines[3].startswith("good ")
    assert dm("ls", "-q").out == "good\n"


def test_missing_driver_plugin(dm):
    dm.create_none("plug", "tcp://127.0.0.1:1")
    path = dm.config_path("plug")
    path.write_text(path.read_text().replace('"DriverName": "none"', '"DriverName": "foo"'))
    line = rows(dm("ls"))[1]
    assert re.match(r'plug +- +not-found +Error +Unknown +Driver "foo" not found\. Do you have the plugin binary '
                    r'accessible in your PATH\?', line), line


def test_active(dm):
    assert dm("active").err == "No active host found\n"
    dm.create_none("a", "tcp://127.0.0.1:1")
    dm.create_none("b", "tcp://127.0.0.1:2")
    result = dm("active", env={"DOCKER_HOST": "tcp://127.0.0.1:2"})
    assert (result.code, result.out) == (0, "b\n")
    assert dm("active", "x").err == "Error: Too many arguments given\n"
    ls = dm("ls", env={"DOCKER_HOST": "tcp://127.0.0.1:2"})
    assert re.search(r"^b +\* +none", ls.out, re.M)


def test_format_fields_and_errors(dm):
    dm.create_none("m", "tcp://127.0.0.1:1", "--swarm-master", "--swarm-discovery", "token://abc")
    out = dm("ls", "--format", "{{.Name}} {{.State}} {{.ActiveHost}} {{.URL}}").out
    assert out == "m Running false tcp://127.0.0.1:1\n"
    out = dm("ls", "--format", "{{.SwarmOptions}}").out
    assert out == "{true  token://abc false true tcp://0.0.0.0:3376 swarm:latest spread 0 0 [] [] [] false}\n"
    assert dm("ls", "--format", "{{.Name}}\\:{{.State}}").out == "m\\:Running\n"
    bad = dm("ls", "--format", "{{.Bogus}}")
    assert bad.code == 1
    assert "can't evaluate field Bogus in type commands.HostListItem" in bad.err
    unclosed = dm("ls", "--format", "{{.Name")
    assert unclosed.code == 1
    assert unclosed.err.startswith("Template parsing error: template: :1: unclosed action")


def test_timeout_zero_marks_every_host(dm):
    dm.create_none("m", "tcp://127.0.0.1:1")
    line = rows(dm("ls", "-t", "0"))[1]
    assert re.match(r"m +none +Timeout", line), line


@pytest.mark.parametrize("pattern, message", [
    ("[", "error parsing regexp: missing closing ]: `[`"),
    ("a(b", "error parsing regexp: missing closing ): `a(b`"),
    ("*a", "error parsing regexp: missing argument to repetition operator: `*`"),
])
def test_invalid_name_regex_is_fatal_with_go_wording(dm, pattern, message):
    dm.create_none("m")
    result = dm("ls", "--filter", f"name={pattern}")
    assert (result.code, result.out, result.err) == (1, "", message + "\n")


def test_case_insensitive_name_filter(dm):
    dm.create_none("Mixed")
    assert dm("ls", "-q", "--filter", "name=(?i)mixed").out == "Mixed\n"
    assert dm("ls", "-q", "--filter", "name=mixed").out == ""
