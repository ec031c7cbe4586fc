#include "machine/health.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <set>
#include <string_view>

#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"
#include "machine/go_quote.hpp"

namespace machine::health {
namespace {

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

std::string date_of(std::chrono::system_clock::time_point when) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
    return text;
}

}  // namespace

std::vector<std::string> store_permission_warnings(const Store& store) {
    std::vector<std::string> warnings;
    struct stat info {};
    for (const std::string& directory : {store.root(), store.machines_dir(), store.certs_dir()}) {
        if (::stat(directory.c_str(), &info) == 0 && S_ISDIR(info.st_mode) && (info.st_mode & 077) != 0) {
            warnings.push_back("Warning: " + directory + " is open to other users (mode " +
                               octal_mode(info.st_mode) + "); run: chmod 700 " + directory);
        }
    }
    for (const char* key : {"ca-key.pem", "key.pem"}) {
        std::string path = go_path::join({store.certs_dir(), key});
        if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
            warnings.push_back("Warning: private key " + path + " is readable by other users (mode " +
                               octal_mode(info.st_mode) + "); run: chmod 600 " + path);
        }
    }
    return warnings;
}

std::vector<std::string> certificate_expiry_warnings(const std::vector<const Host*>& hosts,
                                                     std::chrono::system_clock::time_point now) {
    std::vector<std::string> warnings;
    std::set<std::string> checked_paths;
    for (const Host* host : hosts) {
        const AuthOptions& auth = host->options.auth;
        const std::pair<const char*, const std::string*> certificates[] = {
            {"CA certificate", &auth.ca_cert_path},
            {"client certificate", &auth.client_cert_path},
            {"server certificate", &auth.server_cert_path},
        };
        for (const auto& [what, path] : certificates) {
            struct stat info {};
            if (path->empty() || !checked_paths.insert(*path).second || ::stat(path->c_str(), &info) != 0) {
                continue;  // seen already, or not provisioned (none driver): nothing to warn about
            }
            std::optional<std::chrono::system_clock::time_point> read_expiry;
            try {
                read_expiry = cert::pem_not_after(read_file(*path));
            } catch (const Error&) {
            }
            if (!read_expiry) {
                continue;  // unreadable certificates are reported by the commands that use them
            }
            auto expiry = *read_expiry;
            if (expiry - now > k_expiry_warning_window) {
                continue;
            }
            bool server = std::string_view(what) == "server certificate";
            std::string subject = server ? "the server certificate of machine " + go_quote(host->name)
                                         : "the " + std::string(what) + " " + *path;
            // Beyond upstream (issue 11): both renew before expiry, with one daemon restart per machine.
            std::string remedy = server ? "run: docker-machine regenerate-certs --certs-only " + host->name
                                        : "renew it now (every machine of the store needs new server "
                                          "certificates then) with: docker-machine regenerate-certs -f "
                                          "--renew-ca --certs-only $(docker-machine ls -q)";
            warnings.push_back("Warning: " + subject + (expiry <= now ? " expired on " : " expires on ") +
                               date_of(expiry) + "; " + remedy);
        }
    }
    return warnings;
}

}  // namespace machine::health
