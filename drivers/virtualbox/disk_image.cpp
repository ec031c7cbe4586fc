#include "drivers/virtualbox/disk_image.hpp"

#include <cstdio>
#include <ctime>

namespace machine::drivers::virtualbox {
namespace {

constexpr std::size_t k_block = 512;

// Writes `value` as zero-padded octal into a field of `width` bytes (the last one NUL).
void put_octal(std::string& header, std::size_t offset, std::size_t width, unsigned long long value) {
    std::string digits(width - 1, '0');
    for (std::size_t i = width - 1; i > 0 && value > 0; --i) {
        digits[i - 1] = static_cast<char>('0' + (value & 7U));
        value >>= 3U;
    }
    header.replace(offset, width - 1, digits);
}

void put_text(std::string& header, std::size_t offset, const std::string& text) {
    header.replace(offset, text.size(), text);
}

// One ustar entry: header block, then the content padded to whole blocks.
void append_entry(std::string& tar, const std::string& name, char type, unsigned mode,
                  const std::string& content, long long mtime) {
    std::string header(k_block, '\0');
    put_text(header, 0, name);
    put_octal(header, 100, 8, mode);
    put_octal(header, 108, 8, 0);  // uid
    put_octal(header, 116, 8, 0);  // gid
    put_octal(header, 124, 12, content.size());
    put_octal(header, 136, 12, static_cast<unsigned long long>(mtime));
    header[156] = type;
    put_text(header, 257, std::string("ustar\0", 6));
    put_text(header, 263, "00");
    // The checksum is computed with its own field as spaces, then written as 6 octal digits, NUL, space.
    header.replace(148, 8, 8, ' ');
    unsigned long long sum = 0;
    for (char c : header) {
        sum += static_cast<unsigned char>(c);
    }
    put_octal(header, 148, 7, sum);
    header[155] = ' ';
    tar += header;
    tar += content;
    tar.append((k_block - content.size() % k_block) % k_block, '\0');
}

}  // namespace

std::string boot2docker_disk_tar(const std::string& public_key) {
    long long now = static_cast<long long>(std::time(nullptr));
    std::string tar;
    append_entry(tar, k_format_me_marker, '0', 0644, k_format_me_marker, now);
    append_entry(tar, ".ssh", '5', 0700, "", now);
    append_entry(tar, ".ssh/authorized_keys", '0', 0644, public_key, now);
    append_entry(tar, ".ssh/authorized_keys2", '0', 0644, public_key, now);
    tar.append(2 * k_block, '\0');
    return tar;
}

}  // namespace machine::drivers::virtualbox
