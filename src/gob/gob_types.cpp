// Type descriptions, value helpers and hex conversion of the gob codec (include/machine/gob.hpp).

#include <utility>

#include "machine/gob.hpp"

namespace machine::gob {
namespace {

TypePtr basic(Type::Kind kind) {
    auto type = std::make_shared<Type>();
    type->kind = kind;
    return type;
}

}  // namespace

TypePtr bool_type() {
    static const TypePtr k_type = basic(Type::Kind::Bool);
    return k_type;
}
TypePtr int_type() {
    static const TypePtr k_type = basic(Type::Kind::Int);
    return k_type;
}
TypePtr uint_type() {
    static const TypePtr k_type = basic(Type::Kind::Uint);
    return k_type;
}
TypePtr float_type() {
    static const TypePtr k_type = basic(Type::Kind::Float);
    return k_type;
}
TypePtr bytes_type() {
    static const TypePtr k_type = basic(Type::Kind::Bytes);
    return k_type;
}
TypePtr string_type() {
    static const TypePtr k_type = basic(Type::Kind::String);
    return k_type;
}
TypePtr interface_type() {
    static const TypePtr k_type = basic(Type::Kind::Interface);
    return k_type;
}

TypePtr slice_type(std::string name, TypePtr elem) {
    auto type = std::make_shared<Type>();
    type->kind = Type::Kind::Slice;
    type->name = std::move(name);
    type->elem = std::move(elem);
    return type;
}

TypePtr map_type(std::string name, TypePtr key, TypePtr elem) {
    auto type = std::make_shared<Type>();
    type->kind = Type::Kind::Map;
    type->name = std::move(name);
    type->key = std::move(key);
    type->elem = std::move(elem);
    return type;
}

TypePtr struct_type(std::string name, std::vector<Type::Field> fields) {
    auto type = std::make_shared<Type>();
    type->kind = Type::Kind::Struct;
    type->name = std::move(name);
    type->fields = std::move(fields);
    return type;
}

const Value* Struct::find(std::string_view name) const {
    for (const auto& field : fields) {
        if (field.name == name) {
            return &field.value;
        }
    }
    return nullptr;
}

Value boxed(std::string name, TypePtr type, Value value) {
    return Interface{std::move(name), std::make_shared<const Value>(std::move(value)), std::move(type)};
}

std::int64_t as_int(const Value& value, std::string_view what) {
    if (value.is_nil()) {
        return 0;  // a zero-valued field is not sent
    }
    if (const auto* number = value.get_if<std::int64_t>()) {
        return *number;
    }
    throw DecodeError("gob: " + std::string(what) + ": expected an int");
}

std::string as_string(const Value& value, std::string_view what) {
    if (value.is_nil()) {
        return {};
    }
    if (const auto* text = value.get_if<std::string>()) {
        return *text;
    }
    throw DecodeError("gob: " + std::string(what) + ": expected a string");
}

std::string as_bytes(const Value& value, std::string_view what) {
    if (value.is_nil()) {
        return {};
    }
    if (const auto* bytes = value.get_if<Bytes>()) {
        return bytes->data;
    }
    throw DecodeError("gob: " + std::string(what) + ": expected []byte");
}

std::string to_hex(std::string_view bytes) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(k_digits[c >> 4]);
        out.push_back(k_digits[c & 0xf]);
    }
    return out;
}

std::string from_hex(std::string_view hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    };
    std::string out;
    int high = -1;
    for (char c : hex) {
        int value = nibble(c);
        if (value < 0) {
            continue;  // whitespace and newlines between digits
        }
        if (high < 0) {
            high = value;
        } else {
            out.push_back(static_cast<char>(high << 4 | value));
            high = -1;
        }
    }
    return out;
}

}  // namespace machine::gob
