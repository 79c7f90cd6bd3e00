#pragma once
// How many threads at::parallel_for really spreads work over in this library. It is an inline
// template: in code compiled without OpenMP it runs every chunk on the calling thread, whatever
// at::get_num_threads() says (core/CMakeLists.txt builds core with GCC's OpenMP for this
// reason; Clang builds stay serial). The bench prints it; a test holds it.
// Usage:
//   at::set_num_threads(2);  int used = kernels::parallelForThreads();  // 2
namespace tleg::kernels {

/// Distinct threads that ran a chunk of one at::parallel_for over many small chunks, at the
/// current at::get_num_threads().
int parallelForThreads();

} // namespace tleg::kernels
