// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QQuickItem>
#include <QQuickWindow>

#include <algorithm>
#include <vector>

namespace survey::app {

/// Calls `visit` with every visible item of `window`, through the visual tree from its root
/// (pages a StackView made are visual children, not QObject children; menus and dialogs are
/// in the overlay beside the content), until `visit` returns true.
template<typename Visit> void visitVisibleItems(QQuickWindow *window, Visit visit)
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
        if (visit(item))
            return;
        const auto children = item->childItems();
        todo.insert(todo.end(), children.begin(), children.end());
    }
}

/// The window's overlay: the layer Qt Quick Controls draws pop-ups in (dialogs, menus,
/// drop-downs), beside the content; null before any pop-up made one.
inline QQuickItem *overlayOf(QQuickWindow *window)
{
    for (QQuickItem *layer : window->contentItem()->childItems()) {
        if (layer->inherits("QQuickOverlay"))
            return layer;
    }
    return nullptr;
}

/// No pop-up is fading in or out: one that is going still covers the page and takes its
/// taps, one that is coming cannot be used yet.
inline bool popupsAtRest(QQuickWindow *window)
{
    QQuickItem *overlay = overlayOf(window);
    if (!overlay)
        return true;
    const auto popups = overlay->childItems();
    return std::none_of(popups.begin(), popups.end(), [](QQuickItem *popup) {
        return popup->isVisible() && popup->opacity() < 1;
    });
}

/// The visible item named `name` in `window`. For the screenshots, the benchmark and the
/// tests.
inline QQuickItem *findVisibleItem(QQuickWindow *window, const QString &name)
{
    QQuickItem *found = nullptr;
    visitVisibleItems(window, [&](QQuickItem *item) {
        if (item->objectName() == name)
            found = item;
        return found != nullptr;
    });
    return found;
}

} // namespace survey::app
