#include "io/safetensors.h"

#include "util/error.h"
#include "util/files.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <vector>

// The format stores little-endian data and tensors are handed out as views of the file bytes,
// so a big-endian host would need byte swapping that is not implemented.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O assumes little endian");

namespace tleg::io {

namespace {

// The writer builds an ordered_json, so the header lists tensors in the order given. The reader
// parses into a plain json (a std::map: ordered_json's linear lookups made a 200,000-tensor
// header take minutes) and keeps the file's key order in a list of its own.
using Json = nlohmann::ordered_json;
using ReadJson = nlohmann::json;

// Same cap as the reference implementation: a header this large is not a real checkpoint,
// and the cap bounds what a hostile file can make us allocate.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
// Longest array the header can legitimately hold (a shape); longer ones are rejected while
// parsing, before they are materialised.
constexpr size_t kMaxArrayLength = 64;
// More tensors than any real checkpoint holds (a ViT-B has 152, large language models tens of
// thousands); the cap bounds the work a forged header can cause.
constexpr size_t kMaxTensors = 1'000'000;
constexpr const char* kMetadataKey = "__metadata__";

struct DtypeEntry {
    const char* name;
    torch::Dtype dtype;
    uint64_t size;
};

constexpr DtypeEntry kDtypes[] = {
    {"F64", torch::kDouble, 8},   {"F32", torch::kFloat, 4}, {"F16", torch::kHalf, 2},
    {"BF16", torch::kBFloat16, 2}, {"I64", torch::kLong, 8},  {"I32", torch::kInt, 4},
    {"I16", torch::kShort, 2},     {"I8", torch::kChar, 1},   {"U8", torch::kByte, 1},
    {"BOOL", torch::kBool, 1},
};

const DtypeEntry* findDtype(const std::string& name)
{
    for (const auto& e : kDtypes)
        if (name == e.name)
            return &e;
    return nullptr;
}

const DtypeEntry* findDtype(torch::Dtype dtype)
{
    for (const auto& e : kDtypes)
        if (dtype == e.dtype)
            return &e;
    return nullptr;
}

std::string systemError(const std::string& what)
{
    return what + ": " + std::strerror(errno);
}

/// The parser quotes the bytes it choked on; those may be invalid UTF-8 or control characters
/// that would garble a log or a dialog, so they are shown as \xNN instead.
std::string printable(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f) {
            out += c;
        } else {
            static const char* hex = "0123456789ABCDEF";
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 15];
        }
    }
    return out;
}

std::string inQuotes(const std::string& name)
{
    return "'" + name + "'";
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    ~FileDescriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;

    int get() const { return m_fd; }
    /// Closes now and reports failure: for written files a failing close can mean lost data.
    bool close()
    {
        const int fd = m_fd;
        m_fd = -1;
        return ::close(fd) == 0;
    }

private:
    int m_fd;
};

/// Keeps a read-only mapping alive for as long as any tensor views it.
class Mapping {
public:
    Mapping(void* address, size_t length) : m_address(address), m_length(length) {}
    ~Mapping() { ::munmap(m_address, m_length); }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;

    const unsigned char* bytes() const { return static_cast<const unsigned char*>(m_address); }

private:
    void* m_address;
    size_t m_length;
};

uint64_t decodeLe64(const unsigned char* p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

void encodeLe64(uint64_t v, unsigned char* p)
{
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<unsigned char>(v >> (8 * i));
}

/// Reads exactly n bytes at offset or throws; a short read means the file shrank under us.
void readExactly(const std::string& path, int fd, void* buffer, uint64_t n, uint64_t offset)
{
    auto* out = static_cast<char*>(buffer);
    while (n > 0) {
        const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw fileError(path, systemError("read failed"));
        if (got == 0)
            throw fileError(path, "file ended early while reading the header");
        out += got;
        n -= static_cast<uint64_t>(got);
        offset += static_cast<uint64_t>(got);
    }
}

void writeExactly(const std::string& path, int fd, const void* buffer, uint64_t n)
{
    const auto* in = static_cast<const char*>(buffer);
    while (n > 0) {
        const ssize_t put = ::write(fd, in, n);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            throw fileError(path, systemError("write failed"));
        in += put;
        n -= static_cast<uint64_t>(put);
    }
}

/// Opens a regular file for reading and returns its size. A FIFO is refused, not waited on:
/// O_NONBLOCK makes open() return at once, and fstat() tells what it is.
int openForReading(const std::string& path, uint64_t* size)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw fileError(path, systemError("cannot open"));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const std::string message = systemError("cannot stat");
        ::close(fd);
        throw fileError(path, message);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        requireRegularFile(path); // names what it is instead
        throw fileError(path, "is not a regular file");
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    *size = static_cast<uint64_t>(st.st_size);
    return fd;
}

/// The header's top-level entries in file order, each a small JSON value (a tensor's dtype,
/// shape and offsets, or the metadata object).
struct ParsedHeader {
    std::vector<std::pair<std::string, ReadJson>> entries;
};

/// Builds ParsedHeader from SAX events in one linear pass. nlohmann's callback parser was
/// quadratic here (it scans a parent object for discarded children at every object end), so a
/// 200,000-tensor header took minutes. Hostile structure is refused as it streams by: nesting
/// deeper than a safetensors header, arrays longer than a shape, repeated names, too many
/// tensors; unknown fields of a tensor entry are dropped unread.
class HeaderSax : public nlohmann::json_sax<ReadJson> {
public:
    struct Abort {
        std::string message;
    };
    ParsedHeader header;

    bool null() override { return value(nullptr); }
    bool boolean(bool v) override { return value(v); }
    bool number_integer(number_integer_t v) override { return value(v); }
    bool number_unsigned(number_unsigned_t v) override { return value(v); }
    bool number_float(number_float_t v, const string_t&) override { return value(v); }
    bool string(string_t& v) override { return value(v); }
    bool binary(binary_t&) override { throw Abort{"header holds binary data"}; }

    bool start_object(std::size_t) override
    {
        if (m_depth == 0) {
            m_depth = 1;
            return true;
        }
        if (m_depth != 1)
            throw Abort{"header nests deeper than a safetensors header can (in entry " +
                        inQuotes(m_name) + ")"};
        current() = ReadJson::object();
        m_depth = 2;
        return true;
    }
    bool end_object() override
    {
        --m_depth;
        return true;
    }
    bool start_array(std::size_t) override
    {
        if (m_depth == 0)
            throw Abort{"header is not a JSON object"};
        if (m_depth != 2)
            throw Abort{"header nests deeper than a safetensors header can (in entry " +
                        inQuotes(m_name) + ")"};
        if (m_keep)
            current()[m_field] = ReadJson::array();
        m_arrayLength = 0;
        m_depth = 3;
        return true;
    }
    bool end_array() override
    {
        --m_depth;
        return true;
    }
    bool key(string_t& k) override
    {
        if (m_depth == 1) {
            if (!m_names.insert(k).second)
                throw Abort{"header names " + inQuotes(k) + " twice"};
            if (m_names.size() > kMaxTensors)
                throw Abort{"header lists more than " + std::to_string(kMaxTensors) +
                            " tensors"};
            m_name = k;
            header.entries.emplace_back(k, ReadJson());
            return true;
        }
        m_field = k;
        m_keep = m_name == kMetadataKey || k == "dtype" || k == "shape" || k == "data_offsets";
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override
    {
        throw Abort{"header is not valid JSON (" + printable(e.what()) + ")"};
    }

private:
    ReadJson& current() { return header.entries.back().second; }

    template <class T> bool value(T&& v)
    {
        switch (m_depth) {
        case 0:
            throw Abort{"header is not a JSON object"};
        case 1: // a top-level value that is not an object: parseEntry names it
            current() = ReadJson(std::forward<T>(v));
            return true;
        case 2:
            if (m_keep)
                current()[m_field] = ReadJson(std::forward<T>(v));
            return true;
        default:
            if (++m_arrayLength > kMaxArrayLength)
                throw Abort{"entry " + inQuotes(m_name) + " has an array longer than " +
                            std::to_string(kMaxArrayLength) + " elements"};
            if (m_keep)
                current()[m_field].push_back(ReadJson(std::forward<T>(v)));
            return true;
        }
    }

    int m_depth = 0;
    std::set<std::string> m_names;
    std::string m_name, m_field;
    bool m_keep = false;
    size_t m_arrayLength = 0;
};

ParsedHeader parseHeaderText(const std::string& path, const std::string& text)
{
    HeaderSax sax;
    try {
        if (!ReadJson::sax_parse(text, &sax))
            throw fileError(path, "header is not valid JSON");
    } catch (const HeaderSax::Abort& abort) {
        throw fileError(path, abort.message);
    } catch (const nlohmann::json::exception& e) {
        throw fileError(path, "header is not valid JSON (" + printable(e.what()) + ")");
    }
    return std::move(sax.header);
}

uint64_t readOffset(const std::string& path, const std::string& name, const ReadJson& value)
{
    if (!value.is_number_unsigned())
        throw fileError(path, "tensor " + inQuotes(name)
                                  + " has a data offset that is not a non-negative integer");
    return value.get<uint64_t>();
}

/// Checks one tensor entry against the format and the data section size.
TensorInfo parseEntry(const std::string& path, const std::string& name, const ReadJson& entry,
                      uint64_t dataBytes)
{
    const std::string tensor = "tensor " + inQuotes(name);
    if (!entry.is_object())
        throw fileError(path, "entry for " + tensor + " is not an object");
    for (const char* field : {"dtype", "shape", "data_offsets"})
        if (!entry.contains(field))
            throw fileError(path, tensor + " has no \"" + field + "\"");

    TensorInfo info;
    info.name = name;
    const ReadJson& dtype = entry["dtype"];
    if (!dtype.is_string())
        throw fileError(path, tensor + " has a dtype that is not a string");
    info.dtype = dtype.get<std::string>();
    const DtypeEntry* known = findDtype(info.dtype);
    if (!known)
        throw fileError(path, tensor + " has unknown dtype \"" + info.dtype
                                  + "\" (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)");

    const ReadJson& shape = entry["shape"];
    if (!shape.is_array())
        throw fileError(path, tensor + " has a shape that is not an array");
    // Elements are counted in uint64 with explicit overflow checks: a forged shape must not
    // wrap around to a small size that then matches the offsets.
    uint64_t elements = 1;
    bool overflow = false;
    for (const ReadJson& d : shape) {
        if (!d.is_number_integer())
            throw fileError(path, tensor + " has a shape entry that is not an integer");
        if (!d.is_number_unsigned())
            throw fileError(path, tensor + " has negative dimension "
                                      + std::to_string(d.get<int64_t>()) + " in its shape");
        const uint64_t extent = d.get<uint64_t>();
        if (extent > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            overflow = true;
        else
            info.shape.push_back(static_cast<int64_t>(extent));
        overflow = overflow || __builtin_mul_overflow(elements, extent, &elements);
    }
    uint64_t bytes = 0;
    overflow = overflow || elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               || __builtin_mul_overflow(elements, known->size, &bytes);
    if (overflow)
        throw fileError(path, tensor + " has a shape whose size overflows 64 bits");

    const ReadJson& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2)
        throw fileError(path, tensor + " needs data_offsets [begin, end]");
    info.begin = readOffset(path, name, offsets[0]);
    info.end = readOffset(path, name, offsets[1]);
    if (info.begin > info.end)
        throw fileError(path, tensor + " has data_offsets [" + std::to_string(info.begin) + ", "
                                  + std::to_string(info.end) + "] that end before they begin");
    if (info.end > dataBytes)
        throw fileError(path, tensor + " has data_offsets ending at " + std::to_string(info.end)
                                  + ", past the end of the data section ("
                                  + std::to_string(dataBytes) + " bytes)");
    if (info.end - info.begin != bytes)
        throw fileError(path, tensor + " has " + std::to_string(info.end - info.begin)
                                  + " bytes of data, but its dtype and shape need "
                                  + std::to_string(bytes));
    return info;
}

std::map<std::string, std::string> parseMetadata(const std::string& path, const ReadJson& value)
{
    if (!value.is_object())
        throw fileError(path, "\"__metadata__\" is not an object");
    std::map<std::string, std::string> metadata;
    for (const auto& [key, v] : value.items()) {
        if (!v.is_string())
            throw fileError(path, "metadata value for " + inQuotes(key) + " is not a string");
        metadata[key] = v.get<std::string>();
    }
    return metadata;
}

/// Validates the whole header; afterwards every tensor lies inside the data section, no two
/// overlap and together they cover it exactly.
SafetensorsHeader parseHeader(const std::string& path, const std::string& text,
                              uint64_t fileBytes)
{
    SafetensorsHeader header;
    header.headerBytes = text.size();
    header.fileBytes = fileBytes;
    const uint64_t dataBytes = fileBytes - 8 - text.size();

    const ParsedHeader parsed = parseHeaderText(path, text);
    header.tensors.reserve(parsed.entries.size());
    for (const auto& [key, value] : parsed.entries) {
        if (key == kMetadataKey)
            header.metadata = parseMetadata(path, value);
        else
            header.tensors.push_back(parseEntry(path, key, value, dataBytes));
    }

    // Stable, so zero-size tensors sharing an offset keep the order the header lists them in.
    std::stable_sort(header.tensors.begin(), header.tensors.end(),
                     [](const TensorInfo& a, const TensorInfo& b) {
                         return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
                     });
    uint64_t covered = 0;
    const TensorInfo* previous = nullptr;
    for (const TensorInfo& t : header.tensors) {
        if (t.begin < covered)
            throw fileError(path, "tensors " + inQuotes(previous->name) + " and " + inQuotes(t.name)
                                      + " overlap in the data section");
        if (t.begin > covered)
            throw fileError(path, "data section has a gap of " + std::to_string(t.begin - covered)
                                      + " bytes at offset " + std::to_string(covered)
                                      + " that no tensor covers");
        covered = t.end;
        previous = &t;
    }
    if (covered != dataBytes)
        throw fileError(path, "data section has " + std::to_string(dataBytes - covered)
                                  + " trailing bytes that no tensor covers");
    return header;
}

SafetensorsHeader readHeaderFrom(const std::string& path, int fd, uint64_t fileBytes)
{
    if (fileBytes < 8)
        throw fileError(path, "file is truncated: " + std::to_string(fileBytes)
                                  + " bytes, shorter than the 8-byte header length");
    unsigned char prefix[8];
    readExactly(path, fd, prefix, 8, 0);
    const uint64_t headerBytes = decodeLe64(prefix);
    if (headerBytes > fileBytes - 8)
        throw fileError(path, "header length " + std::to_string(headerBytes)
                                  + " runs past the end of the file (" + std::to_string(fileBytes)
                                  + " bytes)");
    if (headerBytes > kMaxHeaderBytes)
        throw fileError(path, "header length " + std::to_string(headerBytes)
                                  + " exceeds the limit of " + std::to_string(kMaxHeaderBytes)
                                  + " bytes");
    std::string text(headerBytes, '\0');
    readExactly(path, fd, text.data(), headerBytes, 8);
    return parseHeader(path, text, fileBytes);
}

/// A file tensor's bytes must be 0 or 1 to be a torch bool; anything else is undefined
/// behaviour in kernels, so such a file is rejected rather than passed on.
void checkBoolBytes(const std::string& path, const TensorInfo& info, const unsigned char* data)
{
    for (uint64_t i = 0; i < info.end - info.begin; ++i)
        if (data[i] > 1)
            throw fileError(path, "tensor " + inQuotes(info.name) + " (BOOL) holds byte value "
                                      + std::to_string(data[i]) + ", which is not 0 or 1");
}

/// Whatever the caller passed, as contiguous CPU memory in the layout the file stores.
torch::Tensor toFileLayout(torch::Tensor t)
{
    if (t.layout() != torch::kStrided)
        t = t.to_dense();
    // A negated view shares memory with unnegated data; materialise it before reading bytes.
    return t.to(torch::kCPU).resolve_conj().resolve_neg().contiguous();
}

/// Removes the temporary file unless the write was committed.
class TempFileGuard {
public:
    explicit TempFileGuard(std::string path) : m_path(std::move(path)) {}
    ~TempFileGuard()
    {
        if (!m_committed)
            ::unlink(m_path.c_str());
    }
    TempFileGuard(const TempFileGuard&) = delete;
    TempFileGuard& operator=(const TempFileGuard&) = delete;
    void commit() { m_committed = true; }

private:
    std::string m_path;
    bool m_committed = false;
};

/// Best effort: makes the rename itself durable. Failure is not an error because the data
/// is already safe and some file systems do not support syncing directories.
void syncParentDirectory(const std::string& path)
{
    const size_t slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

bool SafetensorsFile::has(const std::string& name) const
{
    return std::any_of(tensors.begin(), tensors.end(),
                       [&](const auto& item) { return item.first == name; });
}

const torch::Tensor& SafetensorsFile::tensor(const std::string& name) const
{
    for (const auto& [n, t] : tensors)
        if (n == name)
            return t;
    throw fileError(path, "no tensor named " + inQuotes(name));
}

torch::Dtype dtypeFromString(const std::string& s)
{
    if (const DtypeEntry* e = findDtype(s))
        return e->dtype;
    throw Error("unknown safetensors dtype \"" + s + "\"");
}

std::string dtypeToString(torch::Dtype dtype)
{
    if (const DtypeEntry* e = findDtype(dtype))
        return e->name;
    throw Error(std::string("torch dtype ") + c10::toString(dtype)
                + " has no safetensors equivalent here");
}

SafetensorsHeader readSafetensorsHeader(const std::string& path)
{
    uint64_t fileBytes = 0;
    FileDescriptor fd(openForReading(path, &fileBytes));
    return readHeaderFrom(path, fd.get(), fileBytes);
}

SafetensorsFile readSafetensors(const std::string& path)
{
    uint64_t fileBytes = 0;
    FileDescriptor fd(openForReading(path, &fileBytes));
    const SafetensorsHeader header = readHeaderFrom(path, fd.get(), fileBytes);

    // The header is valid, so every offset below is inside the file. Tensors view the mapping
    // directly; pages are read on first touch and a large model costs no copy.
    void* address = ::mmap(nullptr, fileBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd.get(), 0);
    if (address == MAP_FAILED)
        throw fileError(path, systemError("cannot memory-map"));
    auto mapping = std::make_shared<Mapping>(address, fileBytes);
    const unsigned char* data = mapping->bytes() + 8 + header.headerBytes;

    SafetensorsFile file;
    file.path = path;
    file.metadata = header.metadata;
    file.tensors.reserve(header.tensors.size());
    for (const TensorInfo& info : header.tensors) {
        const DtypeEntry& dtype = *findDtype(info.dtype);
        const auto options = torch::TensorOptions().dtype(dtype.dtype);
        const unsigned char* bytes = data + info.begin;
        if (dtype.dtype == torch::kBool)
            checkBoolBytes(path, info, bytes);
        torch::Tensor t;
        if (info.end == info.begin) {
            t = torch::empty(info.shape, options);
        } else if (reinterpret_cast<uintptr_t>(bytes) % dtype.size != 0) {
            // Other writers may not pad the header; unaligned element access is undefined
            // behaviour in kernels, so such a tensor gets its own aligned copy.
            t = torch::from_blob(const_cast<unsigned char*>(bytes), info.shape, options).clone();
        } else {
            t = torch::from_blob(
                const_cast<unsigned char*>(bytes), info.shape,
                [mapping](void*) {}, // the capture keeps the mapping alive; nothing to free
                options);
        }
        file.tensors.emplace_back(info.name, std::move(t));
    }
    return file;
}

namespace {

/// The header text (padded to 8 bytes) for tensors and metadata; everything is checked here,
/// before a temporary file exists.
std::string headerFor(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata)
{
    Json root = Json::object();
    std::set<std::string> names;
    uint64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        if (name.empty())
            throw fileError(path, "cannot write a tensor with an empty name");
        if (name == kMetadataKey)
            throw fileError(path, "cannot write a tensor named \"__metadata__\"");
        if (!names.insert(name).second)
            throw fileError(path, "cannot write two tensors named " + inQuotes(name));
        if (!t.defined())
            throw fileError(path, "cannot write undefined tensor " + inQuotes(name));
        const DtypeEntry* dtype = findDtype(t.scalar_type());
        if (!dtype)
            throw fileError(path, "cannot write tensor " + inQuotes(name) + ": dtype "
                                      + c10::toString(t.scalar_type())
                                      + " is not supported by safetensors here");
        const uint64_t bytes = static_cast<uint64_t>(t.numel()) * dtype->size;
        Json entry = Json::object();
        entry["dtype"] = dtype->name;
        entry["shape"] = Json::array();
        for (int64_t d : t.sizes())
            entry["shape"].push_back(d);
        entry["data_offsets"] = Json::array({offset, offset + bytes});
        root[name] = std::move(entry);
        offset += bytes;
    }
    if (!metadata.empty())
        root[kMetadataKey] = metadata;
    std::string text;
    try {
        text = root.dump();
    } catch (const nlohmann::json::exception& e) {
        throw fileError(path, std::string("cannot encode the header (names and metadata must "
                                          "be UTF-8): ")
                                  + e.what());
    }
    // Padding with spaces (valid JSON whitespace) puts the data section on an 8-byte boundary,
    // so mapped tensors of every dtype are aligned when read back.
    text.append((8 - text.size() % 8) % 8, ' ');
    if (text.size() > kMaxHeaderBytes)
        throw fileError(path, "header would be " + std::to_string(text.size())
                                  + " bytes, more than readers accept");
    return text;
}

/// Every tensor's bytes after one another, each handed to the disk as soon as it is written.
void writeTensorData(const std::string& path, int fd, const NamedTensors& tensors, off_t written)
{
    for (const auto& [name, t] : tensors) {
        // One tensor at a time, so GPU or strided inputs never need a second full copy.
        torch::Tensor c;
        try {
            c = toFileLayout(t);
        } catch (const c10::Error& e) {
            throw fileError(path, "cannot write tensor " + inQuotes(name) + ": "
                                      + e.what_without_backtrace());
        }
        writeExactly(path, fd, c.data_ptr(), c.nbytes());
#if defined(__linux__)
        // Start writing this tensor to disk now (asynchronously), so that the fsync below
        // waits for the last tensors only, not for the whole file.
        ::sync_file_range(fd, written, off_t(c.nbytes()), SYNC_FILE_RANGE_WRITE);
        written += off_t(c.nbytes());
#else
        (void)written;
#endif
    }
}

} // namespace

void writeSafetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata)
{
    const std::string text = headerFor(path, tensors, metadata);
    unsigned char prefix[8];
    encodeLe64(text.size(), prefix);

    const std::string tmpPath = temporaryPathFor(path);
    FileDescriptor fd(::open(tmpPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (fd.get() < 0)
        throw fileError(path, systemError("cannot create temporary file " + tmpPath));
    TempFileGuard guard(tmpPath);

    writeExactly(path, fd.get(), prefix, 8);
    writeExactly(path, fd.get(), text.data(), text.size());
    writeTensorData(path, fd.get(), tensors, off_t(8 + text.size()));
    if (::fsync(fd.get()) != 0)
        throw fileError(path, systemError("cannot flush to disk"));
    if (!fd.close())
        throw fileError(path, systemError("cannot close temporary file"));
    if (::rename(tmpPath.c_str(), path.c_str()) != 0)
        throw fileError(path, systemError("cannot rename temporary file into place"));
    guard.commit();
    syncParentDirectory(path);
}

} // namespace tleg::io
