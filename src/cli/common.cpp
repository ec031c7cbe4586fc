#include "cli/common.hpp"

#include <iostream>
#include <mutex>
#include <thread>

#include "machine/error.hpp"
#include "machine/go_quote.hpp"
#include "machine/log.hpp"
#include "machine/provision.hpp"

namespace machine::cli {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

}  // namespace

namespace {

void transition(Host& host, State target, const char* before, const char* after,
                const std::function<void(Driver&)>& operation) {
    log::info(std::string(before) + " " + go_quote(host.name) + "...");
    State current = host.driver->state();
    if (current == target) {
        throw Error("Machine " + go_quote(host.name) + " is already " + lower(state_name(target)) + ".");
    }
    operation(*host.driver);
    wait_for_machine_state(host, target);
    if (after != nullptr) {
        log::info(std::string("Machine ") + go_quote(host.name) + " " + after + ".");
    }
}

}  // namespace

std::vector<std::string> names_or_default(const Context& context, const std::vector<std::string>& args) {
    if (!args.empty()) {
        return args;
    }
    bool exists = false;
    try {
        exists = context.store->exists("default");
    } catch (const Error& error) {
        throw Error(std::string("Error checking if host \"default\" exists: ") + error.what());
    }
    if (!exists) {
        throw Error("Error: No machine name(s) specified and no \"default\" machine exists");
    }
    return {"default"};
}

std::string single_name_or_default(const Context& context, const std::vector<std::string>& args) {
    if (args.size() > 1) {
        throw Error("Error: Expected one machine name as an argument");
    }
    return names_or_default(context, args).front();
}

void run_action(Context& context, const std::vector<std::string>& names,
                const std::function<void(Host&)>& action) {
    std::vector<std::unique_ptr<Host>> hosts;
    std::string load_errors;
    for (const auto& name : names) {
        try {
            hosts.push_back(context.store->load(name));
        } catch (const Error& error) {
            load_errors += (load_errors.empty() ? "" : "\n") + std::string(error.what());
        }
    }
    if (!load_errors.empty()) {
        throw Error(load_errors);
    }
    std::mutex errors_mutex;
    std::vector<std::string> errors;
    std::vector<std::thread> workers;
    for (auto& host : hosts) {
        workers.emplace_back([&, host = host.get()] {
            try {
                auto lock = context.store->lock_machine(host->name);
                action(*host);
            } catch (const std::exception& error) {
                std::lock_guard guard(errors_mutex);
                errors.emplace_back(error.what());
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    if (!errors.empty()) {
        std::string joined;
        for (const auto& error : errors) {
            joined += (joined.empty() ? "" : "\n") + error;
        }
        throw Error(joined);
    }
    for (const auto& host : hosts) {
        try {
            context.store->save(*host);
        } catch (const Error& error) {
            throw Error(std::string("Error saving host to store: ") + error.what());
        }
    }
}

void transition_start(Host& host) {
    transition(host, State::Running, "Starting", "was started", [](Driver& driver) { driver.start(); });
}

void transition_stop(Host& host) {
    transition(host, State::Stopped, "Stopping", "was stopped", [](Driver& driver) { driver.stop(); });
}

void transition_kill(Host& host) {
    transition(host, State::Stopped, "Killing", "was killed", [](Driver& driver) { driver.kill(); });
}

std::string read_confirmation_token() {
    std::string line;
    if (!std::getline(std::cin, line)) {
        throw Error("EOF");
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos) {
        throw Error("unexpected newline");
    }
    auto end = line.find_first_of(" \t", start);
    std::string token = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (end != std::string::npos && line.find_first_not_of(" \t", end) != std::string::npos) {
        throw Error("expected newline");
    }
    return token;
}

bool confirm(const std::string& prompt) {
    std::cout << prompt << std::flush;
    std::string token = read_confirmation_token();
    return !token.empty() && (token[0] == 'y' || token[0] == 'Y');
}

void print_help(const Command& command, const Context& context) {
    std::cout << command.help_text(context) << std::flush;
}

}  // namespace machine::cli
