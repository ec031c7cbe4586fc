// `export` and `import` (issue 11): a machine to one .tar.gz archive and back, into any store.

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "machine/error.hpp"
#include "machine/log.hpp"
#include "machine/machine_archive.hpp"

namespace machine::cli {
namespace {

class ExportCommand final : public Command {
public:
    std::string name() const override { return "export"; }
    std::string usage() const override { return "Export a machine to a .tar.gz archive"; }
    std::string description() const override {
        return "Arguments are a machine name and the archive to write. The archive holds the machine's "
               "configuration, certificates and private keys (file mode 0600); `import` unpacks it into "
               "another "
               "store.";
    }
    bool listed_in_app_help() const override { return false; }
    std::vector<FlagDef> flags() const override {
        return {bool_flag({"ca-key"},
                          "Also export the CA's private key (lets the importing side run "
                          "regenerate-certs; it can sign certificates for every machine of this store)")};
    }
    int run(Context& context, const ParseResult& parsed) override {
        if (parsed.args.size() != 2) {
            print_help(*this, context);
            throw Error("Error: Expected a machine name and an archive file name");
        }
        archive::export_machine(*context.store, parsed.args[0], parsed.args[1],
                                parsed.flags.boolean("ca-key"));
        log::info("Exported machine " + parsed.args[0] + " to " + parsed.args[1] +
                  " (it holds private keys: keep it safe)");
        return 0;
    }
};

class ImportCommand final : public Command {
public:
    std::string name() const override { return "import"; }
    std::string usage() const override { return "Import a machine from an archive made by export"; }
    std::string description() const override {
        return "Argument is the archive. The machine keeps its name; the paths in its configuration are "
               "rewritten to this store.";
    }
    bool listed_in_app_help() const override { return false; }
    int run(Context& context, const ParseResult& parsed) override {
        if (parsed.args.size() != 1) {
            print_help(*this, context);
            throw Error("Error: Expected one archive file name");
        }
        std::string name = archive::import_machine(*context.store, parsed.args[0]);
        log::info("Imported machine " + name);
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_export_command() {
    return std::make_unique<ExportCommand>();
}
std::unique_ptr<Command> make_import_command() {
    return std::make_unique<ImportCommand>();
}

}  // namespace machine::cli
