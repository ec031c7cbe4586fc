#pragma once

// config.json (ConfigVersion 3) encoding and decoding, with migration of v0-v2 files (store.md §4-§5).

#include <memory>
#include <string>

#include "machine/host.hpp"

namespace machine {

// The config.json text of a host: Go MarshalIndent with 4 spaces, no trailing newline.
[[nodiscard]] std::string encode_host(const Host& host);

struct DecodedHost {
    std::unique_ptr<Host> host;
    bool migrated = false;  // the file was v0-v2: the caller backs up the original and saves the new form
};

// Decodes config.json bytes of the machine called `name` (the directory name, which wins over the JSON).
// Throws Error "Error getting migrated host: <reason>" like upstream for unparseable or future files.
[[nodiscard]] DecodedHost decode_host(const std::string& name, const std::string& bytes);

// The store-independent parts a new host gets at create (store.md §4.5, cli.md §3.3.3).
struct TlsPathOverrides {
    std::string ca_cert;
    std::string ca_key;
    std::string client_cert;
    std::string client_key;
};
[[nodiscard]] AuthOptions default_auth_options(const std::string& storage_root,
                                               const std::string& machine_name,
                                               const TlsPathOverrides& overrides);

}  // namespace machine
