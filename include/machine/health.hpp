#pragma once

// Checks that warn before things bite: a store other users can read, certificates close to expiry.
// They only produce messages (printed on stderr, so scripts reading stdout see no difference).

#include <chrono>
#include <string>
#include <vector>

#include "machine/host.hpp"
#include "machine/store.hpp"

namespace machine::health {

// How long before expiry a certificate is reported.
inline constexpr auto k_expiry_warning_window = std::chrono::hours(24 * 30);

// Store directories other users can enter and private keys they can read (store.md: 0700 / 0600).
[[nodiscard]] std::vector<std::string> store_permission_warnings(const Store& store);

// The CA, client and server certificates of these machines that expired or expire within the window; a
// certificate shared by several machines (the store's CA) is reported once.
[[nodiscard]] std::vector<std::string> certificate_expiry_warnings(const std::vector<const Host*>& hosts,
                                                                   std::chrono::system_clock::time_point now);

}  // namespace machine::health
