#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>

#include "cert/openssl_handles.hpp"
#include "machine/atomic_file.hpp"
#include "machine/cert.hpp"
#include "machine/error.hpp"

namespace machine::cert {
namespace {

constexpr int k_rsa_bits = 2048;
constexpr mode_t k_ssh_key_mode = 0600;

void append_ssh_string(std::string& out, std::string_view bytes) {
    auto size = static_cast<std::uint32_t>(bytes.size());
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((size >> shift) & 0xff));
    }
    out.append(bytes);
}

// RFC 4251 mpint: big-endian, with a leading zero byte when the top bit is set (positive numbers only here).
void append_ssh_mpint(std::string& out, const BIGNUM* number) {
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(number)), '\0');
    BN_bn2bin(number, reinterpret_cast<unsigned char*>(bytes.data()));
    if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80) != 0) {
        bytes.insert(bytes.begin(), '\0');
    }
    append_ssh_string(out, bytes);
}

BignumPtr rsa_parameter(EVP_PKEY* key, const char* name) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
        throw Error("Error generating key pair: " + openssl_error_text());
    }
    return BignumPtr(raw);
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int length =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

// "ssh-rsa <base64 wire encoding>\n" as Go's ssh.MarshalAuthorizedKey (no comment).
std::string authorized_key_line(EVP_PKEY* key) {
    BignumPtr exponent = rsa_parameter(key, OSSL_PKEY_PARAM_RSA_E);
    BignumPtr modulus = rsa_parameter(key, OSSL_PKEY_PARAM_RSA_N);
    std::string wire;
    append_ssh_string(wire, "ssh-rsa");
    append_ssh_mpint(wire, exponent.get());
    append_ssh_mpint(wire, modulus.get());
    return "ssh-rsa " + base64(wire) + "\n";
}

}  // namespace

void generate_ssh_key_pair(const std::string& private_key_path, const std::string& public_key_path) {
    EvpPkeyPtr key(EVP_RSA_gen(k_rsa_bits));
    if (!key) {
        throw Error("Error generating key pair: " + openssl_error_text());
    }
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey_traditional(bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                                     nullptr) != 1) {
        throw Error("Error generating key pair: " + openssl_error_text());
    }
    std::string public_key = authorized_key_line(key.get());
    write_file_atomic(private_key_path, bio_contents(bio.get()), k_ssh_key_mode);
    write_file_atomic(public_key_path, public_key, k_ssh_key_mode);
}

void ensure_ssh_key(const std::string& private_key_path) {
    struct stat info {};
    if (::stat(private_key_path.c_str(), &info) == 0) {
        return;
    }
    int stat_error = errno;
    if (stat_error != ENOENT) {
        throw Error("Desired directory for SSH keys does not exist: " +
                    go_path_error("stat", private_key_path, stat_error));
    }
    try {
        generate_ssh_key_pair(private_key_path, private_key_path + ".pub");
    } catch (const Error& error) {
        std::string message = error.what();
        if (message.rfind("Error generating key pair: ", 0) == 0) {
            throw;
        }
        throw Error("Error writing keys to file(s): " + message);
    }
}

}  // namespace machine::cert
