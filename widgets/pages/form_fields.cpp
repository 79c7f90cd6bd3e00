#include "widgets/pages/form_fields.h"

#include <QDoubleSpinBox>
#include <QSpinBox>

namespace tleg::gui {

QSpinBox* intField(QWidget* parent, const char* name, int lo, int hi, int value)
{
    auto* box = new QSpinBox(parent);
    box->setObjectName(name);
    box->setRange(lo, hi);
    box->setValue(value);
    return box;
}

QDoubleSpinBox* realField(QWidget* parent, const char* name, int decimals, double lo, double hi,
                          double step, double value)
{
    auto* box = new QDoubleSpinBox(parent);
    box->setObjectName(name);
    box->setDecimals(decimals);
    box->setRange(lo, hi);
    box->setSingleStep(step);
    box->setValue(value);
    return box;
}

} // namespace tleg::gui
