#include "drivers/amazonec2/ec2_xml.hpp"

#include <pugixml.hpp>

#include <cstdlib>
#include <string_view>

namespace machine::drivers::amazonec2 {
namespace {

pugi::xml_document parse_document(const std::string& xml) {
    pugi::xml_document document;
    pugi::xml_parse_result result = document.load_buffer(xml.data(), xml.size());
    if (!result) {
        throw XmlError(std::string("failed decoding EC2 Query response: ") + result.description() +
                       " at offset " + std::to_string(result.offset));
    }
    return document;
}

std::string text_of(const pugi::xml_node& node, const char* child) {
    return node.child(child).text().as_string();
}

// Children named "item" of a set element (EC2's list encoding).
template <typename Visit>
void for_each_item(const pugi::xml_node& set, Visit visit) {
    for (pugi::xml_node item = set.child("item"); item; item = item.next_sibling("item")) {
        visit(item);
    }
}

Instance read_instance(const pugi::xml_node& item) {
    Instance instance;
    instance.id = text_of(item, "instanceId");
    instance.state = item.child("instanceState").child("name").text().as_string();
    instance.private_ip = text_of(item, "privateIpAddress");
    instance.public_ip = text_of(item, "ipAddress");
    instance.subnet_id = text_of(item, "subnetId");
    instance.vpc_id = text_of(item, "vpcId");
    return instance;
}

std::optional<long> read_port(const pugi::xml_node& node, const char* name) {
    pugi::xml_node port = node.child(name);
    if (!port) {
        return std::nullopt;
    }
    std::string text = port.text().as_string();
    char* end = nullptr;
    long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || end == nullptr || *end != '\0') {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::optional<AwsErrorInfo> parse_error(const std::string& xml) {
    pugi::xml_document document;
    if (!document.load_buffer(xml.data(), xml.size())) {
        return std::nullopt;
    }
    pugi::xml_node error = document.find_node([](const pugi::xml_node& node) {
        return std::string_view(node.name()) == "Error" && node.child("Code");
    });
    if (!error) {
        return std::nullopt;
    }
    AwsErrorInfo info;
    info.code = text_of(error, "Code");
    info.message = text_of(error, "Message");
    pugi::xml_node request_id = document.find_node([](const pugi::xml_node& node) {
        std::string_view name = node.name();
        return name == "RequestID" || name == "RequestId" || name == "requestId";
    });
    info.request_id = request_id.text().as_string();
    return info;
}

std::vector<Instance> parse_instances(const std::string& xml) {
    pugi::xml_document document = parse_document(xml);
    pugi::xml_node root = document.document_element();
    std::vector<Instance> instances;
    auto read_set = [&](const pugi::xml_node& set) {
        for_each_item(set, [&](const pugi::xml_node& item) { instances.push_back(read_instance(item)); });
    };
    if (pugi::xml_node reservations = root.child("reservationSet")) {
        for_each_item(reservations, [&](const pugi::xml_node& reservation) {
            read_set(reservation.child("instancesSet"));
        });
    } else {
        read_set(root.child("instancesSet"));
    }
    return instances;
}

std::string parse_reservation_id(const std::string& xml) {
    pugi::xml_document document = parse_document(xml);
    return text_of(document.document_element(), "reservationId");
}

std::vector<Subnet> parse_subnets(const std::string& xml) {
    pugi::xml_document document = parse_document(xml);
    std::vector<Subnet> subnets;
    for_each_item(document.document_element().child("subnetSet"), [&](const pugi::xml_node& item) {
        Subnet subnet;
        subnet.id = text_of(item, "subnetId");
        subnet.vpc_id = text_of(item, "vpcId");
        subnet.availability_zone = text_of(item, "availabilityZone");
        subnet.default_for_az = item.child("defaultForAz").text().as_bool();
        subnets.push_back(std::move(subnet));
    });
    return subnets;
}

std::vector<std::string> parse_key_pair_names(const std::string& xml) {
    pugi::xml_document document = parse_document(xml);
    std::vector<std::string> names;
    for_each_item(document.document_element().child("keySet"),
                  [&](const pugi::xml_node& item) { names.push_back(text_of(item, "keyName")); });
    return names;
}

std::vector<SecurityGroup> parse_security_groups(const std::string& xml) {
    pugi::xml_document document = parse_document(xml);
    std::vector<SecurityGroup> groups;
    for_each_item(document.document_element().child("securityGroupInfo"), [&](const pugi::xml_node& item) {
        SecurityGroup group;
        group.id = text_of(item, "groupId");
        group.name = text_of(item, "groupName");
        group.vpc_id = text_of(item, "vpcId");
        for_each_item(item.child("ipPermissions"), [&](const pugi::xml_node& permission) {
            group.permissions.push_back({text_of(permission, "ipProtocol"), read_port(permission, "fromPort"),
                                         read_port(permission, "toPort")});
        });
        for_each_item(item.child("tagSet"), [&](const pugi::xml_node& tag) {
            group.tags.emplace_back(text_of(tag, "key"), text_of(tag, "value"));
        });
        groups.push_back(std::move(group));
    });
    return groups;
}

std::string parse_group_id(const std::string& xml) {
    pugi::xml_document document = parse_document(xml);
    return text_of(document.document_element(), "groupId");
}

std::optional<std::string> parse_account_attribute(const std::string& xml, const std::string& name) {
    pugi::xml_document document = parse_document(xml);
    std::optional<std::string> found;
    for_each_item(document.document_element().child("accountAttributeSet"), [&](const pugi::xml_node& item) {
        if (!found && text_of(item, "attributeName") == name) {
            pugi::xml_node first = item.child("attributeValueSet").child("item");
            if (first) {
                found = text_of(first, "attributeValue");
            }
        }
    });
    return found;
}

std::vector<SpotRequest> parse_spot_requests(const std::string& xml) {
    pugi::xml_document document = parse_document(xml);
    std::vector<SpotRequest> requests;
    for_each_item(document.document_element().child("spotInstanceRequestSet"),
                  [&](const pugi::xml_node& item) {
                      SpotRequest request;
                      request.id = text_of(item, "spotInstanceRequestId");
                      request.state = text_of(item, "state");
                      request.status_code = item.child("status").child("code").text().as_string();
                      request.status_message = item.child("status").child("message").text().as_string();
                      request.instance_id = text_of(item, "instanceId");
                      requests.push_back(std::move(request));
                  });
    return requests;
}

}  // namespace machine::drivers::amazonec2
