// The command-line option parser and the conversion of options into job specs: NUL-separated
// arguments, as a shell would pass them.
#include "cli/command_line.h"
#include "cli/options.h"
#include "fuzz_support.h"

#include <iostream>
#include <sstream>

namespace {

std::vector<std::string> arguments(const std::string& input)
{
    std::vector<std::string> args;
    std::string current;
    for (char c : input) {
        if (c == '\0') {
            args.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty())
        args.push_back(current);
    return args;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace tleg::cli;
    const auto args = arguments(fuzz::bytes(data, size));
    fuzz::expectOnlyError([&] {
        CommandLine cl("fuzz", "options of the training commands",
                       concat({{{"out", "DIR", "run folder", ""},
                                {"depths", "LIST", "depths", ""},
                                {"lambda", "λ", "weight", "1.0"},
                                {"tau", "τ", "temperature", "1.0"}},
                               dataOptions(),
                               modelOptions("fmnist-ti"),
                               trainOptions("6")}));
        bool parsed = false;
        {
            // --help prints; the stream is given back even when parse() throws (it used to stay
            // on the destroyed buffer, and std::cout's flush at exit crashed).
            std::ostringstream discard;
            struct Restore {
                std::streambuf* old;
                ~Restore() { std::cout.rdbuf(old); }
            } restore{std::cout.rdbuf(discard.rdbuf())};
            parsed = cl.parse(args);
        }
        if (!parsed)
            return;
        const auto data = dataSpec(cl);
        (void)data.toJson();
        modelConfig(cl).validate();
        auto train = trainConfig(cl);
        train.loss.lambda = cl.getDouble("lambda");
        train.loss.tau = cl.getDouble("tau");
        train.validate();
        if (cl.has("depths"))
            (void)cl.getIntList("depths");
        (void)runFolder(cl, "fuzz");
    });
    return 0;
}
