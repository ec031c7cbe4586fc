#pragma once

#include <string>

namespace machine {

// An exclusive advisory lock (flock) on a lock file, held for the object's lifetime. Blocks until acquired.
// flock locks vanish with the process, so a killed docker-machine never leaves a stale lock behind.
class LockFile {
public:
    explicit LockFile(const std::string& path);
    ~LockFile();
    LockFile(const LockFile&) = delete;
    LockFile& operator=(const LockFile&) = delete;
    LockFile(LockFile&& other) noexcept;
    LockFile& operator=(LockFile&&) = delete;

private:
    int m_fd = -1;
};

}  // namespace machine
