#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"
#include "machine/log.hpp"

namespace machine::cert {
namespace {

constexpr int k_dir_mode = 0700;

enum class PathState { Exists, Missing, Unknown };

// Go's os.Stat + os.IsNotExist: anything but ENOENT counts as "there" for the callers below.
PathState stat_path(const std::string& path, int* error = nullptr) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
        return PathState::Exists;
    }
    if (error != nullptr) {
        *error = errno;
    }
    return errno == ENOENT ? PathState::Missing : PathState::Unknown;
}

// Upstream's CheckCertificateDate: false when the certificate's NotAfter has passed.
bool certificate_is_current(const std::string& cert_path) {
    return std::chrono::system_clock::now() <= not_after(cert_path);
}

void create_ca(const BootstrapPaths& paths, const std::string& organization) {
    log::info("Creating CA: " + paths.ca_cert);
    if (stat_path(paths.ca_key) == PathState::Exists) {
        throw Error("certificate authority key already exists");
    }
    try {
        generate_ca(paths.ca_cert, paths.ca_key, organization);
    } catch (const Error& error) {
        throw Error(std::string("generating CA certificate failed: ") + error.what());
    }
}

void create_client_cert(const BootstrapPaths& paths, const std::string& organization) {
    log::info("Creating client certificate: " + paths.client_cert);
    int error_number = 0;
    switch (stat_path(paths.cert_dir, &error_number)) {
        case PathState::Exists:
            break;
        case PathState::Missing:
            if (::mkdir(paths.cert_dir.c_str(), k_dir_mode) != 0) {
                throw Error("failure creating machine client cert dir: " +
                            go_path_error("mkdir", paths.cert_dir, errno));
            }
            break;
        case PathState::Unknown:
            throw Error(go_path_error("stat", paths.cert_dir, error_number));
    }
    if (stat_path(paths.client_key) == PathState::Exists) {
        throw Error("client key already exists");
    }
    try {
        generate_signed_cert(paths.client_cert, paths.client_key, paths.ca_cert, paths.ca_key,
                             organization + ".<bootstrap>", {}, false);
    } catch (const Error& error) {
        throw Error(std::string("failure generating client certificate: ") + error.what());
    }
}

}  // namespace

void bootstrap_certificates(const BootstrapPaths& paths) {
    const std::string organization = default_organization();

    int error_number = 0;
    switch (stat_path(paths.cert_dir, &error_number)) {
        case PathState::Exists:
            break;
        case PathState::Missing:
            try {
                make_directories(paths.cert_dir, k_dir_mode);
            } catch (const Error& error) {
                throw Error(std::string("creating machine certificate dir failed: ") + error.what());
            }
            break;
        case PathState::Unknown:
            throw Error(go_path_error("stat", paths.cert_dir, error_number));
    }

    if (stat_path(paths.ca_cert) == PathState::Missing) {
        create_ca(paths, organization);
    } else if (!certificate_is_current(paths.ca_cert)) {
        log::info("CA certificate is outdated and needs to be regenerated");
        ::unlink(paths.ca_key.c_str());  // upstream ignores the error of this os.Remove
        create_ca(paths, organization);
    }

    // A still-valid client certificate is kept even when the CA was just regenerated (upstream behaviour).
    if (stat_path(paths.client_cert) == PathState::Missing) {
        create_client_cert(paths, organization);
    } else if (!certificate_is_current(paths.client_cert)) {
        log::info("Client certificate is outdated and needs to be regenerated");
        ::unlink(paths.client_key.c_str());
        create_client_cert(paths, organization);
    }
}

}  // namespace machine::cert
