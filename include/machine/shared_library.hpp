#pragma once

// Libraries loaded on first use instead of linked: libcurl and libssh cost every command start-up time and
// resident memory (their own dependencies and initialisers), while only some commands need them.

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "machine/error.hpp"

namespace machine::shared_library {

// dlopen()s `soname` for good (RTLD_NODELETE: handles may be released by detached threads while the process
// exits). Throws Error("loading <what> failed: <dlerror>").
[[nodiscard]] void* open(const char* soname, const char* what);

// Resolves `name` into `target`. Throws Error("<what> has no <name>").
template <typename Function>
void resolve(void* library, const char* name, Function& target, const char* what) {
    void* symbol = ::dlsym(library, name);
    if (symbol == nullptr) {
        throw Error(std::string(what) + " has no " + name);
    }
    target = reinterpret_cast<Function>(symbol);
}

// Runs `load` once per process (thread-safe) and returns its result; a failure is rethrown on every call.
template <typename Api, typename Loader>
const Api& load_once(Loader load) {
    static std::once_flag loaded;
    static Api api{};
    static std::string failure;
    std::call_once(loaded, [&] {
        try {
            api = load();
        } catch (const Error& error) {
            failure = error.what();
        }
    });
    if (!failure.empty()) {
        throw Error(failure);
    }
    return api;
}

}  // namespace machine::shared_library
