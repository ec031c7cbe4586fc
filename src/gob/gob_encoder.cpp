// gob encoding (include/machine/gob.hpp). Type ids and the placement of type definitions follow Go's encoder
// so that our streams are byte-identical to Go's for the same values (tests/unit/test_gob.cpp checks this):
// a user type gets the next id (from 65) when first needed, a struct before its fields' types, a slice or map
// after its element types; a definition is sent as its own message before the value that needs it, except
// for the concrete type of an interface value, whose definition closes the message being built (the receiver
// continues the value in the next message).

#include <bit>

#include "machine/gob.hpp"

namespace machine::gob {

class Encoder::Buffer {
public:
    void put_uint(std::uint64_t value) {
        if (value < 0x80) {
            m_bytes.push_back(static_cast<char>(value));
            return;
        }
        char bytes[8];
        int count = 0;
        for (std::uint64_t rest = value; rest != 0; rest >>= 8) {
            bytes[count++] = static_cast<char>(rest & 0xff);
        }
        m_bytes.push_back(static_cast<char>(-count));
        while (count > 0) {
            m_bytes.push_back(bytes[--count]);
        }
    }
    void put_int(std::int64_t value) {
        auto bits = static_cast<std::uint64_t>(value);
        put_uint(value < 0 ? (~bits << 1) | 1 : bits << 1);
    }
    void put_string(const std::string& text) {
        put_uint(text.size());
        m_bytes += text;
    }
    [[nodiscard]] std::string& bytes() { return m_bytes; }

private:
    std::string m_bytes;
};

namespace {

constexpr std::int64_t k_bool = 1;
constexpr std::int64_t k_int = 2;
constexpr std::int64_t k_uint = 3;
constexpr std::int64_t k_float = 4;
constexpr std::int64_t k_bytes = 5;
constexpr std::int64_t k_string = 6;
constexpr std::int64_t k_interface = 8;

bool is_basic(const Type& type) {
    return type.kind != Type::Kind::Slice && type.kind != Type::Kind::Map && type.kind != Type::Kind::Struct;
}

std::int64_t basic_id(const Type& type) {
    switch (type.kind) {
        case Type::Kind::Bool:
            return k_bool;
        case Type::Kind::Int:
            return k_int;
        case Type::Kind::Uint:
            return k_uint;
        case Type::Kind::Float:
            return k_float;
        case Type::Kind::Bytes:
            return k_bytes;
        case Type::Kind::String:
            return k_string;
        case Type::Kind::Interface:
            return k_interface;
        default:
            return 0;
    }
}

// Identifies a type structurally: two descriptions of the same Go type share one id.
std::string signature(const Type& type) {
    switch (type.kind) {
        case Type::Kind::Slice:
            return "S(" + type.name + ";" + signature(*type.elem) + ")";
        case Type::Kind::Map:
            return "M(" + type.name + ";" + signature(*type.key) + ";" + signature(*type.elem) + ")";
        case Type::Kind::Struct: {
            std::string out = "T(" + type.name;
            for (const auto& field : type.fields) {
                out += ";" + field.name + ":" + signature(*field.type);
            }
            return out + ")";
        }
        default:
            return std::to_string(basic_id(type));
    }
}

void write_message(std::string& writer, std::string& message) {
    std::string prefix;
    std::uint64_t size = message.size();
    if (size < 0x80) {
        prefix.push_back(static_cast<char>(size));
    } else {
        char bytes[8];
        int count = 0;
        for (std::uint64_t rest = size; rest != 0; rest >>= 8) {
            bytes[count++] = static_cast<char>(rest & 0xff);
        }
        prefix.push_back(static_cast<char>(-count));
        while (count > 0) {
            prefix.push_back(bytes[--count]);
        }
    }
    writer += prefix;
    writer += message;
    message.clear();
}

bool is_zero(const Type& type, const Value& value) {
    if (value.is_nil()) {
        return type.kind != Type::Kind::Struct;
    }
    switch (type.kind) {
        case Type::Kind::Bool:
            return value.get_if<bool>() != nullptr && !*value.get_if<bool>();
        case Type::Kind::Int:
        case Type::Kind::Uint:
            return (value.get_if<std::int64_t>() != nullptr && *value.get_if<std::int64_t>() == 0) ||
                   (value.get_if<std::uint64_t>() != nullptr && *value.get_if<std::uint64_t>() == 0);
        case Type::Kind::Float:
            return value.get_if<double>() != nullptr && *value.get_if<double>() == 0;
        case Type::Kind::String:
            return value.get_if<std::string>() != nullptr && value.get_if<std::string>()->empty();
        case Type::Kind::Bytes:
            return value.get_if<Bytes>() != nullptr && value.get_if<Bytes>()->data.empty();
        case Type::Kind::Slice:
            return value.get_if<List>() != nullptr && value.get_if<List>()->empty();
        case Type::Kind::Interface:
            return value.get_if<Interface>() != nullptr && value.get_if<Interface>()->name.empty();
        case Type::Kind::Map:     // only a nil map is left out; an empty one is sent
        case Type::Kind::Struct:  // struct fields are always sent
            return false;
    }
    return false;
}

[[noreturn]] void mismatch(const Type& type) {
    throw Error("gob: value does not match its type " + (type.name.empty() ? signature(type) : type.name));
}

std::int64_t integer_of(const Type& type, const Value& value) {
    if (value.is_nil()) {
        return 0;
    }
    if (const auto* number = value.get_if<std::int64_t>()) {
        return *number;
    }
    if (const auto* number = value.get_if<std::uint64_t>()) {
        return static_cast<std::int64_t>(*number);
    }
    mismatch(type);
}

}  // namespace

std::int64_t Encoder::assign_id(const Type& type) {
    if (is_basic(type)) {
        return basic_id(type);
    }
    std::string key = signature(type);
    auto found = m_ids.find(key);
    if (found != m_ids.end()) {
        return found->second;
    }
    switch (type.kind) {
        case Type::Kind::Struct:
            m_ids[key] = m_next_id++;
            for (const auto& field : type.fields) {
                assign_id(*field.type);
            }
            break;
        case Type::Kind::Slice:
            assign_id(*type.elem);
            m_ids[key] = m_next_id++;
            break;
        case Type::Kind::Map:
            assign_id(*type.key);
            assign_id(*type.elem);
            m_ids[key] = m_next_id++;
            break;
        default:
            break;
    }
    return m_ids[key];
}

std::string Encoder::encode(const TypePtr& type, const Value& value) {
    std::string out;
    m_writers.assign(1, &out);
    Buffer state;
    send_type_descriptor(*m_writers.back(), state, *type);
    state.put_int(assign_id(*type));
    encode_value(state, *type, value);
    write_message(*m_writers.back(), state.bytes());
    m_writers.clear();
    return out;
}

void Encoder::send_type_descriptor(std::string& writer, Buffer& state, const Type& type) {
    if (!is_basic(type)) {
        send_type(writer, state, type);
    }
}

void Encoder::send_type(std::string& writer, Buffer& state, const Type& type) {
    if (is_basic(type)) {
        return;
    }
    std::string key = signature(type);
    if (m_sent[key]) {
        return;
    }
    std::int64_t id = assign_id(type);
    state.put_int(-id);
    encode_wire_type(state, type);
    write_message(writer, state.bytes());
    m_sent[key] = true;
    switch (type.kind) {
        case Type::Kind::Struct:
            for (const auto& field : type.fields) {
                send_type(writer, state, *field.type);
            }
            break;
        case Type::Kind::Slice:
            send_type(writer, state, *type.elem);
            break;
        case Type::Kind::Map:
            send_type(writer, state, *type.key);
            send_type(writer, state, *type.elem);
            break;
        default:
            break;
    }
}

// The wireType struct: ArrayT (field 0), SliceT (1), StructT (2), MapT (3); each starts with CommonType{Name,
// Id}.
void Encoder::encode_wire_type(Buffer& buffer, const Type& type) {
    auto common = [&](const Type& described) {
        buffer.put_uint(1);  // CommonType, field 0 of every description
        if (!described.name.empty()) {
            buffer.put_uint(1);
            buffer.put_string(described.name);
            buffer.put_uint(1);
        } else {
            buffer.put_uint(2);
        }
        buffer.put_int(assign_id(described));
        buffer.put_uint(0);
    };
    switch (type.kind) {
        case Type::Kind::Slice:
            buffer.put_uint(2);
            common(type);
            buffer.put_uint(1);
            buffer.put_int(assign_id(*type.elem));
            buffer.put_uint(0);
            break;
        case Type::Kind::Struct:
            buffer.put_uint(3);
            common(type);
            if (!type.fields.empty()) {
                buffer.put_uint(1);
                buffer.put_uint(type.fields.size());
                for (const auto& field : type.fields) {
                    if (!field.name.empty()) {
                        buffer.put_uint(1);
                        buffer.put_string(field.name);
                        buffer.put_uint(1);
                    } else {
                        buffer.put_uint(2);
                    }
                    buffer.put_int(assign_id(*field.type));
                    buffer.put_uint(0);
                }
            }
            buffer.put_uint(0);
            break;
        case Type::Kind::Map:
            buffer.put_uint(4);
            common(type);
            buffer.put_uint(1);
            buffer.put_int(assign_id(*type.key));
            buffer.put_uint(1);
            buffer.put_int(assign_id(*type.elem));
            buffer.put_uint(0);
            break;
        default:
            break;
    }
    buffer.put_uint(0);
}

void Encoder::encode_value(Buffer& buffer, const Type& type, const Value& value) {
    if (type.kind == Type::Kind::Struct) {
        encode_struct(buffer, type, value);
        return;
    }
    buffer.put_uint(0);  // a value that is not a struct travels as field 0 of an imaginary struct
    encode_element(buffer, type, value);
}

void Encoder::encode_struct(Buffer& buffer, const Type& type, const Value& value) {
    const auto* fields = value.get_if<Struct>();
    if (fields == nullptr && !value.is_nil()) {
        mismatch(type);
    }
    static const Value k_nil;
    std::size_t previous = 0;  // field number + 1 of the last field sent
    for (std::size_t i = 0; i < type.fields.size(); ++i) {
        const Type::Field& field = type.fields[i];
        const Value* field_value = fields != nullptr ? fields->find(field.name) : nullptr;
        if (field_value == nullptr) {
            field_value = &k_nil;
        }
        if (is_zero(*field.type, *field_value)) {
            continue;
        }
        buffer.put_uint(i + 1 - previous);
        previous = i + 1;
        encode_element(buffer, *field.type, *field_value);
    }
    buffer.put_uint(0);
}

void Encoder::encode_element(Buffer& buffer, const Type& type, const Value& value) {
    switch (type.kind) {
        case Type::Kind::Bool: {
            const auto* flag = value.get_if<bool>();
            if (flag == nullptr && !value.is_nil()) {
                mismatch(type);
            }
            buffer.put_uint(flag != nullptr && *flag ? 1 : 0);
            return;
        }
        case Type::Kind::Int:
            buffer.put_int(integer_of(type, value));
            return;
        case Type::Kind::Uint:
            buffer.put_uint(static_cast<std::uint64_t>(integer_of(type, value)));
            return;
        case Type::Kind::Float: {
            const auto* number = value.get_if<double>();
            if (number == nullptr && !value.is_nil()) {
                mismatch(type);
            }
            buffer.put_uint(
                __builtin_bswap64(std::bit_cast<std::uint64_t>(number != nullptr ? *number : 0.0)));
            return;
        }
        case Type::Kind::String: {
            const auto* text = value.get_if<std::string>();
            if (text == nullptr && !value.is_nil()) {
                mismatch(type);
            }
            buffer.put_string(text != nullptr ? *text : std::string());
            return;
        }
        case Type::Kind::Bytes: {
            const auto* bytes = value.get_if<Bytes>();
            if (bytes == nullptr && !value.is_nil()) {
                mismatch(type);
            }
            buffer.put_string(bytes != nullptr ? bytes->data : std::string());
            return;
        }
        case Type::Kind::Slice: {
            const auto* items = value.get_if<List>();
            if (items == nullptr && !value.is_nil()) {
                mismatch(type);
            }
            buffer.put_uint(items != nullptr ? items->size() : 0);
            if (items != nullptr) {
                for (const auto& item : *items) {
                    encode_element(buffer, *type.elem, item);
                }
            }
            return;
        }
        case Type::Kind::Map: {
            const auto* entries = value.get_if<Map>();
            if (entries == nullptr && !value.is_nil()) {
                mismatch(type);
            }
            buffer.put_uint(entries != nullptr ? entries->size() : 0);
            if (entries != nullptr) {
                for (const auto& entry : *entries) {
                    encode_element(buffer, *type.key, entry.key);
                    encode_element(buffer, *type.elem, entry.value);
                }
            }
            return;
        }
        case Type::Kind::Struct:
            encode_struct(buffer, type, value);
            return;
        case Type::Kind::Interface:
            encode_interface(buffer, value);
            return;
    }
}

void Encoder::encode_interface(Buffer& buffer, const Value& value) {
    const auto* held = value.get_if<Interface>();
    if (held == nullptr && !value.is_nil()) {
        mismatch(*interface_type());
    }
    if (held == nullptr || held->name.empty()) {
        buffer.put_uint(0);  // nil
        return;
    }
    if (!held->type || !held->value) {
        throw Error("gob: interface value " + held->name + " without its concrete type");
    }
    buffer.put_string(held->name);
    // A new concrete type is defined right here: the definition ends the message built so far.
    send_type_descriptor(*m_writers.back(), buffer, *held->type);
    buffer.put_int(assign_id(*held->type));
    m_writers.push_back(&buffer.bytes());
    Buffer data;
    encode_value(data, *held->type, *held->value);
    m_writers.pop_back();
    write_message(buffer.bytes(), data.bytes());
}

}  // namespace machine::gob
