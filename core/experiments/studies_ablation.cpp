// Tables 4–6: which modules expand, initialising part of a Des-Net, expanding part of the
// Aux-Net. All on the transfer setting (learngene from the source classes, Des-Nets trained on
// the target classes), as the paper's ablations on CIFAR-100.
#include "experiments/studies.h"

#include <sstream>

namespace tleg::experiments {

namespace {

Chart barChart(const std::string& title, const Records& r, const std::vector<std::string>& methods,
               const std::string& xLabel)
{
    Chart c{title, xLabel, "top-1 (%)"};
    Series s{"top-1", {}, {}, {}};
    for (const auto& m : methods) {
        c.categories.push_back(m);
        const Stats st = r.top1(m);
        s.y.push_back(st.mean);
        s.err.push_back(st.std);
    }
    c.series.push_back(s);
    return c;
}

std::string recipe(Workbench& wb)
{
    const Preset& p = wb.preset();
    std::ostringstream os;
    os << "Learngenes distilled on " << wb.describe(Domain::Source) << " ("
       << p.distillTrain.epochs << " epochs); Des-" << p.desDepth << " trained "
       << p.targetTrain.epochs << " epochs on " << wb.describe(Domain::Target)
       << " with a new head. Top-1 on the target test images.\n\n";
    return os.str();
}

} // namespace

Report modules(Workbench& wb)
{
    const Preset& p = wb.preset();
    const int64_t d = p.desDepth;
    struct Variant {
        std::string name;
        unsigned groups;
    };
    const std::vector<Variant> variants{{"MSA", model::kGroupMsa},
                                        {"MLP", model::kGroupMlp},
                                        {"MSA+MLP", model::kGroupMsa | model::kGroupMlp},
                                        {"MSA+MLP+LN", model::kAllGroups}};
    Report rep;
    for (int s = 0; s < wb.seeds(); ++s) {
        wb.announce(seedStage(wb, s));
        const Outcome pre = wb.pretrain(Domain::Source, d, s);
        const Outcome pf = wb.finetune(Domain::Target, {"pre-fin", d, &pre}, s);
        rep.records.add({"Pre-Fin(U)", d, uint64_t(s), pf.top1, pf.top5, pf.params,
                         sParamsWithoutHead(pre.model), pf.seconds, pf.images, pf.model});
        for (const auto& v : variants) {
            model::AuxOptions ao;
            ao.groups = v.groups;
            const Outcome lg = wb.learngene(Domain::Source, ao, s);
            const Outcome t = wb.finetune(Domain::Target, {"tleg", d, &lg}, s);
            // Only the expanded modules and the shared parts initialise the Des-Net.
            rep.records.add({v.name, d, uint64_t(s), t.top1, t.top5, t.params,
                             sParamsWithoutHead(lg.learngene) -
                                 (storedParameters(lg.learngene, [](const std::string& n) {
                                      return n.rfind("blocks.", 0) == 0;
                                  })),
                             t.seconds, t.images, t.model});
        }
    }
    std::ostringstream os;
    os << recipe(wb)
       << "A module that is not expanded is an ordinary per-layer module in the Aux-Net and "
          "starts random in the Des-Net. Pre-Fin(U) (#1) is a Des-"
       << d << " pretrained on the source with the same recipe, all of it transferred.\n\n";
    Table t({"Method", "#", "MSA", "MLP", "LN", "S-Params (M)", "Top-1 (%)"});
    const std::string tick = "✓";
    t.add({"Pre-Fin(U)", "1", "", "", "", millions(double(rep.records.of("Pre-Fin(U)").front().sParams)),
           pm(rep.records.top1("Pre-Fin(U)"))});
    int number = 2;
    for (const auto& v : variants)
        t.add({number == 2 ? "TLEG" : "", std::to_string(number++),
               v.groups & model::kGroupMsa ? tick : "", v.groups & model::kGroupMlp ? tick : "",
               v.groups & model::kGroupLn ? tick : "",
               millions(double(rep.records.of(v.name).front().sParams)),
               pm(rep.records.top1(v.name))});
    os << t.markdown() << "\nFindings:\n\n";
    for (const char* b : {"MSA", "MLP", "MSA+MLP", "Pre-Fin(U)"})
        os << "- " << compareLine(rep.records, "MSA+MLP+LN", b) << '\n';
    rep.markdown = os.str();
    rep.charts.push_back({"top1_by_modules.png",
                          barChart("Expanded modules: target top-1 (Des-" + std::to_string(d) + ")",
                                   rep.records, {"Pre-Fin(U)", "MSA", "MLP", "MSA+MLP", "MSA+MLP+LN"},
                                   "expanded modules")});
    return rep;
}

Report partialInit(Workbench& wb)
{
    const Preset& p = wb.preset();
    const int64_t d = p.desDepth, half = d / 2;
    struct Part {
        std::string name;
        int64_t from, to;
    };
    const std::vector<Part> parts{{"1-" + std::to_string(half), 0, half},
                                  {std::to_string(half + 1) + "-" + std::to_string(d), half, d},
                                  {"1-" + std::to_string(d), 0, -1}};
    Report rep;
    for (int s = 0; s < wb.seeds(); ++s) {
        wb.announce(seedStage(wb, s));
        const Outcome lg = wb.learngene(Domain::Source, {}, s);
        for (const auto& part : parts) {
            DesSpec spec{"tleg", d, &lg, part.from, part.to};
            const Outcome t = wb.finetune(Domain::Target, spec, s);
            rep.records.add({part.name, d, uint64_t(s), t.top1, t.top5, t.params, 0, t.seconds,
                             t.images, t.model});
        }
        const Outcome sc = wb.finetune(Domain::Target, {"scratch", d}, s);
        rep.records.add({"none (scratch)", d, uint64_t(s), sc.top1, sc.top5, sc.params, 0,
                         sc.seconds, sc.images, sc.model});
    }
    std::ostringstream os;
    os << recipe(wb) << "Blocks outside the part start random; the embeddings and final norm come "
                        "from the learngene in every row but scratch.\n\n";
    Table t({"Model", "Part", "Top-1 (%)"});
    bool first = true;
    for (const auto& name : {parts[0].name, parts[1].name, parts[2].name, std::string("none (scratch)")}) {
        t.add({first ? "Des-" + std::to_string(d) : "", name, pm(rep.records.top1(name))});
        first = false;
    }
    os << t.markdown() << "\nFindings:\n\n";
    for (const auto& b : {parts[0].name, parts[1].name, std::string("none (scratch)")})
        os << "- " << compareLine(rep.records, parts[2].name, b) << '\n';
    rep.markdown = os.str();
    rep.charts.push_back({"top1_by_part.png",
                          barChart("Partial initialisation of Des-" + std::to_string(d),
                                   rep.records,
                                   {parts[0].name, parts[1].name, parts[2].name, "none (scratch)"},
                                   "blocks initialised from the learngene")});
    return rep;
}

Report partialExpansion(Workbench& wb)
{
    const Preset& p = wb.preset();
    const int64_t d = p.desDepth;
    const std::string from = std::to_string(p.partialFrom + 1);
    const std::string partial = "Partial (from block " + from + ")";
    const std::string relative = "Partial relative (from block " + from + ")";
    Report rep;
    std::vector<double> auxAll, auxPartial, auxRelative;
    int64_t storedAll = 0, storedPartial = 0;
    for (int s = 0; s < wb.seeds(); ++s) {
        wb.announce(seedStage(wb, s));
        const Outcome all = wb.learngene(Domain::Source, {}, s);
        model::AuxOptions ao;
        ao.expandFrom = p.partialFrom;
        const Outcome part = wb.learngene(Domain::Source, ao, s);
        ao.relativeCoefficients = true;
        const Outcome rel = wb.learngene(Domain::Source, ao, s);
        auxAll.push_back(all.top1);
        auxPartial.push_back(part.top1);
        auxRelative.push_back(rel.top1);
        storedAll = sParamsWithoutHead(all.learngene);
        storedPartial = sParamsWithoutHead(part.learngene);
        const Outcome ta = wb.finetune(Domain::Target, {"tleg", d, &all}, s);
        const Outcome tp = wb.finetune(Domain::Target, {"tleg", d, &part}, s);
        const Outcome tr = wb.finetune(Domain::Target, {"tleg", d, &rel}, s);
        rep.records.add({"All", d, uint64_t(s), ta.top1, ta.top5, ta.params, storedAll, ta.seconds,
                         ta.images, ta.model});
        rep.records.add({partial, d, uint64_t(s), tp.top1, tp.top5, tp.params, storedPartial,
                         tp.seconds, tp.images, tp.model});
        rep.records.add({relative, d, uint64_t(s), tr.top1, tr.top5, tr.params, storedPartial,
                         tr.seconds, tr.images, tr.model});
    }
    std::ostringstream os;
    os << recipe(wb) << "Partial: in the Aux-Net, blocks 1–" << p.partialFrom
       << " are ordinary independent blocks and blocks " << p.partialFrom + 1 << "–"
       << p.aux.depth << " are linearly expanded; the Des-Net takes the independent blocks as "
          "they are and expands the rest. Block i (counted from 0) of a depth-L model has c = "
          "i/L (this tool's default, \"absolute\") or c = (i−k)/(L−k) with k = "
       << p.partialFrom << " (the released code's RepeatedModuleList, \"relative\").\n\n";
    Table t({"Model", "Type", "Aux-Net top-1 (source)", "S-Params (M)", "Top-1 (%)"});
    t.add({"Des-" + std::to_string(d), "All", pm(stats(auxAll)), millions(double(storedAll)),
           pm(rep.records.top1("All"))});
    t.add({"", partial, pm(stats(auxPartial)), millions(double(storedPartial)),
           pm(rep.records.top1(partial))});
    t.add({"", relative, pm(stats(auxRelative)), millions(double(storedPartial)),
           pm(rep.records.top1(relative))});
    os << t.markdown() << "\nFindings:\n\n- " << compareLine(rep.records, partial, "All")
       << "\n- " << compareLine(rep.records, relative, partial) << '\n';
    rep.markdown = os.str();
    rep.charts.push_back(
        {"top1_by_expansion.png",
         barChart("Partial expansion: target top-1 (Des-" + std::to_string(d) + ")", rep.records,
                  {"All", partial, relative}, "linear expansion")});
    return rep;
}

} // namespace tleg::experiments
