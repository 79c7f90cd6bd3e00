#pragma once
// Number fields as every form here makes them: an object name for tests and screenshots, the
// range, the step and the starting value in one call.
// Usage:
//   m_epochs = intField(this, "epochs", 1, 1000, 6);
//   m_lr = realField(this, "lr", 5, 0.00001, 1.0, 0.0001, 0.001);   // 5 decimals
class QDoubleSpinBox;
class QSpinBox;
class QWidget;

namespace tleg::gui {

QSpinBox* intField(QWidget* parent, const char* name, int lo, int hi, int value);
/// The decimals are set before the range, which QDoubleSpinBox rounds to them.
QDoubleSpinBox* realField(QWidget* parent, const char* name, int decimals, double lo, double hi,
                          double step, double value);

} // namespace tleg::gui
