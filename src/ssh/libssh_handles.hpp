#pragma once

#include "libssh_api.hpp"

#include <memory>

// RAII owners for libssh's C handles. A channel must be destroyed before its session: declare sessions first.
namespace machine::ssh::detail {

struct SessionDeleter {
    void operator()(ssh_session session) const noexcept {
        if (libssh().ssh_is_connected(session) != 0) {
            libssh().ssh_disconnect(session);
        }
        libssh().ssh_free(session);
    }
};
struct ChannelDeleter {
    void operator()(ssh_channel channel) const noexcept { libssh().ssh_channel_free(channel); }
};
struct KeyDeleter {
    void operator()(ssh_key key) const noexcept { libssh().ssh_key_free(key); }
};
struct EventDeleter {
    void operator()(ssh_event event) const noexcept { libssh().ssh_event_free(event); }
};
struct CharDeleter {
    void operator()(char* text) const noexcept { libssh().ssh_string_free_char(text); }
};
struct HashDeleter {
    void operator()(unsigned char* hash) const noexcept { libssh().ssh_clean_pubkey_hash(&hash); }
};

using Session = std::unique_ptr<ssh_session_struct, SessionDeleter>;
using Channel = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;
using Key = std::unique_ptr<ssh_key_struct, KeyDeleter>;
using Event = std::unique_ptr<ssh_event_struct, EventDeleter>;
using CString = std::unique_ptr<char, CharDeleter>;
using Hash = std::unique_ptr<unsigned char, HashDeleter>;

}  // namespace machine::ssh::detail
