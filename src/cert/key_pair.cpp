#include "cert/key_pair.hpp"

#include <openssl/err.h>

#include <limits>

#include "cert/pem_blocks.hpp"
#include "machine/atomic_file.hpp"
#include "machine/error.hpp"

namespace machine::cert {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Go prints a []string with %v as "[A B C]".
std::string go_string_list(const std::vector<std::string>& items) {
    std::string text = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        text += (i == 0 ? "" : " ") + items[i];
    }
    return text + "]";
}

EvpPkeyPtr parse_private_key(std::string_view der) {
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    // Accepts PKCS#1, PKCS#8 and SEC1 EC keys, the formats Go's tls.parsePrivateKey tries.
    EvpPkeyPtr key(d2i_AutoPrivateKey(nullptr, &cursor, static_cast<long>(der.size())));
    ERR_clear_error();
    if (!key) {
        throw Error("tls: failed to parse private key");
    }
    return key;
}

}  // namespace

X509Ptr parse_certificate(std::string_view der) {
    if (der.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) {
        throw Error("x509: malformed certificate");
    }
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    X509Ptr certificate(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    ERR_clear_error();
    if (!certificate) {
        throw Error("x509: malformed certificate");
    }
    if (cursor != reinterpret_cast<const unsigned char*>(der.data() + der.size())) {
        throw Error("x509: trailing data");
    }
    return certificate;
}

KeyPair parse_x509_key_pair(std::string_view cert_pem, std::string_view key_pem) {
    KeyPair pair;
    std::vector<std::string> skipped;
    std::vector<std::string> certificate_ders;
    for (auto& block : decode_pem_blocks(cert_pem)) {
        if (block.type == "CERTIFICATE") {
            certificate_ders.push_back(std::move(block.der));
        } else {
            skipped.push_back(block.type);
        }
    }
    if (certificate_ders.empty()) {
        if (skipped.empty()) {
            throw Error("tls: failed to find any PEM data in certificate input");
        }
        if (skipped.size() == 1 && ends_with(skipped[0], "PRIVATE KEY")) {
            throw Error(
                "tls: failed to find certificate PEM data in certificate input, but did find a private key; "
                "PEM "
                "inputs may have been switched");
        }
        throw Error(
            "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of "
            "the "
            "following types: " +
            go_string_list(skipped));
    }

    skipped.clear();
    const PemBlock* key_block = nullptr;
    auto key_blocks = decode_pem_blocks(key_pem);
    for (const auto& block : key_blocks) {
        if (block.type == "PRIVATE KEY" || ends_with(block.type, " PRIVATE KEY")) {
            key_block = &block;
            break;
        }
        skipped.push_back(block.type);
    }
    if (key_block == nullptr) {
        if (skipped.empty()) {
            throw Error("tls: failed to find any PEM data in key input");
        }
        if (skipped.size() == 1 && skipped[0] == "CERTIFICATE") {
            throw Error("tls: found a certificate rather than a key in the PEM for the private key");
        }
        throw Error(
            "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping "
            "PEM "
            "blocks of the following types: " +
            go_string_list(skipped));
    }

    // Like Go, only the leaf must parse; unparseable extra certificates are dropped from the chain.
    pair.chain.push_back(parse_certificate(certificate_ders[0]));
    for (std::size_t i = 1; i < certificate_ders.size(); ++i) {
        try {
            pair.chain.push_back(parse_certificate(certificate_ders[i]));
        } catch (const Error&) {
        }
    }
    pair.key = parse_private_key(key_block->der);

    EVP_PKEY* public_key = X509_get0_pubkey(pair.chain[0].get());
    int comparison = public_key != nullptr ? EVP_PKEY_eq(public_key, pair.key.get()) : -2;
    ERR_clear_error();
    if (comparison == -1) {
        throw Error("tls: private key type does not match public key type");
    }
    if (comparison == 0) {
        throw Error("tls: private key does not match public key");
    }
    if (comparison != 1) {
        throw Error("tls: unknown public key algorithm");
    }
    return pair;
}

KeyPair load_x509_key_pair(const std::string& cert_path, const std::string& key_path) {
    std::string cert_pem = read_file(cert_path);
    std::string key_pem = read_file(key_path);
    return parse_x509_key_pair(cert_pem, key_pem);
}

X509StackPtr parse_certificate_pool(std::string_view pem) {
    X509StackPtr pool(sk_X509_new_null());
    if (!pool) {
        throw Error(openssl_error_text());
    }
    for (const auto& block : decode_pem_blocks(pem)) {
        if (block.type != "CERTIFICATE" || block.has_headers) {
            continue;
        }
        X509Ptr certificate;
        try {
            certificate = parse_certificate(block.der);
        } catch (const Error&) {
            continue;
        }
        if (sk_X509_push(pool.get(), certificate.get()) == 0) {
            throw Error(openssl_error_text());
        }
        certificate.release();  // now owned by the stack
    }
    return pool;
}

}  // namespace machine::cert
