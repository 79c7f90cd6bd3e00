#pragma once
// Marks a user-facing string in core/ for translation without Qt: the macro is the text
// itself, and lupdate finds it as QT_TRANSLATE_NOOP (scripts/update_translations.sh passes
// -tr-function-alias). The GUI shows it with QCoreApplication::translate(context, text).
// Usage:
//   const char* title = TLEG_TRANSLATABLE("Experiments", "Which modules to expand");
#define TLEG_TRANSLATABLE(context, text) text
