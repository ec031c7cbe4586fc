#include "machine/store.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "machine/go_path.hpp"
#include "machine/go_quote.hpp"

namespace machine {

MachineNotFound::MachineNotFound(const std::string& name)
    : Error("Docker machine " + go_quote(name) +
            " does not exist. Use \"docker-machine ls\" to list machines. Use \"docker-machine create\" to "
            "add a "
            "new one."),
      m_name(name) {}

Store::Store(std::string root) : m_root(std::move(root)) {}

std::string Store::machines_dir() const {
    return go_path::join({m_root, "machines"});
}
std::string Store::machine_dir(const std::string& name) const {
    return go_path::join({m_root, "machines", name});
}
std::string Store::certs_dir() const {
    return go_path::join({m_root, "certs"});
}

std::vector<std::string> Store::list_names() const {
    std::vector<std::string> names;
    std::string directory = machines_dir();
    std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(directory.c_str()), ::closedir);
    if (!handle) {
        if (errno == ENOENT) {
            return names;
        }
        throw Error(go_path_error("open", directory, errno));
    }
    while (dirent* entry = ::readdir(handle.get())) {
        std::string name = entry->d_name;
        if (name.empty() || name[0] == '.') {
            continue;
        }
        bool is_directory = entry->d_type == DT_DIR;
        if (entry->d_type == DT_UNKNOWN || entry->d_type == DT_LNK) {
            struct stat info {};
            is_directory = ::stat((directory + "/" + name).c_str(), &info) == 0 && S_ISDIR(info.st_mode);
        }
        if (is_directory) {
            names.push_back(std::move(name));
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool Store::exists(const std::string& name) const {
    struct stat info {};
    std::string path = machine_dir(name);
    if (::stat(path.c_str(), &info) == 0) {
        return true;
    }
    if (errno == ENOENT || errno == ENOTDIR) {
        return false;
    }
    throw Error(go_path_error("stat", path, errno));
}

std::unique_ptr<Host> Store::load(const std::string& name) const {
    if (!exists(name)) {
        throw MachineNotFound(name);
    }
    std::string config_path = go_path::join({machine_dir(name), "config.json"});
    std::string bytes = read_file(config_path);
    DecodedHost decoded = decode_host(name, bytes);
    if (decoded.migrated) {
        auto lock = lock_machine(name);
        write_file_atomic(config_path + ".bak", bytes, 0600);
        save(*decoded.host);
    }
    return std::move(decoded.host);
}

void Store::save(const Host& host) const {
    auto lock = lock_machine(host.name);
    std::string directory = machine_dir(host.name);
    make_directories(directory, 0700);
    write_file_atomic(go_path::join({directory, "config.json"}), encode_host(host), 0600);
}

namespace {

// Gives the owner rwx back on `directory` and the directories below it that the current user owns: a machine
// directory whose modes were broken (chmod 000 by hand, a badly restored backup) must not survive `rm`.
void restore_owner_access(const std::filesystem::path& directory) {
    struct stat info {};
    if (::lstat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) || info.st_uid != ::geteuid()) {
        return;
    }
    if ((info.st_mode & S_IRWXU) != S_IRWXU) {
        (void)::chmod(directory.c_str(), (info.st_mode & 07777) | S_IRWXU);
    }
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        std::error_code type_error;
        if (entry.is_directory(type_error) && !entry.is_symlink(type_error)) {
            restore_owner_access(entry.path());
        }
    }
}

}  // namespace

void Store::remove(const std::string& name) const {
    auto lock = lock_machine(name);
    std::error_code error;
    std::filesystem::remove_all(machine_dir(name), error);
    if (error == std::errc::permission_denied) {
        restore_owner_access(machine_dir(name));
        error.clear();
        std::filesystem::remove_all(machine_dir(name), error);
    }
    if (error) {
        throw Error("unlinkat " + machine_dir(name) + ": " + error.message());
    }
}

Store::MachineLock Store::lock_machine(const std::string& name) const {
    std::lock_guard guard(m_locks_mutex);
    if (auto existing = m_locks[name].lock()) {
        return existing;
    }
    std::string directory = machines_dir();
    make_directories(directory, 0700);
    // Beside the machine directory, hidden, so that list_names skips it and rm can delete the directory.
    auto lock = std::make_shared<LockFile>(go_path::join({directory, "." + name + ".lock"}));
    m_locks[name] = lock;
    return lock;
}

LockFile Store::lock_certs() const {
    make_directories(m_root, 0700);
    return LockFile(go_path::join({m_root, ".certs.lock"}));
}

std::unique_ptr<Host> Store::new_host(const std::string& name, std::unique_ptr<Driver> driver,
                                      const TlsPathOverrides& overrides) const {
    auto host = std::make_unique<Host>();
    host->name = name;
    host->driver_name = driver->driver_name();
    host->driver = std::move(driver);
    host->options.auth = default_auth_options(m_root, name, overrides);
    return host;
}

}  // namespace machine
