#pragma once

// libssh, loaded on first use. Linking it made every command pay for its start-up (it initialises libcrypto
// and pulls in Kerberos: ~1 MB resident and ~0.5 ms), while only the native SSH client needs it.

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>  // ssh_send_keepalive (works for clients too)

namespace machine::ssh::detail {

// The libssh functions this project calls, resolved from libssh.so.4.
struct LibSsh {
    decltype(&::ssh_channel_change_pty_size) ssh_channel_change_pty_size;
    decltype(&::ssh_channel_free) ssh_channel_free;
    decltype(&::ssh_channel_get_exit_status) ssh_channel_get_exit_status;
    decltype(&::ssh_channel_is_closed) ssh_channel_is_closed;
    decltype(&::ssh_channel_is_eof) ssh_channel_is_eof;
    decltype(&::ssh_channel_new) ssh_channel_new;
    decltype(&::ssh_channel_open_session) ssh_channel_open_session;
    decltype(&::ssh_channel_poll) ssh_channel_poll;
    decltype(&::ssh_channel_poll_timeout) ssh_channel_poll_timeout;
    decltype(&::ssh_channel_request_exec) ssh_channel_request_exec;
    decltype(&::ssh_channel_request_pty_size) ssh_channel_request_pty_size;
    decltype(&::ssh_channel_request_shell) ssh_channel_request_shell;
    decltype(&::ssh_channel_send_eof) ssh_channel_send_eof;
    decltype(&::ssh_channel_write) ssh_channel_write;
    decltype(&::ssh_clean_pubkey_hash) ssh_clean_pubkey_hash;
    decltype(&::ssh_connect) ssh_connect;
    decltype(&::ssh_disconnect) ssh_disconnect;
    decltype(&::ssh_event_free) ssh_event_free;
    decltype(&::ssh_free) ssh_free;
    decltype(&::ssh_get_error) ssh_get_error;
    decltype(&::ssh_get_fd) ssh_get_fd;
    decltype(&::ssh_get_fingerprint_hash) ssh_get_fingerprint_hash;
    decltype(&::ssh_get_publickey_hash) ssh_get_publickey_hash;
    decltype(&::ssh_get_server_publickey) ssh_get_server_publickey;
    decltype(&::ssh_is_connected) ssh_is_connected;
    decltype(&::ssh_key_free) ssh_key_free;
    decltype(&::ssh_key_type) ssh_key_type;
    decltype(&::ssh_key_type_from_name) ssh_key_type_from_name;
    decltype(&::ssh_key_type_to_char) ssh_key_type_to_char;
    decltype(&::ssh_new) ssh_new;
    decltype(&::ssh_options_set) ssh_options_set;
    decltype(&::ssh_pki_import_privkey_file) ssh_pki_import_privkey_file;
    decltype(&::ssh_remove_channel_callbacks) ssh_remove_channel_callbacks;
    decltype(&::ssh_send_keepalive) ssh_send_keepalive;
    decltype(&::ssh_set_channel_callbacks) ssh_set_channel_callbacks;
    decltype(&::ssh_string_free_char) ssh_string_free_char;
    decltype(&::ssh_userauth_publickey) ssh_userauth_publickey;
    decltype(&::ssh_userauth_publickey_auto) ssh_userauth_publickey_auto;
    decltype(&::ssh_pki_export_pubkey_base64) ssh_pki_export_pubkey_base64;
    decltype(&::ssh_pki_import_pubkey_base64) ssh_pki_import_pubkey_base64;
};

// Loads libssh once (thread-safe); throws Error if it cannot.
[[nodiscard]] const LibSsh& libssh();

}  // namespace machine::ssh::detail
