#pragma once
// What a distillation teacher takes (image size, channels, mean/std), the student's batches
// converted for it, and which of its logits stand for the data's classes.
// Usage:
//   TeacherOptions o; o.classMap = parseClassMap("0,217,482,491,497,566,569,571,574,701");
//   InputSpec student = studentInput(data.train, norm);        // what the batches are
//   TeacherFeed feed(teacher, student);                        // teacher: input() and classMap()
//   torch::Tensor z = feed.logits(batch.images);               // [B, data classes]
#include "data/dataset.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tleg::train {

class Teacher;

/// Images as a network takes them. 0 / empty fields are not known (a TorchScript file says
/// nothing); the student's are used for them.
struct InputSpec {
    int64_t imageSize = 0; ///< H = W
    int64_t channels = 0;
    std::vector<float> mean, std; ///< per channel, of pixels scaled to [0, 1]

    nlohmann::json toJson() const;
};

/// The student's input: the data's size and channels and the normalisation of its batches.
InputSpec studentInput(const data::Dataset& d, const data::Normalization& norm);

/// What a model file says it takes: image size and channels from its architecture (a ViTConfig),
/// mean/std from extra["normalization"]. Unknown parts stay empty. Throws tleg::Error naming
/// path when the normalisation is there but unusable (not numbers, std ≤ 0, wrong length).
InputSpec inputFromMetadata(const nlohmann::json& architecture, const nlohmann::json& extra,
                            const std::string& path);

/// What the user says about a teacher; the job specs store it, so a rerun repeats it.
struct TeacherOptions {
    int64_t imageSize = 0;         ///< --teacher-image-size; 0: the file's, else the student's
    std::vector<float> mean, std;  ///< --teacher-mean / --teacher-std; empty: as imageSize
    std::vector<int64_t> classMap; ///< --teacher-class-map: data class i -> teacher logit [i]

    bool isDefault() const;
    /// Throws tleg::Error naming the option (and the entry) that is out of range.
    void validate() const;
    nlohmann::json toJson() const;
    /// Absent keys keep their defaults; a value of the wrong type is an error naming it.
    static TeacherOptions fromJson(const nlohmann::json& j);
};

/// "0.485,0.456,0.406" for --teacher-mean / --teacher-std; errors name option and the entry.
std::vector<float> parseChannelValues(const std::string& option, const std::string& text);
/// --teacher-class-map: a comma-separated list of teacher class indices, or a file holding one
/// index a line or a JSON array. Errors name the option (and the file) and the offending entry.
std::vector<int64_t> parseClassMap(const std::string& listOrFile);

/// Sets what the options say on teacher (its input and class map), over what its file said.
/// Throws tleg::Error naming the option when it contradicts the file (a ViT's image size, the
/// channel count), prefixed by path.
void applyTeacherOptions(Teacher& teacher, const TeacherOptions& options, const std::string& path);

/// The teacher's input with its unknown fields taken from the student's: 0 size or channels are
/// the student's; unknown mean/std are the student's (repeated when grey becomes RGB). Throws
/// tleg::Error when the channels cannot be converted (only C → C, 1 → 3 and 3 → 1 can) or when
/// RGB becomes grey without a known mean/std.
InputSpec resolveTeacherInput(const InputSpec& teacher, const InputSpec& student);

/// Feeds a teacher from the student's batches: undoes the student's normalisation, converts
/// the channels (grey → RGB repeats the grey; RGB → grey is the luminance 0.299 R + 0.587 G +
/// 0.114 B, as OpenCV's grey images), resizes to the teacher's size (bilinear; antialiased when
/// shrinking), normalises with the teacher's mean/std, and keeps the mapped classes. When the
/// teacher takes what the student gets and has no class map, the batch goes through untouched.
class TeacherFeed {
public:
    /// Throws tleg::Error as resolveTeacherInput.
    TeacherFeed(Teacher* teacher, const InputSpec& student);

    /// False when the student's batches reach the teacher as they are (no extra operation).
    bool converts() const { return m_converts; }
    /// [B, Cs, Hs, Ws] student batch -> [B, Ct, Ht, Ht] as the teacher takes it.
    torch::Tensor prepare(const torch::Tensor& studentImages) const;
    /// [B, data classes] (or the teacher's classes without a map), without gradients.
    torch::Tensor logits(const torch::Tensor& studentImages);
    const InputSpec& teacherInput() const { return m_teacherIn; }
    /// One line for the log: "224 px, 3 channels, ImageNet mean/std, 1000 → 10 classes via
    /// --teacher-class-map; batches: grey repeated to 3 channels, resized 28 → 224 px, ...".
    std::string describe() const;

private:
    torch::Tensor renormalise(const torch::Tensor& x) const;

    Teacher* m_teacher;
    InputSpec m_student, m_teacherIn;
    bool m_converts = false;
    torch::Tensor m_map; // [data classes] int64, undefined without a class map
};

} // namespace tleg::train
