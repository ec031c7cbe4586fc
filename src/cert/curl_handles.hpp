#pragma once

// RAII owners for libcurl handles, and libcurl itself, loaded on first use.
//
// libcurl drags in some 25 shared libraries (GnuTLS, Kerberos, LDAP, RTMP, ...) whose relocations cost ~3.5 ms at
// every process start; most commands (url, ip, inspect, ls -q, ...) never talk HTTP. So the binary does not link
// libcurl: the first Docker API call dlopen()s it and resolves the few functions used here.

#include <curl/curl.h>

#include <memory>

namespace machine::cert {

// The libcurl functions this project uses.
struct CurlApi {
    CURLcode (*global_init)(long flags);
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL* curl);
    CURLcode (*easy_setopt)(CURL* curl, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL* curl, CURLINFO info, ...);
    CURLcode (*easy_perform)(CURL* curl);
    const char* (*easy_strerror)(CURLcode code);
    curl_slist* (*slist_append)(curl_slist* list, const char* text);
    void (*slist_free_all)(curl_slist* list);
};

// Loads libcurl (once, thread-safe) and runs curl_global_init. Throws Error if it cannot be loaded.
[[nodiscard]] const CurlApi& curl_api();

struct CurlEasyDeleter {
    void operator()(CURL* curl) const noexcept { curl_api().easy_cleanup(curl); }
};
struct CurlSlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_api().slist_free_all(list); }
};

using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// A fresh easy handle. curl_global_init runs once per process first (`ls` queries machines from many threads,
// and curl_global_init itself must not run concurrently). Throws Error if libcurl cannot make a handle.
[[nodiscard]] CurlEasyPtr new_curl_easy();

}  // namespace machine::cert
