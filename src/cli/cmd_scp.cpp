#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/remote_copy.hpp"
#include "machine/error.hpp"
#include "machine/machine_ssh.hpp"
#include "machine/process.hpp"

namespace machine::cli {
namespace {

// Fills a CopyLocation from an argument, loading the machine for a remote side.
CopyLocation resolve_location(Context& context, const std::string& arg) {
    ParsedCopyArg parsed = parse_copy_arg(arg);
    CopyLocation location;
    location.path = parsed.path;
    if (!parsed.remote) {
        return location;
    }
    std::unique_ptr<Host> host;
    try {
        host = context.store->load(parsed.machine);
    } catch (const Error& error) {
        throw Error(std::string("Error loading host: Error loading host: ") + error.what());
    }
    ssh::Endpoint endpoint = ssh_endpoint(*host->driver);
    location.remote = true;
    location.machine = parsed.machine;
    location.user = parsed.user.empty() ? endpoint.user : parsed.user;
    location.host = endpoint.host;
    location.port = endpoint.port;
    location.key_path = endpoint.key_path;
    location.known_hosts_path =
        process::file_exists(endpoint.known_hosts_path) ? endpoint.known_hosts_path : "";
    return location;
}

class ScpCommand final : public Command {
public:
    std::string name() const override { return "scp"; }
    std::string usage() const override { return "Copy files between machines"; }
    std::string description() const override {
        return "Arguments are [[user@]machine:][path] [[user@]machine:][path].";
    }
    std::vector<FlagDef> flags() const override {
        return {
            bool_flag({"recursive", "r"}, "Copy files recursively (required to copy directories)"),
            bool_flag({"delta", "d"},
                      "Reduce amount of data sent over network by sending only the differences (uses rsync)"),
            bool_flag({"quiet", "q"},
                      "Disables the progress meter as well as warning and diagnostic messages from ssh"),
        };
    }

    int run(Context& context, const ParseResult& parsed) override {
        if (parsed.args.size() != 2) {
            print_help(*this, context);
            throw Error("Improper number of arguments");
        }
        bool delta = parsed.flags.boolean("delta");
        if (!process::find_in_path(delta ? "rsync" : "scp")) {
            throw Error(delta ? "You must have a copy of the rsync binary locally to use the --delta option"
                              : "You must have a copy of the scp binary locally to use the scp feature");
        }
        CopyLocation source = resolve_location(context, parsed.args[0]);
        CopyLocation destination = resolve_location(context, parsed.args[1]);
        auto argv = scp_command(source, destination, parsed.flags.boolean("recursive"),
                                parsed.flags.boolean("quiet"), delta);
        int status = process::run_attached(argv);
        if (status != 0) {
            throw Error("exit status " + std::to_string(status));
        }
        return 0;
    }
};

class MountCommand final : public Command {
public:
    std::string name() const override { return "mount"; }
    std::string usage() const override { return "Mount or unmount a directory from a machine with SSHFS."; }
    std::string description() const override { return "Arguments are [machine:][path] [mountpoint]"; }
    std::vector<FlagDef> flags() const override {
        return {bool_flag({"unmount", "u"}, "Unmount instead of mount")};
    }

    int run(Context& context, const ParseResult& parsed) override {
        if (parsed.args.empty() || parsed.args.size() > 2) {
            print_help(*this, context);
            throw Error("Improper number of arguments");
        }
        bool unmount = parsed.flags.boolean("unmount");
        if (!process::find_in_path(unmount ? "fusermount" : "sshfs")) {
            throw Error(
                unmount ? "You must have a copy of the fusermount binary locally to use the unmount option"
                        : "You must have a copy of the sshfs binary locally to use the mount feature");
        }
        // No ':' means the default machine (cli.md §3.9).
        std::string source_arg = parsed.args[0];
        if (source_arg.find(':') == std::string::npos) {
            source_arg = "default:" + source_arg;
        }
        CopyLocation source = resolve_location(context, source_arg);
        std::string mount_point = parsed.args.size() == 2 ? parsed.args[1] : source.path;
        auto argv = unmount ? unmount_command(mount_point) : mount_command(source, mount_point);
        int status = process::run_attached(argv);
        if (status != 0) {
            throw Error("exit status " + std::to_string(status));
        }
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_scp_command() {
    return std::make_unique<ScpCommand>();
}
std::unique_ptr<Command> make_mount_command() {
    return std::make_unique<MountCommand>();
}

}  // namespace machine::cli
