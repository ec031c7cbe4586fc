#pragma once

// Portable machines (issue 11): one .tar.gz with a machine's config.json, its directory's files
// (certificates, keys, known_hosts) and the CA certificate (and, on request, the CA key), that `import`
// unpacks into another store, on this computer or another, rewriting the absolute paths in config.json.
//
// Archive layout (format 1):
//   docker-machine-export.json   {"FormatVersion":1,"Name":...,"StorePath":...,"MachineDir":...,
//                                 "CaCertPath":...,"CaPrivateKeyPath":...,"ClientCertPath":...,"ClientKeyPath":...}
//   machine/<file>               every regular file of the machine directory (config.json included)
//   ca/ca.pem, ca/ca-key.pem     the CA certificate; its key only when asked for
//
// The imported machine is self-contained: its CaCertPath, ClientCertPath and ClientKeyPath (and CertDir)
// point into its own directory, so it keeps working next to the importing store's own CA.

#include <string>

#include "machine/store.hpp"

namespace machine::archive {

// Writes the archive of machine `name` to `archive_path` (0600, atomically). Holds the machine's lock.
// Throws Error (machine not found, unreadable files).
void export_machine(const Store& store, const std::string& name, const std::string& archive_path,
                    bool include_ca_key);

// Unpacks an archive into `store` under the machine name it holds; returns that name. Throws Error when the
// archive is not one of ours, or a machine of that name exists already; nothing is left behind then.
[[nodiscard]] std::string import_machine(const Store& store, const std::string& archive_path);

}  // namespace machine::archive
