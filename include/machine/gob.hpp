#pragma once

// Go's encoding/gob, as far as docker-machine's driver plugins need it (docs/plugins.md): a decoder that
// turns any gob stream into dynamically typed values, and an encoder for values whose Go types are described
// explicitly. Both keep per-stream state (type definitions sent or received), like Go's Encoder and Decoder:
// use one of each per connection and direction.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "machine/error.hpp"

namespace machine::gob {

// Malformed or unsupported input; the message says what was wrong (e.g. "gob: unknown type id 70").
class DecodeError : public Error {
public:
    using Error::Error;
};
// The stream ended: cleanly between two messages (clean_eof) or in the middle of one.
class EndOfStream : public Error {
public:
    explicit EndOfStream(bool clean_eof) : Error(clean_eof ? "EOF" : "unexpected EOF"), m_clean(clean_eof) {}
    [[nodiscard]] bool clean() const noexcept { return m_clean; }

private:
    bool m_clean;
};

struct Type;
using TypePtr = std::shared_ptr<const Type>;

// A Go type as gob sees it. Slices, maps and structs carry the name Go gives them on the wire ("[]string",
// "map[string]interface {}", "Request": the type's own name without its package).
struct Type {
    enum class Kind { Bool, Int, Uint, Float, Bytes, String, Interface, Slice, Map, Struct };
    struct Field {
        std::string name;
        TypePtr type;
    };
    Kind kind = Kind::Int;
    std::string name;
    TypePtr key;                // Map
    TypePtr elem;               // Slice, Map
    std::vector<Field> fields;  // Struct, in declaration order
};

[[nodiscard]] TypePtr bool_type();
[[nodiscard]] TypePtr int_type();
[[nodiscard]] TypePtr uint_type();
[[nodiscard]] TypePtr float_type();
[[nodiscard]] TypePtr bytes_type();  // []byte
[[nodiscard]] TypePtr string_type();
[[nodiscard]] TypePtr interface_type();  // interface{} and every other interface type
[[nodiscard]] TypePtr slice_type(std::string name, TypePtr elem);
[[nodiscard]] TypePtr map_type(std::string name, TypePtr key, TypePtr elem);
[[nodiscard]] TypePtr struct_type(std::string name, std::vector<Type::Field> fields);

struct Value;
struct Field;
struct MapEntry;
using List = std::vector<Value>;    // slices and arrays
using Map = std::vector<MapEntry>;  // in stream order
struct Bytes {
    std::string data;
};
struct Complex {
    double real = 0;
    double imag = 0;
};
// A struct value: the fields that were sent (gob omits zero-valued fields), by name.
struct Struct {
    std::string type_name;
    std::vector<Field> fields;
    [[nodiscard]] const Value* find(std::string_view name) const;
};
// An interface value: the registered name of the concrete type ("*mcnflag.StringFlag", "string", "[]string")
// and the concrete value. An empty name is a nil interface. `type` is the concrete type, needed to encode;
// decoded values leave it empty.
struct Interface {
    std::string name;
    std::shared_ptr<const Value> value;
    TypePtr type;
};

struct Value {
    using Data = std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, Complex, std::string,
                              Bytes, List, Map, Struct, Interface>;
    Data data;

    // Implicit on purpose: values read like literals in code that builds them. Defined below, once Field and
    // MapEntry are complete.
    Value();
    Value(bool v);
    Value(int v);
    Value(long v);
    Value(long long v);
    Value(unsigned long v);
    Value(unsigned long long v);
    Value(double v);
    Value(Complex v);
    Value(std::string v);
    Value(const char* v);
    Value(Bytes v);
    Value(List v);
    Value(Map v);
    Value(Struct v);
    Value(Interface v);

    [[nodiscard]] bool is_nil() const { return std::holds_alternative<std::monostate>(data); }
    template <typename T>
    [[nodiscard]] const T* get_if() const {
        return std::get_if<T>(&data);
    }
};

struct Field {
    std::string name;
    Value value;
};
struct MapEntry {
    Value key;
    Value value;
};

inline Value::Value() = default;
inline Value::Value(bool v) : data(v) {}
inline Value::Value(int v) : data(static_cast<std::int64_t>(v)) {}
inline Value::Value(long v) : data(static_cast<std::int64_t>(v)) {}
inline Value::Value(long long v) : data(static_cast<std::int64_t>(v)) {}
inline Value::Value(unsigned long v) : data(static_cast<std::uint64_t>(v)) {}
inline Value::Value(unsigned long long v) : data(static_cast<std::uint64_t>(v)) {}
inline Value::Value(double v) : data(v) {}
inline Value::Value(Complex v) : data(v) {}
inline Value::Value(std::string v) : data(std::move(v)) {}
inline Value::Value(const char* v) : data(std::string(v)) {}
inline Value::Value(Bytes v) : data(std::move(v)) {}
inline Value::Value(List v) : data(std::move(v)) {}
inline Value::Value(Map v) : data(std::move(v)) {}
inline Value::Value(Struct v) : data(std::move(v)) {}
inline Value::Value(Interface v) : data(std::move(v)) {}

// A value held in an interface, for encoding: `name` is what the receiver registered for `type`.
[[nodiscard]] Value boxed(std::string name, TypePtr type, Value value);

// Reads whole messages from a byte stream; read() throws EndOfStream (clean only if no byte of the requested
// range was available) or the transport's own Error.
class Source {
public:
    virtual ~Source() = default;
    virtual void read(char* out, std::size_t size) = 0;
};

class Decoder {
public:
    struct WireType;  // a type definition received on this stream (internal)

    explicit Decoder(Source& source);
    // The next top-level value of the stream, after any type definitions in front of it.
    [[nodiscard]] Value decode();

private:
    [[nodiscard]] std::uint64_t read_uint();
    [[nodiscard]] std::int64_t read_int();
    [[nodiscard]] std::string read_string();
    [[nodiscard]] bool at_end() const { return m_pos >= m_buffer.size(); }
    void receive_message();
    [[nodiscard]] std::int64_t decode_type_sequence(bool in_interface);
    void receive_type(std::int64_t id);
    [[nodiscard]] Value decode_top(std::int64_t id, int depth);
    [[nodiscard]] Value decode_item(std::int64_t id, int depth);
    [[nodiscard]] Value decode_struct(const WireType& wire, int depth);
    [[nodiscard]] Value decode_interface(int depth);
    [[nodiscard]] const WireType& wire_type(std::int64_t id) const;

    Source& m_source;
    std::string m_buffer;
    std::size_t m_pos = 0;
    std::map<std::int64_t, std::shared_ptr<const WireType>> m_types;
};

class Encoder {
public:
    Encoder() = default;
    // The bytes to append to the stream for one top-level value of `type`: the definitions of types not sent
    // before on this stream, then the value. Throws Error if the value does not fit the type.
    [[nodiscard]] std::string encode(const TypePtr& type, const Value& value);

private:
    class Buffer;
    std::int64_t assign_id(const Type& type);
    void send_type_descriptor(std::string& writer, Buffer& state, const Type& type);
    void send_type(std::string& writer, Buffer& state, const Type& type);
    void encode_value(Buffer& buffer, const Type& type, const Value& value);
    void encode_struct(Buffer& buffer, const Type& type, const Value& value);
    void encode_element(Buffer& buffer, const Type& type, const Value& value);
    void encode_interface(Buffer& buffer, const Value& value);
    void encode_wire_type(Buffer& buffer, const Type& type);

    std::map<std::string, std::int64_t> m_ids;  // type signature -> id, once assigned
    std::map<std::string, bool> m_sent;
    std::int64_t m_next_id = 65;
    std::vector<std::string*> m_writers;
};

// Convenience accessors for decoded values; they throw DecodeError naming `what` on a type mismatch.
[[nodiscard]] std::int64_t as_int(const Value& value, std::string_view what);
[[nodiscard]] std::string as_string(const Value& value, std::string_view what);
[[nodiscard]] std::string as_bytes(const Value& value, std::string_view what);

// Hex helpers for tests and debug logs.
[[nodiscard]] std::string to_hex(std::string_view bytes);
[[nodiscard]] std::string from_hex(std::string_view hex);

}  // namespace machine::gob
