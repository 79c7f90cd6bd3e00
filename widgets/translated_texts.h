#pragma once
// Texts that follow the language at run time, so that switching it retranslates a widget in
// place instead of rebuilding it (which would throw its state away). A widget registers each
// text it shows as the code that sets it, with tr() inside (where lupdate finds it): set() runs
// it now, retranslate() runs every one again; the widget calls that from its retranslateUi(),
// on QEvent::LanguageChange.
// Usage:
//   m_texts.set([this] { m_start->setText(tr("Start")); });
//   void Page::changeEvent(QEvent* e)
//   {
//       if (e->type() == QEvent::LanguageChange) retranslateUi();   // m_texts.retranslate(); ...
//       QWidget::changeEvent(e);
//   }
#include <functional>
#include <utility>
#include <vector>

namespace tleg::gui {

class TranslatedTexts {
public:
    /// Runs setter now and again on every retranslate(). It may capture the widget's children
    /// (they live as long as the widget that owns this).
    void set(std::function<void()> setter)
    {
        setter();
        m_setters.push_back(std::move(setter));
    }
    void retranslate() const
    {
        for (const auto& setter : m_setters)
            setter();
    }

private:
    std::vector<std::function<void()>> m_setters;
};

} // namespace tleg::gui
