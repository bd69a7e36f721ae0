// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QQuickItem>
#include <QQuickWindow>

#include <vector>

namespace survey::app {

/// The visible item named `name` in `window`, searched through the visual tree from its root
/// (pages a StackView made are visual children, not QObject children; menus and dialogs are
/// in the overlay beside the content). For the screenshots, the benchmark and the tests.
inline QQuickItem *findVisibleItem(QQuickWindow *window, const QString &name)
{
    QQuickItem *top = window->contentItem();
    while (top->parentItem())
        top = top->parentItem();
    std::vector<QQuickItem *> todo{top};
    while (!todo.empty()) {
        QQuickItem *item = todo.back();
        todo.pop_back();
        if (!item->isVisible())
            continue;
        if (item->objectName() == name)
            return item;
        const auto children = item->childItems();
        todo.insert(todo.end(), children.begin(), children.end());
    }
    return nullptr;
}

} // namespace survey::app
