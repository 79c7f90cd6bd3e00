#pragma once
// One spec per job, exactly what the run's config.json stores ("job" and "spec"), so that any
// run can be made again from its folder (tleg rerun, the Runs page's "Run again").
//   TrainSpec    train a ViT: an ancestry, a Des-Net expanded from a learngene, a scratch twin,
//                a fine-tune of a model, a Pre-Fin(U) pretraining (Role says which)
//   DistillSpec  distil a learngene into an Aux-Net from a teacher
//   ExpandSpec   write a Des-Net of any depth from a learngene (a file, no training)
//   EvalSpec     top-1 / top-5 of a model on a dataset's test split
// Paths in a spec are made absolute when it is run, so a rerun finds them from anywhere.
// Usage:
//   TrainSpec s = TrainSpec::ancestry(data, ViTConfig::preset("fmnist-s"), options);
//   s.out = newRunFolder("runs", runFolderBase(s.role));
//   nlohmann::json j = s.toJson();  TrainSpec back = TrainSpec::fromJson(j);
#include "data/open_dataset.h"
#include "model/aux_net.h"
#include "model/des_net.h"
#include "train/trainer.h"
#include "workflow/role.h"

#include <nlohmann/json.hpp>

#include <string>

namespace tleg::workflow {

/// Where the data comes from and which part of it is used (data::openDataset's arguments).
struct DataSpec {
    std::string source = "fashion-mnist"; // "fashion-mnist" or a dataset folder
    data::OpenOptions options;

    nlohmann::json toJson() const;
    static DataSpec fromJson(const nlohmann::json& j);
};

/// Opens the data a spec names (data::openDataset).
data::DataSplit openData(const DataSpec& spec);

/// How the network starts before training.
enum class InitMethod {
    Scratch,   ///< random, with InitSpec::config
    Model,     ///< a ViT file (fine-tune, Pre-Fin(U))
    Learngene, ///< expanded from a learngene file with InitSpec::expand (TLEG, Share-Init)
    HeLg,      ///< the last blocks of an ancestry file on random lower blocks (He-LG)
};
std::string initMethodName(InitMethod m); // "scratch", "model", "learngene", "he-lg"
InitMethod initMethodFromName(const std::string& name);

struct InitSpec {
    InitMethod method = InitMethod::Scratch;
    /// Scratch: the architecture; its input size, channels and classes come from the data.
    model::ViTConfig config;
    std::string path;            ///< Model, Learngene, HeLg: the file
    model::ExpandOptions expand; ///< Learngene: depth and partial init; HeLg: depth
    /// A fresh head even when the class count matches (the same number of other classes).
    /// A model whose class count differs from the data's always gets a fresh head.
    bool newHead = false;
    uint64_t seed = 0; ///< for everything initialised at random

    nlohmann::json toJson() const;
    static InitSpec fromJson(const nlohmann::json& j);
};

struct TrainSpec {
    Role role = Role::Ancestry;
    DataSpec data;
    InitSpec init;
    /// A distillation teacher (any model file); needed when train.loss.lambda > 0.
    std::string teacher;
    /// What the teacher takes and its class map, where its file does not say (--teacher-*).
    train::TeacherOptions teacherOptions;
    /// runDir and resume come from out and resume below; provenance is extended with the role,
    /// the data and the init (what is there already, e.g. an experiment's key, is kept).
    train::TrainOptions train;
    std::string out;     ///< the run folder
    bool resume = false; ///< continue from out/checkpoint.safetensors when it is there

    /// An ancestry trained from scratch with cross-entropy (init seed = training seed).
    static TrainSpec ancestry(const DataSpec& data, const model::ViTConfig& config,
                              const train::TrainOptions& train);
    nlohmann::json toJson() const;
    static TrainSpec fromJson(const nlohmann::json& j);
};

struct DistillSpec {
    DataSpec data;
    /// The Aux-Net; its input size, channels and classes come from the data.
    model::ViTConfig aux;
    model::AuxOptions auxOptions;
    std::string teacher; ///< empty only when train.loss.lambda == 0
    /// What the teacher takes and its class map, where its file does not say (--teacher-*).
    train::TeacherOptions teacherOptions;
    train::TrainOptions train;
    std::string out;       ///< the run folder
    bool resume = false;
    /// Where the learngene is written; empty: out/learngene.safetensors.
    std::string learngene;

    nlohmann::json toJson() const;
    static DistillSpec fromJson(const nlohmann::json& j);
};

struct ExpandSpec {
    std::string learngene;
    model::ExpandOptions expand;
    std::string out; ///< the Des-Net file

    nlohmann::json toJson() const;
    static ExpandSpec fromJson(const nlohmann::json& j);
};

struct EvalSpec {
    DataSpec data;
    std::string model; ///< a model of ours or a TorchScript classifier
    int threads = 0;   ///< intra-op threads, 0 = the idle cores
    bool bf16 = false;
    int64_t batchSize = 500;

    nlohmann::json toJson() const;
    static EvalSpec fromJson(const nlohmann::json& j);
};

} // namespace tleg::workflow
