#pragma once

// Command lines of `scp` and `mount` (cli.md §3.9, §3.14), as pure functions so tests can pin them.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace machine::cli {

// Where one side of an scp (or the source of a mount) lives.
struct CopyLocation {
    bool remote = false;
    std::string machine;  // "" for local
    std::string user;     // the SSH user to use (given, or the driver's)
    std::string host;     // SSH host name of the machine
    int port = 0;
    std::string key_path;          // "" when the driver has no key
    std::string known_hosts_path;  // pinned host keys; "" when none
    std::string path;
};

// "[[user@]machine:][path]": the split of cli.md §3.14 (machine "localhost" means local).
struct ParsedCopyArg {
    bool remote = false;
    std::string machine;
    std::string user;
    std::string path;
};
[[nodiscard]] ParsedCopyArg parse_copy_arg(const std::string& arg);

// "user@host:path", or the path of a local side.
[[nodiscard]] std::string location_text(const CopyLocation& location);

// scp argv (program name first). With `delta`, the rsync argv instead.
[[nodiscard]] std::vector<std::string> scp_command(const CopyLocation& source,
                                                   const CopyLocation& destination, bool recursive,
                                                   bool quiet, bool delta);

// sshfs argv for a mount, or fusermount -u for an unmount.
[[nodiscard]] std::vector<std::string> mount_command(const CopyLocation& source,
                                                     const std::string& mount_point);
[[nodiscard]] std::vector<std::string> unmount_command(const std::string& mount_point);

}  // namespace machine::cli
