#pragma once

// The EC2 Query API's XML responses, read with pugixml into the few fields the driver uses. Element names are
// EC2's (lowerCamelCase inside a default namespace); unknown elements are ignored, missing ones stay empty.

#include <optional>
#include <string>
#include <vector>

#include "machine/error.hpp"

namespace machine::drivers::amazonec2 {

// The response was not the XML we expected (truncated, HTML from a proxy, ...).
class XmlError : public Error {
public:
    using Error::Error;
};

struct AwsErrorInfo {
    std::string code;
    std::string message;
    std::string request_id;
};

struct Instance {
    std::string id;
    std::string state;  // "pending", "running", ...
    std::string private_ip;
    std::string public_ip;
    std::string subnet_id;
    std::string vpc_id;
};

struct Subnet {
    std::string id;
    std::string vpc_id;
    std::string availability_zone;
    bool default_for_az = false;
};

struct IpPermission {
    std::string protocol;  // "tcp", "udp", "-1"
    std::optional<long> from_port;
    std::optional<long> to_port;
};

struct SecurityGroup {
    std::string id;
    std::string name;
    std::string vpc_id;
    std::vector<IpPermission> permissions;
    std::vector<std::pair<std::string, std::string>> tags;
};

struct SpotRequest {
    std::string id;
    std::string state;        // "open", "active", "closed", "cancelled", "failed"
    std::string status_code;  // "fulfilled", "pending-evaluation", "price-too-low", ...
    std::string status_message;
    std::string instance_id;
};

// The first <Error> of an error document (<Response><Errors><Error>... or <ErrorResponse><Error>...), with
// the request id if there is one; nullopt when the body holds no error.
[[nodiscard]] std::optional<AwsErrorInfo> parse_error(const std::string& xml);

// DescribeInstances (reservationSet/item/instancesSet/item) and RunInstances (instancesSet/item).
[[nodiscard]] std::vector<Instance> parse_instances(const std::string& xml);
[[nodiscard]] std::string parse_reservation_id(const std::string& xml);
[[nodiscard]] std::vector<Subnet> parse_subnets(const std::string& xml);
[[nodiscard]] std::vector<std::string> parse_key_pair_names(const std::string& xml);
[[nodiscard]] std::vector<SecurityGroup> parse_security_groups(const std::string& xml);
// CreateSecurityGroup's <groupId>.
[[nodiscard]] std::string parse_group_id(const std::string& xml);
// The first value of an account attribute (DescribeAccountAttributes), nullopt when absent.
[[nodiscard]] std::optional<std::string> parse_account_attribute(const std::string& xml,
                                                                 const std::string& name);
// RequestSpotInstances and DescribeSpotInstanceRequests.
[[nodiscard]] std::vector<SpotRequest> parse_spot_requests(const std::string& xml);

}  // namespace machine::drivers::amazonec2
