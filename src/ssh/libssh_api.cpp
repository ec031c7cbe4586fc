#include "libssh_api.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "machine/error.hpp"

namespace machine::ssh::detail {
namespace {

template <typename Function>
void resolve(void* library, const char* name, Function& target) {
    void* symbol = ::dlsym(library, name);
    if (symbol == nullptr) {
        throw Error(std::string("libssh has no ") + name);
    }
    target = reinterpret_cast<Function>(symbol);
}

LibSsh load() {
    // RTLD_NODELETE: sessions may be torn down by static destructors at exit.
    void* library = ::dlopen("libssh.so.4", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (library == nullptr) {
        const char* reason = ::dlerror();
        throw Error(std::string("loading libssh failed: ") + (reason != nullptr ? reason : "unknown error"));
    }
    LibSsh api{};
    resolve(library, "ssh_channel_change_pty_size", api.ssh_channel_change_pty_size);
    resolve(library, "ssh_channel_free", api.ssh_channel_free);
    resolve(library, "ssh_channel_get_exit_status", api.ssh_channel_get_exit_status);
    resolve(library, "ssh_channel_is_closed", api.ssh_channel_is_closed);
    resolve(library, "ssh_channel_is_eof", api.ssh_channel_is_eof);
    resolve(library, "ssh_channel_new", api.ssh_channel_new);
    resolve(library, "ssh_channel_open_session", api.ssh_channel_open_session);
    resolve(library, "ssh_channel_poll", api.ssh_channel_poll);
    resolve(library, "ssh_channel_poll_timeout", api.ssh_channel_poll_timeout);
    resolve(library, "ssh_channel_request_exec", api.ssh_channel_request_exec);
    resolve(library, "ssh_channel_request_pty_size", api.ssh_channel_request_pty_size);
    resolve(library, "ssh_channel_request_shell", api.ssh_channel_request_shell);
    resolve(library, "ssh_channel_send_eof", api.ssh_channel_send_eof);
    resolve(library, "ssh_channel_write", api.ssh_channel_write);
    resolve(library, "ssh_clean_pubkey_hash", api.ssh_clean_pubkey_hash);
    resolve(library, "ssh_connect", api.ssh_connect);
    resolve(library, "ssh_disconnect", api.ssh_disconnect);
    resolve(library, "ssh_event_free", api.ssh_event_free);
    resolve(library, "ssh_free", api.ssh_free);
    resolve(library, "ssh_get_error", api.ssh_get_error);
    resolve(library, "ssh_get_fd", api.ssh_get_fd);
    resolve(library, "ssh_get_fingerprint_hash", api.ssh_get_fingerprint_hash);
    resolve(library, "ssh_get_publickey_hash", api.ssh_get_publickey_hash);
    resolve(library, "ssh_get_server_publickey", api.ssh_get_server_publickey);
    resolve(library, "ssh_is_connected", api.ssh_is_connected);
    resolve(library, "ssh_key_free", api.ssh_key_free);
    resolve(library, "ssh_key_type", api.ssh_key_type);
    resolve(library, "ssh_key_type_from_name", api.ssh_key_type_from_name);
    resolve(library, "ssh_key_type_to_char", api.ssh_key_type_to_char);
    resolve(library, "ssh_new", api.ssh_new);
    resolve(library, "ssh_options_set", api.ssh_options_set);
    resolve(library, "ssh_pki_import_privkey_file", api.ssh_pki_import_privkey_file);
    resolve(library, "ssh_remove_channel_callbacks", api.ssh_remove_channel_callbacks);
    resolve(library, "ssh_send_keepalive", api.ssh_send_keepalive);
    resolve(library, "ssh_set_channel_callbacks", api.ssh_set_channel_callbacks);
    resolve(library, "ssh_string_free_char", api.ssh_string_free_char);
    resolve(library, "ssh_userauth_publickey", api.ssh_userauth_publickey);
    resolve(library, "ssh_userauth_publickey_auto", api.ssh_userauth_publickey_auto);
    resolve(library, "ssh_pki_export_pubkey_base64", api.ssh_pki_export_pubkey_base64);
    resolve(library, "ssh_pki_import_pubkey_base64", api.ssh_pki_import_pubkey_base64);
    return api;
}

}  // namespace

const LibSsh& libssh() {
    static std::once_flag loaded;
    static LibSsh api{};
    static std::string failure;
    std::call_once(loaded, [] {
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

}  // namespace machine::ssh::detail
