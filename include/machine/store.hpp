#pragma once

// The machine store under the storage path (store.md): machines/<name>/config.json and certs/.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "machine/config_codec.hpp"
#include "machine/host.hpp"
#include "machine/lock_file.hpp"

namespace machine {

class Store {
public:
    explicit Store(std::string root);

    // The storage root as given (-s / MACHINE_STORAGE_PATH / $HOME/.docker/machine).
    [[nodiscard]] const std::string& root() const { return m_root; }
    [[nodiscard]] std::string machines_dir() const;
    [[nodiscard]] std::string machine_dir(const std::string& name) const;
    [[nodiscard]] std::string certs_dir() const;

    // Non-hidden directories under machines/, bytewise sorted; a missing machines/ is an empty list.
    [[nodiscard]] std::vector<std::string> list_names() const;
    [[nodiscard]] bool exists(const std::string& name) const;
    // Throws MachineNotFound, or Error with upstream's text. A v0-v2 file is migrated, backed up to
    // config.json.bak and saved in the current format.
    [[nodiscard]] std::unique_ptr<Host> load(const std::string& name) const;
    // Atomic write of config.json (0600), holding the machine's lock.
    void save(const Host& host) const;
    // Deletes the machine directory (no error if absent).
    void remove(const std::string& name) const;

    // Exclusive lock on one machine, re-entrant within this process (several calls share one flock).
    using MachineLock = std::shared_ptr<LockFile>;
    [[nodiscard]] MachineLock lock_machine(const std::string& name) const;
    // Store-wide lock for creating certs/ (CA and client certificate).
    [[nodiscard]] LockFile lock_certs() const;

    // A new host with the options of `create`, not yet saved.
    [[nodiscard]] std::unique_ptr<Host> new_host(const std::string& name, std::unique_ptr<Driver> driver,
                                                 const TlsPathOverrides& overrides) const;

private:
    std::string m_root;
    mutable std::mutex m_locks_mutex;
    mutable std::map<std::string, std::weak_ptr<LockFile>> m_locks;
};

}  // namespace machine
