#include "drivers/common/driver_support.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

#include "machine/atomic_file.hpp"
#include "machine/error.hpp"
#include "machine/log.hpp"

namespace machine::drivers::support {

FlagSpec string_flag(std::string name, std::string usage, std::string env_var, std::string default_value) {
    FlagSpec flag;
    flag.kind = FlagSpec::Kind::String;
    flag.name = std::move(name);
    flag.usage = std::move(usage);
    flag.env_var = std::move(env_var);
    flag.default_string = std::move(default_value);
    return flag;
}

FlagSpec int_flag(std::string name, std::string usage, std::string env_var, long long default_value) {
    FlagSpec flag;
    flag.kind = FlagSpec::Kind::Int;
    flag.name = std::move(name);
    flag.usage = std::move(usage);
    flag.env_var = std::move(env_var);
    flag.default_int = default_value;
    return flag;
}

FlagSpec bool_flag(std::string name, std::string usage, std::string env_var) {
    FlagSpec flag;
    flag.kind = FlagSpec::Kind::Bool;
    flag.name = std::move(name);
    flag.usage = std::move(usage);
    flag.env_var = std::move(env_var);
    return flag;
}

FlagSpec slice_flag(std::string name, std::string usage, std::string env_var) {
    FlagSpec flag;
    flag.kind = FlagSpec::Kind::StringSlice;
    flag.name = std::move(name);
    flag.usage = std::move(usage);
    flag.env_var = std::move(env_var);
    return flag;
}

void info(const std::string& machine_name, std::string_view message) {
    log::info("(" + machine_name + ") " + std::string(message));
}

void debug(const std::string& machine_name, std::string_view message) {
    if (log::debug_enabled()) {
        log::debug("(" + machine_name + ") " + std::string(message));
    }
}

std::string env_or(const char* name, std::string_view fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::string(value) : std::string(fallback);
}

bool path_missing(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

void copy_ssh_key(const std::string& source, const std::string& target) {
    try {
        write_file_atomic(target, read_file(source), 0600);
    } catch (const Error& error) {
        throw Error(std::string("unable to copy ssh key: ") + error.what());
    }
}

std::string base64_encode(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    int written =
        ::EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

std::string base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        throw Error("illegal base64 data");
    }
    std::string out(3 * (text.size() / 4) + 1, '\0');
    int written =
        ::EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (written < 0) {
        throw Error("illegal base64 data");
    }
    std::size_t size = static_cast<std::size_t>(written);
    // EVP_DecodeBlock counts padding as zero bytes.
    for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) {
        --size;
    }
    out.resize(size);
    return out;
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        auto end = text.find(separator, start);
        if (end == std::string_view::npos) {
            parts.emplace_back(text.substr(start));
            return parts;
        }
        parts.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
}

std::string trim(std::string_view text) {
    auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    };
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

}  // namespace machine::drivers::support
