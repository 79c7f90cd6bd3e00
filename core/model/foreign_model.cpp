#include "model/foreign_model.h"

#include "model/foreign_detail.h"
#include "util/error.h"
#include "util/files.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

namespace tleg::model {

namespace {

namespace fs = std::filesystem;
using foreign::Claim;
using foreign::Format;

std::string number(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

std::string list(const std::vector<float>& v)
{
    std::string s = "(";
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? ", " : "") + number(v[i]);
    return s + ")";
}

/// Infers a foreign checkpoint's architecture and checks it, from the header and the sidecars.
class Inference {
public:
    Inference(const std::string& path, const ModelHints& hints) : m_hints(hints)
    {
        m_hints.validate();
        m_out.path = path;
        m_out.weights = foreignWeightsPath(path);
        std::error_code ec;
        m_dir = fs::is_directory(path, ec) ? path : fs::path(m_out.weights).parent_path().string();
        if (m_dir.empty())
            m_dir = ".";
        const auto header = io::readSafetensorsHeader(m_out.weights);
        m_layout = foreign::mapNames(header.tensors, m_out.weights);
        m_claims = foreign::readSidecars(m_layout.format, m_dir, m_out.notes);
    }

    ForeignImport run()
    {
        const bool distilled = m_layout.has("dist_token");
        m_out.format = distilled ? "deit-distilled" : foreign::formatName(m_layout.format);
        fromShapes();
        tokensAndImageSize();
        checkClaims();
        heads();
        layerNorm();
        try {
            m_out.config.validate();
        } catch (const Error& e) {
            fail(e.what());
        }
        checkShapes();
        normalisation();
        for (const auto& name : m_layout.ignored)
            m_out.notes.push_back("tensor '" + name + "' is not used by the classifier: ignored");
        return m_out;
    }

    /// The file's tensors under our names, as float32 (Hugging Face's q, k, v joined).
    io::NamedTensors readWeights() const
    {
        const auto file = io::readSafetensors(m_out.weights);
        io::NamedTensors ours;
        for (const auto& [name, src] : m_layout.tensors) {
            torch::Tensor t;
            if (src.parts.empty())
                t = file.tensor(src.theirs);
            else
                t = torch::cat({file.tensor(src.parts[0]), file.tensor(src.parts[1]),
                                file.tensor(src.parts[2])});
            ours.emplace_back(name, t.to(torch::kFloat).contiguous());
        }
        return ours;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw fileError(m_out.weights, what); }

    void field(const std::string& name, const std::string& value, const std::string& from)
    {
        m_out.fields.push_back({name, value, from});
    }

    std::string quoted(const std::string& ours) const
    {
        auto it = m_layout.tensors.find(ours);
        return it != m_layout.tensors.end() ? it->second.quoted()
                                            : foreign::theirName(m_layout.format, ours);
    }

    /// The shape of one of our tensors, which must be there with rank dimensions.
    const std::vector<int64_t>& shape(const std::string& ours, size_t rank) const
    {
        auto it = m_layout.tensors.find(ours);
        if (it == m_layout.tensors.end())
            fail("missing tensor " + quoted(ours));
        if (it->second.shape.size() != rank)
            fail("tensor " + it->second.quoted() + " has shape "
                 + foreign::shapeText(it->second.shape) + ", expected " + std::to_string(rank)
                 + " dimensions");
        return it->second.shape;
    }

    std::string from(const std::string& ours) const { return "shape of " + quoted(ours); }

    void fromShapes()
    {
        ViTConfig& c = m_out.config;
        const auto& patch = shape("patch_embed.proj.weight", 4);
        if (patch[2] != patch[3])
            fail("tensor " + quoted("patch_embed.proj.weight") + " has non-square patches "
                 + foreign::shapeText(patch));
        c.dim = patch[0];
        c.channels = patch[1];
        c.patchSize = patch[2];
        field("dim", std::to_string(c.dim), from("patch_embed.proj.weight"));
        field("channels", std::to_string(c.channels), from("patch_embed.proj.weight"));
        field("patch size", std::to_string(c.patchSize), from("patch_embed.proj.weight"));
        c.depth = m_layout.depth;
        if (c.depth <= 0)
            fail("has no Transformer blocks");
        field("depth", std::to_string(c.depth), "blocks 0.." + std::to_string(c.depth - 1));
        const int64_t hidden = shape("blocks.0.mlp.fc1.weight", 2)[0];
        if (c.dim <= 0 || hidden <= 0)
            fail("tensor " + quoted("blocks.0.mlp.fc1.weight") + " is empty");
        c.mlpRatio = static_cast<double>(hidden) / static_cast<double>(c.dim);
        for (int i = 0; i < 4 && static_cast<int64_t>(c.dim * c.mlpRatio) < hidden; ++i)
            c.mlpRatio = std::nextafter(c.mlpRatio, 2.0 * c.mlpRatio); // dim × ratio == hidden
        field("mlp ratio", number(c.mlpRatio) + " (hidden " + std::to_string(hidden) + ")",
              from("blocks.0.mlp.fc1.weight"));
        head();
        pooling();
        c.qkvBias = m_layout.has("blocks.0.attn.qkv.bias");
        field("qkv bias", c.qkvBias ? "yes" : "no",
              quoted("blocks.0.attn.qkv.bias") + (c.qkvBias ? " is there" : " is absent"));
    }

    void head()
    {
        if (!m_layout.has("head.weight"))
            fail("has no classifier head (" + quoted("head.weight")
                 + "): a classifier is needed, not a feature extractor");
        const int64_t classes = shape("head.weight", 2)[0];
        if (classes <= 0)
            fail("its head " + quoted("head.weight")
                 + " has 0 classes: a classifier is needed, not a feature extractor");
        m_out.config.numClasses = classes;
        field("classes", std::to_string(classes), from("head.weight"));
    }

    void pooling()
    {
        ViTConfig& c = m_out.config;
        const bool cls = m_layout.has("cls_token");
        c.distillationToken = m_layout.has("dist_token");
        if (m_layout.has("fc_norm.weight")) {
            c.pooling = Pooling::Average;
            c.avgWithClassToken = cls;
            field("pooling",
                  std::string("average of the patch tokens, fc_norm")
                      + (cls ? " (class token left out)" : ""),
                  quoted("fc_norm.weight") + " is there");
        } else if (!cls) {
            fail("has neither a class token nor " + quoted("fc_norm.weight")
                 + ": cannot tell how it pools its tokens");
        } else {
            c.pooling = Pooling::ClassToken;
            field("pooling",
                  c.distillationToken ? "class and distillation tokens, heads averaged (DeiT)"
                                      : "class token",
                  quoted("cls_token") + (c.distillationToken ? " and 'dist_token'" : ""));
        }
    }

    void tokensAndImageSize()
    {
        ViTConfig& c = m_out.config;
        const int64_t tokens = shape("pos_embed", 3)[1];
        const int64_t patches = tokens - c.prefixTokens();
        const auto grid =
            patches > 0 ? static_cast<int64_t>(std::llround(std::sqrt(double(patches)))) : 0;
        if (grid <= 0 || grid * grid != patches)
            fail("position embedding " + quoted("pos_embed") + " has " + std::to_string(tokens)
                 + " tokens; less " + std::to_string(c.prefixTokens())
                 + " class/distillation token(s) that is no square grid of patches (non-square "
                   "inputs and timm's no_embed_class models are not supported)");
        if (grid > ViTConfig::kMaxImageSize || c.patchSize > ViTConfig::kMaxImageSize)
            fail("its images would be larger than " + std::to_string(ViTConfig::kMaxImageSize)
                 + " px");
        c.imageSize = grid * c.patchSize;
        field("image size", std::to_string(c.imageSize),
              std::to_string(grid) + "×" + std::to_string(grid) + " patches of "
                  + std::to_string(c.patchSize) + " px (" + from("pos_embed") + ")");
        if (m_hints.imageSize > 0 && m_hints.imageSize != c.imageSize)
            fail(m_hints.option("image-size") + " " + std::to_string(m_hints.imageSize)
                 + " does not match the model: its position embedding holds " + std::to_string(grid)
                 + "×" + std::to_string(grid) + " patches of " + std::to_string(c.patchSize)
                 + " px, i.e. " + std::to_string(c.imageSize) + " px images");
    }

    std::vector<const Claim*> claims(const std::string& key) const
    {
        std::vector<const Claim*> out;
        for (const auto& c : m_claims)
            if (c.key == key)
                out.push_back(&c);
        return out;
    }

    int64_t integer(const Claim& c) const
    {
        if (!c.value.is_number_integer() || c.value.get<int64_t>() <= 0)
            fail(c.from + " is " + c.value.dump() + ", not a positive whole number");
        return c.value.get<int64_t>();
    }

    /// Sidecar values of what the shapes determine must agree with them.
    void checkClaims() const
    {
        const ViTConfig& c = m_out.config;
        const std::pair<const char*, int64_t> known[] = {
            {"patch_size", c.patchSize}, {"channels", c.channels},  {"dim", c.dim},
            {"depth", c.depth},          {"hidden", c.hiddenDim()}, {"classes", c.numClasses},
            {"image_size", c.imageSize}};
        for (const auto& [key, value] : known)
            for (const Claim* claim : claims(key))
                if (integer(*claim) != value)
                    fail(claim->from + " says " + claim->value.dump() + ", but the tensors give "
                         + std::to_string(value) + " (" + key + ")");
        for (const Claim* claim : claims("qkv_bias"))
            if (claim->value.get<bool>() != c.qkvBias)
                fail(claim->from + " says " + claim->value.dump()
                     + ", but the qkv bias tensors are " + (c.qkvBias ? "there" : "absent"));
        for (const Claim* claim : claims("hidden_act"))
            if (claim->value.get<std::string>() != "gelu")
                fail(claim->from + " is '" + claim->value.get<std::string>()
                     + "'; only the exact GELU ('gelu') is supported");
    }

    void heads()
    {
        const Claim* said = nullptr;
        for (const Claim* claim : claims("heads")) {
            if (said && integer(*claim) != integer(*said))
                fail(claim->from + " says " + claim->value.dump() + " heads, " + said->from
                     + " says " + said->value.dump());
            said = claim;
        }
        const int64_t given = m_hints.heads;
        if (said && given > 0 && given != integer(*said))
            fail(m_hints.option("heads") + " " + std::to_string(given) + " disagrees with "
                 + said->from + ", which says " + said->value.dump());
        if (!said && given <= 0)
            fail("the number of attention heads is not in the file (" + m_out.format + ", dim "
                 + std::to_string(m_out.config.dim) + ") nor in a config beside it: give "
                 + m_hints.option("heads"));
        const int64_t heads = said ? integer(*said) : given;
        const std::string source = said ? said->from : "option " + m_hints.option("heads");
        if (m_out.config.dim % heads != 0)
            fail(source + " gives " + std::to_string(heads) + " attention heads, but the width "
                 + std::to_string(m_out.config.dim) + " (" + from("patch_embed.proj.weight")
                 + ") is not a multiple of it");
        m_out.config.heads = heads;
        field("heads", std::to_string(heads), source);
    }

    void layerNorm()
    {
        ViTConfig& c = m_out.config;
        if (m_layout.format != Format::HuggingFace) {
            c.layerNormEps = 1e-6;
            field("LayerNorm eps", "1e-06",
                  std::string(foreign::formatName(m_layout.format)) + "'s ViT");
            return;
        }
        const auto said = claims("layer_norm_eps");
        c.layerNormEps = said.empty() ? 1e-12 : said.back()->value.get<double>();
        field("LayerNorm eps", number(c.layerNormEps),
              said.empty() ? "assumed: Hugging Face's default" : said.back()->from);
    }

    /// mean and std from a sidecar; false when none says.
    bool sidecarNormalisation()
    {
        const auto mean = claims("mean"), stdev = claims("std");
        if (mean.empty() && stdev.empty())
            return false;
        if (mean.empty() != stdev.empty())
            fail((mean.empty() ? stdev : mean).back()->from + " gives only one of mean and std");
        const size_t n = static_cast<size_t>(m_out.config.channels);
        if (mean.back()->value.is_null()) { // preprocessor_config.json: do_normalize false
            m_out.mean.assign(n, 0.0f);
            m_out.std.assign(n, 1.0f);
        } else {
            m_out.mean = mean.back()->value.get<std::vector<float>>();
            m_out.std = stdev.back()->value.get<std::vector<float>>();
        }
        if (m_out.mean.size() != n || m_out.std.size() != n)
            fail(mean.back()->from + " gives " + std::to_string(m_out.mean.size()) + " mean and "
                 + std::to_string(m_out.std.size()) + " std values for " + std::to_string(n)
                 + " channel(s)");
        for (float s : m_out.std)
            if (!(s > 0.0f) || !std::isfinite(s))
                fail(stdev.back()->from + " holds a std that is not a positive number");
        field("mean", list(m_out.mean), mean.back()->from);
        field("std", list(m_out.std), stdev.back()->from);
        return true;
    }

    void normalisation()
    {
        const size_t n = static_cast<size_t>(m_out.config.channels);
        const bool given = !m_hints.mean.empty() || !m_hints.std.empty();
        if (given && (m_hints.mean.empty() || m_hints.std.empty()))
            fail("give both " + m_hints.option("mean") + " and " + m_hints.option("std"));
        if (given && (m_hints.mean.size() != n || m_hints.std.size() != n))
            fail(m_hints.option("mean") + " and " + m_hints.option("std") + " need "
                 + std::to_string(n) + " value(s) each, one per channel of the model");
        const bool said = sidecarNormalisation();
        if (given) { // the user's word over the sidecar's (as for any teacher's file)
            bool differs = false;
            for (size_t i = 0; said && i < n; ++i)
                differs = differs || std::abs(m_hints.mean[i] - m_out.mean[i]) > 1e-6f
                          || std::abs(m_hints.std[i] - m_out.std[i]) > 1e-6f;
            if (differs)
                m_out.notes.push_back(m_out.fields.end()[-2].from + " and "
                                      + m_out.fields.back().from + " say " + list(m_out.mean)
                                      + " / " + list(m_out.std) + "; " + m_hints.option("mean")
                                      + " / " + m_hints.option("std") + " given instead");
            if (said)
                m_out.fields.resize(m_out.fields.size() - 2);
            m_out.mean = m_hints.mean;
            m_out.std = m_hints.std;
            field("mean", list(m_out.mean), "option " + m_hints.option("mean"));
            field("std", list(m_out.std), "option " + m_hints.option("std"));
            return;
        }
        if (said)
            return;
        if (n != 3)
            fail("nothing says how its inputs are normalised: give " + m_hints.option("mean")
                 + " and " + m_hints.option("std") + " (" + std::to_string(n) + " value(s) each)");
        m_out.mean = {0.485f, 0.456f, 0.406f};
        m_out.std = {0.229f, 0.224f, 0.225f};
        field("mean", list(m_out.mean), "assumed: ImageNet's");
        field("std", list(m_out.std), "assumed: ImageNet's");
        m_out.notes.push_back("mean/std assumed: ImageNet's, as timm and torchvision use (nothing "
                              "in or beside the file says; "
                              + m_hints.option("mean") + " / " + m_hints.option("std")
                              + " set it)");
    }

    /// Every tensor the architecture has must be in the file with its shape, and nothing else:
    /// so the model we build holds no more than the file does.
    void checkShapes() const
    {
        const ViTConfig& c = m_out.config;
        const auto expected = foreign::vitParameterShapes(c);
        for (const auto& [name, want] : expected) {
            const auto& got = shape(name, want.size());
            if (got != want)
                fail("tensor " + quoted(name) + " has shape " + foreign::shapeText(got)
                     + ", expected " + foreign::shapeText(want) + " for a ViT of width "
                     + std::to_string(c.dim) + ", depth " + std::to_string(c.depth) + " and "
                     + std::to_string(c.numClasses) + " classes");
        }
        if (m_layout.tensors.size() == expected.size())
            return; // all expected ones are there, so nothing else is
        std::set<std::string> names;
        for (const auto& e : expected)
            names.insert(e.first);
        for (const auto& [name, src] : m_layout.tensors)
            if (!names.count(name))
                fail("tensor " + src.quoted()
                     + " does not belong to the model its other "
                       "tensors describe");
    }

    ModelHints m_hints;
    std::string m_dir;
    foreign::Layout m_layout;
    std::vector<Claim> m_claims;
    ForeignImport m_out;
};

} // namespace

nlohmann::json ForeignImport::toJson() const
{
    nlohmann::json f = nlohmann::json::array();
    for (const auto& x : fields)
        f.push_back({{"name", x.name}, {"value", x.value}, {"from", x.from}});
    return {
        {"format", format}, {"path", path}, {"weights", weights}, {"fields", f}, {"notes", notes}};
}

bool isForeignModel(const std::string& path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec))
        return true;
    if (!fs::is_regular_file(path, ec))
        return false; // the loaders say what is wrong with it
    try {
        return io::readSafetensorsHeader(path).metadata.count("tleg_kind") == 0;
    } catch (const Error&) {
        return false; // TorchScript, or a broken file: the loaders say which
    }
}

std::string foreignWeightsPath(const std::string& path)
{
    std::error_code ec;
    if (!fs::is_directory(path, ec))
        return path;
    const std::string weights = joinPath(path, "model.safetensors");
    if (!fs::exists(weights, ec))
        throw fileError(path, "is a folder, not a regular file, and holds no model.safetensors "
                              "(a Hugging Face model folder holds config.json and "
                              "model.safetensors)");
    return weights;
}

ForeignImport inspectForeignModel(const std::string& path, const ModelHints& hints)
{
    return Inference(path, hints).run();
}

std::shared_ptr<ViTImpl> loadForeignModel(const std::string& path, const ModelHints& hints,
                                          ModelMetadata* metadata)
{
    Inference inference(path, hints);
    const ForeignImport imported = inference.run();
    const io::NamedTensors tensors = inference.readWeights();
    auto net = std::make_shared<ViTImpl>(imported.config);
    loadTensorsInto(*net, tensors, imported.weights);
    if (metadata) {
        *metadata = {};
        metadata->kind = net->kind();
        metadata->architecture = imported.config.toJson();
        metadata->extra = {{"normalization", {{"mean", imported.mean}, {"std", imported.std}}},
                           {"imported", imported.toJson()}};
    }
    return net;
}

namespace {

std::string describeImport(const nlohmann::json& j)
{
    std::ostringstream os;
    os << "imported from " << j.value("format", "?") << ": " << j.value("path", "?") << "\n";
    auto padded = [](std::string s, size_t width) {
        s.resize(std::max(s.size() + 1, width), ' ');
        return s;
    };
    for (const auto& f : j.value("fields", nlohmann::json::array()))
        if (f.is_object())
            os << "  " << padded(f.value("name", ""), 14) << padded(f.value("value", ""), 28)
               << f.value("from", "") << "\n";
    for (const auto& n : j.value("notes", nlohmann::json::array()))
        if (n.is_string())
            os << "  note: " << n.get<std::string>() << "\n";
    return os.str();
}

} // namespace

std::string importSummary(const nlohmann::json& extra)
{
    if (!extra.is_object() || !extra.contains("imported") || !extra["imported"].is_object())
        return {};
    try {
        const auto& j = extra["imported"];
        std::string s = "imported " + j.value("path", "?") + " (" + j.value("format", "?") + "):";
        const char* sep = " ";
        for (const auto& f : j.value("fields", nlohmann::json::array()))
            if (f.is_object()) {
                s += sep + f.value("name", "") + " " + f.value("value", "");
                sep = ", ";
            }
        for (const auto& n : j.value("notes", nlohmann::json::array()))
            if (n.is_string())
                s += "\nnote: " + n.get<std::string>();
        return s + "\n";
    } catch (const nlohmann::json::exception&) {
        return "imported: the metadata's 'imported' record is not understood\n";
    }
}

std::string importDescription(const nlohmann::json& extra)
{
    if (!extra.is_object() || !extra.contains("imported") || !extra["imported"].is_object())
        return {};
    try {
        return describeImport(extra["imported"]);
    } catch (const nlohmann::json::exception&) {
        return "imported: the metadata's 'imported' record is not understood\n";
    }
}

} // namespace tleg::model
