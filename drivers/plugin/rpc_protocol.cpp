#include "drivers/plugin/rpc_protocol.hpp"

#include <variant>

#include "machine/go_quote.hpp"

namespace machine::plugin {
namespace {

const gob::TypePtr& string_slice_type() {
    // Go names a slice type only where it is a struct field; held in an interface, []string is nameless.
    static const gob::TypePtr k_type = gob::slice_type("", gob::string_type());
    return k_type;
}

gob::List string_list(const std::vector<std::string>& items) {
    gob::List list;
    for (const auto& item : items) {
        list.emplace_back(item);
    }
    return list;
}

// A flag value boxed in an interface under the name Go pre-registers for its predeclared type.
gob::Value boxed_flag_value(const FlagValues::Value& value) {
    return std::visit(
        [](const auto& held) -> gob::Value {
            using T = std::decay_t<decltype(held)>;
            if constexpr (std::is_same_v<T, std::string>) {
                return gob::boxed("string", gob::string_type(), held);
            } else if constexpr (std::is_same_v<T, long long>) {
                return gob::boxed("int", gob::int_type(), held);
            } else if constexpr (std::is_same_v<T, bool>) {
                return gob::boxed("bool", gob::bool_type(), held);
            } else {
                return gob::boxed("[]string", string_slice_type(), string_list(held));
            }
        },
        value);
}

std::vector<std::string> strings_of(const gob::Value& value) {
    std::vector<std::string> out;
    if (value.is_nil()) {
        return out;
    }
    const auto* list = value.get_if<gob::List>();
    if (list == nullptr) {
        throw gob::DecodeError("gob: flag Value: expected []string");
    }
    for (const auto& item : *list) {
        out.push_back(gob::as_string(item, "flag Value"));
    }
    return out;
}

}  // namespace

const gob::TypePtr& request_type() {
    static const gob::TypePtr k_type =
        gob::struct_type("Request", {{"ServiceMethod", gob::string_type()}, {"Seq", gob::uint_type()}});
    return k_type;
}

gob::Value request_header(const std::string& service_method, std::uint64_t seq) {
    return gob::Struct{"Request", {{"ServiceMethod", service_method}, {"Seq", seq}}};
}

const gob::TypePtr& empty_args_type() {
    static const gob::TypePtr k_type = gob::struct_type("", {});
    return k_type;
}

ResponseHeader response_header(const gob::Value& value) {
    const auto* fields = value.get_if<gob::Struct>();
    if (fields == nullptr) {
        throw gob::DecodeError("gob: expected an RPC response header");
    }
    ResponseHeader header;
    if (const gob::Value* method = fields->find("ServiceMethod")) {
        header.service_method = gob::as_string(*method, "ServiceMethod");
    }
    if (const gob::Value* seq = fields->find("Seq")) {
        if (const auto* number = seq->get_if<std::uint64_t>()) {
            header.seq = *number;
        } else {
            throw gob::DecodeError("gob: Seq: expected a uint");
        }
    }
    if (const gob::Value* error = fields->find("Error")) {
        header.error = gob::as_string(*error, "Error");
    }
    return header;
}

const gob::TypePtr& driver_options_type() {
    static const gob::TypePtr k_type = gob::interface_type();
    return k_type;
}

gob::Value driver_options(const FlagValues& values) {
    static const gob::TypePtr k_flags_type = gob::struct_type(
        "RPCFlags",
        {{"Values", gob::map_type("map[string]interface {}", gob::string_type(), gob::interface_type())}});
    gob::Map entries;
    for (const auto& [name, value] : values.all()) {
        entries.push_back({name, boxed_flag_value(value)});
    }
    return gob::boxed("*rpcdriver.RPCFlags", k_flags_type, gob::Struct{"RPCFlags", {{"Values", entries}}});
}

std::vector<FlagSpec> create_flags_from_reply(const gob::Value& reply) {
    std::vector<FlagSpec> specs;
    if (reply.is_nil()) {
        return specs;
    }
    const auto* list = reply.get_if<gob::List>();
    if (list == nullptr) {
        throw gob::DecodeError("gob: GetCreateFlags: expected a list of flags");
    }
    for (const auto& item : *list) {
        const auto* flag = item.get_if<gob::Interface>();
        if (flag == nullptr) {
            throw gob::DecodeError("gob: GetCreateFlags: expected a list of flags");
        }
        if (flag->name.empty()) {
            continue;  // a nil flag
        }
        const auto* fields = flag->value ? flag->value->get_if<gob::Struct>() : nullptr;
        if (fields == nullptr) {
            throw gob::DecodeError("gob: flag " + go_quote(flag->name) + " is not a struct");
        }
        FlagSpec spec;
        auto text = [&](const char* key) {
            const gob::Value* value = fields->find(key);
            return value == nullptr ? std::string() : gob::as_string(*value, key);
        };
        spec.name = text("Name");
        spec.usage = text("Usage");
        spec.env_var = text("EnvVar");
        const gob::Value* value = fields->find("Value");
        static const gob::Value k_nil;
        const gob::Value& default_value = value != nullptr ? *value : k_nil;
        if (flag->name == "*mcnflag.StringFlag") {
            spec.kind = FlagSpec::Kind::String;
            spec.default_string = gob::as_string(default_value, "flag Value");
        } else if (flag->name == "*mcnflag.IntFlag") {
            spec.kind = FlagSpec::Kind::Int;
            spec.default_int = gob::as_int(default_value, "flag Value");
        } else if (flag->name == "*mcnflag.BoolFlag") {
            spec.kind = FlagSpec::Kind::Bool;
        } else if (flag->name == "*mcnflag.StringSliceFlag") {
            spec.kind = FlagSpec::Kind::StringSlice;
            spec.default_slice = strings_of(default_value);
        } else {
            throw gob::DecodeError("gob: name not registered for interface: " + go_quote(flag->name));
        }
        specs.push_back(std::move(spec));
    }
    return specs;
}

}  // namespace machine::plugin
