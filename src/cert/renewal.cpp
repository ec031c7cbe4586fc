#include <cerrno>
#include <cstdio>

#include "machine/atomic_file.hpp"
#include "machine/cert_renewal.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"

namespace machine::cert {

void renew_ca_and_client_certificate(const BootstrapPaths& paths) {
    const std::string backup_dir = go_path::join({paths.cert_dir, "previous"});
    make_directories(backup_dir, 0700);
    for (const std::string* path : {&paths.ca_cert, &paths.ca_key, &paths.client_cert, &paths.client_key}) {
        const std::string target = go_path::join({backup_dir, go_path::base(*path)});
        if (std::rename(path->c_str(), target.c_str()) != 0 && errno != ENOENT) {
            throw Error("Error moving " + *path + " aside: " + go_path_error("rename", *path, errno));
        }
    }
    bootstrap_certificates(paths);
}

}  // namespace machine::cert
