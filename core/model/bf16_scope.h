#pragma once
// Sets this thread's matmul precision (model::setBf16Matmul) for a scope and restores the
// previous one when the scope ends, also by an exception.
// Usage:
//   { model::Bf16Scope bf16(options.bf16);  ...forward and backward... }
#include "model/block.h"

namespace tleg::model {

class Bf16Scope {
public:
    explicit Bf16Scope(bool enabled) : m_previous(bf16Matmul()) { setBf16Matmul(enabled); }
    ~Bf16Scope() { setBf16Matmul(m_previous); }
    Bf16Scope(const Bf16Scope&) = delete;
    Bf16Scope& operator=(const Bf16Scope&) = delete;

private:
    bool m_previous;
};

} // namespace tleg::model
