// The virtualbox driver (reference/drivers.md §4.3): VBoxManage command sequences and output parsing, against
// a fake command runner answering with the hand-written VBoxManage outputs of tests/fixtures/virtualbox/.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "drivers/common/command_runner.hpp"
#include "drivers/common/http_client.hpp"
#include "drivers/virtualbox/b2d_iso.hpp"
#include "drivers/virtualbox/disk_image.hpp"
#include "drivers/virtualbox/hostonly_network.hpp"
#include "drivers/virtualbox/vbox_manage.hpp"
#include "drivers/virtualbox/virtualbox_driver.hpp"
#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "machine/process.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace vbox = machine::drivers::virtualbox;
using machine::Error;
using machine::FlagSpec;
using machine::FlagValues;
using machine::State;
using machine::drivers::CommandInput;
using machine::drivers::CommandResult;
using machine::drivers::CommandRunner;
using machine::drivers::VirtualBoxDriver;

std::string fixture(const std::string& name) {
    return machine::read_file(std::string(MACHINE_FIXTURES) + "/virtualbox/" + name);
}

using TempDir = machine::test::TempDir;

// A VirtualBox in memory: answers VBoxManage calls from fixtures, keeps the VM's state, records every call
// (arguments after the VBoxManage path, joined by spaces).
class FakeVBox final : public CommandRunner {
public:
    CommandResult run(const std::vector<std::string>& argv, const CommandInput& input) override {
        std::vector<std::string> args(argv.begin() + 1, argv.end());
        std::string call = machine::drivers::join_args(args);
        calls.push_back(call);
        inputs.push_back(input);
        for (auto& [prefix, answers] : scripted) {
            if (call.rfind(prefix, 0) == 0 && !answers.empty()) {
                CommandResult result = answers.front();
                answers.pop_front();
                return result;
            }
        }
        if (call == "--version") {
            return {0, version, ""};
        }
        if (call.rfind("showvminfo", 0) == 0) {
            if (vm_state.empty()) {
                return {1, "", fixture("showvminfo-not-found.stderr.txt")};
            }
            return {0, fixture("showvminfo-" + vm_state + ".txt"), ""};
        }
        if (call == "list hostonlyifs") {
            return {0, hostonlyifs, ""};
        }
        if (call == "list dhcpservers") {
            return {0, dhcpservers, ""};
        }
        if (call == "hostonlyif create") {
            hostonlyifs = hostonlyifs_after_create;
            return {0, fixture("hostonlyif-create.txt"), ""};
        }
        if (call.rfind("startvm", 0) == 0) {
            vm_state = "running";
        } else if (call.find("acpipowerbutton") != std::string::npos ||
                   call.find(" poweroff") != std::string::npos) {
            vm_state = "poweroff";
        } else if (call.rfind("createvm", 0) == 0) {
            vm_state = "poweroff";
        } else if (call.rfind("unregistervm", 0) == 0) {
            vm_state.clear();
        }
        return {0, "", ""};
    }

    // Calls that start with `prefix`, in order.
    [[nodiscard]] std::vector<std::string> calls_starting(const std::string& prefix) const {
        std::vector<std::string> out;
        for (const auto& call : calls) {
            if (call.rfind(prefix, 0) == 0) {
                out.push_back(call);
            }
        }
        return out;
    }

    std::string version = fixture("version.txt");
    std::string vm_state;  // "" = no such VM; else the showvminfo fixture suffix
    std::string hostonlyifs = fixture("list-hostonlyifs.txt");
    std::string hostonlyifs_after_create = fixture("list-hostonlyifs-created.txt");
    std::string dhcpservers = fixture("list-dhcpservers.txt");
    std::vector<std::pair<std::string, std::deque<CommandResult>>> scripted;
    std::vector<std::string> calls;
    std::vector<CommandInput> inputs;
};

class NoHttp final : public machine::drivers::http::Transport {
public:
    machine::drivers::http::Response send(const machine::drivers::http::Request& request) override {
        throw machine::drivers::http::TransportError("GET " + request.url + ": no network in unit tests");
    }
};

struct Harness {
    TempDir store;
    FakeVBox fake;
    NoHttp http;
    std::vector<std::string> guest_commands;
    std::string guest_ip_output = fixture("ip-addr-show.txt");

    VirtualBoxDriver::Environment environment(std::vector<vbox::Ipv4Net> host_networks = {}) {
        VirtualBoxDriver::Environment env;
        env.runner = &fake;
        env.vboxmanage_path = "/usr/bin/VBoxManage";
        env.transport = &http;
        env.guest_command = [this](const std::string& command) {
            guest_commands.push_back(command);
            return command == "ip addr show" ? guest_ip_output : std::string();
        };
        env.host_networks = std::move(host_networks);
        env.random = [](int) { return 4; };  // DHCP server .5
        env.choose_port = [](int wanted) { return wanted != 0 ? wanted : 41735; };
        env.poll_interval = std::chrono::milliseconds(0);
        env.host_cpus = 8;
        env.cpu_has_virtualization = [] { return true; };
        env.home_share_dir = store / "no-such-home";
        return env;
    }

    std::unique_ptr<VirtualBoxDriver> driver(std::vector<vbox::Ipv4Net> host_networks = {}) {
        fs::create_directories(store / "machines/dev");
        return std::make_unique<VirtualBoxDriver>("dev", store.path(), environment(std::move(host_networks)));
    }
};

// --- parsers
// -------------------------------------------------------------------------------------------------

TEST(VBoxParse, Version) {
    auto version = vbox::parse_vbox_version(fixture("version.txt"));
    ASSERT_TRUE(version);
    EXPECT_EQ(version->major, 6);
    EXPECT_EQ(version->minor, 1);
    auto seven = vbox::parse_vbox_version("7.0.10r158379\n");
    ASSERT_TRUE(seven);
    EXPECT_EQ(seven->major, 7);
    EXPECT_FALSE(vbox::parse_vbox_version("garbage"));
    EXPECT_FALSE(vbox::parse_vbox_version("6"));
}

TEST(VBoxParse, MachineReadable) {
    auto info = vbox::parse_machine_readable(fixture("showvminfo-running.txt"));
    EXPECT_EQ(info["VMState"], "running");
    EXPECT_EQ(info["memory"], "2048");
    EXPECT_EQ(info["cpus"], "2");
    EXPECT_EQ(info["SATA-1-0"], "/home/user/.docker/machine/machines/dev/disk.vmdk");
    EXPECT_EQ(info["Forwarding(0)"], "ssh,tcp,127.0.0.1,41735,,22");
    EXPECT_EQ(info["hostonlyadapter2"], "vboxnet0");
    EXPECT_EQ(info["macaddress2"], "0800278E6DB4");
}

TEST(VBoxParse, HostOnlyInterfaces) {
    auto adapters = vbox::parse_hostonly_interfaces(fixture("list-hostonlyifs.txt"));
    ASSERT_EQ(adapters.size(), 2U);
    EXPECT_EQ(adapters[0].name, "vboxnet0");
    EXPECT_EQ(adapters[0].ip, "192.168.56.1");
    EXPECT_EQ(adapters[0].netmask, "255.255.248.0");
    EXPECT_FALSE(adapters[0].dhcp);
    EXPECT_EQ(adapters[0].network_name, "HostInterfaceNetworking-vboxnet0");
    EXPECT_EQ(adapters[1].name, "vboxnet1");
    EXPECT_EQ(adapters[1].status, "Down");
    EXPECT_TRUE(vbox::parse_hostonly_interfaces("").empty());
}

TEST(VBoxParse, DhcpServersBothFormats) {
    auto modern = vbox::parse_dhcp_servers(fixture("list-dhcpservers.txt"));
    ASSERT_EQ(modern.size(), 2U);
    EXPECT_EQ(modern[0].network_name, "HostInterfaceNetworking-vboxnet0");
    EXPECT_EQ(modern[0].ip, "192.168.56.100");
    EXPECT_EQ(modern[0].lower_ip, "192.168.56.101");
    EXPECT_EQ(modern[0].upper_ip, "192.168.56.254");
    EXPECT_EQ(modern[0].netmask, "255.255.255.0");
    EXPECT_TRUE(modern[0].enabled);
    auto old = vbox::parse_dhcp_servers(fixture("list-dhcpservers-v5.txt"));
    ASSERT_EQ(old.size(), 1U);
    EXPECT_EQ(old[0].ip, "192.168.56.5");
    EXPECT_EQ(old[0].lower_ip, "192.168.56.100");
    EXPECT_EQ(old[0].netmask, "255.255.248.0");
}

TEST(VBoxParse, IpForMac) {
    std::string output = fixture("ip-addr-show.txt");
    EXPECT_EQ(vbox::ip_for_mac(output, "0800278E6DB4"), "192.168.56.101");  // inet6 before inet is skipped
    EXPECT_EQ(vbox::ip_for_mac(output, "080027d5a0b5"), "10.0.2.15");
    try {
        (void)vbox::ip_for_mac(output, "080027000000");
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Could not find matching IP for MAC address 080027000000");
    }
}

TEST(VBoxParse, CidrAndMasks) {
    auto net = vbox::parse_cidr("192.168.56.1/21");
    EXPECT_EQ(vbox::format_ipv4(net.ip), "192.168.56.1");
    EXPECT_EQ(vbox::format_ipv4(net.mask()), "255.255.248.0");
    EXPECT_EQ(vbox::format_ipv4(net.network()), "192.168.56.0");
    EXPECT_EQ(vbox::prefix_of_netmask("255.255.255.0"), 24);
    EXPECT_FALSE(vbox::prefix_of_netmask("255.0.255.0"));
    EXPECT_THROW((void)vbox::parse_cidr("192.168.56.1"), Error);
    EXPECT_THROW((void)vbox::parse_cidr("192.168.56.1/33"), Error);
}

// --- VBoxManage runner rules
// ---------------------------------------------------------------------------------

TEST(VBoxManage, RetriesWhileObjectNotReadyThenReportsErrors) {
    FakeVBox fake;
    fake.scripted.push_back({"showvminfo x",
                             {{1, "", "VBoxManage: error: The object is not ready\n"},
                              {1, "", "VBoxManage: error: The object is not ready\n"},
                              {0, "VMState=\"running\"\n", ""}}});
    vbox::VBoxManage manage(fake, "/opt/vbox/VBoxManage");
    manage.set_retry_delay(std::chrono::milliseconds(0));
    EXPECT_EQ(manage.run({"showvminfo", "x"}), "VMState=\"running\"\n");
    EXPECT_EQ(fake.calls.size(), 3U);

    fake.scripted.push_back({"modifyvm", {{1, "", "VBoxManage: error: Invalid NIC type 'x'\n"}}});
    try {
        manage.run({"modifyvm", "x", "--nictype1", "x"});
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()),
                  "/opt/vbox/VBoxManage modifyvm x --nictype1 x failed:\nVBoxManage: error: Invalid NIC type "
                  "'x'\n");
    }
    // Exit status 0 but "error:" on stderr is a failure too; a non-zero status without it is "exit status N".
    fake.scripted.push_back({"a", {{0, "", "error: odd\n"}}});
    EXPECT_THROW(manage.run({"a"}), Error);
    fake.scripted.push_back({"b", {{2, "", "warning only\n"}}});
    try {
        manage.run({"b"});
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "exit status 2");
    }
}

// --- flags and config
// ----------------------------------------------------------------------------------------

TEST(VirtualBoxDriver, FlagsAndDefaults) {
    Harness h;
    auto driver = h.driver();
    std::map<std::string, FlagSpec> by_name;
    for (const auto& flag : driver->create_flags()) {
        by_name[flag.name] = flag;
    }
    EXPECT_EQ(by_name.size(), 16U);
    EXPECT_EQ(by_name["virtualbox-memory"].default_int, 1024);
    EXPECT_EQ(by_name["virtualbox-memory"].env_var, "VIRTUALBOX_MEMORY_SIZE");
    EXPECT_EQ(by_name["virtualbox-cpu-count"].default_int, 1);
    EXPECT_EQ(by_name["virtualbox-disk-size"].default_int, 20000);
    EXPECT_EQ(by_name["virtualbox-hostonly-cidr"].default_string, "192.168.56.1/21");
    EXPECT_EQ(by_name["virtualbox-hostonly-nicpromisc"].default_string, "deny");
    EXPECT_EQ(by_name["virtualbox-hostonly-nicpromisc"].env_var, "VIRTUALBOX_HOSTONLY_NIC_PROMISC");
    EXPECT_EQ(by_name["virtualbox-import-boot2docker-vm"].env_var, "VIRTUALBOX_BOOT2DOCKER_IMPORT_VM");
    EXPECT_EQ(by_name["virtualbox-ui-type"].default_string, "headless");
    EXPECT_EQ(by_name["virtualbox-no-vtx-check"].kind, FlagSpec::Kind::Bool);

    std::vector<std::string> keys;
    for (const auto& field : driver->state_fields()) {
        keys.emplace_back(field.key);
    }
    std::vector<std::string> expected = {"IPAddress",
                                         "MachineName",
                                         "SSHUser",
                                         "SSHPort",
                                         "SSHKeyPath",
                                         "StorePath",
                                         "SwarmMaster",
                                         "SwarmHost",
                                         "SwarmDiscovery",
                                         "VBoxManager",
                                         "HostInterfaces",
                                         "CPU",
                                         "Memory",
                                         "DiskSize",
                                         "NatNicType",
                                         "Boot2DockerURL",
                                         "Boot2DockerImportVM",
                                         "HostDNSResolver",
                                         "HostOnlyCIDR",
                                         "HostOnlyNicType",
                                         "HostOnlyPromiscMode",
                                         "UIType",
                                         "HostOnlyNoDHCP",
                                         "NoShare",
                                         "DNSProxy",
                                         "NoVTXCheck",
                                         "ShareFolder"};
    EXPECT_EQ(keys, expected);
    EXPECT_EQ(driver->ssh_hostname(), "127.0.0.1");
    EXPECT_EQ(driver->ssh_username(), "docker");
    EXPECT_EQ(driver->ssh_key_path(), h.store / "machines/dev/id_rsa");
}

TEST(VirtualBoxDriver, ShareFolderSplitsAtLastColon) {
    EXPECT_EQ(VirtualBoxDriver::parse_share_folder("/data:share"),
              std::make_pair(std::string("/data"), std::string("share")));
    EXPECT_EQ(VirtualBoxDriver::parse_share_folder("C:\\Users:c/Users"),
              std::make_pair(std::string("C:\\Users"), std::string("c/Users")));
}

// --- pre-create check
// ----------------------------------------------------------------------------------------

TEST(VirtualBoxDriver, PreCreateCheckVersions) {
    Harness h;
    auto driver = h.driver();
    auto flags = machine::default_flag_values(driver->create_flags());
    machine::write_file_atomic(h.store / "custom.iso", "iso", 0644);
    flags.set("virtualbox-boot2docker-url", "file://" + (h.store / "custom.iso"));
    driver->set_config_from_flags(flags);

    h.fake.version = "4.2.16r86992\n";
    try {
        driver->pre_create_check();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(
            error.what(),
            "We support Virtualbox starting with version 5. Your VirtualBox install is \"4.2.16r86992\". "
            "Please upgrade at https://www.virtualbox.org");
    }
    h.fake.version = "6.1.38r153438\n";
    driver->pre_create_check();
    // A custom ISO URL: the cache directory is made, nothing is downloaded; then the adapters are listed.
    EXPECT_TRUE(fs::is_directory(h.store / "cache"));
    EXPECT_EQ(h.fake.calls.back(), "list hostonlyifs");

    h.fake.hostonlyifs = fixture("list-hostonlyifs-duplicate-ip.txt");
    try {
        driver->pre_create_check();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(
            error.what(),
            "VirtualBox is configured with multiple host-only adapters with the same IP \"192.168.56.1\". "
            "Please remove one");
    }
}

TEST(VirtualBoxDriver, PreCreateCheckVtx) {
    Harness h;
    auto env = h.environment();
    env.cpu_has_virtualization = [] { return false; };
    fs::create_directories(h.store / "machines/dev");
    VirtualBoxDriver driver("dev", h.store.path(), env);
    auto flags = machine::default_flag_values(driver.create_flags());
    flags.set("virtualbox-boot2docker-url", "file:///nonexistent.iso");
    driver.set_config_from_flags(flags);
    try {
        driver.pre_create_check();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "This computer doesn't have VT-X/AMD-v enabled. Enabling it in the BIOS is mandatory");
    }
    flags.set("virtualbox-no-vtx-check", true);
    driver.set_config_from_flags(flags);
    EXPECT_NO_THROW(driver.pre_create_check());
}

// --- create and start
// ----------------------------------------------------------------------------------------

TEST(VirtualBoxDriver, CreateRunsUpstreamsCommandSequence) {
    Harness h;
    auto driver = h.driver();
    auto flags = machine::default_flag_values(driver->create_flags());
    machine::write_file_atomic(h.store / "custom.iso", "ISO-CONTENT", 0644);
    fs::create_directories(h.store / "shared");
    flags.set("virtualbox-boot2docker-url", h.store / "custom.iso");
    flags.set("virtualbox-cpu-count", 0LL);  // < 1: the host's CPUs (8 here)
    flags.set("virtualbox-memory", 2048LL);
    flags.set("virtualbox-disk-size", 5000LL);
    flags.set("virtualbox-share-folder", (h.store / "shared") + ":data");
    flags.set("virtualbox-no-dns-proxy", true);
    driver->set_config_from_flags(flags);
    driver->create();

    const std::string dir = h.store / "machines/dev";
    EXPECT_EQ(machine::read_file(dir + "/boot2docker.iso"), "ISO-CONTENT");
    EXPECT_TRUE(machine::process::file_exists(dir + "/id_rsa"));

    std::vector<std::string> expected = {
        "convertfromraw stdin " + dir + "/disk.vmdk 5242880000 --format VMDK",
        "createvm --basefolder " + dir + " --name dev --register",
        "modifyvm dev --firmware bios --bioslogofadein off --bioslogofadeout off --bioslogodisplaytime 0 "
        "--biosbootmenu disabled --ostype Linux26_64 --cpus 8 --memory 2048 --acpi on --ioapic on "
        "--rtcuseutc on "
        "--natdnshostresolver1 off --natdnsproxy1 off --cpuhotplug off --pae on --hpet on --hwvirtex on "
        "--nestedpaging on --largepages on --vtxvpid on --accelerate3d off --boot1 dvd",
        "modifyvm dev --nic1 nat --nictype1 82540EM --cableconnected1 on",
        "storagectl dev --name SATA --add sata --hostiocache on",
        "storageattach dev --storagectl SATA --port 0 --device 0 --type dvddrive --medium " + dir +
            "/boot2docker.iso",
        "storageattach dev --storagectl SATA --port 1 --device 0 --type hdd --medium " + dir + "/disk.vmdk",
        "guestproperty set dev /VirtualBox/GuestAdd/SharedFolders/MountPrefix /",
        "guestproperty set dev /VirtualBox/GuestAdd/SharedFolders/MountDir /",
        "sharedfolder add dev --name data --hostpath " + (h.store / "shared") + " --automount",
        "setextradata dev VBoxInternal2/SharedFoldersEnableSymlinksCreate/data 1",
        // Start: the VM is powered off, so the host-only network is checked first.
        "showvminfo dev --machinereadable",
        "list hostonlyifs",  // vboxnet0 has 192.168.56.1/21 already: reused
        "list dhcpservers", "list hostonlyifs",
        "dhcpserver remove --netname HostInterfaceNetworking-vboxnet7",  // orphan
        "list dhcpservers",
        "dhcpserver modify --netname HostInterfaceNetworking-vboxnet0 --ip 192.168.56.5 --netmask "
        "255.255.248.0 "
        "--lowerip 192.168.56.100 --upperip 192.168.56.254 --enable",
        "modifyvm dev --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny --hostonlyadapter2 vboxnet0 "
        "--cableconnected2 on",
        "modifyvm dev --natpf1 delete ssh", "modifyvm dev --natpf1 ssh,tcp,127.0.0.1,41735,,22",
        "startvm dev --type headless",
        "showvminfo dev --machinereadable",  // GetIP: running?
        "showvminfo dev --machinereadable",  // GetIP: the host-only NIC's MAC
        "list hostonlyifs",                  // the adapter is still there after the start
    };
    EXPECT_EQ(h.fake.calls, expected);

    // The disk: the boot2docker tar stream, zero-filled to the disk size.
    const CommandInput& disk = h.fake.inputs.front();
    EXPECT_EQ(disk.total_size, 5000ULL << 20U);
    EXPECT_EQ(disk.head.substr(0, 29), "boot2docker, please format-me");
    EXPECT_NE(disk.head.find(machine::read_file(dir + "/id_rsa.pub")), std::string::npos);

    EXPECT_EQ(h.guest_commands, (std::vector<std::string>{"exit 0", "ip addr show"}));
    EXPECT_EQ(driver->base().ip_address, "192.168.56.101");
    EXPECT_EQ(driver->base().ssh_port, 41735);
    EXPECT_EQ(driver->url(), "tcp://192.168.56.101:2376");
}

TEST(VirtualBoxDriver, StartCreatesTheHostOnlyAdapterWhenNoneMatches) {
    Harness h;
    auto driver = h.driver();
    auto flags = machine::default_flag_values(driver->create_flags());
    driver->set_config_from_flags(flags);
    h.fake.vm_state = "poweroff";
    h.fake.hostonlyifs = fixture("list-hostonlyifs-empty.txt");
    h.fake.dhcpservers = "";
    driver->start();
    auto created = h.fake.calls_starting("hostonlyif");
    EXPECT_EQ(created, (std::vector<std::string>{
                           "hostonlyif create",
                           "hostonlyif ipconfig vboxnet0 --ip 192.168.56.1 --netmask 255.255.248.0",
                           // the repair after the start (see below)
                           "hostonlyif ipconfig vboxnet0 --ip 192.168.56.1 --netmask 255.255.248.0",
                       }));
    EXPECT_EQ(h.fake.calls_starting("dhcpserver"),
              (std::vector<std::string>{
                  "dhcpserver add --netname HostInterfaceNetworking-vboxnet0 --ip 192.168.56.5 "
                  "--netmask 255.255.248.0 --lowerip 192.168.56.100 --upperip 192.168.56.254 "
                  "--enable"}));
    // The fake keeps the /24 mask VirtualBox gave the new adapter: after the start the adapter is found
    // "corrupted", the VM is stopped, the address applied again, and the VM started again.
    EXPECT_EQ(h.fake.calls_starting("startvm").size(), 2U);
    EXPECT_EQ(h.fake.calls_starting("controlvm dev acpipowerbutton").size(), 1U);
}

TEST(VirtualBoxDriver, HostOnlyCidrChecks) {
    Harness h;
    auto flags_for = [&](VirtualBoxDriver& driver, const std::string& cidr) {
        auto flags = machine::default_flag_values(driver.create_flags());
        flags.set("virtualbox-hostonly-cidr", cidr);
        driver.set_config_from_flags(flags);
    };
    {
        auto driver = h.driver();
        flags_for(*driver, "192.168.56.0/21");
        h.fake.vm_state = "poweroff";
        try {
            driver->start();
            FAIL();
        } catch (const Error& error) {
            EXPECT_STREQ(
                error.what(),
                "Error setting up host only network on machine start: host-only cidr must be specified "
                "with a host address, not a network address");
        }
    }
    {
        // A host interface on the same network (and not one of VirtualBox's adapters) is a collision.
        auto driver = h.driver({vbox::parse_cidr("192.168.56.20/21")});
        flags_for(*driver, "192.168.56.1/21");
        try {
            driver->start();
            FAIL();
        } catch (const Error& error) {
            EXPECT_STREQ(
                error.what(),
                "Error setting up host only network on machine start: host-only cidr conflicts with the "
                "network address of a host interface");
        }
    }
    {
        // The host side of vboxnet0 itself (same address and prefix) is no collision.
        auto driver = h.driver({vbox::parse_cidr("192.168.56.1/21"), vbox::parse_cidr("10.0.0.5/8")});
        flags_for(*driver, "192.168.56.1/21");
        EXPECT_NO_THROW(driver->start());
    }
}

TEST(VirtualBoxDriver, DhcpRangeForSmallNetworks) {
    Harness h;
    auto driver = h.driver();
    auto flags = machine::default_flag_values(driver->create_flags());
    flags.set("virtualbox-hostonly-cidr", "192.168.64.1/25");
    flags.set("virtualbox-hostonly-no-dhcp", true);
    driver->set_config_from_flags(flags);
    h.fake.vm_state = "poweroff";
    h.fake.hostonlyifs =
        fixture("list-hostonlyifs.txt") +
        "Name:            vboxnet2\nIPAddress:       192.168.64.1\nNetworkMask:     255.255.255.128\n"
        "VBoxNetworkName: HostInterfaceNetworking-vboxnet2\n\n";
    driver->start();
    EXPECT_EQ(h.fake.calls_starting("dhcpserver add"),
              (std::vector<std::string>{
                  "dhcpserver add --netname HostInterfaceNetworking-vboxnet2 --ip 192.168.64.5 "
                  "--netmask 255.255.255.128 --lowerip 192.168.64.6 --upperip 192.168.64.126 "
                  "--disable"}));
}

// --- state, stop, kill, remove
// -------------------------------------------------------------------------------

TEST(VirtualBoxDriver, StateMapping) {
    Harness h;
    auto driver = h.driver();
    std::vector<std::pair<std::string, State>> cases = {{"running", State::Running},
                                                        {"poweroff", State::Stopped},
                                                        {"paused", State::Paused},
                                                        {"saved", State::Saved}};
    for (const auto& [name, expected] : cases) {
        h.fake.vm_state = name;
        EXPECT_EQ(driver->state(), expected) << name;
    }
    h.fake.vm_state.clear();
    try {
        (void)driver->state();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "machine does not exist");
    }
}

TEST(VirtualBoxDriver, IpNeedsARunningVm) {
    Harness h;
    auto driver = h.driver();
    h.fake.vm_state = "poweroff";
    try {
        (void)driver->ip();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Host is not running");
    }
    h.fake.vm_state = "running";
    EXPECT_EQ(driver->ip(), "192.168.56.101");
}

TEST(VirtualBoxDriver, StopKillRemove) {
    Harness h;
    auto driver = h.driver();
    driver->base().ip_address = "192.168.56.101";
    h.fake.vm_state = "paused";
    // Paused: resumed first; the fake turns "resume" into nothing, acpipowerbutton powers off.
    driver->stop();
    EXPECT_EQ(h.fake.calls_starting("controlvm"),
              (std::vector<std::string>{"controlvm dev resume", "controlvm dev acpipowerbutton"}));
    EXPECT_EQ(driver->base().ip_address, "");

    h.fake.calls.clear();
    h.fake.vm_state = "running";
    driver->kill();
    EXPECT_EQ(h.fake.calls, (std::vector<std::string>{"controlvm dev poweroff"}));

    h.fake.calls.clear();
    h.fake.vm_state = "running";
    driver->remove();
    EXPECT_EQ(h.fake.calls,
              (std::vector<std::string>{"showvminfo dev --machinereadable", "controlvm dev poweroff",
                                        "unregistervm --delete dev"}));

    // An unknown VM: nothing to remove, no error.
    h.fake.calls.clear();
    driver->remove();
    EXPECT_EQ(h.fake.calls, (std::vector<std::string>{"showvminfo dev --machinereadable"}));
}

TEST(VirtualBoxDriver, StartFailureQuotesTheVmLog) {
    Harness h;
    auto driver = h.driver();
    auto flags = machine::default_flag_values(driver->create_flags());
    driver->set_config_from_flags(flags);
    h.fake.vm_state = "saved";
    h.fake.scripted.push_back({"startvm", {{1, "", "VBoxManage: error: The VM session was aborted\n"}}});
    fs::create_directories(h.store / "machines/dev/dev/Logs");
    machine::write_file_atomic(h.store / "machines/dev/dev/Logs/VBox.log",
                               "00:00:01 start\n00:00:02 last words\n", 0644);
    try {
        driver->start();
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(
            std::string(error.what()),
            "Unable to start the VM: /usr/bin/VBoxManage startvm dev --type headless failed:\nVBoxManage: "
            "error: The VM session was aborted\n\nDetails: 00:00:02 last words");
    }
    // Saved: no host-only network set-up, straight to the port forwarding and startvm.
    EXPECT_TRUE(h.fake.calls_starting("list hostonlyifs").empty());
}

TEST(VirtualBoxDriver, VtxFailureInTheVmLog) {
    Harness h;
    auto driver = h.driver();
    driver->set_config_from_flags(machine::default_flag_values(driver->create_flags()));
    h.fake.vm_state = "saved";
    fs::create_directories(h.store / "machines/dev/dev/Logs");
    machine::write_file_atomic(h.store / "machines/dev/dev/Logs/VBox.log",
                               "00:00:01 Power up failed (vrc=VERR_VMX_NO_VMX, rc=NS_ERROR_FAILURE)\n", 0644);
    try {
        driver->start();
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "This computer doesn't have VT-X/AMD-v enabled. Enabling it in the BIOS is mandatory");
    }
}

// --- boot2docker pieces
// --------------------------------------------------------------------------------------

TEST(Boot2Docker, DiskTarIsAValidTarStream) {
    TempDir dir;
    std::string tar = vbox::boot2docker_disk_tar("ssh-rsa AAAAB3 test@host\n");
    EXPECT_EQ(tar.size() % 512, 0U);
    machine::write_file_atomic(dir / "disk.tar", tar, 0644);
    auto listing = machine::process::run_captured({"tar", "-tvf", dir / "disk.tar"});
    ASSERT_EQ(listing.exit_status, 0) << listing.output;
    EXPECT_NE(listing.output.find("-rw-r--r-- 0/0              29"), std::string::npos) << listing.output;
    EXPECT_NE(listing.output.find("boot2docker, please format-me"), std::string::npos);
    EXPECT_NE(listing.output.find("drwx------ 0/0               0"), std::string::npos) << listing.output;
    EXPECT_NE(listing.output.find(".ssh/authorized_keys2"), std::string::npos);
    auto content = machine::process::run_captured({"tar", "-xOf", dir / "disk.tar", ".ssh/authorized_keys"});
    EXPECT_EQ(content.output, "ssh-rsa AAAAB3 test@host\n");
}

TEST(Boot2Docker, IsoVersionFromVolumeId) {
    TempDir dir;
    std::string iso(0x8028 + 32, '\0');
    std::string volume = "Boot2Docker-v18.09.0";
    volume.resize(32, ' ');
    iso.replace(0x8028, 32, volume);
    machine::write_file_atomic(dir / "b2d.iso", iso, 0644);
    EXPECT_EQ(vbox::Boot2DockerIso::iso_version(dir / "b2d.iso"), "v18.09.0");
    std::string other = iso;
    other.replace(0x8028, 32, std::string(32, ' ').replace(0, 6, "CDROM1"));
    machine::write_file_atomic(dir / "other.iso", other, 0644);
    try {
        (void)vbox::Boot2DockerIso::iso_version(dir / "other.iso");
        FAIL();
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "Did not find prefix \"-v\" in version string");
    }
}

}  // namespace
