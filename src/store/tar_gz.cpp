#include "store/tar_gz.hpp"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "machine/error.hpp"

namespace machine::tar_gz {
namespace {

constexpr std::size_t k_block = 512;

void put_octal(char* field, std::size_t width, unsigned long long value) {
    // width - 1 digits and a NUL, as ustar wants.
    std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), value);
}

unsigned long long get_octal(const char* field, std::size_t width) {
    unsigned long long value = 0;
    for (std::size_t i = 0; i < width && field[i] != '\0' && field[i] != ' '; ++i) {
        if (field[i] < '0' || field[i] > '7') {
            throw Error("invalid tar header");
        }
        value = value * 8 + static_cast<unsigned>(field[i] - '0');
    }
    return value;
}

unsigned header_checksum(const unsigned char* header) {
    unsigned sum = 0;
    for (std::size_t i = 0; i < k_block; ++i) {
        sum += (i >= 148 && i < 156) ? ' ' : header[i];
    }
    return sum;
}

std::string gzip(const std::string& data) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw Error("gzip: deflateInit2 failed");
    }
    std::string out(deflateBound(&stream, data.size()) + 64, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int status = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (status != Z_STREAM_END) {
        throw Error("gzip: deflate failed");
    }
    return out;
}

std::string gunzip(const std::string& data) {
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 32) != Z_OK) {  // gzip or zlib header, detected
        throw Error("gzip: inflateInit2 failed");
    }
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buffer[65536];
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            inflateEnd(&stream);
            throw Error("not a gzip-compressed tar archive");
        }
        out.append(buffer, sizeof buffer - stream.avail_out);
        if (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
            inflateEnd(&stream);
            throw Error("truncated archive");
        }
    }
    inflateEnd(&stream);
    return out;
}

}  // namespace

std::string pack(const std::vector<Entry>& entries) {
    std::string tar;
    const auto now = static_cast<unsigned long long>(std::time(nullptr));
    for (const Entry& entry : entries) {
        if (entry.name.empty() || entry.name.size() >= 100) {
            throw Error("archive entry name too long: " + entry.name);
        }
        unsigned char header[k_block] = {};
        auto* field = reinterpret_cast<char*>(header);
        std::memcpy(field, entry.name.data(), entry.name.size());
        put_octal(field + 100, 8, entry.mode & 07777);
        put_octal(field + 108, 8, 0);
        put_octal(field + 116, 8, 0);
        put_octal(field + 124, 12, entry.content.size());
        put_octal(field + 136, 12, now);
        field[156] = '0';
        std::memcpy(field + 257, "ustar", 6);
        std::memcpy(field + 263, "00", 2);
        char checksum[8];
        std::snprintf(checksum, sizeof checksum, "%06o", header_checksum(header));
        std::memcpy(field + 148, checksum, 7);
        field[155] = ' ';
        tar.append(field, k_block);
        tar += entry.content;
        tar.append((k_block - entry.content.size() % k_block) % k_block, '\0');
    }
    tar.append(2 * k_block, '\0');
    return gzip(tar);
}

std::vector<Entry> unpack(const std::string& bytes) {
    const bool compressed = bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
                            static_cast<unsigned char>(bytes[1]) == 0x8b;
    if (!compressed && bytes.size() < 2 * k_block) {
        throw Error("not a gzip-compressed tar archive");
    }
    const std::string tar = compressed ? gunzip(bytes) : bytes;
    std::vector<Entry> entries;
    std::size_t at = 0;
    while (true) {
        if (at + k_block > tar.size()) {
            throw Error("truncated archive");
        }
        const auto* header = reinterpret_cast<const unsigned char*>(tar.data() + at);
        bool zero = true;
        for (std::size_t i = 0; i < k_block && zero; ++i) {
            zero = header[i] == 0;
        }
        if (zero) {
            break;  // end of archive
        }
        const char* field = tar.data() + at;
        if (get_octal(field + 148, 8) != header_checksum(header)) {
            throw Error("not a tar archive (bad header checksum)");
        }
        const std::size_t size = get_octal(field + 124, 12);
        at += k_block;
        if (at + size > tar.size()) {
            throw Error("truncated archive");
        }
        const char type = field[156];
        if (type == '0' || type == '\0') {
            std::string name(field, strnlen(field, 100));
            const bool posix =
                std::memcmp(field + 257, "ustar", 6) == 0;  // GNU tar uses these bytes otherwise
            std::string prefix = posix ? std::string(field + 345, strnlen(field + 345, 155)) : std::string();
            if (!prefix.empty()) {
                name = prefix + "/" + name;
            }
            entries.push_back({name, tar.substr(at, size), static_cast<mode_t>(get_octal(field + 100, 8))});
        }
        at += (size + k_block - 1) / k_block * k_block;
    }
    return entries;
}

}  // namespace machine::tar_gz
