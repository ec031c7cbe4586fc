// The driver registry of the config fuzzer: the none driver and the not-found placeholder, so the fuzzer
// links only the store's codec and not the SSH and provisioning code of the other drivers.

#include "drivers/none/none_driver.hpp"
#include "drivers/not_found_driver.hpp"

namespace machine {

std::unique_ptr<Driver> make_driver_for_load(const std::string& driver_name, const std::string& machine_name,
                                             const std::string& store_path) {
    if (driver_name == "none") {
        return drivers::NoneDriver::make(machine_name, store_path);
    }
    return std::make_unique<drivers::NotFoundDriver>(driver_name, machine_name, store_path);
}

}  // namespace machine
