#include "drivers/none/none_driver.hpp"

#include "machine/error.hpp"
#include "machine/net.hpp"

namespace machine::drivers {

std::unique_ptr<Driver> NoneDriver::make(const std::string& machine_name, const std::string& store_path) {
    return std::make_unique<NoneDriver>(machine_name, store_path);
}

std::vector<FlagSpec> NoneDriver::create_flags() const {
    FlagSpec url;
    url.kind = FlagSpec::Kind::String;
    url.name = "url";
    url.usage = "URL of host when no driver is selected";
    return {url};
}

void NoneDriver::set_config_from_flags(const FlagValues& flags) {
    m_url = flags.string("url");
    if (m_url.empty()) {
        throw Error("--url option is required when no driver is selected");
    }
    // docker-machine stores the URL's host *with* its port, which is what `ip` prints for this driver.
    m_base.ip_address = net::url_host(m_url);
}

void NoneDriver::start() {
    throw NotSupported("hosts without a driver cannot be started");
}
void NoneDriver::stop() {
    throw NotSupported("hosts without a driver cannot be stopped");
}
void NoneDriver::restart() {
    throw NotSupported("hosts without a driver cannot be restarted");
}
void NoneDriver::kill() {
    throw NotSupported("hosts without a driver cannot be killed");
}

std::vector<StateField> NoneDriver::state_fields() {
    auto fields = base_state_fields();
    fields.push_back({"URL", &m_url});
    return fields;
}

}  // namespace machine::drivers
