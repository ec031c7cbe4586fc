// ssh_probe: drives machine::ssh clients from shell tests (tests/e2e/test_ssh_e2e.sh).
//
//   ssh_probe --native|--external --host H [--port P] [--user U] [--key K] [--known-hosts F]
//             [--input FILE] [--upload LOCAL:REMOTE:MODE] [--tty] [--repeat N] [--keep-going] [--debug]
//             -- CMD1 [';;' CMD2 ...]
//   ssh_probe --native|--external ... --interactive -- [REMOTE ARGS...]
//
// Runs every command through ONE client (one connection), in order (the list --repeat times). stdout gets
// the commands' combined outputs, verbatim; stderr gets "ssh_probe: exit statuses: 0 3 ..." and the time
// taken. Exit code: the last command's exit status; with --interactive, run_interactive's result;
// 100 and "ssh_probe: error: <message>" on stderr when the client throws. With --keep-going a command that
// throws is reported (status "E" in the list) and the next one runs on the same client.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "machine/error.hpp"
#include "machine/log.hpp"
#include "machine/ssh.hpp"

namespace {

std::string slurp(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw machine::Error("cannot read " + path);
    }
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

int usage() {
    std::cerr
        << "usage: ssh_probe --native|--external --host H [--port P] [--user U] [--key K] [--known-hosts F]\n"
           "                 [--input FILE] [--upload LOCAL:REMOTE:MODE] [--tty] [--repeat N] [--debug]\n"
           "                 [--interactive] -- CMD1 [';;' CMD2 ...]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace machine;
    ssh::Endpoint endpoint;
    std::optional<ssh::ClientKind> kind;
    std::string input;
    std::string upload;
    bool tty = false;
    bool interactive = false;
    bool keep_going = false;
    int repeat = 1;
    std::vector<std::string> rest;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::exit(usage());
            }
            return argv[++i];
        };
        if (arg == "--native") {
            kind = ssh::ClientKind::Native;
        } else if (arg == "--external") {
            kind = ssh::ClientKind::External;
        } else if (arg == "--host") {
            endpoint.host = value();
        } else if (arg == "--port") {
            endpoint.port = std::stoi(value());
        } else if (arg == "--user") {
            endpoint.user = value();
        } else if (arg == "--key") {
            endpoint.key_path = value();
        } else if (arg == "--known-hosts") {
            endpoint.known_hosts_path = value();
        } else if (arg == "--input") {
            input = slurp(value());
        } else if (arg == "--upload") {
            upload = value();
        } else if (arg == "--tty") {
            tty = true;
        } else if (arg == "--repeat") {
            repeat = std::stoi(value());
        } else if (arg == "--keep-going") {
            keep_going = true;
        } else if (arg == "--debug") {
            log::set_debug(true);
        } else if (arg == "--interactive") {
            interactive = true;
        } else if (arg == "--") {
            rest.assign(argv + i + 1, argv + argc);
            break;
        } else {
            return usage();
        }
    }
    if (!kind || endpoint.host.empty()) {
        return usage();
    }
    try {
        auto client = ssh::make_client(endpoint, *kind);
        if (interactive) {
            return client->run_interactive(rest);
        }
        if (!upload.empty()) {
            auto first = upload.find(':');
            auto last = upload.rfind(':');
            if (first == std::string::npos || first == last) {
                return usage();
            }
            client->upload(slurp(upload.substr(0, first)), upload.substr(first + 1, last - first - 1),
                           static_cast<int>(std::stol(upload.substr(last + 1), nullptr, 8)));
        }
        std::vector<std::string> commands;
        std::string current;
        bool have = false;
        for (const auto& arg : rest) {
            if (arg == ";;") {
                commands.push_back(current);
                current.clear();
                have = false;
            } else {
                current += (have ? " " : "") + arg;
                have = true;
            }
        }
        if (have) {
            commands.push_back(current);
        }
        std::string statuses;
        int last_status = 0;
        auto start = std::chrono::steady_clock::now();
        for (int round = 0; round < repeat; ++round) {
            for (const auto& command : commands) {
                ssh::CommandResult result;
                try {
                    result = tty ? client->run_tty(command) : client->run_with_input(command, input);
                } catch (const Error& error) {
                    if (!keep_going) {
                        throw;
                    }
                    std::fprintf(stderr, "ssh_probe: error: %s\n", error.what());
                    statuses += " E";
                    last_status = 100;
                    continue;
                }
                std::fwrite(result.output.data(), 1, result.output.size(), stdout);
                std::fflush(stdout);
                statuses += " " + std::to_string(result.exit_status);
                last_status = result.exit_status;
            }
        }
        auto elapsed =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "ssh_probe: exit statuses:%s\n", statuses.c_str());
        std::fprintf(stderr, "ssh_probe: %zu commands in %.1f ms (%.2f ms each)\n", commands.size() * repeat,
                     elapsed,
                     commands.empty() ? 0.0 : elapsed / static_cast<double>(commands.size() * repeat));
        return last_status;
    } catch (const Error& error) {
        std::fprintf(stderr, "ssh_probe: error: %s\n", error.what());
        return 100;
    }
}
