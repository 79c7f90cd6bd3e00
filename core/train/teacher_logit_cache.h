#pragma once
// Internal to train/trainer.cpp: the teacher's logits kept per training image for the fast path
// (no augmentation), so the teacher runs once per image.
#include "dist/world.h"
#include "train/teacher.h"
#include "train/teacher_input.h"

#include <optional>
#include <vector>

namespace tleg::train {

/// Teacher logits per dataset image, filled the first time an image is seen. Only valid when
/// the teacher's input for an image never changes (no augmentation) and the teacher is fixed.
/// The teacher gets the batch converted for it (TeacherFeed), so a cached image is converted
/// once, and the logits kept are the data's classes (after the class map).
class TeacherLogitCache {
public:
    /// Caches at most maxBytes of logits; beyond that (or when disabled) every call is live.
    /// teacher: nullptr when no teacher is used.
    TeacherLogitCache(Teacher* teacher, const InputSpec& student, int64_t images, bool enabled,
                      int64_t maxBytes = 1LL << 30)
        : m_images(images), m_enabled(enabled && teacher), m_maxBytes(maxBytes)
    {
        if (teacher)
            m_feed.emplace(teacher, student);
    }

    const TeacherFeed* feed() const { return m_feed ? &*m_feed : nullptr; }

    /// True while logits() keeps what it computes (then it is not for concurrent callers);
    /// false when every call is a live teacher pass, which any thread may make at once.
    bool caching() const { return m_enabled; }

    torch::Tensor logits(const data::Batch& b)
    {
        if (!m_enabled)
            return m_feed->logits(b.images);
        const int64_t n = b.indices.size(0);
        const int64_t* idx = b.indices.data_ptr<int64_t>();
        if (m_logits.defined()) {
            // Only the images not seen yet go to the teacher (those the last epoch's short
            // batch left out, or another rank's before share()).
            std::vector<int64_t> unseen;
            for (int64_t i = 0; i < n; ++i)
                if (!m_seen[size_t(idx[i])])
                    unseen.push_back(i);
            if (!unseen.empty()) {
                const torch::Tensor rows = torch::tensor(unseen, torch::kLong);
                const torch::Tensor z =
                    m_feed->logits(b.images.index_select(0, rows)).to(torch::kFloat);
                m_logits.index_copy_(0, b.indices.index_select(0, rows), z);
                for (int64_t i : unseen)
                    m_seen[size_t(idx[i])] = 1;
            }
            return m_logits.index_select(0, b.indices);
        }
        torch::Tensor z = m_feed->logits(b.images).to(torch::kFloat);
        if (m_images * z.size(1) * int64_t(sizeof(float)) > m_maxBytes) {
            m_enabled = false; // too many images × classes to hold: stay live
            return z;
        }
        m_logits = torch::zeros({m_images, z.size(1)}, torch::kFloat);
        m_seen.assign(size_t(m_images), 0);
        m_logits.index_copy_(0, b.indices, z);
        for (int64_t i = 0; i < n; ++i)
            m_seen[size_t(idx[i])] = 1;
        return z;
    }

    /// Data-parallel, after the first epoch: each rank has filled the rows of the images in
    /// its own slices of the batches; afterwards every rank holds every row (a sum over ranks,
    /// in which each row comes from the one rank that computed it).
    void share(dist::World& world)
    {
        if (!m_enabled || !m_logits.defined())
            return; // the same on every rank: the cache's size decides
        torch::Tensor seen =
            torch::from_blob(m_seen.data(), {m_images}, torch::kUInt8).to(torch::kFloat);
        std::vector<torch::Tensor> tensors{m_logits, seen};
        world.allReduceSum(tensors, "sharing the teacher's logits");
        const float* count = seen.data_ptr<float>();
        for (int64_t i = 0; i < m_images; ++i) {
            if (count[i] > 1.0f) // not within one epoch; averaged should it ever happen
                m_logits[i].div_(count[i]);
            m_seen[size_t(i)] = count[i] > 0.0f ? 1 : 0;
        }
    }

private:
    std::optional<TeacherFeed> m_feed;
    int64_t m_images;
    bool m_enabled;
    int64_t m_maxBytes;
    torch::Tensor m_logits;      // [N, classes]
    std::vector<uint8_t> m_seen; // [N]
};

} // namespace tleg::train
