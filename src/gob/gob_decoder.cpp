// gob decoding (include/machine/gob.hpp). The layout follows Go's encoding/gob documentation: a stream of
// length-prefixed messages, each a type definition (negative id + wireType) or a value (id + data). Type
// definitions needed by an interface's concrete type may arrive in the middle of a value, between the
// interface's type name and its data; the decoder then continues the value in the next message.

#include <algorithm>
#include <bit>
#include <cstring>

#include "machine/gob.hpp"

namespace machine::gob {

struct Decoder::WireType {
    enum class Kind { Array, Slice, Struct, Map, GobEncoder };
    Kind kind = Kind::Struct;
    std::string name;
    std::int64_t key = 0;
    std::int64_t elem = 0;
    std::int64_t length = 0;
    std::vector<std::pair<std::string, std::int64_t>> fields;
};

namespace {

constexpr std::int64_t k_bool = 1;
constexpr std::int64_t k_int = 2;
constexpr std::int64_t k_uint = 3;
constexpr std::int64_t k_float = 4;
constexpr std::int64_t k_bytes = 5;
constexpr std::int64_t k_string = 6;
constexpr std::int64_t k_complex = 7;
constexpr std::int64_t k_interface = 8;
constexpr std::int64_t k_wire_type = 16;
constexpr std::int64_t k_first_user_id = 65;
constexpr std::uint64_t k_max_message = 64u << 20;
constexpr std::size_t k_max_type_name = 1024;
constexpr int k_max_depth = 100;

using WireType = Decoder::WireType;  // NOLINT: private nested type, visible to this file only

}  // namespace

namespace {

// The definitions of gob's own description types (Go's type.go: wireType is id 16, arrayType 17, CommonType
// 18, sliceType 19, structType 20, fieldType 21, []*fieldType 22, mapType 23; gobEncoderType is ours to
// number).
const std::map<std::int64_t, std::shared_ptr<const Decoder::WireType>>& bootstrap_types() {
    static const auto k_types = [] {
        std::map<std::int64_t, std::shared_ptr<const Decoder::WireType>> types;
        auto add_struct = [&](std::int64_t id, const char* name,
                              std::vector<std::pair<std::string, std::int64_t>> fields) {
            auto wire = std::make_shared<Decoder::WireType>();
            wire->kind = Decoder::WireType::Kind::Struct;
            wire->name = name;
            wire->fields = std::move(fields);
            types[id] = wire;
        };
        add_struct(16, "wireType",
                   {{"ArrayT", 17},
                    {"SliceT", 19},
                    {"StructT", 20},
                    {"MapT", 23},
                    {"GobEncoderT", 24},
                    {"BinaryMarshalerT", 24},
                    {"TextMarshalerT", 24}});
        add_struct(17, "arrayType", {{"CommonType", 18}, {"Elem", k_int}, {"Len", k_int}});
        add_struct(18, "CommonType", {{"Name", k_string}, {"Id", k_int}});
        add_struct(19, "sliceType", {{"CommonType", 18}, {"Elem", k_int}});
        add_struct(20, "structType", {{"CommonType", 18}, {"Field", 22}});
        add_struct(21, "fieldType", {{"Name", k_string}, {"Id", k_int}});
        auto fields = std::make_shared<Decoder::WireType>();
        fields->kind = Decoder::WireType::Kind::Slice;
        fields->name = "[]*gob.fieldType";
        fields->elem = 21;
        types[22] = fields;
        add_struct(23, "mapType", {{"CommonType", 18}, {"Key", k_int}, {"Elem", k_int}});
        add_struct(24, "gobEncoderType", {{"CommonType", 18}});
        return types;
    }();
    return k_types;
}

const Struct& struct_of(const Value& value) {
    const auto* result = value.get_if<Struct>();
    if (result == nullptr) {
        throw DecodeError("gob: malformed type definition");
    }
    return *result;
}

std::string common_name(const Struct& definition) {
    const Value* common = definition.find("CommonType");
    if (common == nullptr) {
        return {};
    }
    const Value* name = struct_of(*common).find("Name");
    return name == nullptr ? std::string() : as_string(*name, "type name");
}

std::int64_t int_field(const Struct& definition, const char* name) {
    const Value* value = definition.find(name);
    return value == nullptr ? 0 : as_int(*value, name);
}

}  // namespace

Decoder::Decoder(Source& source) : m_source(source) {}

std::uint64_t Decoder::read_uint() {
    if (at_end()) {
        throw DecodeError("gob: decoding uint: unexpected end of message");
    }
    auto first = static_cast<unsigned char>(m_buffer[m_pos++]);
    if (first < 0x80) {
        return first;
    }
    int count = -static_cast<int>(static_cast<signed char>(first));
    if (count > 8) {
        throw DecodeError("gob: encoded unsigned integer out of range");
    }
    if (m_buffer.size() - m_pos < static_cast<std::size_t>(count)) {
        throw DecodeError("gob: decoding uint: unexpected end of message");
    }
    std::uint64_t value = 0;
    for (int i = 0; i < count; ++i) {
        value = value << 8 | static_cast<unsigned char>(m_buffer[m_pos++]);
    }
    return value;
}

std::int64_t Decoder::read_int() {
    std::uint64_t bits = read_uint();
    if ((bits & 1) != 0) {
        return static_cast<std::int64_t>(~(bits >> 1));
    }
    return static_cast<std::int64_t>(bits >> 1);
}

std::string Decoder::read_string() {
    std::uint64_t size = read_uint();
    if (size > m_buffer.size() - m_pos) {
        throw DecodeError("gob: string or byte slice length " + std::to_string(size) + " exceeds input size");
    }
    std::string out = m_buffer.substr(m_pos, size);
    m_pos += size;
    return out;
}

void Decoder::receive_message() {
    // The length prefix is a uint read straight from the stream.
    char first = 0;
    m_source.read(&first, 1);
    std::uint64_t size = static_cast<unsigned char>(first);
    if (size >= 0x80) {
        int count = -static_cast<int>(static_cast<signed char>(first));
        if (count > 8) {
            throw DecodeError("gob: encoded unsigned integer out of range");
        }
        char bytes[8];
        try {
            m_source.read(bytes, static_cast<std::size_t>(count));
        } catch (const EndOfStream&) {
            throw EndOfStream(false);
        }
        size = 0;
        for (int i = 0; i < count; ++i) {
            size = size << 8 | static_cast<unsigned char>(bytes[i]);
        }
    }
    if (size == 0 || size >= k_max_message) {
        throw DecodeError("gob: invalid message length " + std::to_string(size));
    }
    // Grown as the bytes come, so that a length prefix alone can't make us allocate much.
    constexpr std::size_t k_chunk = 64 * 1024;
    m_buffer.clear();
    m_pos = 0;
    try {
        while (m_buffer.size() < size) {
            std::size_t offset = m_buffer.size();
            std::size_t count = std::min<std::size_t>(k_chunk, size - offset);
            m_buffer.resize(offset + count);
            m_source.read(m_buffer.data() + offset, count);
        }
    } catch (const EndOfStream&) {
        throw EndOfStream(false);
    }
}

std::int64_t Decoder::decode_type_sequence(bool in_interface) {
    bool first_message = true;
    for (;;) {
        if (at_end()) {
            try {
                receive_message();
            } catch (const EndOfStream& end) {
                // Type definitions announce a value: the stream may not end after them.
                throw EndOfStream(end.clean() && first_message && !in_interface);
            }
        }
        std::int64_t id = read_int();
        if (id >= 0) {
            return id;
        }
        receive_type(-id);
        if (!at_end()) {
            if (!in_interface) {
                throw DecodeError("gob: extra data in buffer");
            }
            (void)read_uint();  // the byte count of the message that continues the value
        }
        first_message = false;
    }
}

void Decoder::receive_type(std::int64_t id) {
    if (id < k_first_user_id || m_types.count(id) != 0) {
        throw DecodeError("gob: duplicate type received");
    }
    const Value decoded = decode_struct(*bootstrap_types().at(k_wire_type), 0);
    const Struct& definition = struct_of(decoded);
    auto wire = std::make_shared<WireType>();
    if (const Value* array = definition.find("ArrayT")) {
        const Struct& body = struct_of(*array);
        wire->kind = WireType::Kind::Array;
        wire->name = common_name(body);
        wire->elem = int_field(body, "Elem");
        wire->length = int_field(body, "Len");
    } else if (const Value* slice = definition.find("SliceT")) {
        const Struct& body = struct_of(*slice);
        wire->kind = WireType::Kind::Slice;
        wire->name = common_name(body);
        wire->elem = int_field(body, "Elem");
    } else if (const Value* structure = definition.find("StructT")) {
        const Struct& body = struct_of(*structure);
        wire->kind = WireType::Kind::Struct;
        wire->name = common_name(body);
        if (const Value* fields = body.find("Field")) {
            const auto* list = fields->get_if<List>();
            if (list == nullptr) {
                throw DecodeError("gob: malformed type definition");
            }
            for (const auto& field : *list) {
                const Struct& entry = struct_of(field);
                const Value* name = entry.find("Name");
                wire->fields.emplace_back(name == nullptr ? std::string() : as_string(*name, "field name"),
                                          int_field(entry, "Id"));
            }
        }
    } else if (const Value* map = definition.find("MapT")) {
        const Struct& body = struct_of(*map);
        wire->kind = WireType::Kind::Map;
        wire->name = common_name(body);
        wire->key = int_field(body, "Key");
        wire->elem = int_field(body, "Elem");
    } else {
        for (const char* kind : {"GobEncoderT", "BinaryMarshalerT", "TextMarshalerT"}) {
            if (const Value* encoder = definition.find(kind)) {
                wire->kind = WireType::Kind::GobEncoder;
                wire->name = common_name(struct_of(*encoder));
            }
        }
        if (wire->kind != WireType::Kind::GobEncoder) {
            throw DecodeError("gob: type definition of unknown kind");
        }
    }
    m_types[id] = std::move(wire);
}

const Decoder::WireType& Decoder::wire_type(std::int64_t id) const {
    auto found = m_types.find(id);
    if (found != m_types.end()) {
        return *found->second;
    }
    auto builtin = bootstrap_types().find(id);
    if (builtin != bootstrap_types().end()) {
        return *builtin->second;
    }
    throw DecodeError("gob: unknown type id " + std::to_string(id));
}

Value Decoder::decode() {
    std::int64_t id = decode_type_sequence(false);
    return decode_top(id, 0);
}

Value Decoder::decode_top(std::int64_t id, int depth) {
    if (id > k_interface && wire_type(id).kind == WireType::Kind::Struct) {
        return decode_struct(wire_type(id), depth);
    }
    if (read_uint() != 0) {
        throw DecodeError("gob: decode: corrupted data: non-zero delta for singleton");
    }
    return decode_item(id, depth);
}

Value Decoder::decode_item(std::int64_t id, int depth) {
    if (depth > k_max_depth) {
        throw DecodeError("gob: value nested too deeply");
    }
    switch (id) {
        case k_bool: {
            std::uint64_t bits = read_uint();
            if (bits > 1) {
                throw DecodeError("gob: invalid bool value " + std::to_string(bits));
            }
            return bits == 1;
        }
        case k_int:
            return read_int();
        case k_uint:
            return read_uint();
        case k_float: {
            // Floats travel byte-reversed, so that small exponents and mantissas with few bits encode short.
            return std::bit_cast<double>(__builtin_bswap64(read_uint()));
        }
        case k_complex: {
            double real = std::bit_cast<double>(__builtin_bswap64(read_uint()));
            double imag = std::bit_cast<double>(__builtin_bswap64(read_uint()));
            return Complex{real, imag};
        }
        case k_bytes:
            return Bytes{read_string()};
        case k_string:
            return read_string();
        case k_interface:
            return decode_interface(depth + 1);
        default:
            break;
    }
    const WireType& wire = wire_type(id);
    switch (wire.kind) {
        case WireType::Kind::Struct:
            return decode_struct(wire, depth + 1);
        case WireType::Kind::GobEncoder:
            return Bytes{read_string()};
        case WireType::Kind::Array:
        case WireType::Kind::Slice: {
            std::uint64_t count = read_uint();
            if (wire.kind == WireType::Kind::Array && count != static_cast<std::uint64_t>(wire.length)) {
                throw DecodeError("gob: length mismatch in decodeArray");
            }
            if (count > m_buffer.size() - m_pos) {
                throw DecodeError("gob: slice length " + std::to_string(count) + " exceeds input size");
            }
            List items;
            items.reserve(count);
            for (std::uint64_t i = 0; i < count; ++i) {
                items.push_back(decode_item(wire.elem, depth + 1));
            }
            return items;
        }
        case WireType::Kind::Map: {
            std::uint64_t count = read_uint();
            if (count > m_buffer.size() - m_pos) {
                throw DecodeError("gob: map length " + std::to_string(count) + " exceeds input size");
            }
            Map entries;
            entries.reserve(count);
            for (std::uint64_t i = 0; i < count; ++i) {
                Value key = decode_item(wire.key, depth + 1);
                Value value = decode_item(wire.elem, depth + 1);
                entries.push_back({std::move(key), std::move(value)});
            }
            return entries;
        }
    }
    throw DecodeError("gob: unknown type id " + std::to_string(id));
}

Value Decoder::decode_struct(const WireType& wire, int depth) {
    if (depth > k_max_depth) {
        throw DecodeError("gob: value nested too deeply");
    }
    Struct result;
    result.type_name = wire.name;
    std::int64_t field_number = -1;
    while (!at_end()) {
        std::uint64_t delta = read_uint();
        if (delta == 0) {
            break;  // the struct's terminator
        }
        if (delta > wire.fields.size() || field_number + static_cast<std::int64_t>(delta) >=
                                              static_cast<std::int64_t>(wire.fields.size())) {
            throw DecodeError("gob: bad data: field numbers out of bounds");
        }
        field_number += static_cast<std::int64_t>(delta);
        const auto& [name, id] = wire.fields[static_cast<std::size_t>(field_number)];
        Value value = decode_item(id, depth + 1);
        result.fields.push_back({name, std::move(value)});
    }
    return result;
}

Value Decoder::decode_interface(int depth) {
    std::uint64_t size = read_uint();
    if (size > k_max_type_name || size > m_buffer.size() - m_pos) {
        throw DecodeError("gob: invalid type name length " + std::to_string(size));
    }
    Interface result;
    result.name = m_buffer.substr(m_pos, size);
    m_pos += size;
    if (result.name.empty()) {
        return result;  // nil
    }
    std::int64_t concrete = decode_type_sequence(true);
    (void)read_uint();  // the byte count of the value, for receivers that skip it
    result.value = std::make_shared<const Value>(decode_top(concrete, depth + 1));
    return result;
}

}  // namespace machine::gob
