#include "libssh_api.hpp"

#include <mutex>
#include <string>

#include "machine/error.hpp"
#include "machine/shared_library.hpp"

namespace machine::ssh::detail {
namespace {

LibSsh load() {
    void* library = shared_library::open("libssh.so.4", "libssh");
    LibSsh api{};
    shared_library::resolve(library, "ssh_channel_change_pty_size", api.ssh_channel_change_pty_size,
                            "libssh");
    shared_library::resolve(library, "ssh_channel_free", api.ssh_channel_free, "libssh");
    shared_library::resolve(library, "ssh_channel_get_exit_status", api.ssh_channel_get_exit_status,
                            "libssh");
    shared_library::resolve(library, "ssh_channel_is_closed", api.ssh_channel_is_closed, "libssh");
    shared_library::resolve(library, "ssh_channel_is_eof", api.ssh_channel_is_eof, "libssh");
    shared_library::resolve(library, "ssh_channel_new", api.ssh_channel_new, "libssh");
    shared_library::resolve(library, "ssh_channel_open_session", api.ssh_channel_open_session, "libssh");
    shared_library::resolve(library, "ssh_channel_poll", api.ssh_channel_poll, "libssh");
    shared_library::resolve(library, "ssh_channel_poll_timeout", api.ssh_channel_poll_timeout, "libssh");
    shared_library::resolve(library, "ssh_channel_request_exec", api.ssh_channel_request_exec, "libssh");
    shared_library::resolve(library, "ssh_channel_request_pty_size", api.ssh_channel_request_pty_size,
                            "libssh");
    shared_library::resolve(library, "ssh_channel_request_shell", api.ssh_channel_request_shell, "libssh");
    shared_library::resolve(library, "ssh_channel_send_eof", api.ssh_channel_send_eof, "libssh");
    shared_library::resolve(library, "ssh_channel_write", api.ssh_channel_write, "libssh");
    shared_library::resolve(library, "ssh_clean_pubkey_hash", api.ssh_clean_pubkey_hash, "libssh");
    shared_library::resolve(library, "ssh_connect", api.ssh_connect, "libssh");
    shared_library::resolve(library, "ssh_disconnect", api.ssh_disconnect, "libssh");
    shared_library::resolve(library, "ssh_event_free", api.ssh_event_free, "libssh");
    shared_library::resolve(library, "ssh_free", api.ssh_free, "libssh");
    shared_library::resolve(library, "ssh_get_error", api.ssh_get_error, "libssh");
    shared_library::resolve(library, "ssh_get_fd", api.ssh_get_fd, "libssh");
    shared_library::resolve(library, "ssh_get_fingerprint_hash", api.ssh_get_fingerprint_hash, "libssh");
    shared_library::resolve(library, "ssh_get_publickey_hash", api.ssh_get_publickey_hash, "libssh");
    shared_library::resolve(library, "ssh_get_server_publickey", api.ssh_get_server_publickey, "libssh");
    shared_library::resolve(library, "ssh_is_connected", api.ssh_is_connected, "libssh");
    shared_library::resolve(library, "ssh_key_free", api.ssh_key_free, "libssh");
    shared_library::resolve(library, "ssh_key_type", api.ssh_key_type, "libssh");
    shared_library::resolve(library, "ssh_key_type_from_name", api.ssh_key_type_from_name, "libssh");
    shared_library::resolve(library, "ssh_key_type_to_char", api.ssh_key_type_to_char, "libssh");
    shared_library::resolve(library, "ssh_new", api.ssh_new, "libssh");
    shared_library::resolve(library, "ssh_options_set", api.ssh_options_set, "libssh");
    shared_library::resolve(library, "ssh_pki_import_privkey_file", api.ssh_pki_import_privkey_file,
                            "libssh");
    shared_library::resolve(library, "ssh_remove_channel_callbacks", api.ssh_remove_channel_callbacks,
                            "libssh");
    shared_library::resolve(library, "ssh_send_keepalive", api.ssh_send_keepalive, "libssh");
    shared_library::resolve(library, "ssh_set_channel_callbacks", api.ssh_set_channel_callbacks, "libssh");
    shared_library::resolve(library, "ssh_string_free_char", api.ssh_string_free_char, "libssh");
    shared_library::resolve(library, "ssh_userauth_publickey", api.ssh_userauth_publickey, "libssh");
    shared_library::resolve(library, "ssh_userauth_publickey_auto", api.ssh_userauth_publickey_auto,
                            "libssh");
    shared_library::resolve(library, "ssh_pki_export_pubkey_base64", api.ssh_pki_export_pubkey_base64,
                            "libssh");
    shared_library::resolve(library, "ssh_pki_import_pubkey_base64", api.ssh_pki_import_pubkey_base64,
                            "libssh");
    return api;
}

}  // namespace

const LibSsh& libssh() {
    return shared_library::load_once<LibSsh>(load);
}

}  // namespace machine::ssh::detail
