#include "drivers/virtualbox/b2d_iso.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "drivers/common/driver_support.hpp"
#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "machine/log.hpp"

namespace machine::drivers::virtualbox {
namespace {

constexpr std::streamoff k_volume_id_offset = 0x8028;
constexpr std::size_t k_volume_id_size = 32;

bool exists(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
}

// Upstream's download progress: "N%" at every multiple of 10 and "." at the steps of 2 % between.
std::string progress_line() {
    std::string line;
    for (int percent = 0; percent <= 100; percent += 2) {
        line += percent % 10 == 0 ? std::to_string(percent) + "%" : ".";
    }
    return line;
}

}  // namespace

Boot2DockerIso::Boot2DockerIso(http::Transport& transport, std::string store_path, std::string github_api_url,
                               std::string token)
    : m_transport(transport),
      m_store_path(std::move(store_path)),
      m_github_api_url(http::trim_base_url(github_api_url)),
      m_token(std::move(token)) {}

std::string Boot2DockerIso::iso_version(const std::string& iso_path) {
    std::ifstream in(iso_path, std::ios::binary);
    if (!in) {
        throw Error("open " + iso_path + ": " + std::strerror(errno));
    }
    std::array<char, k_volume_id_size> buffer{};
    in.seekg(k_volume_id_offset);
    in.read(buffer.data(), buffer.size());
    if (in.gcount() != static_cast<std::streamsize>(buffer.size())) {
        throw Error("EOF");
    }
    std::string volume_id = support::trim(std::string(buffer.data(), buffer.size()));
    auto prefix = volume_id.find("-v");
    if (prefix == std::string::npos) {
        throw Error("Did not find prefix \"-v\" in version string");
    }
    return "v" + volume_id.substr(prefix + 2);
}

std::string Boot2DockerIso::latest_release_tag(const std::string& api_repo_url) {
    http::Request request;
    request.url = api_repo_url + "/releases/latest";
    if (!m_token.empty()) {
        request.headers.push_back({"Authorization", "token " + m_token});
    }
    http::Response response = m_transport.send(request);
    std::string tag;
    try {
        auto body = nlohmann::json::parse(response.body);
        if (body.is_object() && body.contains("tag_name") && body["tag_name"].is_string()) {
            tag = body["tag_name"].get<std::string>();
        }
    } catch (const nlohmann::json::exception& error) {
        throw Error(error.what());
    }
    if (tag.empty()) {
        throw Error(
            "failure getting a version tag from the Github API response (are you getting rate limited by "
            "Github?)");
    }
    log::info("Latest release for github.com/boot2docker/boot2docker is " + tag);
    return tag;
}

std::string Boot2DockerIso::resolve_release_url(const std::string& url) {
    // http(s)://<host>[/api/v3]/repos/<org>/<repo>/releases -> the latest release's boot2docker.iso.
    static const std::regex k_releases(R"((https?)://([^/]+)(/api/v3)?/repos/([^/]+)/([^/]+)/releases/?)");
    std::smatch match;
    if (!std::regex_match(url, match, k_releases)) {
        return url;
    }
    std::string api_repo = match[1].str() + "://" + match[2].str() + match[3].str() + "/repos/" +
                           match[4].str() + "/" + match[5].str();
    std::string tag = latest_release_tag(api_repo);
    std::string host = match[2].str() == "api.github.com" ? "github.com" : match[2].str();
    return match[1].str() + "://" + host + "/" + match[4].str() + "/" + match[5].str() +
           "/releases/download/" + tag + "/boot2docker.iso";
}

void Boot2DockerIso::download(const std::string& url, const std::string& target) {
    log::info("Downloading " + target + " from " + url + "...");
    std::string content;
    if (url.rfind("file://", 0) == 0) {
        content = read_file(url.substr(7));
    } else if (url.find("://") == std::string::npos) {
        content = read_file(url);
    } else {
        http::Request request;
        request.url = url;
        request.timeout = std::chrono::seconds(600);
        http::Response response = m_transport.send(request);
        if (response.status != 200) {
            throw Error("failed to download " + url + ": HTTP status " + std::to_string(response.status));
        }
        content = std::move(response.body);
        // The whole body arrives at once through our transport: the progress line is written when done.
        log::info(progress_line());
    }
    write_file_atomic(target, content, 0644);
}

void Boot2DockerIso::download_latest() {
    std::string tag = latest_release_tag(m_github_api_url + "/repos/boot2docker/boot2docker");
    download("https://github.com/boot2docker/boot2docker/releases/download/" + tag + "/boot2docker.iso",
             cached_iso());
}

void Boot2DockerIso::update_cache(const std::string& url) {
    if (!exists(cache_dir())) {
        log::info("Image cache directory does not exist, creating it at " + cache_dir() + "...");
        make_directories(cache_dir(), 0700);
    }
    if (!url.empty()) {
        if (exists(cached_iso())) {
            log::info(
                "Boot2Docker URL was explicitly set to \"" + url +
                "\" at create time, so Docker Machine cannot upgrade this machine to the latest version.");
        }
        return;
    }
    if (!exists(cached_iso())) {
        log::info("No default Boot2Docker ISO found locally, downloading the latest release...");
        download_latest();
        return;
    }
    std::string local;
    try {
        local = iso_version(cached_iso());
    } catch (const Error& error) {
        log::warn(std::string("Unable to get the local Boot2Docker ISO version: ") + error.what());
    }
    std::string latest;
    try {
        latest = latest_release_tag(m_github_api_url + "/repos/boot2docker/boot2docker");
    } catch (const Error& error) {
        log::warn(std::string("Unable to get the latest Boot2Docker ISO release version: ") + error.what());
        return;  // treated as up to date
    }
    if (local != latest) {
        log::info("Default Boot2Docker ISO is out-of-date, downloading the latest release...");
        download(
            "https://github.com/boot2docker/boot2docker/releases/download/" + latest + "/boot2docker.iso",
            cached_iso());
    }
}

void Boot2DockerIso::copy_to_machine_dir(const std::string& machine_dir, const std::string& url) {
    std::string target = machine_dir + "/boot2docker.iso";
    if (url.empty()) {
        log::info("Copying " + cached_iso() + " to " + target + "...");
        write_file_atomic(target, read_file(cached_iso()), 0644);
        return;
    }
    download(resolve_release_url(url), target);
}

}  // namespace machine::drivers::virtualbox
