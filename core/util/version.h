#pragma once
// TLEG Studio's version, set in one place (project() in the top CMakeLists.txt).
// Usage:
//   std::printf("tleg %s\n", tleg::version());
namespace tleg {

/// "0.1.0": what `tleg --version`, the About box and every run's config.json show.
const char* version();

} // namespace tleg
