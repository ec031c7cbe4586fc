#include "machine/lock_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "machine/atomic_file.hpp"
#include "machine/error.hpp"

namespace machine {

LockFile::LockFile(const std::string& path) {
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        throw Error(go_path_error("open", path, errno));
    }
    while (::flock(m_fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            int saved = errno;
            ::close(m_fd);
            throw Error(go_path_error("lock", path, saved));
        }
    }
}

LockFile::~LockFile() {
    if (m_fd >= 0) {
        ::close(m_fd);  // releases the flock
    }
}

LockFile::LockFile(LockFile&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

}  // namespace machine
