#pragma once
// QCustomPlot for code built with QT_NO_KEYWORDS (every Qt target here): qcustomplot.h declares
// its signals with `signals:` and loops with `foreach`, so both are mapped to Qt's macros around
// the one include.
// Usage:
//   #include "widgets/plots/qcustomplot_include.h"   // instead of <qcustomplot.h>
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef foreach
#undef signals
