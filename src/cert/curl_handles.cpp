#include "cert/curl_handles.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "machine/error.hpp"

namespace machine::cert {
namespace {

template <typename Function>
void resolve(void* library, const char* name, Function& target) {
    void* symbol = ::dlsym(library, name);
    if (symbol == nullptr) {
        throw Error(std::string("libcurl has no ") + name);
    }
    target = reinterpret_cast<Function>(symbol);
}

CurlApi load_curl() {
    // RTLD_NODELETE: handles may be cleaned up by detached `ls` threads during exit.
    void* library = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (library == nullptr) {
        const char* reason = ::dlerror();
        throw Error(std::string("loading libcurl failed: ") + (reason != nullptr ? reason : "unknown error"));
    }
    CurlApi api{};
    resolve(library, "curl_global_init", api.global_init);
    resolve(library, "curl_easy_init", api.easy_init);
    resolve(library, "curl_easy_cleanup", api.easy_cleanup);
    resolve(library, "curl_easy_setopt", api.easy_setopt);
    resolve(library, "curl_easy_getinfo", api.easy_getinfo);
    resolve(library, "curl_easy_perform", api.easy_perform);
    resolve(library, "curl_easy_strerror", api.easy_strerror);
    resolve(library, "curl_slist_append", api.slist_append);
    resolve(library, "curl_slist_free_all", api.slist_free_all);
    CURLcode init_result = api.global_init(CURL_GLOBAL_DEFAULT);
    if (init_result != CURLE_OK) {
        throw Error(std::string("initialising libcurl failed: ") + api.easy_strerror(init_result));
    }
    return api;
}

}  // namespace

const CurlApi& curl_api() {
    static std::once_flag loaded;
    static CurlApi api{};
    static std::string failure;
    std::call_once(loaded, [] {
        try {
            api = load_curl();
        } catch (const Error& error) {
            failure = error.what();
        }
    });
    if (!failure.empty()) {
        throw Error(failure);
    }
    return api;
}

CurlEasyPtr new_curl_easy() {
    CurlEasyPtr curl(curl_api().easy_init());
    if (!curl) {
        throw Error("initialising libcurl failed");
    }
    return curl;
}

}  // namespace machine::cert
