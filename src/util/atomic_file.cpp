#include "machine/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

#include "machine/error.hpp"

namespace machine {
namespace {

std::string lower_first(std::string text) {
    if (!text.empty()) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
}

std::string parent_directory(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) {
        return ".";
    }
    return slash == 0 ? "/" : path.substr(0, slash);
}

// Closes a file descriptor on scope exit.
class FdGuard {
public:
    explicit FdGuard(int fd) : m_fd(fd) {}
    ~FdGuard() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;
    [[nodiscard]] int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

void write_all(int fd, const std::string& content, const std::string& path) {
    std::size_t written = 0;
    while (written < content.size()) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw Error(go_path_error("write", path, errno));
        }
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace

std::string go_path_error(const std::string& op, const std::string& path, int errno_value) {
    return op + " " + path + ": " + lower_first(std::strerror(errno_value));
}

void write_file_atomic(const std::string& path, const std::string& content, mode_t mode) {
    std::random_device random;
    std::string temp_path;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        temp_path = path + ".tmp" + std::to_string(random() % 1000000000u);
        fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd < 0 && errno != EEXIST) {
            throw Error(go_path_error("open", temp_path, errno));
        }
    }
    if (fd < 0) {
        throw Error(go_path_error("open", temp_path, EEXIST));
    }
    FdGuard guard(fd);
    try {
        // open() applies the umask; key files must end up with exactly `mode`.
        if (::fchmod(fd, mode) != 0) {
            throw Error(go_path_error("chmod", temp_path, errno));
        }
        write_all(fd, content, temp_path);
        if (::fsync(fd) != 0) {
            throw Error(go_path_error("sync", temp_path, errno));
        }
        if (::close(guard.release()) != 0) {
            throw Error(go_path_error("close", temp_path, errno));
        }
        if (::rename(temp_path.c_str(), path.c_str()) != 0) {
            throw Error("rename " + temp_path + " " + path + ": " + lower_first(std::strerror(errno)));
        }
    } catch (...) {
        ::unlink(temp_path.c_str());
        throw;
    }
    FdGuard dir(::open(parent_directory(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0) {
        ::fsync(dir.get());
    }
}

std::string read_file(const std::string& path) {
    FdGuard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        throw Error(go_path_error("open", path, errno));
    }
    std::string content;
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw Error(go_path_error("read", path, errno));
        }
        if (n == 0) {
            break;
        }
        content.append(buffer, static_cast<std::size_t>(n));
    }
    return content;
}

void make_directories(const std::string& path, mode_t mode) {
    if (path.empty()) {
        return;
    }
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
        if (!S_ISDIR(info.st_mode)) {
            throw Error("mkdir " + path + ": not a directory");
        }
        return;
    }
    std::string parent = parent_directory(path);
    if (parent != path && parent != "." && parent != "/") {
        make_directories(parent, mode);
    }
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
        throw Error(go_path_error("mkdir", path, errno));
    }
}

}  // namespace machine
