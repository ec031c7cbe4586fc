#include "cert/curl_handles.hpp"

#include <mutex>

#include "machine/error.hpp"

namespace machine::cert {

CurlEasyPtr new_curl_easy() {
    static std::once_flag initialised;
    static CURLcode init_result = CURLE_OK;
    std::call_once(initialised, [] { init_result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (init_result != CURLE_OK) {
        throw Error(std::string("initialising libcurl failed: ") + curl_easy_strerror(init_result));
    }
    CurlEasyPtr curl(curl_easy_init());
    if (!curl) {
        throw Error("initialising libcurl failed");
    }
    return curl;
}

}  // namespace machine::cert
