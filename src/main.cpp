#include "cli/command.hpp"

int main(int argc, char** argv) {
    return machine::cli::run(argc, argv);
}
