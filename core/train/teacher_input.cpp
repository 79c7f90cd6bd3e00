#include "train/teacher_input.h"

#include "model/vit_config.h"
#include "train/teacher.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json_number.h"

#include <cmath>
#include <fstream>
#include <sstream>

namespace tleg::train {

namespace {

const char* const kMapOption = "--teacher-class-map";
constexpr int64_t kMaxClassMapFileBytes = 16 << 20;

/// ITU-R BT.601 luma, the weights OpenCV's RGB → grey uses, so that a grey teacher sees RGB
/// data as a grey image folder would have given it.
const std::vector<float> kLuminance = {0.299f, 0.587f, 0.114f};
const std::vector<float> kImageNetMean = {0.485f, 0.456f, 0.406f};
const std::vector<float> kImageNetStd = {0.229f, 0.224f, 0.225f};

std::string str(int64_t v)
{
    return std::to_string(v);
}

std::string numbers(const std::vector<float>& v)
{
    std::ostringstream os;
    for (size_t i = 0; i < v.size(); ++i)
        os << (i ? "," : "") << v[i];
    return os.str();
}

bool near(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!(std::abs(a[i] - b[i]) < 1e-3f))
            return false;
    return true;
}

std::string channelsText(int64_t c)
{
    return c == 1 ? "1 channel" : str(c) + " channels";
}

/// [1, C, 1, 1] float for broadcasting over [B, C, H, W].
torch::Tensor perChannel(const std::vector<float>& v)
{
    return torch::tensor(v, torch::kFloat).view({1, -1, 1, 1});
}

/// A whole number ≥ 0 (a class index), or -1 when text is none.
int64_t classIndex(const std::string& text)
{
    size_t start = text.find_first_not_of(" \t\r");
    size_t end = text.find_last_not_of(" \t\r");
    if (start == std::string::npos)
        return -1;
    const std::string t = text.substr(start, end - start + 1);
    if (t.empty() || t.size() > 18 || t.find_first_not_of("0123456789") != std::string::npos)
        return -1;
    return std::stoll(t);
}

std::vector<int64_t> classMapFromJson(const std::string& text, const std::string& where)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
        throw Error(where + ": not valid JSON (a JSON array of teacher class indices)");
    }
    if (!j.is_array())
        throw Error(where + ": a JSON array of teacher class indices was expected");
    std::vector<int64_t> map;
    for (size_t i = 0; i < j.size(); ++i) {
        if (!j[i].is_number_integer() || j[i].get<int64_t>() < 0)
            throw Error(where + ": entry " + str(int64_t(i)) + " (" + j[i].dump()
                        + ") is not a class index (a whole number ≥ 0)");
        map.push_back(j[i].get<int64_t>());
    }
    return map;
}

std::vector<int64_t> classMapFromFile(const std::string& path)
{
    const std::string where = std::string(kMapOption) + " " + path;
    requireRegularFile(path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(where + ": cannot be read");
    std::string text(static_cast<size_t>(kMaxClassMapFileBytes) + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (static_cast<int64_t>(text.size()) > kMaxClassMapFileBytes)
        throw Error(where + ": larger than 16 MiB; a class map holds one index per class");
    if (const auto first = text.find_first_not_of(" \t\r\n");
        first != std::string::npos && text[first] == '[')
        return classMapFromJson(text, where);
    std::vector<int64_t> map;
    std::istringstream lines(text);
    int64_t lineNo = 0;
    for (std::string line; std::getline(lines, line);) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const int64_t index = classIndex(line);
        if (index < 0)
            throw Error(where + ": line " + str(lineNo) + " ('" + line.substr(0, 40)
                        + "') is not a class index (a whole number ≥ 0)");
        map.push_back(index);
    }
    if (map.empty())
        throw Error(where + ": holds no class index");
    return map;
}

} // namespace

nlohmann::json InputSpec::toJson() const
{
    return {{"image_size", imageSize}, {"channels", channels}, {"mean", mean}, {"std", std}};
}

InputSpec studentInput(const data::Dataset& d, const data::Normalization& norm)
{
    return {d.height(), d.channels(), norm.mean, norm.std};
}

InputSpec inputFromMetadata(const nlohmann::json& architecture, const nlohmann::json& extra,
                            const std::string& path)
{
    InputSpec in;
    if (architecture.is_object() && architecture.contains("image_size")) {
        try {
            const auto c = model::ViTConfig::fromJson(architecture);
            in.imageSize = c.imageSize;
            in.channels = c.channels;
        } catch (const std::exception&) {
            // not a ViT's architecture: the size stays unknown, as for TorchScript
        }
    }
    if (!extra.is_object() || !extra.contains("normalization"))
        return in;
    const char* bad = "metadata 'normalization' is not {\"mean\": [numbers], \"std\": [positive "
                      "numbers]} with one value per channel";
    try {
        in.mean = extra["normalization"].at("mean").get<std::vector<float>>();
        in.std = extra["normalization"].at("std").get<std::vector<float>>();
    } catch (const nlohmann::json::exception&) {
        throw fileError(path, bad);
    }
    bool ok = !in.mean.empty() && in.mean.size() == in.std.size()
              && (in.channels == 0 || static_cast<int64_t>(in.mean.size()) == in.channels);
    for (size_t i = 0; ok && i < in.mean.size(); ++i)
        ok = std::isfinite(in.mean[i]) && std::isfinite(in.std[i]) && in.std[i] > 0.0f;
    if (!ok)
        throw fileError(path, bad);
    if (in.channels == 0)
        in.channels = static_cast<int64_t>(in.mean.size());
    return in;
}

bool TeacherOptions::isDefault() const
{
    return imageSize == 0 && mean.empty() && std.empty() && classMap.empty() && heads == 0;
}

model::ModelHints TeacherOptions::modelHints() const
{
    auto h = model::ModelHints::withPrefix("--teacher-");
    h.heads = heads;
    h.imageSize = imageSize;
    h.mean = mean;
    h.std = std;
    return h;
}

void TeacherOptions::validate() const
{
    if (imageSize < 0 || imageSize > model::ViTConfig::kMaxImageSize)
        throw Error("--teacher-image-size must be between 1 and "
                    + str(model::ViTConfig::kMaxImageSize) + " (0: the file's), got "
                    + str(imageSize));
    if (heads < 0 || heads > model::ViTConfig::kMaxDim)
        throw Error("--teacher-heads must be between 1 and " + str(model::ViTConfig::kMaxDim)
                    + " (0: from a config beside the file), got " + str(heads));
    if (mean.size() != std.size())
        throw Error("--teacher-mean has " + str(int64_t(mean.size())) + " value(s), --teacher-std "
                    + str(int64_t(std.size())) + ": give both, one value per teacher channel");
    if (static_cast<int64_t>(mean.size()) > model::ViTConfig::kMaxChannels)
        throw Error("--teacher-mean and --teacher-std take at most "
                    + str(model::ViTConfig::kMaxChannels) + " values (one per channel)");
    for (size_t i = 0; i < mean.size(); ++i) {
        if (!std::isfinite(mean[i]))
            throw Error("--teacher-mean: entry " + str(int64_t(i)) + " is not a finite number");
        if (!std::isfinite(std[i]) || !(std[i] > 0.0f))
            throw Error("--teacher-std: entry " + str(int64_t(i)) + " (" + numbers({std[i]})
                        + ") must be a positive number");
    }
    if (static_cast<int64_t>(classMap.size()) > model::ViTConfig::kMaxClasses)
        throw Error(std::string(kMapOption) + " has more entries than any model has classes");
    for (size_t i = 0; i < classMap.size(); ++i)
        if (classMap[i] < 0 || classMap[i] >= model::ViTConfig::kMaxClasses)
            throw Error(std::string(kMapOption) + ": data class " + str(int64_t(i)) + " maps to "
                        + str(classMap[i]) + ", not a class index");
}

nlohmann::json TeacherOptions::toJson() const
{
    nlohmann::json j = {
        {"image_size", imageSize}, {"mean", mean}, {"std", std}, {"class_map", classMap}};
    if (heads > 0) // written only when given, so that older readers see what they know
        j["heads"] = heads;
    return j;
}

TeacherOptions TeacherOptions::fromJson(const nlohmann::json& j)
{
    TeacherOptions o;
    if (!j.is_object())
        throw Error("config: 'teacher_options' is not a JSON object");
    auto read = [&j](const char* key, auto& field) {
        util::readJsonField(j, key, field, "config: 'teacher_options.");
    };
    read("image_size", o.imageSize);
    read("mean", o.mean);
    read("std", o.std);
    read("class_map", o.classMap);
    read("heads", o.heads);
    return o;
}

std::vector<float> parseChannelValues(const std::string& option, const std::string& text)
{
    std::vector<float> out;
    std::stringstream ss(text);
    std::string item;
    for (int64_t i = 0; std::getline(ss, item, ','); ++i) {
        double v = 0;
        size_t used = 0;
        try {
            v = std::stod(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        while (used < item.size() && item[used] == ' ')
            ++used;
        if (used == 0 || used != item.size() || !std::isfinite(v))
            throw Error(option + ": entry " + str(i) + " ('" + item.substr(0, 40)
                        + "') is not a finite number");
        out.push_back(static_cast<float>(v));
    }
    if (out.empty())
        throw Error(option + ": give one number per teacher channel, e.g. 0.485,0.456,0.406");
    return out;
}

std::vector<int64_t> parseClassMap(const std::string& listOrFile)
{
    if (fileExists(listOrFile))
        return classMapFromFile(listOrFile);
    std::vector<int64_t> map;
    std::stringstream ss(listOrFile);
    std::string item;
    for (int64_t i = 0; std::getline(ss, item, ','); ++i) {
        const int64_t index = classIndex(item);
        if (index < 0)
            throw Error(std::string(kMapOption) + ": entry " + str(i) + " ('" + item.substr(0, 40)
                        + "') is not a class index (a whole number ≥ 0), and '"
                        + listOrFile.substr(0, 80) + "' is no file");
        map.push_back(index);
    }
    if (map.empty())
        throw Error(std::string(kMapOption)
                    + ": give a teacher class index per data class, or a file of them");
    return map;
}

void applyTeacherOptions(Teacher& teacher, const TeacherOptions& o, const std::string& path)
{
    o.validate();
    InputSpec in = teacher.input();
    if (o.imageSize > 0) {
        if (in.imageSize > 0 && in.imageSize != o.imageSize)
            throw fileError(path, "the teacher takes " + str(in.imageSize)
                                      + " px images (its file says so); --teacher-image-size "
                                      + str(o.imageSize) + " cannot change that");
        in.imageSize = o.imageSize;
    }
    if (!o.mean.empty()) {
        const auto c = static_cast<int64_t>(o.mean.size());
        if (in.channels > 0 && in.channels != c)
            throw fileError(path, "--teacher-mean and --teacher-std give " + str(c)
                                      + " value(s), the teacher takes " + channelsText(in.channels)
                                      + " (its file says so)");
        in.channels = c;
        in.mean = o.mean;
        in.std = o.std;
    }
    teacher.setInput(in);
    teacher.setClassMap(o.classMap);
}

InputSpec resolveTeacherInput(const InputSpec& teacher, const InputSpec& student)
{
    InputSpec r = teacher;
    if (r.imageSize <= 0)
        r.imageSize = student.imageSize;
    if (r.channels <= 0)
        r.channels = r.mean.empty() ? student.channels : static_cast<int64_t>(r.mean.size());
    const int64_t cs = student.channels, ct = r.channels;
    if (!(cs == ct || (cs == 1 && ct == 3) || (cs == 3 && ct == 1)))
        throw Error("the teacher takes " + channelsText(ct) + ", the data has " + str(cs)
                    + "; only grey and RGB are converted into each other (--teacher-mean and "
                      "--teacher-std set the teacher's channels)");
    if (r.mean.empty()) {
        if (cs == ct) {
            r.mean = student.mean;
            r.std = student.std;
        } else if (cs == 1 && !student.mean.empty()) {
            r.mean.assign(3, student.mean[0]);
            r.std.assign(3, student.std[0]);
        } else {
            throw Error("the teacher takes grey images and does not say their mean/std; give "
                        "--teacher-mean and --teacher-std");
        }
    }
    return r;
}

TeacherFeed::TeacherFeed(Teacher* teacher, const InputSpec& student)
    : m_teacher(teacher), m_student(student),
      m_teacherIn(resolveTeacherInput(teacher->input(), student))
{
    m_converts = m_teacherIn.channels != student.channels
                 || m_teacherIn.imageSize != student.imageSize || m_teacherIn.mean != student.mean
                 || m_teacherIn.std != student.std;
    if (!teacher->classMap().empty())
        m_map = torch::tensor(teacher->classMap(), torch::kLong);
}

torch::Tensor TeacherFeed::renormalise(const torch::Tensor& u) const
{
    // u: pixels in [0, 1] with the teacher's channels -> the teacher's normalisation
    return (u - perChannel(m_teacherIn.mean).to(u.device()))
           / perChannel(m_teacherIn.std).to(u.device());
}

torch::Tensor TeacherFeed::prepare(const torch::Tensor& x) const
{
    if (!m_converts)
        return x;
    torch::NoGradGuard guard;
    const int64_t cs = m_student.channels, ct = m_teacherIn.channels;
    const int64_t ht = m_teacherIn.imageSize;
    // [B, Cs, Hs, Ws] -> pixels in [0, 1]
    torch::Tensor u = x.to(torch::kFloat) * perChannel(m_student.std).to(x.device())
                      + perChannel(m_student.mean).to(x.device());
    if (cs == 3 && ct == 1)
        u = (u * perChannel(kLuminance).to(x.device())).sum(1, true); // [B, 1, Hs, Ws]
    if (ht != u.size(2) || ht != u.size(3)) {
        namespace F = torch::nn::functional;
        const bool shrink = ht < u.size(2) || ht < u.size(3);
        u = F::interpolate(u, F::InterpolateFuncOptions()
                                  .size(std::vector<int64_t>{ht, ht})
                                  .mode(torch::kBilinear)
                                  .align_corners(false)
                                  .antialias(shrink));
    }
    if (cs == 1 && ct == 3)
        u = u.expand({-1, 3, -1, -1}); // grey repeated: resized once, not three times
    return renormalise(u).contiguous();
}

torch::Tensor TeacherFeed::logits(const torch::Tensor& studentImages)
{
    torch::Tensor z = m_teacher->logits(m_converts ? prepare(studentImages) : studentImages);
    if (m_map.defined())
        z = z.index_select(1, m_map.to(z.device()));
    return z;
}

std::string TeacherFeed::describe() const
{
    const InputSpec& said = m_teacher->input();
    const InputSpec& in = m_teacherIn;
    std::string s = str(in.imageSize) + " px" + (said.imageSize > 0 ? "" : " (the student's)")
                    + ", " + channelsText(in.channels) + ", ";
    if (near(in.mean, kImageNetMean) && near(in.std, kImageNetStd))
        s += "ImageNet mean/std";
    else if (in.mean == m_student.mean && in.std == m_student.std)
        s += "the student's mean/std";
    else
        s += "mean " + numbers(in.mean) + " std " + numbers(in.std);
    if (said.imageSize == 0 || said.mean.empty())
        s += " (its file does not say all it takes; --teacher-image-size, --teacher-mean and "
             "--teacher-std set it)";
    const int64_t k = m_teacher->classes();
    if (m_map.defined())
        s += ", " + (k > 0 ? str(k) : std::string("its")) + " → " + str(m_map.size(0))
             + " classes via --teacher-class-map";
    else if (k > 0)
        s += ", " + str(k) + " classes";
    if (!m_converts)
        return s + "; it gets the student's batches unchanged";
    s += "; the student's " + str(m_student.imageSize) + " px batches are ";
    if (m_student.channels == 1 && in.channels == 3)
        s += "repeated to 3 channels, ";
    else if (m_student.channels == 3 && in.channels == 1)
        s += "turned grey (luminance 0.299 R + 0.587 G + 0.114 B), ";
    if (in.imageSize != m_student.imageSize)
        s += "resized to " + str(in.imageSize) + " px (bilinear"
             + (in.imageSize < m_student.imageSize ? ", antialiased), " : "), ");
    return s + "normalised again with its mean/std";
}

} // namespace tleg::train
