#pragma once

// The messages of docker-machine's driver plugin protocol (docs/plugins.md) as gob values: net/rpc's request
// and response headers, the empty argument, SetConfigFromFlags' RPCFlags and GetCreateFlags' flag list.

#include <cstdint>
#include <string>
#include <vector>

#include "machine/driver.hpp"
#include "machine/gob.hpp"

namespace machine::plugin {

inline constexpr std::int64_t k_api_version = 1;
inline constexpr const char* k_service_name = "RPCServerDriver";
inline constexpr const char* k_legacy_service_name = "RpcServerDriver";  // plugins built before 0.5.1

// net/rpc's Request{ServiceMethod string; Seq uint64}.
[[nodiscard]] const gob::TypePtr& request_type();
[[nodiscard]] gob::Value request_header(const std::string& service_method, std::uint64_t seq);

// The argument of every call without one: struct{}{}.
[[nodiscard]] const gob::TypePtr& empty_args_type();

// net/rpc's Response{ServiceMethod string; Seq uint64; Error string}.
struct ResponseHeader {
    std::string service_method;
    std::uint64_t seq = 0;
    std::string error;
};
// Throws gob::DecodeError if `value` is not a response header.
[[nodiscard]] ResponseHeader response_header(const gob::Value& value);

// SetConfigFromFlags' argument: a drivers.DriverOptions interface holding *rpcdriver.RPCFlags whose Values
// map has one entry per flag (string, int, bool or []string).
[[nodiscard]] const gob::TypePtr& driver_options_type();
[[nodiscard]] gob::Value driver_options(const FlagValues& values);

// GetCreateFlags' reply ([]mcnflag.Flag) as flag descriptors. Throws gob::DecodeError for anything else.
[[nodiscard]] std::vector<FlagSpec> create_flags_from_reply(const gob::Value& reply);

}  // namespace machine::plugin
