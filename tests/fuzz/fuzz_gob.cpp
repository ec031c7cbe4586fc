// libFuzzer entry point: a gob stream as a driver plugin could send it. Decoding must never crash or hang:
// every input ends in values or in one of the codec's errors. Decoded flag lists go through the protocol's
// conversion too.

#include <cstddef>
#include <cstdint>
#include <string>

#include "drivers/plugin/rpc_protocol.hpp"
#include "machine/gob.hpp"

namespace {

class BytesSource : public machine::gob::Source {
public:
    BytesSource(const uint8_t* data, size_t size)
        : m_data(reinterpret_cast<const char*>(data)), m_size(size) {}
    void read(char* out, std::size_t size) override {
        if (m_size - m_pos < size) {
            bool clean = m_pos == m_size;
            m_pos = m_size;
            throw machine::gob::EndOfStream(clean);
        }
        std::copy(m_data + m_pos, m_data + m_pos + size, out);
        m_pos += size;
    }
    [[nodiscard]] bool done() const { return m_pos == m_size; }

private:
    const char* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    BytesSource source(data, size);
    machine::gob::Decoder decoder(source);
    try {
        while (!source.done()) {
            machine::gob::Value value = decoder.decode();
            try {
                (void)machine::plugin::create_flags_from_reply(value);
            } catch (const machine::Error&) {
            }
        }
    } catch (const machine::Error&) {
    }
    return 0;
}
