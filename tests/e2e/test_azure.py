"""create -d azure end to end: the driver signs in and talks to the project's Azure fake (tests/fakes/azure: the
OAuth endpoints, Resource Manager checked against Microsoft's Swagger descriptions, and the blob service) on
127.0.0.1, and the VM's public IP the fake hands out is a real test host standing at that address (index 23,
10.213.23.2), so provisioning as the admin user, `env` and `docker run` over TLS run for real.

The fake's hook plays the part of the cloud: on "create" it makes the admin user with the VM's SSH key and
passwordless sudo on the test host (as the Azure Linux agent does), on powerOff it shuts the test host down
(disk and address kept), on start/restart it boots it again."""
import json
import re
import stat
import subprocess
import sys
import urllib.request

import pytest

from conftest import KEY_ED25519, KIT, REPO, DockerMachine, TestHost, kept_hint

FAKE = REPO / "tests" / "fakes" / "azure" / "fake_azure.py"
INDEX = 23
ADDRESS = f"10.213.{INDEX}.2"
HOST_NAME = "e2eaz"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SUBSCRIPTION = "3a5b5a4e-0000-4000-8000-00000000e2e0"

HOOK = r"""#!/bin/bash
# The fake's hook: what Azure does to the machine behind a VM. $1 = event, SSH keys on stdin.
set -u
KIT={kit}
ssh_host() {{ ssh -q -i {key} -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=10 root@"$VM_IP" "$@"; }}
keys=$(mktemp); cat > "$keys"; trap 'rm -f "$keys"' EXIT
case "$1" in
    create) ssh_host "id -u $ADMIN_USER >/dev/null 2>&1 || useradd -m -s /bin/bash $ADMIN_USER
                      install -d -m 700 -o $ADMIN_USER -g $ADMIN_USER /home/$ADMIN_USER/.ssh
                      cat >> /home/$ADMIN_USER/.ssh/authorized_keys
                      chown $ADMIN_USER: /home/$ADMIN_USER/.ssh/authorized_keys
                      chmod 600 /home/$ADMIN_USER/.ssh/authorized_keys
                      echo '$ADMIN_USER ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/$ADMIN_USER" < "$keys" ;;
    powerOff) "$KIT/down.sh" -n {name} --keep-net ;;
    start) "$KIT/up.sh" -n {name} -i {index} -a "$VM_IP" ;;
    restart) "$KIT/down.sh" -n {name} --keep-net && "$KIT/up.sh" -n {name} -i {index} -a "$VM_IP" ;;
    delete) : ;;
esac
"""


class Fake:
    def __init__(self, tmp_path):
        hook = tmp_path / "hook.sh"
        hook.write_text(HOOK.format(kit=KIT, key=KEY_ED25519, name=HOST_NAME, index=INDEX))
        hook.chmod(0o755)
        self.process = subprocess.Popen(
            [sys.executable, str(FAKE), "--port", "0", "--tenant", TENANT, "--client", "app-id:app-secret",
             "--addresses", ADDRESS, "--unregistered", "Microsoft.Network", "--device-polls", "0",
             "--hook", str(hook)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, (line, self.process.stderr.read() if self.process.poll() is not None else "")
        self.url = match.group(1)

    def call(self, method, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def state(self):
        return self.call("GET", "/_fake/state")

    def findings(self):
        return self.call("GET", "/_fake/findings")

    def requests(self):
        return self.call("GET", "/_fake/requests")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def az_host():
    host = TestHost(HOST_NAME, INDEX).up()
    yield host
    host.down()


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    server = Fake(tmp_path_factory.mktemp("fakeaz"))
    yield server
    server.stop()


def point_at(machine, fake):
    machine.env["AZURE_RESOURCE_MANAGER_URL"] = fake.url
    machine.env["AZURE_ACTIVE_DIRECTORY_URL"] = fake.url
    return machine


@pytest.fixture
def az(machine, fake):
    fake.call("POST", "/_fake/reset")
    yield point_at(machine, fake)
    findings = fake.findings()
    assert findings == [], "\n".join(findings)


def create(machine, name, *extra, secret="app-secret"):
    return machine("create", "-d", "azure", "--azure-subscription-id", SUBSCRIPTION, "--azure-client-id", "app-id",
                   "--azure-client-secret", secret, *extra, name)


def kinds(state):
    return sorted(r["type"] for r in state["resources"].values())


def test_create_use_stop_start_restart_rm(az, fake, az_host):
    result = create(az, "azm1", "--azure-open-port", "8080", "--azure-open-port", "53/udp")
    assert result.code == 0, result
    expected = [
        '(azm1) Registering subscription to resource provider.  ns="Microsoft.Network" subs="%s"' % SUBSCRIPTION,
        "(azm1) Completed machine pre-create checks.",
        '(azm1) Querying existing resource group.  name="docker-machine"',
        '(azm1) Creating resource group.  name="docker-machine" location="westus"',
        '(azm1) Configuring availability set.  name="docker-machine"',
        '(azm1) Configuring network security group.  name="azm1-firewall" location="westus"',
        '(azm1) Creating virtual network.  name="docker-machine-vnet" rg="docker-machine" location="westus"',
        '(azm1) Configuring subnet.  name="docker-machine" vnet="docker-machine-vnet" cidr="192.168.0.0/16"',
        '(azm1) Creating public IP address.  name="azm1-ip" static=false',
        '(azm1) Creating network interface.  name="azm1-nic"',
        '(azm1) Creating virtual machine.  name="azm1" location="westus" size="Standard_A2" username="docker-user" '
        'osImage="canonical:UbuntuServer:16.04.0-LTS:latest"',
        "Docker is up and running!",
    ]
    for line in expected:
        assert line + "\n" in result.out, (line, result)
    assert re.search(r'\(azm1\) Creating storage account\.  name="vhds[0-9a-z]{20}" location="westus" '
                     r'sku=Standard_LRS\n', result.out), result

    state = fake.state()
    assert kinds(state) == ["Microsoft.Compute/availabilitySets", "Microsoft.Compute/virtualMachines",
                            "Microsoft.Network/networkInterfaces", "Microsoft.Network/networkSecurityGroups",
                            "Microsoft.Network/publicIPAddresses", "Microsoft.Network/virtualNetworks",
                            "Microsoft.Storage/storageAccounts"]
    nsg = next(r for r in state["resources"].values() if r["type"].endswith("networkSecurityGroups"))
    assert [(r["name"], r["properties"]["priority"], r["properties"]["protocol"])
            for r in nsg["properties"]["securityRules"]] == [
        ("SSHAllowAny", 100, "Tcp"), ("DockerAllowAny", 300, "Tcp"), ("Port8080-TcpAllowAny", 1000, "Tcp"),
        ("Port53-UdpAllowAny", 1001, "Udp")]
    vm = next(r for r in state["resources"].values() if r["type"].endswith("virtualMachines"))
    key = (az.store / "machines" / "azm1" / "id_rsa.pub").read_text()
    assert vm["properties"]["osProfile"]["linuxConfiguration"]["ssh"]["publicKeys"][0]["keyData"] == key
    for name in ("id_rsa", "id_rsa.pub"):
        assert stat.S_IMODE((az.store / "machines" / "azm1" / name).stat().st_mode) == 0o600
    config = json.loads((az.store / "machines" / "azm1" / "config.json").read_text())["Driver"]
    assert list(config)[9:] == ["ClientID", "ClientSecret", "Environment", "SubscriptionID", "ResourceGroup",
                                "DockerPort", "Location", "Size", "Image", "VirtualNetwork", "SubnetName",
                                "SubnetPrefix", "AvailabilitySet", "StorageType", "OpenPorts", "PrivateIPAddr",
                                "UsePrivateIP", "NoPublicIP", "DNSLabel", "StaticPublicIP", "CustomDataFile"]
    assert config["OpenPorts"] == ["8080", "53/udp"] and config["SSHUser"] == "docker-user"

    assert az("status", "azm1").out == "Running\n"
    assert az("ip", "azm1").out == f"{ADDRESS}\n"
    assert az("url", "azm1").out == f"tcp://{ADDRESS}:2376\n"
    run = az.docker("azm1", "run", "--rm", "busybox", "true")
    assert run.code == 0, run
    assert az("ssh", "azm1", "id", "-un").out.strip() == "docker-user"

    stop = az("stop", "azm1")
    assert stop.code == 0, stop
    assert "(azm1) NOTICE: Stopping an Azure Virtual Machine is just going to power it off, not deallocate.\n" \
        in stop.out
    assert az("status", "azm1").out == "Stopped\n"
    start = az("start", "azm1")
    assert start.code == 0, start
    assert az.docker("azm1", "run", "--rm", "busybox", "true").code == 0
    restart = az("restart", "azm1")
    assert restart.code == 0, restart
    assert az.docker("azm1", "run", "--rm", "busybox", "true").code == 0

    rm = az("rm", "-y", "azm1")
    assert rm.code == 0, rm
    assert "(azm1) NOTICE: Please check Azure portal/CLI to make sure you have no leftover resources to avoid " \
           "unexpected charges.\n" in rm.out
    assert not (az.store / "machines" / "azm1").exists()
    state = fake.state()
    assert state["resources"] == {} and state["blobs"] == {}
    assert list(state["groups"]) == ["docker-machine"]  # upstream keeps the resource group
    assert [h["event"] for h in state["hooks"]] == ["create", "powerOff", "start", "restart", "delete"]


def test_service_principal_secret_is_checked(az, fake):
    result = create(az, "azbad", secret="wrong")
    assert result.code == 3
    assert result.err.startswith('Error with pre-create check: "Failed to authenticate using service principal '
                                 'credentials: Failed to acquire a token for the service principal: StatusCode=401 '
                                 'error=\\"invalid_client\\"'), result
    assert az("ls", "-q").out == ""


def test_required_options_and_environment(az):
    result = az("create", "-d", "azure", "aznosub")
    assert (result.code, result.err) == (1, 'Error setting machine configuration from flags provided: azure driver '
                                            'requires the "azure-subscription-id" option.\n')
    result = create(az, "azenv", "--azure-environment", "AzureMoonCloud")
    assert (result.code, result.err) == (3, 'Error with pre-create check: "Invalid Azure environment: '
                                            '\\"AzureMoonCloud\\", supported values: AzurePublicCloud, '
                                            'AzureUSGovernmentCloud, AzureChinaCloud, AzureGermanCloud"\n')


def test_missing_custom_data_file(az, tmp_path):
    result = create(az, "azcd", "--azure-custom-data", str(tmp_path / "none"))
    assert (result.code, result.err) == (3, f'Error with pre-create check: "custom-data file {tmp_path}/none could '
                                            'not be found"\n')


def test_unknown_size_and_cleanup(az, fake):
    result = create(az, "azsize", "--azure-size", "Standard_Huge")
    assert result.code == 1
    assert result.err == ("Error creating machine: Error in driver during machine creation: "
                          "compute.VirtualMachinesClient#CreateOrUpdate: Failure responding to request: "
                          "StatusCode=400 -- Original Error: autorest/azure: Service returned an error. Status=400 "
                          "Code=\"InvalidParameter\" Message=\"The value Standard_Huge provided for the VM size is "
                          "not valid.\"\n" + kept_hint("azsize")), result
    assert az("ls", "-q").out == "azsize\n"
    rm = az("rm", "-y", "azsize")
    assert rm.code == 0, rm
    assert '(azsize) Virtual Machine does not exist. Skipping.  name="azsize"\n' in rm.out
    # everything made for the machine is gone; the shared storage account stays for the next machine, as upstream
    assert kinds(fake.state()) == ["Microsoft.Storage/storageAccounts"]


def test_device_flow_and_token_cache(az, fake, tmp_path):
    result = az("create", "-d", "azure", "--azure-subscription-id", SUBSCRIPTION, "--azure-open-port", "1/icmp",
                "azdev")
    assert result.code == 3
    assert re.search(r"^\(azdev\) Microsoft Azure: To sign in, use a web browser to open the page "
                     r"https://microsoft\.com/devicelogin and enter the code [0-9A-F]+ to authenticate\.$",
                     result.out, re.M), result
    assert result.err == ('Error with pre-create check: "cannot parse security rule protocol: invalid protocol '
                          'icmp"\n')
    credentials = az.store.parent / "home" / ".docker" / "machine" / "credentials" / "azure"
    token_file = credentials / f"{TENANT}.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert (credentials / f"{SUBSCRIPTION}.tenantid").read_text() == TENANT
    # the cached token is used: no second device code
    again = az("create", "-d", "azure", "--azure-subscription-id", SUBSCRIPTION, "--azure-open-port", "1/icmp",
               "azdev")
    assert "Microsoft Azure:" not in again.out
    assert sum("/oauth2/devicecode" in r["path"] for r in fake.requests()) == 1


def test_existing_vm_is_refused(az, fake, az_host, tmp_path):
    assert create(az, "azdup").code == 0
    other = point_at(DockerMachine(tmp_path / "store2", tmp_path / "home"), fake)
    result = create(other, "azdup")
    assert (result.code, result.err) == (3, 'Error with pre-create check: "Virtual Machine with name azdup already '
                                            'exists in resource group \\"docker-machine\\""\n')
    assert az("rm", "-y", "azdup").code == 0
    assert fake.state()["resources"] == {}
