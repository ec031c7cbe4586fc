"""create -d amazonec2 against moto_server (EC2 emulator, signatures checked) with a real test host standing at
the address moto gives the instance, then every follow-up command; bad input (unknown region, no credentials,
wrong secret, missing subnet, throttling, an instance that never runs) with the store left consistent.

Network: only 127.0.0.1 (moto, the throttling proxy) and test host `ec2e2e` (index 21). Instances launch in the
subnet 10.213.21.0/28, where moto hands out 10.213.21.4 first: the test host stands there (`up.sh -a`). The
never-running instance goes to 10.213.21.16/28 and is never contacted."""
import json
import os
import sys
from pathlib import Path

import pytest

from conftest import BINARY, KEY_RSA, REPO, TestHost

sys.path.insert(0, str(REPO / "tests" / "fakes" / "amazonec2"))
from ec2_proxy import Ec2Proxy  # noqa: E402
from moto_harness import MotoServer, find_moto_command, strip_ns  # noqa: E402

HOST_INDEX = 21
HOST_ADDRESS = "10.213.21.4"
ZONE = "us-east-1a"

MOTO_COMMAND = find_moto_command()
pytestmark = pytest.mark.skipif(MOTO_COMMAND is None, reason="moto_server is not installed")


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = MotoServer(MOTO_COMMAND).start(str(tmp_path_factory.mktemp("moto")))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxy(moto):
    front = Ec2Proxy(moto.endpoint).start()
    yield front
    front.stop()


@pytest.fixture(autouse=True)
def calm_proxy(proxy):
    proxy.reset()
    yield
    proxy.reset()


@pytest.fixture(scope="module")
def network(moto):
    """A VPC with two small subnets in us-east-1a (moto's default VPC hands out addresses that are not ours)."""
    api = moto.api()
    vpc = strip_ns(api.ec2("CreateVpc", {"CidrBlock": "10.213.0.0/16"})).find(".//vpcId").text

    def subnet(cidr):
        created = api.ec2("CreateSubnet", {"VpcId": vpc, "CidrBlock": cidr, "AvailabilityZone": ZONE})
        return strip_ns(created).find(".//subnetId").text

    return {"vpc": vpc, "host_subnet": subnet("10.213.21.0/28"), "spare_subnet": subnet("10.213.21.16/28")}


@pytest.fixture(scope="module")
def ec2_host():
    host = TestHost("ec2e2e", HOST_INDEX, address=HOST_ADDRESS).up()
    yield host
    host.down()


def aws_env(moto, **extra):
    """No ambient credentials, no instance-metadata lookups (169.254.169.254 is not ours)."""
    env = {"AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
           "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_SHARED_CREDENTIALS_FILE": ""}
    env.update(extra)
    return env


def create_args(endpoint, network, name, *extra, subnet=None, keys=None):
    args = ["create", "-d", "amazonec2", "--amazonec2-endpoint", endpoint, "--amazonec2-region", "us-east-1",
            "--amazonec2-zone", ZONE, "--amazonec2-vpc-id", network["vpc"],
            "--amazonec2-subnet-id", subnet or network["host_subnet"], "--amazonec2-private-address-only",
            "--amazonec2-ssh-user", "root", "--amazonec2-ssh-keypath", str(KEY_RSA)]
    if keys:
        args += ["--amazonec2-access-key", keys[0], "--amazonec2-secret-key", keys[1]]
    return args + list(extra) + [name]


def instance_of(moto, instance_id):
    root = strip_ns(moto.api().ec2("DescribeInstances", {"InstanceId.1": instance_id}))
    return root.find(".//instancesSet/item")


def key_pairs(moto):
    root = strip_ns(moto.api().ec2("DescribeKeyPairs"))
    return {item.find("keyName").text for item in root.findall(".//keySet/item")}


def security_groups(moto, vpc):
    root = strip_ns(moto.api().ec2("DescribeSecurityGroups", {"Filter.1.Name": "vpc-id", "Filter.1.Value.1": vpc}))
    return {item.find("groupName").text: item for item in root.findall(".//securityGroupInfo/item")}


def assert_nothing_stored(machine, name):
    assert not (machine.store / "machines" / name).exists()
    assert machine("ls", "-q").out == ""


def test_create_lifecycle_and_rm(machine, moto, proxy, network, ec2_host):
    keys = (moto.key, moto.secret)
    env = aws_env(moto)
    result = machine(*create_args(proxy.endpoint, network, "ec2m", "--amazonec2-retries", "2",
                                  "--amazonec2-tags", "team,e2e", "--amazonec2-open-port", "8080",
                                  keys=keys), env=env)
    assert result.code == 0, result
    assert "(ec2m) Launching instance..." in result.out
    assert "Docker is up and running!" in result.out

    config = json.loads((machine.store / "machines" / "ec2m" / "config.json").read_text())
    driver = config["Driver"]
    assert config["DriverName"] == "amazonec2"
    assert list(driver)[:10] == ["IPAddress", "MachineName", "SSHUser", "SSHPort", "SSHKeyPath", "StorePath",
                                 "SwarmMaster", "SwarmHost", "SwarmDiscovery", "Id"]
    assert list(driver)[-4:] == ["RetryCount", "Endpoint", "DisableSSL", "UserDataFile"]
    assert driver["IPAddress"] == HOST_ADDRESS and driver["PrivateIPAddress"] == HOST_ADDRESS
    assert driver["KeyName"] == "ec2m" and driver["ExistingKey"] is False
    assert driver["SubnetId"] == network["host_subnet"] and driver["RetryCount"] == 2
    instance_id = driver["InstanceId"]
    assert instance_id.startswith("i-")

    # What moto holds: tagged instance, imported key pair, the security group with its rules.
    instance = instance_of(moto, instance_id)
    tags = {t.find("key").text: t.find("value").text for t in instance.findall("tagSet/item")}
    assert tags.get("Name") == "ec2m" and tags.get("team") == "e2e"
    assert "ec2m" in key_pairs(moto)
    group = security_groups(moto, network["vpc"])["docker-machine"]
    ports = {(p.find("ipProtocol").text, p.find("fromPort").text) for p in group.findall("ipPermissions/item")}
    assert {("tcp", "22"), ("tcp", "2376"), ("tcp", "8080")} <= ports

    assert machine("status", "ec2m").out == "Running\n"
    assert machine("ip", "ec2m").out == f"{HOST_ADDRESS}\n"
    assert machine("url", "ec2m").out == f"tcp://{HOST_ADDRESS}:2376\n"
    ls = machine("ls")
    assert "ec2m" in ls.out and "amazonec2" in ls.out and f"tcp://{HOST_ADDRESS}:2376" in ls.out, ls
    run = machine.docker("ec2m", "run", "--rm", "busybox", "echo", "hello from ec2")
    assert (run.code, run.out) == (0, "hello from ec2\n"), run

    # Throttling: two throttled answers are retried away; a throttled API fails with AWS's code and message.
    proxy.throttle("DescribeInstances", 2)
    status = machine("status", "ec2m")
    assert (status.code, status.out) == (0, "Running\n"), status
    assert proxy.throttled == 2
    proxy.throttle()
    status = machine("status", "ec2m")
    assert status.code == 1
    assert "RequestLimitExceeded: Request limit exceeded." in status.err, status
    assert proxy.throttled == 3  # first try + --amazonec2-retries 2
    proxy.reset()

    # --debug shows the EC2 exchanges but no credentials.
    debug = machine("--debug", "status", "ec2m")
    assert debug.code == 0 and "EC2 request DescribeInstances" in debug.err, debug
    for secret in keys:
        assert secret not in debug.out + debug.err

    assert machine("stop", "ec2m").code == 0
    assert machine("status", "ec2m").out == "Stopped\n"
    started = machine("start", "ec2m")
    assert started.code == 0, started
    assert machine("status", "ec2m").out == "Running\n"
    restarted = machine("restart", "ec2m")
    assert restarted.code == 0, restarted
    assert machine("status", "ec2m").out == "Running\n"
    assert machine.docker("ec2m", "version", "--format", "{{.Server.Version}}").code == 0
    assert machine("kill", "ec2m").code == 0  # StopInstances with Force
    assert machine("status", "ec2m").out == "Stopped\n"
    assert machine("start", "ec2m").code == 0
    assert machine("status", "ec2m").out == "Running\n"

    removed = machine("rm", "-y", "ec2m")
    assert removed.code == 0, removed
    assert "Successfully removed ec2m" in removed.out
    assert instance_of(moto, instance_id).find("instanceState/name").text == "terminated"
    assert "ec2m" not in key_pairs(moto)
    assert "docker-machine" not in security_groups(moto, network["vpc"])
    assert_nothing_stored(machine, "ec2m")


def test_unknown_region(machine, moto, network):
    result = machine("create", "-d", "amazonec2", "--amazonec2-region", "mars-1", "--amazonec2-access-key", "a",
                     "--amazonec2-secret-key", "b", "r1", env=aws_env(moto))
    assert result.code == 1
    assert result.err == "Error setting machine configuration from flags provided: Invalid region specified\n"
    assert_nothing_stored(machine, "r1")


def test_missing_credentials(machine, moto, network):
    result = machine(*create_args(moto.endpoint, network, "c1"), env=aws_env(moto))
    assert result.code == 1
    assert result.err == (
        "Error setting machine configuration from flags provided: amazonec2 driver requires AWS credentials "
        "configured with the --amazonec2-access-key and --amazonec2-secret-key options, environment variables, "
        "~/.aws/credentials, or an instance role\n")
    assert_nothing_stored(machine, "c1")


def test_wrong_secret_is_a_clear_401(machine, moto, network):
    result = machine(*create_args(moto.endpoint, network, "w1", keys=(moto.key, "not-the-secret")),
                     env=aws_env(moto))
    assert result.code == 1
    assert result.err.startswith("Error setting machine configuration from flags provided: AuthFailure: AWS was "
                                 "not able to validate the provided access credentials\n\tstatus code: 401"), result
    assert "not-the-secret" not in result.out + result.err
    assert_nothing_stored(machine, "w1")


def test_subnet_not_found(machine, moto, network):
    result = machine(*create_args(moto.endpoint, network, "s1", subnet="subnet-0000000000deadbee",
                                  keys=(moto.key, moto.secret)), env=aws_env(moto))
    assert result.code == 1
    assert result.err == (
        "Error setting machine configuration from flags provided: The desired subnet could not be located in "
        "this region. Is '--amazonec2-subnet-id' or AWS_SUBNET_ID configured correctly?\n")
    assert_nothing_stored(machine, "s1")


def test_credentials_from_shared_file_profile(machine, moto, network):
    """~/.aws/credentials with a named profile: the subnet error proves the signed calls were accepted."""
    aws_dir = Path(machine.env["HOME"]) / ".aws"
    aws_dir.mkdir()
    (aws_dir / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAWRONGWRONGWRONG0\naws_secret_access_key = wrong\n\n"
        f"[e2e]\naws_access_key_id = {moto.key}\naws_secret_access_key = {moto.secret}\n")
    result = machine(*create_args(moto.endpoint, network, "p1", subnet="subnet-0000000000deadbee"),
                     env=aws_env(moto, AWS_PROFILE="e2e"))
    assert result.code == 1
    assert "The desired subnet could not be located" in result.err, result
    default = machine(*create_args(moto.endpoint, network, "p2"), env=aws_env(moto))
    assert "AuthFailure" in default.err, default


def test_throttled_api_gives_up_with_aws_error(machine, moto, proxy, network):
    proxy.throttle()
    result = machine(*create_args(proxy.endpoint, network, "t1", "--amazonec2-retries", "1",
                                  keys=(moto.key, moto.secret)), env=aws_env(moto))
    assert result.code == 1
    assert result.err.startswith("Error setting machine configuration from flags provided: RequestLimitExceeded: "
                                 "Request limit exceeded.\n\tstatus code: 503"), result
    assert proxy.throttled == 2
    assert_nothing_stored(machine, "t1")


def test_instance_never_running_times_out_and_cleans_up(machine, moto, proxy, network):
    """Takes 3 minutes: the driver polls 60 times, 3 s apart, as upstream did."""
    proxy.stuck_pending = True
    result = machine(*create_args(proxy.endpoint, network, "n1", subnet=network["spare_subnet"],
                                  keys=(moto.key, moto.secret)), env=aws_env(moto))
    proxy.reset()
    assert result.code == 1
    assert result.err.startswith("Error creating machine: Error in driver during machine creation: Maximum number "
                                 "of retries (60) exceeded waiting for instance i-"), result
    assert "to be running (last state: pending)" in result.err
    # Nothing left running in EC2: the instance is terminated and the key pair deleted.
    root = strip_ns(moto.api().ec2("DescribeInstances", {"Filter.1.Name": "subnet-id",
                                                         "Filter.1.Value.1": network["spare_subnet"]}))
    states = [i.find("instanceState/name").text for i in root.findall(".//instancesSet/item")]
    assert states and all(state == "terminated" for state in states), states
    assert "n1" not in key_pairs(moto)
    # The store keeps the machine as it was before the launch: ls shows it, rm -f removes it.
    assert "n1" in machine("ls", "-q").out
    removed = machine("rm", "-f", "n1")
    assert removed.code == 0, removed
    assert_nothing_stored(machine, "n1")
