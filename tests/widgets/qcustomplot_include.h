#pragma once
// Tests compile with QT_NO_KEYWORDS (Torch headers), but qcustomplot.h uses `signals:` and
// `foreach`: map them to Qt's macros around the include.
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef foreach
