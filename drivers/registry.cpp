// Drivers under construction register themselves here once their header exists.
#if __has_include("drivers/amazonec2/amazonec2_driver.hpp")
#include "drivers/amazonec2/amazonec2_driver.hpp"
#define MACHINE_HAS_AMAZONEC2 1
#endif
#if __has_include("drivers/azure/azure_driver.hpp")
#include "drivers/azure/azure_driver.hpp"
#define MACHINE_HAS_AZURE 1
#endif
#if __has_include("drivers/digitalocean/digitalocean_driver.hpp")
#include "drivers/digitalocean/digitalocean_driver.hpp"
#define MACHINE_HAS_DIGITALOCEAN 1
#endif
#if __has_include("drivers/virtualbox/virtualbox_driver.hpp")
#include "drivers/virtualbox/virtualbox_driver.hpp"
#define MACHINE_HAS_VIRTUALBOX 1
#endif
#if __has_include("drivers/qemu/qemu_driver.hpp")
#include "drivers/qemu/qemu_driver.hpp"
#define MACHINE_HAS_QEMU 1
#endif
#include "drivers/generic/generic_driver.hpp"
#include "drivers/none/none_driver.hpp"
#include "drivers/not_found_driver.hpp"
#include "drivers/plugin/plugin_driver.hpp"
#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/process.hpp"

namespace machine {

const std::vector<DriverInfo>& builtin_drivers() {
    static const std::vector<DriverInfo> k_drivers = {
#ifdef MACHINE_HAS_AMAZONEC2
        {"amazonec2", &drivers::Amazonec2Driver::make},
#endif
#ifdef MACHINE_HAS_AZURE
        {"azure", &drivers::AzureDriver::make},
#endif
#ifdef MACHINE_HAS_DIGITALOCEAN
        {"digitalocean", &drivers::DigitalOceanDriver::make},
#endif
        {"generic", &drivers::GenericDriver::make},
        {"none", &drivers::NoneDriver::make},
#ifdef MACHINE_HAS_QEMU
        {"qemu", &drivers::QemuDriver::make},
#endif
#ifdef MACHINE_HAS_VIRTUALBOX
        {"virtualbox", &drivers::VirtualBoxDriver::make},
#endif
    };
    return k_drivers;
}

namespace {

const DriverInfo* find_builtin(const std::string& driver_name) {
    for (const auto& info : builtin_drivers()) {
        if (info.name == driver_name) {
            return &info;
        }
    }
    return nullptr;
}

// docker-machine-driver-NAME on PATH (names with a slash are never looked up as paths).
std::optional<std::string> find_plugin_binary(const std::string& driver_name) {
    if (driver_name.empty() || driver_name.find('/') != std::string::npos) {
        return std::nullopt;
    }
    return process::find_in_path("docker-machine-driver-" + driver_name);
}

}  // namespace

std::unique_ptr<Driver> make_driver(const std::string& driver_name, const std::string& machine_name,
                                    const std::string& store_path) {
    if (const DriverInfo* info = find_builtin(driver_name)) {
        return info->factory(machine_name, store_path);
    }
    if (auto binary = find_plugin_binary(driver_name)) {
        return std::make_unique<plugin::PluginDriver>(driver_name, *binary, machine_name, store_path,
                                                      plugin::PluginDriver::Start::Now);
    }
    throw Error("Driver " + go_quote(driver_name) + " not found. Do you have the plugin binary " +
                go_quote("docker-machine-driver-" + driver_name) + " accessible in your PATH?");
}

std::unique_ptr<Driver> make_driver_for_load(const std::string& driver_name, const std::string& machine_name,
                                             const std::string& store_path) {
    if (const DriverInfo* info = find_builtin(driver_name)) {
        return info->factory(machine_name, store_path);
    }
    if (auto binary = find_plugin_binary(driver_name)) {
        return std::make_unique<plugin::PluginDriver>(driver_name, *binary, machine_name, store_path,
                                                      plugin::PluginDriver::Start::OnFirstCall);
    }
    return std::make_unique<drivers::NotFoundDriver>(driver_name, machine_name, store_path);
}

}  // namespace machine
