// The gob codec against streams written by Go's encoding/gob (tests/fixtures/gob/*.hex, made by
// tests/gob/gen_fixtures.go), and the plugin protocol's messages built on it.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "drivers/plugin/rpc_protocol.hpp"
#include "machine/gob.hpp"

using namespace machine;

namespace {

std::string fixture_bytes(const std::string& name) {
    std::ifstream in(std::string(MACHINE_FIXTURES) + "/gob/" + name + ".hex");
    std::stringstream text;
    text << in.rdbuf();
    return gob::from_hex(text.str());
}

class StringSource : public gob::Source {
public:
    explicit StringSource(std::string bytes) : m_bytes(std::move(bytes)) {}
    void read(char* out, std::size_t size) override {
        if (m_pos == m_bytes.size() && size > 0) {
            throw gob::EndOfStream(true);
        }
        if (m_bytes.size() - m_pos < size) {
            m_pos = m_bytes.size();
            throw gob::EndOfStream(false);
        }
        m_bytes.copy(out, size, m_pos);
        m_pos += size;
    }
    [[nodiscard]] bool done() const { return m_pos == m_bytes.size(); }

private:
    std::string m_bytes;
    std::size_t m_pos = 0;
};

const gob::Struct& as_struct(const gob::Value& value) {
    const auto* result = value.get_if<gob::Struct>();
    EXPECT_NE(result, nullptr);
    static const gob::Struct k_empty;
    return result != nullptr ? *result : k_empty;
}

FlagValues one(const std::string& name, FlagValues::Value value) {
    FlagValues values;
    values.set(name, std::move(value));
    return values;
}

// The requests tests/gob/gen_fixtures.go writes, built with our encoder.
std::string client_session() {
    gob::Encoder encoder;
    std::string out;
    std::uint64_t seq = 0;
    auto call = [&](const std::string& method, const gob::TypePtr& type, const gob::Value& args) {
        out += encoder.encode(plugin::request_type(),
                              plugin::request_header("RPCServerDriver." + method, seq++));
        out += encoder.encode(type, args);
    };
    auto flags = [&](const FlagValues& values) {
        call("SetConfigFromFlags", plugin::driver_options_type(), plugin::driver_options(values));
    };
    call("GetVersion", plugin::empty_args_type(), gob::Struct{});
    call("SetConfigRaw", gob::bytes_type(), gob::Bytes{R"({"MachineName":"m1","StorePath":"/s"})"});
    call("GetMachineName", plugin::empty_args_type(), gob::Struct{});
    flags(one("plug-ip", std::string("10.0.0.1")));
    flags(one("plug-count", 42LL));
    flags(one("plug-tags", std::vector<std::string>{"a", "b"}));
    flags(one("plug-on", true));
    flags(one("plug-off", false));
    flags(one("plug-none", std::vector<std::string>{}));
    flags(one("n", -7LL));
    flags(one("big", 1LL << 40));
    flags(FlagValues{});
    seq = 300;
    call("Heartbeat", plugin::empty_args_type(), gob::Struct{});
    return out;
}

}  // namespace

TEST(Gob, EncoderWritesTheSameBytesAsGo) {
    std::string ours = client_session();
    std::string go = fixture_bytes("client_session");
    ASSERT_FALSE(go.empty());
    EXPECT_EQ(gob::to_hex(ours), gob::to_hex(go));
}

TEST(Gob, DecodesRequestsGoWrote) {
    StringSource source(fixture_bytes("client_session"));
    gob::Decoder decoder(source);
    gob::Value first_value = decoder.decode();
    const gob::Struct& first = as_struct(first_value);
    EXPECT_EQ(first.type_name, "Request");
    EXPECT_EQ(gob::as_string(*first.find("ServiceMethod"), "m"), "RPCServerDriver.GetVersion");
    EXPECT_EQ(first.find("Seq"), nullptr);  // zero: not sent
    EXPECT_TRUE(as_struct(decoder.decode()).fields.empty());
    (void)decoder.decode();
    EXPECT_EQ(gob::as_bytes(decoder.decode(), "raw"), R"({"MachineName":"m1","StorePath":"/s"})");
    (void)decoder.decode();
    (void)decoder.decode();
    (void)decoder.decode();
    gob::Value options = decoder.decode();
    const auto* boxed = options.get_if<gob::Interface>();
    ASSERT_NE(boxed, nullptr);
    EXPECT_EQ(boxed->name, "*rpcdriver.RPCFlags");
    const auto* map = as_struct(*boxed->value).find("Values")->get_if<gob::Map>();
    ASSERT_NE(map, nullptr);
    ASSERT_EQ(map->size(), 1u);
    EXPECT_EQ(gob::as_string(map->front().key, "key"), "plug-ip");
    const auto* held = map->front().value.get_if<gob::Interface>();
    ASSERT_NE(held, nullptr);
    EXPECT_EQ(held->name, "string");
    EXPECT_EQ(gob::as_string(*held->value, "v"), "10.0.0.1");
    // plug-count, then plug-tags: []string defined in the middle of the value.
    (void)decoder.decode();
    gob::Value count_value = decoder.decode();
    const auto* count = as_struct(*count_value.get_if<gob::Interface>()->value)
                            .find("Values")
                            ->get_if<gob::Map>()
                            ->front()
                            .value.get_if<gob::Interface>();
    EXPECT_EQ(count->name, "int");
    EXPECT_EQ(gob::as_int(*count->value, "v"), 42);
    (void)decoder.decode();
    gob::Value tags_value = decoder.decode();
    const auto* tags = as_struct(*tags_value.get_if<gob::Interface>()->value)
                           .find("Values")
                           ->get_if<gob::Map>()
                           ->front()
                           .value.get_if<gob::Interface>();
    EXPECT_EQ(tags->name, "[]string");
    const auto* list = tags->value->get_if<gob::List>();
    ASSERT_NE(list, nullptr);
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ(gob::as_string((*list)[1], "v"), "b");
    for (int i = 0; i < 12; ++i) {
        (void)decoder.decode();
    }
    gob::Value heartbeat_value = decoder.decode();
    const gob::Struct& heartbeat = as_struct(heartbeat_value);
    EXPECT_EQ(gob::as_string(*heartbeat.find("ServiceMethod"), "m"), "RPCServerDriver.Heartbeat");
    EXPECT_EQ(*heartbeat.find("Seq")->get_if<std::uint64_t>(), 300u);
    (void)decoder.decode();
    EXPECT_TRUE(source.done());
    EXPECT_THROW((void)decoder.decode(), gob::EndOfStream);
}

TEST(Gob, DecodesRepliesGoWrote) {
    StringSource source(fixture_bytes("server_session"));
    gob::Decoder decoder(source);
    auto header = [&] { return plugin::response_header(decoder.decode()); };

    plugin::ResponseHeader version = header();
    EXPECT_EQ(version.service_method, "RPCServerDriver.GetVersion");
    EXPECT_EQ(version.seq, 0u);
    EXPECT_EQ(version.error, "");
    EXPECT_EQ(gob::as_int(decoder.decode(), "version"), 1);

    EXPECT_EQ(header().seq, 1u);
    EXPECT_TRUE(as_struct(decoder.decode()).fields.empty());
    EXPECT_EQ(header().seq, 2u);
    EXPECT_EQ(gob::as_string(decoder.decode(), "url"), "tcp://1.2.3.4:2376");
    EXPECT_EQ(header().seq, 3u);
    EXPECT_EQ(gob::as_int(decoder.decode(), "state"), 4);
    EXPECT_EQ(header().seq, 4u);
    EXPECT_EQ(gob::as_bytes(decoder.decode(), "raw"), R"({"IPAddress":"1.2.3.4"})");

    EXPECT_EQ(header().seq, 5u);
    std::vector<FlagSpec> flags = plugin::create_flags_from_reply(decoder.decode());
    ASSERT_EQ(flags.size(), 5u);
    EXPECT_EQ(flags[0].kind, FlagSpec::Kind::String);
    EXPECT_EQ(flags[0].name, "plug-ip");
    EXPECT_EQ(flags[0].usage, "IP address");
    EXPECT_EQ(flags[0].env_var, "PLUG_IP");
    EXPECT_EQ(flags[0].default_string, "10.0.0.1");
    EXPECT_EQ(flags[1].kind, FlagSpec::Kind::Int);
    EXPECT_EQ(flags[1].default_int, 3);
    EXPECT_EQ(flags[1].env_var, "");
    EXPECT_EQ(flags[2].kind, FlagSpec::Kind::StringSlice);
    EXPECT_EQ(flags[2].default_slice, (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(flags[3].kind, FlagSpec::Kind::Bool);
    EXPECT_EQ(flags[3].name, "plug-on");
    EXPECT_EQ(flags[4].name, "plug-empty");
    EXPECT_EQ(flags[4].default_string, "");

    plugin::ResponseHeader failed = header();
    EXPECT_EQ(failed.service_method, "RPCServerDriver.Create");
    EXPECT_EQ(failed.error, "boom: it failed");
    EXPECT_TRUE(as_struct(decoder.decode()).fields.empty());
    EXPECT_EQ(header().seq, 1ull << 40);
    EXPECT_EQ(gob::as_int(decoder.decode(), "port"), -2222);
    EXPECT_EQ(header().error, "rpc: can't find method RPCServerDriver.Nope");
    (void)decoder.decode();
    EXPECT_EQ(header().seq, 9u);  // the same flag types again: no definitions this time
    EXPECT_EQ(plugin::create_flags_from_reply(decoder.decode()).size(), 5u);
    EXPECT_TRUE(source.done());
}

TEST(Gob, DecodesOtherKinds) {
    StringSource source(fixture_bytes("misc"));
    gob::Decoder decoder(source);
    gob::Value misc_value = decoder.decode();
    const gob::Struct& misc = as_struct(misc_value);
    EXPECT_EQ(misc.type_name, "Misc");
    EXPECT_EQ(*misc.find("F")->get_if<double>(), 1.5);
    EXPECT_EQ(*misc.find("U")->get_if<std::uint64_t>(), 300u);
    EXPECT_EQ(gob::as_int(*misc.find("Neg"), "Neg"), -1);
    EXPECT_EQ(*misc.find("Ok")->get_if<bool>(), true);
    const gob::Struct& inner = as_struct(*misc.find("In"));
    EXPECT_EQ(gob::as_int(*inner.find("A"), "A"), 7);
    EXPECT_EQ(gob::as_string(*inner.find("B"), "B"), "in");
    const auto& ints = *misc.find("Ints")->get_if<gob::List>();
    ASSERT_EQ(ints.size(), 3u);
    EXPECT_EQ(gob::as_int(ints[1], "i"), -2);
    EXPECT_EQ(gob::as_int(ints[2], "i"), 1000);
    const auto& count = *misc.find("Count")->get_if<gob::Map>();
    EXPECT_EQ(gob::as_string(count.at(0).key, "k"), "k");
    EXPECT_EQ(gob::as_int(count.at(0).value, "v"), 5);
    const auto& array = *misc.find("Arr")->get_if<gob::List>();
    ASSERT_EQ(array.size(), 3u);
    EXPECT_EQ(*array[2].get_if<std::uint64_t>(), 3u);
    const auto& any = *misc.find("Any")->get_if<gob::Interface>();
    EXPECT_EQ(any.name, "main.Inner");
    EXPECT_EQ(gob::as_string(*as_struct(*any.value).find("B"), "B"), "any");
    EXPECT_EQ(misc.find("Skip"), nullptr);
    const auto& complex = *misc.find("Cplx")->get_if<gob::Complex>();
    EXPECT_EQ(complex.real, 1);
    EXPECT_EQ(complex.imag, -2);
    EXPECT_EQ(*decoder.decode().get_if<double>(), 3.25);
    EXPECT_EQ(gob::as_string(decoder.decode(), "tail"), "tail");
}

TEST(Gob, TruncatedStreamIsUnexpectedEof) {
    std::string bytes = fixture_bytes("server_session");
    for (std::size_t cut : {1ul, 5ul, 40ul, bytes.size() / 2, bytes.size() - 1}) {
        StringSource source(bytes.substr(0, cut));
        gob::Decoder decoder(source);
        bool clean = true;
        try {
            for (;;) {
                (void)decoder.decode();
            }
        } catch (const gob::EndOfStream& end) {
            clean = end.clean();
        } catch (const gob::DecodeError&) {
            clean = false;
        }
        EXPECT_FALSE(clean) << "cut at " << cut;
    }
}

TEST(Gob, GarbageIsADecodeErrorNotACrash) {
    // Every single-byte corruption of a real stream either decodes or throws one of our errors.
    std::string bytes = fixture_bytes("server_session");
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::string corrupt = bytes;
        corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
        StringSource source(corrupt);
        gob::Decoder decoder(source);
        try {
            while (!source.done()) {
                (void)decoder.decode();
            }
        } catch (const Error&) {
        }
    }
    StringSource text(std::string("127.0.0.1:1234\nhello"));
    gob::Decoder decoder(text);
    EXPECT_THROW((void)decoder.decode(), Error);
}

TEST(Gob, RoundTripsOwnValues) {
    gob::Encoder encoder;
    auto type = gob::struct_type("T", {{"Name", gob::string_type()},
                                       {"Port", gob::int_type()},
                                       {"Tags", gob::slice_type("[]string", gob::string_type())},
                                       {"Any", gob::interface_type()},
                                       {"Ratio", gob::float_type()}});
    gob::Value value = gob::Struct{"T",
                                   {{"Name", "x"},
                                    {"Port", -300},
                                    {"Tags", gob::List{gob::Value("a"), gob::Value("")}},
                                    {"Any", gob::boxed("int", gob::int_type(), 1LL << 50)},
                                    {"Ratio", 0.25}}};
    std::string bytes = encoder.encode(type, value);
    std::string again = encoder.encode(type, value);  // the type is known by now: no definitions
    EXPECT_LT(again.size(), bytes.size());
    bytes += again;
    StringSource source(bytes);
    gob::Decoder decoder(source);
    for (int i = 0; i < 2; ++i) {
        gob::Value back_value = decoder.decode();
        const gob::Struct& back = as_struct(back_value);
        EXPECT_EQ(gob::as_string(*back.find("Name"), "Name"), "x");
        EXPECT_EQ(gob::as_int(*back.find("Port"), "Port"), -300);
        EXPECT_EQ(back.find("Tags")->get_if<gob::List>()->size(), 2u);
        EXPECT_EQ(gob::as_int(*back.find("Any")->get_if<gob::Interface>()->value, "Any"), 1LL << 50);
        EXPECT_EQ(*back.find("Ratio")->get_if<double>(), 0.25);
    }
    EXPECT_TRUE(source.done());
    EXPECT_THROW((void)encoder.encode(gob::int_type(), gob::Value("text")), Error);
}
