#pragma once
// safetensors reader and writer (https://github.com/huggingface/safetensors format):
//   8-byte little-endian header length N, N bytes of JSON header, then raw little-endian data.
// Usage:
//   tleg::io::writeSafetensors(path, {{"w", t}}, {{"config", json}});   // atomic: tmp + rename
//   auto f = tleg::io::readSafetensors(path);      // validates everything before it allocates
//   torch::Tensor w = f.tensor("w");  std::string cfg = f.metadata.at("config");
#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tleg::io {

/// Tensors in file order (the writer keeps the order it was given).
using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

struct SafetensorsFile {
    std::string path;
    NamedTensors tensors;
    std::map<std::string, std::string> metadata; // "__metadata__": string -> string

    bool has(const std::string& name) const;
    /// The tensor called name; throws tleg::Error naming the file if absent.
    const torch::Tensor& tensor(const std::string& name) const;
};

/// Reads and validates a whole file. Tensors are CPU, contiguous, and stay valid after the
/// SafetensorsFile is gone (memory-mapped and shared, or copied; never dangling).
/// Supported dtypes: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL. Throws tleg::Error on any defect.
/// Tensors are copy-on-write views of the mapped file: writing to one changes only memory.
SafetensorsFile readSafetensors(const std::string& path);

/// Reads only the header (names, dtypes, shapes, metadata) without touching tensor data.
struct TensorInfo {
    std::string name;
    std::string dtype; // "F32", ...
    std::vector<int64_t> shape;
    uint64_t begin = 0, end = 0; // byte offsets relative to the data section
};
struct SafetensorsHeader {
    std::vector<TensorInfo> tensors; // in file order of offsets
    std::map<std::string, std::string> metadata;
    uint64_t headerBytes = 0; // JSON length N; the data section starts at 8 + N
    uint64_t fileBytes = 0;
};
SafetensorsHeader readSafetensorsHeader(const std::string& path);

/// Writes tensors (any device/layout; converted to contiguous CPU) with metadata.
/// Writes to a temporary file beside path (tleg::temporaryPathFor) then renames into place, so a crash never leaves half a file.
/// Throws tleg::Error on duplicate names, unsupported dtype or I/O failure.
void writeSafetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

/// "F32" <-> torch dtype. Throws tleg::Error for anything else.
torch::Dtype dtypeFromString(const std::string& s);
std::string dtypeToString(torch::Dtype dtype);

} // namespace tleg::io
