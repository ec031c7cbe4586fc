#include "machine/shared_library.hpp"

namespace machine::shared_library {

void* open(const char* soname, const char* what) {
    void* library = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (library == nullptr) {
        const char* reason = ::dlerror();
        throw Error(std::string("loading ") + what +
                    " failed: " + (reason != nullptr ? reason : "unknown error"));
    }
    return library;
}

}  // namespace machine::shared_library
