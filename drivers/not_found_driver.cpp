#include "drivers/not_found_driver.hpp"

#include "machine/error.hpp"
#include "machine/go_json.hpp"
#include "machine/go_quote.hpp"

namespace machine {

namespace drivers {

NotFoundDriver::NotFoundDriver(std::string driver_name, std::string machine_name, std::string store_path)
    : Driver(std::move(machine_name), std::move(store_path)), m_missing_driver(std::move(driver_name)) {
    // Upstream's placeholder reports the driver name as its machine name.
    m_base.machine_name = m_missing_driver;
}

std::optional<std::string> NotFoundDriver::raw_state() const {
    return "{\"Name\":" + go_json::quote(m_missing_driver) + "}";
}

void NotFoundDriver::fail() const {
    throw Error("Driver " + go_quote(m_missing_driver) +
                " not found. Do you have the plugin binary accessible in your PATH?");
}

}  // namespace drivers

}  // namespace machine
