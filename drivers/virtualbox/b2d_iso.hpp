#pragma once

// The boot2docker ISO of VirtualBox machines (certs-and-provisioning.md §8): the cache under
// <storage>/cache/boot2docker.iso, the "latest release" look-up on GitHub, and the copy into a machine's
// directory.

#include <optional>
#include <string>

#include "drivers/common/http_client.hpp"

namespace machine::drivers::virtualbox {

class Boot2DockerIso {
public:
    // `github_api_url` is https://api.github.com in production; `token` is sent as "Authorization: token
    // <t>".
    Boot2DockerIso(http::Transport& transport, std::string store_path, std::string github_api_url,
                   std::string token);

    // UpdateISOCache: makes the cache directory, then downloads the latest ISO when the cached one is missing
    // or out of date. `url` non-empty (a custom ISO) only warns when a cached ISO exists.
    void update_cache(const std::string& url);
    // CopyIsoToMachineDir: the cached ISO (no url) or `url` downloaded/copied to
    // <machine_dir>/boot2docker.iso.
    void copy_to_machine_dir(const std::string& machine_dir, const std::string& url);

    // "Boot2Docker-v18.09.0" (volume id at 0x8028 of the ISO) -> "v18.09.0". Throws Error "Did not find
    // prefix
    // \"-v\" in version string" or the read error.
    [[nodiscard]] static std::string iso_version(const std::string& iso_path);
    // The latest release tag: GET <api>/repos/boot2docker/boot2docker/releases/latest, field tag_name.
    [[nodiscard]] std::string latest_release_tag(const std::string& api_repo_url);

    [[nodiscard]] std::string cache_dir() const { return m_store_path + "/cache"; }
    [[nodiscard]] std::string cached_iso() const { return cache_dir() + "/boot2docker.iso"; }

private:
    // Writes `url`'s content to `target` (temp file, then rename); file:// and plain paths are copied.
    void download(const std::string& url, const std::string& target);
    void download_latest();
    [[nodiscard]] std::string resolve_release_url(const std::string& url);

    http::Transport& m_transport;
    std::string m_store_path;
    std::string m_github_api_url;
    std::string m_token;
};

}  // namespace machine::drivers::virtualbox
