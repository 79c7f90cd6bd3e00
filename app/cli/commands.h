#pragma once
// The tleg subcommands. Each takes the arguments after its name and returns an exit code.
// Usage (app/tleg_main.cpp dispatches on the first argument):
//   return distillCommand({"--teacher", "runs/ancestry/model.safetensors", "--epochs", "3"});
#include <string>
#include <vector>

namespace tleg::cli {

using Args = std::vector<std::string>;

int trainAncestryCommand(const Args& args);
int distillCommand(const Args& args);
int finetuneCommand(const Args& args);
int rerunCommand(const Args& args);
int pipelineCommand(const Args& args);
int expandCommand(const Args& args);
int evalCommand(const Args& args);
int infoCommand(const Args& args);
int pcaCommand(const Args& args);
int experimentCommand(const Args& args);
int benchCommand(const Args& args);

} // namespace tleg::cli
