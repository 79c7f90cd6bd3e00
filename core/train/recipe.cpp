// The named training recipes of train/trainer.h (`--recipe`): this tool's and the released
// code's.
#include "train/trainer.h"
#include "util/error.h"

namespace tleg::train {

const std::vector<std::string>& recipeNames()
{
    static const std::vector<std::string> names{"tleg", "released"};
    return names;
}

void applyRecipe(TrainOptions& o, const std::string& recipe)
{
    if (recipe == "tleg") {
        o.loss.deitNormalisation = false;
        o.clipGrad = 1.0;
    } else if (recipe == "released") {
        o.loss.deitNormalisation = true;
        o.clipGrad = 0.0;
    } else {
        throw Error("unknown recipe '" + recipe + "' (known: tleg, released)");
    }
}

std::string recipeOf(const TrainOptions& o)
{
    for (const auto& name : recipeNames()) {
        TrainOptions r = o;
        applyRecipe(r, name);
        if (r.clipGrad == o.clipGrad && r.loss.deitNormalisation == o.loss.deitNormalisation)
            return name;
    }
    return "custom";
}

} // namespace tleg::train
