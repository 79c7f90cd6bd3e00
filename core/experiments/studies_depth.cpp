// Table 1 (Des-Nets of many depths from one learngene vs scratch) and Fig. 1 (weight linearity).
#include "analysis/layer_weights.h"
#include "analysis/linearity.h"
#include "experiments/studies.h"

#include <cmath>
#include <map>
#include <sstream>

namespace tleg::experiments {

namespace {

std::string duration(double seconds)
{
    const auto s = static_cast<int64_t>(std::lround(seconds));
    return s >= 60 ? std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s"
                   : std::to_string(s) + " s";
}

} // namespace

namespace {

/// Images and seconds of each route, one entry per seed.
struct Costs {
    std::vector<double> auxTop1, tlegImages, tlegSeconds, scratchImages, scratchSeconds,
        longImages, longSeconds;
};

/// Trains (or takes from the cache) every model of the sweep into rep.records; returns the
/// learngene's stored parameters.
int64_t trainSweep(Workbench& wb, int64_t longEpochs, Report& rep, Costs& c)
{
    const Preset& p = wb.preset();
    int64_t stored = 0;
    for (int s = 0; s < wb.seeds(); ++s) {
        wb.announce(seedStage(wb, s));
        const Outcome lg = wb.learngene(Domain::All, {}, static_cast<uint64_t>(s));
        c.auxTop1.push_back(lg.top1);
        stored = sParamsWithoutHead(lg.learngene);
        double ti = double(lg.images), ts = lg.seconds, si = 0, ss = 0, li = 0, ls = 0;
        for (int64_t d : p.depths) {
            const Outcome t = wb.finetune(Domain::All, {"tleg", d, &lg}, s);
            const Outcome sc = wb.finetune(Domain::All, {"scratch", d}, s);
            DesSpec longSpec{"scratch", d};
            const Outcome sl = wb.finetune(Domain::All, longSpec, s, longEpochs);
            rep.records.add({"TLEG", d, uint64_t(s), t.top1, t.top5, t.params, stored, t.seconds,
                             t.images, t.model});
            rep.records.add({"Scratch", d, uint64_t(s), sc.top1, sc.top5, sc.params, 0, sc.seconds,
                             sc.images, sc.model});
            rep.records.add({"Scratch-long", d, uint64_t(s), sl.top1, sl.top5, sl.params, 0,
                             sl.seconds, sl.images, sl.model});
            ti += double(t.images);
            ts += t.seconds;
            si += double(sc.images);
            ss += sc.seconds;
            li += double(sl.images);
            ls += sl.seconds;
        }
        c.tlegImages.push_back(ti);
        c.tlegSeconds.push_back(ts);
        c.scratchImages.push_back(si);
        c.scratchSeconds.push_back(ss);
        c.longImages.push_back(li);
        c.longSeconds.push_back(ls);
    }
    return stored;
}

std::string depthTable(const Preset& p, const Records& records)
{
    Table t({"Depth", "Params (M)", "MACs (M)", "Scratch top-1", "Scratch-long top-1",
             "TLEG top-1", "TLEG − Scratch", "TLEG − Scratch-long", "Scratch top-5",
             "TLEG top-5"});
    for (int64_t d : p.depths) {
        const Record any = records.of("TLEG", d).front(); // of() returns a new vector
        model::ViTConfig cfg = p.aux;
        cfg.depth = d;
        const Stats tl = records.top1("TLEG", d), sc = records.top1("Scratch", d),
                    sl = records.top1("Scratch-long", d);
        t.add({std::to_string(d), millions(double(any.params)), num(cfg.forwardMacs() / 1e6),
               pm(sc), pm(sl), pm(tl), signedNum(tl.mean - sc.mean), signedNum(tl.mean - sl.mean),
               pm(records.top5("Scratch", d)), pm(records.top5("TLEG", d))});
    }
    return t.markdown();
}

std::string costTable(const Preset& p, const Outcome& anc, int64_t longEpochs, const Costs& c)
{
    Table cost({"Route", "What is trained", "Images processed", "Training time"});
    const std::string n = std::to_string(p.depths.size());
    cost.add({"TLEG", "Aux-Net " + std::to_string(p.distillTrain.epochs) + " ep once + " + n +
                          " × " + std::to_string(p.finetuneTrain.epochs) + " ep fine-tunes",
              num(stats(c.tlegImages).mean / 1e6, 2) + " M",
              duration(stats(c.tlegSeconds).mean)});
    cost.add({"Scratch", n + " × " + std::to_string(p.finetuneTrain.epochs) + " ep",
              num(stats(c.scratchImages).mean / 1e6, 2) + " M",
              duration(stats(c.scratchSeconds).mean)});
    cost.add({"Scratch-long", n + " × " + std::to_string(longEpochs) + " ep",
              num(stats(c.longImages).mean / 1e6, 2) + " M", duration(stats(c.longSeconds).mean)});
    cost.add({"Ancestry (TLEG's teacher, trained once)",
              std::to_string(p.ancestryTrain.epochs) + " ep", num(double(anc.images) / 1e6, 2) + " M",
              duration(anc.seconds)});
    return cost.markdown();
}

} // namespace

Report depthSweep(Workbench& wb)
{
    const Preset& p = wb.preset();
    Report rep;
    const Outcome anc = wb.ancestry(Domain::All);
    const int64_t longEpochs = p.distillTrain.epochs + p.finetuneTrain.epochs;
    Costs c;
    const int64_t stored = trainSweep(wb, longEpochs, rep, c);

    std::ostringstream os;
    os << "Ancestry (teacher) top-1 " << num(anc.top1) << " %; Aux-Net (depth " << p.aux.depth
       << ", width " << p.aux.dim << ") top-1 " << pm(stats(c.auxTop1)) << " %; learngene "
       << millions(double(stored)) << " M stored parameters (head excluded).\n"
       << "TLEG: Des-Nets expanded from the learngene and fine-tuned " << p.finetuneTrain.epochs
       << " epochs. Scratch: random initialisation, the same " << p.finetuneTrain.epochs
       << " epochs. Scratch-long: random initialisation, " << longEpochs
       << " epochs (the learngene's distillation plus one fine-tune, spent on each depth).\n\n"
       << depthTable(p, rep.records) << '\n'
       << "Training cost per seed (mean over seeds):\n\n"
       << costTable(p, anc, longEpochs, c) << '\n' << "Findings:\n\n";
    for (int64_t d : p.depths)
        os << "- depth " << d << ": " << compareLine(rep.records, "TLEG", "Scratch", d) << ' '
           << compareLine(rep.records, "TLEG", "Scratch-long", d) << '\n';
    os << "- cost: TLEG processed "
       << num(stats(c.tlegImages).mean / std::max(1.0, stats(c.longImages).mean), 2)
       << "× the images of training every depth from scratch for " << longEpochs
       << " epochs (the ancestry not counted).\n";
    rep.markdown = os.str();

    Chart chart{"Top-1 against depth", "Des-Net depth (blocks)", "top-1 (%)"};
    chart.wholeX = true;
    for (const char* m : {"TLEG", "Scratch", "Scratch-long"})
        chart.series.push_back(top1Series(rep.records, m, p.depths));
    rep.charts.push_back({"top1_vs_depth.png", chart});
    return rep;
}

namespace {

struct LinearityModel {
    std::string role;
    int seed;
    std::string path;
    Outcome outcome;
};

/// R² per role and kind (weights and the whole block), in first-seen order.
struct LinearityTable {
    std::vector<std::string> kinds, roles;
    std::map<std::string, std::map<std::string, std::vector<double>>> r2; // role -> kind -> R²
    std::map<std::string, std::vector<double>> pc1OfSeed0; // role -> whole-block PC1

    /// A role's R² values of a kind; empty when that model has no such kind.
    std::vector<double> values(const std::string& role, const std::string& kind) const
    {
        const auto r = r2.find(role);
        if (r == r2.end())
            return {};
        const auto k = r->second.find(kind);
        return k == r->second.end() ? std::vector<double>{} : k->second;
    }
};

std::vector<LinearityModel> linearityModels(Workbench& wb)
{
    const int64_t depth = wb.preset().aux.depth;
    const Outcome anc = wb.ancestry(Domain::All);
    std::vector<LinearityModel> models{{"Ancestry (scratch)", 0, anc.model, anc}};
    for (int s = 0; s < wb.seeds(); ++s) {
        wb.announce(seedStage(wb, s));
        const Outcome lg = wb.learngene(Domain::All, {}, s);
        models.push_back({"Aux-Net", s, lg.model, lg});
        const Outcome t = wb.finetune(Domain::All, {"tleg", depth, &lg}, s);
        models.push_back({"Des-Net (fine-tuned)", s, t.model, t});
        const Outcome sc = wb.finetune(Domain::All, {"scratch", depth}, s);
        models.push_back({"Scratch (same budget)", s, sc.model, sc});
    }
    return models;
}

LinearityTable analyse(const std::vector<LinearityModel>& models, Report& rep)
{
    LinearityTable t;
    Table perSeed({"model", "seed", "kind", "r2", "explained_pc1", "slope", "file"});
    for (const auto& m : models) {
        const auto lin = analysis::analyseLinearity(analysis::loadLayerWeights(m.path));
        if (std::find(t.roles.begin(), t.roles.end(), m.role) == t.roles.end())
            t.roles.push_back(m.role);
        for (const auto& k : lin.kinds) {
            if (k.kind.find(".bias") != std::string::npos)
                continue; // weights and the whole block, as the paper's figure
            if (std::find(t.kinds.begin(), t.kinds.end(), k.kind) == t.kinds.end())
                t.kinds.push_back(k.kind);
            t.r2[m.role][k.kind].push_back(k.r2);
            perSeed.add({m.role, std::to_string(m.seed), k.kind, num(k.r2, 5),
                         num(k.explained1, 5), num(k.slope, 6), m.path});
            if (m.seed == 0 && k.kind == analysis::kWholeBlock)
                t.pc1OfSeed0[m.role] = k.pc1;
        }
        rep.records.add({m.role, int64_t(lin.blockIndices.size()), uint64_t(m.seed),
                         m.outcome.top1, m.outcome.top5, m.outcome.params, 0, m.outcome.seconds,
                         m.outcome.images, m.path});
    }
    rep.files.push_back({"r2_per_seed.csv", perSeed.csv()});
    return t;
}

Chart r2Chart(const LinearityTable& t)
{
    Chart bars{"R2 of PC1 against layer, per parameter kind", "parameter kind", "R2"};
    for (const auto& k : t.kinds) {
        std::string shortName = k;
        if (auto pos = shortName.rfind(".weight"); pos != std::string::npos)
            shortName.erase(pos);
        if (auto pos = shortName.find('.'); pos != std::string::npos && shortName.rfind("attn", 0) == 0)
            shortName = shortName.substr(pos + 1);
        bars.categories.push_back(k == analysis::kWholeBlock ? "block" : shortName);
    }
    for (const auto& role : t.roles) {
        Series s{role, {}, {}, {}};
        for (const auto& k : t.kinds) {
            const Stats st = stats(t.values(role, k));
            s.y.push_back(st.mean);
            s.err.push_back(st.std);
        }
        bars.series.push_back(s);
    }
    return bars;
}

Chart pc1Chart(const LinearityTable& t)
{
    Chart lines{"Whole-block PC1 against layer (seed 0, standardised)", "layer",
                "PC1 (z-score)"};
    lines.wholeX = true;
    for (const auto& role : t.roles) {
        const auto it = t.pc1OfSeed0.find(role);
        if (it == t.pc1OfSeed0.end() || it->second.size() < 2)
            continue;
        const auto& pc = it->second;
        const Stats st = stats(pc);
        const double sign = pc.back() >= pc.front() ? 1.0 : -1.0; // a PC's sign is arbitrary
        Series s{role, {}, {}, {}};
        for (size_t i = 0; i < pc.size(); ++i) {
            s.x.push_back(double(i + 1));
            s.y.push_back(sign * (pc[i] - st.mean) / (st.std > 0 ? st.std : 1.0));
        }
        lines.series.push_back(s);
    }
    return lines;
}

} // namespace

Report linearity(Workbench& wb)
{
    const Preset& p = wb.preset();
    Report rep;
    const auto models = linearityModels(wb);
    wb.announce("weight PCA of " + std::to_string(models.size()) + " models");
    const LinearityTable lt = analyse(models, rep);

    std::ostringstream os;
    os << "R² of a straight-line fit of each layer's first principal component against depth "
          "(1 = the weights move along a line as depth grows). Ancestry: "
       << p.ancestry.depth << " blocks, width " << p.ancestry.dim
       << ", trained from scratch with cross-entropy (one model). Aux-Net, Des-Net and scratch: "
       << p.aux.depth << " blocks, width " << p.aux.dim
       << ", one per seed; the Des-Net is the Aux-Net's learngene expanded and fine-tuned "
       << p.finetuneTrain.epochs << " epochs, the scratch model trained as long from random "
       << "weights.\n\n";
    std::vector<std::string> header{"Model", "Top-1 (%)"};
    for (const auto& k : lt.kinds)
        header.push_back(k == analysis::kWholeBlock ? "whole block" : k);
    Table t(header);
    for (const auto& role : lt.roles) {
        std::vector<std::string> row{role, pm(rep.records.top1(role))};
        for (const auto& k : lt.kinds)
            row.push_back(pm(stats(lt.values(role, k)), 3));
        t.add(row);
    }
    os << t.markdown() << "\nFindings:\n\n";
    for (const auto& role : lt.roles)
        os << "- " << role << ": whole-block R² "
           << pm(stats(lt.values(role, analysis::kWholeBlock)), 3) << '\n';
    rep.markdown = os.str();
    rep.charts.push_back({"r2_per_kind.png", r2Chart(lt)});
    const Chart lines = pc1Chart(lt);
    if (!lines.series.empty())
        rep.charts.push_back({"pc1_vs_layer.png", lines});
    return rep;
}

} // namespace tleg::experiments
