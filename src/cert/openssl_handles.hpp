#pragma once

// RAII owners for the OpenSSL handles used by the cert and docker_api modules: every OpenSSL object in
// business code lives in one of these, so no path (including exceptions) leaks or double-frees.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

namespace machine::cert {

template <auto Free>
struct OpensslDeleter {
    template <class T>
    void operator()(T* handle) const noexcept {
        Free(handle);
    }
};

struct X509StackDeleter {
    void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_pop_free(stack, X509_free); }
};

// OPENSSL_free is a macro, so it cannot be a template argument.
struct OpensslBytesDeleter {
    void operator()(void* bytes) const noexcept { OPENSSL_free(bytes); }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpensslDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpensslDeleter<X509_free>>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpensslDeleter<X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, OpensslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpensslDeleter<BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpensslDeleter<ASN1_INTEGER_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpensslDeleter<GENERAL_NAMES_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, OpensslDeleter<GENERAL_NAME_free>>;
using Asn1OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, OpensslDeleter<ASN1_OCTET_STRING_free>>;
using Asn1Ia5StringPtr = std::unique_ptr<ASN1_IA5STRING, OpensslDeleter<ASN1_IA5STRING_free>>;
template <class T>
using OpensslBytesPtr = std::unique_ptr<T, OpensslBytesDeleter>;

// The reason text of the most recent OpenSSL error (e.g. "bad decrypt"); empties the thread's error queue.
[[nodiscard]] std::string openssl_error_text();

// A read-only memory BIO over `data` (which must outlive the BIO).
[[nodiscard]] BioPtr memory_bio(std::string_view data);

// Everything written to a memory BIO, as a string.
[[nodiscard]] std::string bio_contents(BIO* bio);

}  // namespace machine::cert
