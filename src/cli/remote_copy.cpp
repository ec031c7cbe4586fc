#include "cli/remote_copy.hpp"

#include "machine/go_quote.hpp"

namespace machine::cli {
namespace {

// Host-key options: pinned known_hosts files when every remote side has one, else upstream's
// "trust anything" options (machines created by docker-machine 0.16.2 have no pinned key).
std::vector<std::string> host_key_options(const std::vector<const CopyLocation*>& remotes) {
    std::string files;
    for (const CopyLocation* location : remotes) {
        if (location->known_hosts_path.empty()) {
            return {"-o", "StrictHostKeyChecking=no",
                    "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "LogLevel=quiet"};
        }
        files += (files.empty() ? "" : " ") + location->known_hosts_path;
    }
    if (files.empty()) {
        return {
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=quiet"};
    }
    return {"-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + files, "-o", "LogLevel=quiet"};
}

std::vector<std::string> side_options(const CopyLocation& location) {
    std::vector<std::string> options;
    if (!location.remote) {
        return options;
    }
    if (location.port > 0) {
        options.insert(options.end(), {"-o", "Port=" + std::to_string(location.port)});
    }
    if (!location.key_path.empty()) {
        options.insert(options.end(), {"-o", "IdentityFile=" + go_quote(location.key_path)});
    }
    return options;
}

std::vector<const CopyLocation*> remotes_of(const CopyLocation& a, const CopyLocation& b) {
    std::vector<const CopyLocation*> remotes;
    for (const CopyLocation* location : {&a, &b}) {
        if (location->remote) {
            remotes.push_back(location);
        }
    }
    return remotes;
}

}  // namespace

ParsedCopyArg parse_copy_arg(const std::string& arg) {
    ParsedCopyArg parsed;
    auto colon = arg.find(':');
    if (colon == std::string::npos) {
        parsed.path = arg;
        return parsed;
    }
    std::string machine = arg.substr(0, colon);
    parsed.path = arg.substr(colon + 1);
    if (auto at = machine.find('@'); at != std::string::npos) {
        parsed.user = machine.substr(0, at);
        machine = machine.substr(at + 1);
    }
    if (machine == "localhost") {
        parsed.user.clear();
        return parsed;  // an escape for local paths with a colon, e.g. localhost:C:\x
    }
    parsed.remote = true;
    parsed.machine = machine;
    return parsed;
}

std::string location_text(const CopyLocation& location) {
    if (!location.remote) {
        return location.path;
    }
    // scp, rsync and sshfs take an IPv6 literal in brackets: user@[::1]:path.
    const bool ipv6 = location.host.find(':') != std::string::npos;
    return location.user + "@" + (ipv6 ? "[" + location.host + "]" : location.host) + ":" + location.path;
}

std::vector<std::string> scp_command(const CopyLocation& source, const CopyLocation& destination,
                                     bool recursive, bool quiet, bool delta) {
    auto remotes = remotes_of(source, destination);
    std::vector<std::string> ssh_options = host_key_options(remotes);
    bool every_remote_has_key = true;
    for (const CopyLocation* location : remotes) {
        every_remote_has_key = every_remote_has_key && !location->key_path.empty();
    }
    std::vector<std::string> identity_options;
    if (every_remote_has_key) {
        identity_options = {"-o", "IdentitiesOnly=yes"};
    }
    auto source_options = side_options(source);
    auto destination_options = side_options(destination);

    if (delta) {
        std::string ssh_line = "ssh";
        for (const auto* group : {&ssh_options, &identity_options, &source_options, &destination_options}) {
            for (const auto& word : *group) {
                ssh_line += " " + word;
            }
        }
        std::vector<std::string> argv = {"rsync"};
        if (!quiet) {
            argv.push_back("--progress");
        }
        argv.insert(argv.end(), {"-e", ssh_line});
        if (recursive) {
            argv.push_back("-r");
        }
        argv.push_back(location_text(source));
        argv.push_back(location_text(destination));
        return argv;
    }
    std::vector<std::string> argv = {"scp"};
    argv.insert(argv.end(), ssh_options.begin(), ssh_options.end());
    argv.push_back("-3");
    if (recursive) {
        argv.push_back("-r");
    }
    if (quiet) {
        argv.push_back("-q");
    }
    argv.insert(argv.end(), identity_options.begin(), identity_options.end());
    argv.insert(argv.end(), source_options.begin(), source_options.end());
    argv.insert(argv.end(), destination_options.begin(), destination_options.end());
    argv.push_back(location_text(source));
    argv.push_back(location_text(destination));
    return argv;
}

std::vector<std::string> mount_command(const CopyLocation& source, const std::string& mount_point) {
    std::vector<std::string> argv = {"sshfs"};
    auto options = host_key_options({&source});
    argv.insert(argv.end(), options.begin(), options.end());
    if (!source.key_path.empty()) {
        argv.insert(argv.end(), {"-o", "IdentitiesOnly=yes"});
    }
    if (source.port > 0) {
        argv.insert(argv.end(), {"-o", "Port=" + std::to_string(source.port)});
    }
    if (!source.key_path.empty()) {
        argv.insert(argv.end(), {"-o", "IdentityFile=" + source.key_path});  // sshfs: not quoted
    }
    argv.push_back(location_text(source));
    argv.push_back(mount_point);
    return argv;
}

std::vector<std::string> unmount_command(const std::string& mount_point) {
    return {"fusermount", "-u", mount_point};
}

}  // namespace machine::cli
