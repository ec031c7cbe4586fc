#pragma once

// RAII owners for libcurl handles, and the process-wide libcurl initialisation.

#include <curl/curl.h>

#include <memory>

namespace machine::cert {

struct CurlEasyDeleter {
    void operator()(CURL* curl) const noexcept { curl_easy_cleanup(curl); }
};
struct CurlSlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// A fresh easy handle. curl_global_init runs once per process first (`ls` queries machines from many threads,
// and curl_global_init itself must not run concurrently). Throws Error if libcurl cannot make a handle.
[[nodiscard]] CurlEasyPtr new_curl_easy();

}  // namespace machine::cert
