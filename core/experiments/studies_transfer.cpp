// Table 2 (transfer to new classes against the baselines) and Table 3 (parameters stored to
// initialise Des-Nets of several depths).
#include "experiments/studies.h"

#include "io/safetensors.h"

#include <sstream>

namespace tleg::experiments {

namespace {

/// The parameters He-LG transfers: the last min(3, depth) blocks of the pretrained model.
int64_t heLgParams(const std::string& path, int64_t pretrainedDepth, int64_t depth)
{
    const int64_t keep = std::min<int64_t>(3, std::min(depth, pretrainedDepth));
    return storedParameters(path, [&](const std::string& name) {
        for (int64_t b = pretrainedDepth - keep; b < pretrainedDepth; ++b)
            if (name.rfind("blocks." + std::to_string(b) + ".", 0) == 0)
                return true;
        return false;
    });
}

std::string setting(Workbench& wb)
{
    const Preset& p = wb.preset();
    std::ostringstream os;
    os << "Source: " << wb.describe(Domain::Source) << " (" << wb.data(Domain::Source).train.size()
       << " training images); target: " << wb.describe(Domain::Target) << " ("
       << wb.data(Domain::Target).train.size() << " training, "
       << wb.data(Domain::Target).test.size() << " test images). Learngenes, Share-Init and "
       << "Pre-Fin(U) are trained on the source with the same recipe (" << p.distillTrain.epochs
       << " epochs of distillation from one ancestry, width " << p.aux.dim
       << "); every Des-Net is then trained " << p.targetTrain.epochs
       << " epochs on the target with a new head. Top-5 is not shown: with 5 target classes it "
          "is trivially 100 %.\n\n";
    return os.str();
}

} // namespace

Report transfer(Workbench& wb)
{
    const Preset& p = wb.preset();
    const int64_t d = p.desDepth;
    Report rep;
    model::AuxOptions shareOpts;
    shareOpts.shareOnly = true;
    for (int s = 0; s < wb.seeds(); ++s) {
        wb.announce(seedStage(wb, s));
        const Outcome lg = wb.learngene(Domain::Source, {}, s);
        const Outcome share = wb.learngene(Domain::Source, shareOpts, s);
        const Outcome pre = wb.pretrain(Domain::Source, d, s);
        auto add = [&](const std::string& method, const Outcome& o, int64_t sParams) {
            rep.records.add({method, d, uint64_t(s), o.top1, o.top5, o.params, sParams, o.seconds,
                             o.images, o.model});
        };
        add("Pre-Fin(U)", wb.finetune(Domain::Target, {"pre-fin", d, &pre}, s),
            sParamsWithoutHead(pre.model));
        add("Scratch", wb.finetune(Domain::Target, {"scratch", d}, s), 0);
        add("He-LG", wb.finetune(Domain::Target, {"he-lg", d, &pre}, s), heLgParams(pre.model, d, d));
        add("Share-Init", wb.finetune(Domain::Target, {"share-init", d, &share}, s),
            sParamsWithoutHead(share.learngene));
        add("TLEG", wb.finetune(Domain::Target, {"tleg", d, &lg}, s),
            sParamsWithoutHead(lg.learngene));
    }
    const std::vector<std::string> methods{"Pre-Fin(U)", "Scratch", "He-LG", "Share-Init", "TLEG"};
    std::ostringstream os;
    os << setting(wb);
    Table t({"Model", "Params (M)", "Method", "S-Params (M)", "Top-1 (%)"});
    for (const auto& m : methods) {
        const Record r = rep.records.of(m).front(); // of() returns a new vector
        t.add({m == methods.front() ? "Des-" + std::to_string(d) : "",
               m == methods.front() ? millions(double(r.params)) : "", m,
               millions(double(r.sParams)), pm(rep.records.top1(m))});
    }
    os << t.markdown() << "\nFindings:\n\n";
    for (const char* b : {"Scratch", "He-LG", "Share-Init", "Pre-Fin(U)"})
        os << "- " << compareLine(rep.records, "TLEG", b) << '\n';
    rep.markdown = os.str();
    Chart c{"Transfer: top-1 on the target classes (Des-" + std::to_string(d) + ")", "method",
            "top-1 (%)"};
    Series ser{"top-1", {}, {}, {}};
    for (const auto& m : methods) {
        c.categories.push_back(m);
        const Stats st = rep.records.top1(m);
        ser.y.push_back(st.mean);
        ser.err.push_back(st.std);
    }
    c.series.push_back(ser);
    rep.charts.push_back({"top1_by_method.png", c});
    return rep;
}

Report storage(Workbench& wb)
{
    const Preset& p = wb.preset();
    Report rep;
    std::vector<double> preImages, lgImages;
    int64_t lgStored = 0;
    for (int s = 0; s < wb.seeds(); ++s) {
        wb.announce(seedStage(wb, s));
        const Outcome lg = wb.learngene(Domain::Source, {}, s);
        lgStored = sParamsWithoutHead(lg.learngene);
        lgImages.push_back(double(lg.images));
        double pi = 0;
        for (int64_t d : p.depths) {
            const Outcome pre = wb.pretrain(Domain::Source, d, s);
            pi += double(pre.images);
            const Outcome pf = wb.finetune(Domain::Target, {"pre-fin", d, &pre}, s);
            rep.records.add({"Pre-Fin(U)", d, uint64_t(s), pf.top1, pf.top5, pf.params,
                             sParamsWithoutHead(pre.model), pf.seconds, pf.images, pf.model});
            const Outcome t = wb.finetune(Domain::Target, {"tleg", d, &lg}, s);
            rep.records.add({"TLEG", d, uint64_t(s), t.top1, t.top5, t.params, lgStored, t.seconds,
                             t.images, t.model});
        }
        preImages.push_back(pi);
    }
    std::ostringstream os;
    os << setting(wb);
    Table t({"Depth", "Params (M)", "Pre-Fin(U) S-P (M)", "Pre-Fin(U) top-1", "TLEG S-P (M)",
             "TLEG top-1"});
    int64_t preTotal = 0;
    for (size_t i = 0; i < p.depths.size(); ++i) {
        const int64_t d = p.depths[i];
        const Record pf = rep.records.of("Pre-Fin(U)", d).front();
        preTotal += pf.sParams;
        t.add({std::to_string(d), millions(double(pf.params)), millions(double(pf.sParams)),
               pm(rep.records.top1("Pre-Fin(U)", d)), i == 0 ? millions(double(lgStored)) : "",
               pm(rep.records.top1("TLEG", d))});
    }
    t.add({"all", "", millions(double(preTotal)), "", millions(double(lgStored)), ""});
    os << t.markdown() << "\nFindings:\n\n"
       << "- stored to initialise all " << p.depths.size() << " depths: Pre-Fin(U) "
       << millions(double(preTotal)) << " M, TLEG " << millions(double(lgStored)) << " M ("
       << num(double(preTotal) / double(std::max<int64_t>(1, lgStored)), 1) << "× less).\n"
       << "- pretraining on the source: Pre-Fin(U) " << num(stats(preImages).mean / 1e6, 2)
       << " M images (one model per depth), TLEG " << num(stats(lgImages).mean / 1e6, 2)
       << " M (one learngene).\n";
    for (int64_t d : p.depths)
        os << "- depth " << d << ": " << compareLine(rep.records, "TLEG", "Pre-Fin(U)", d) << '\n';
    rep.markdown = os.str();

    Chart c{"Target top-1 against depth", "Des-Net depth (blocks)", "top-1 (%)"};
    c.wholeX = true;
    for (const char* m : {"TLEG", "Pre-Fin(U)"})
        c.series.push_back(top1Series(rep.records, m, p.depths));
    rep.charts.push_back({"top1_vs_depth.png", c});
    Chart st{"Parameters stored to initialise depths up to L", "largest depth L",
             "stored parameters (M)"};
    st.wholeX = true;
    Series pre{"Pre-Fin(U)", {}, {}, {}}, lgs{"TLEG", {}, {}, {}};
    double cumulative = 0;
    for (int64_t d : p.depths) {
        cumulative += double(rep.records.of("Pre-Fin(U)", d).front().sParams);
        pre.x.push_back(double(d));
        pre.y.push_back(cumulative / 1e6);
        lgs.x.push_back(double(d));
        lgs.y.push_back(double(lgStored) / 1e6);
    }
    st.series = {lgs, pre};
    rep.charts.push_back({"stored_params.png", st});
    return rep;
}

} // namespace tleg::experiments
