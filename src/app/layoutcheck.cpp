// SPDX-License-Identifier: GPL-3.0-or-later
#include "layoutcheck.h"

#include "visibleitem.h"

#include <QQuickItem>

#include <vector>

namespace survey::app {

namespace {

constexpr qreal kTouch = 48;

/// The part of the item the window shows: its scene rectangle cut by every clipping
/// ancestor (scrolled views) and the window.
QRectF shownRect(QQuickItem *item, QQuickWindow *window)
{
    QRectF r = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    for (QQuickItem *p = item->parentItem(); p; p = p->parentItem()) {
        if (p->clip())
            r &= p->mapRectToScene(QRectF(0, 0, p->width(), p->height()));
    }
    return r & QRectF(0, 0, window->width(), window->height());
}

/// Where a text item draws its words (its content, placed by its alignment).
QRectF textRect(QQuickItem *text)
{
    const qreal w = std::min(text->property("contentWidth").toReal(), text->width());
    const qreal h = std::min(text->property("contentHeight").toReal(), text->height());
    const int align = text->property("effectiveHorizontalAlignment").toInt();
    const int valign = text->property("verticalAlignment").toInt();
    qreal x = 0;
    if (align & Qt::AlignRight)
        x = text->width() - w;
    else if (align & Qt::AlignHCenter)
        x = (text->width() - w) / 2;
    qreal y = 0;
    if (valign & Qt::AlignBottom)
        y = text->height() - h;
    else if (valign & Qt::AlignVCenter)
        y = (text->height() - h) / 2;
    return text->mapRectToScene(QRectF(x, y, w, h));
}

/// Whether the item is in a view a person can scroll (what it cuts off can be scrolled to;
/// a dialog's button row is a list that does not scroll).
bool scrolls(QQuickItem *item)
{
    for (QQuickItem *p = item->parentItem(); p; p = p->parentItem()) {
        if (p->inherits("QQuickFlickable") && p->property("interactive").toBool())
            return true;
    }
    return false;
}

bool opaqueChain(QQuickItem *item)
{
    for (QQuickItem *p = item; p; p = p->parentItem()) {
        if (p->opacity() <= 0.01)
            return false;
    }
    return true;
}

bool isAncestor(QQuickItem *a, QQuickItem *b)
{
    for (QQuickItem *p = b->parentItem(); p; p = p->parentItem()) {
        if (p == a)
            return true;
    }
    return false;
}

QString describe(QQuickItem *item)
{
    const QString name = item->objectName();
    const QString text = item->property("text").toString().left(40);
    QString kind = QString::fromLatin1(item->metaObject()->className());
    kind = kind.section(QLatin1Char('_'), 0, 0);
    return QStringLiteral("%1%2%3").arg(
        kind, name.isEmpty() ? QString() : QStringLiteral(" ") + name,
        text.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(text));
}

/// The item of the topmost open modal pop-up, if any: what is under it is dimmed and
/// cannot be touched.
QQuickItem *modalLayer(QQuickWindow *window)
{
    QQuickItem *top = nullptr;
    if (QQuickItem *overlay = overlayOf(window)) {
        for (QQuickItem *popup : overlay->childItems()) {
            if (popup->isVisible() && popup->inherits("QQuickPopupItem"))
                top = popup;
        }
    }
    return top;
}

} // namespace

QStringList layoutProblems(QQuickWindow *window)
{
    QStringList problems;
    QQuickItem *modal = modalLayer(window);
    std::vector<std::pair<QQuickItem *, QRectF>> texts;
    visitVisibleItems(window, [&](QQuickItem *item) {
        if (!opaqueChain(item))
            return false;
        if (modal && item != modal && !isAncestor(modal, item))
            return false; // dimmed under the pop-up
        const QRectF shown = shownRect(item, window);
        if (shown.width() < 1 || shown.height() < 1)
            return false;
        const bool fullyShown =
            shown.size() ==
            item->mapRectToScene(QRectF(0, 0, item->width(), item->height())).size();
        if (item->inherits("QQuickText") &&
            !item->property("text").toString().trimmed().isEmpty()) {
            const QRectF drawn = textRect(item) & shown;
            if (!drawn.isEmpty())
                texts.emplace_back(item, drawn);
            if (item->property("truncated").toBool() && item->property("wrapMode").toInt() == 0 &&
                item->property("elide").toInt() != Qt::ElideNone)
                problems << QStringLiteral("cut short on one line: %1").arg(describe(item));
        }
        // Controls a finger taps: buttons of every kind (not the parts of a menu that is
        // closed, which is not visible), text fields, drop-downs, sliders.
        const bool tappable = item->isEnabled() && fullyShown &&
                              (item->inherits("QQuickAbstractButton") ||
                               item->inherits("QQuickComboBox") || item->inherits("QQuickSlider"));
        const bool field = item->isEnabled() && fullyShown &&
                           (item->inherits("QQuickTextField") || item->inherits("QQuickTextArea"));
        if (tappable && (item->width() < kTouch - 0.5 || item->height() < kTouch - 0.5))
            problems << QStringLiteral("smaller than a finger (%1×%2): %3")
                            .arg(item->width())
                            .arg(item->height())
                            .arg(describe(item));
        // A control partly off the window with nothing to scroll it into view.
        if (!fullyShown && !scrolls(item) &&
            (item->inherits("QQuickAbstractButton") || item->inherits("QQuickTextField")))
            problems << QStringLiteral("partly outside the window: %1").arg(describe(item));
        if (field && item->height() < kTouch - 0.5)
            problems << QStringLiteral("field lower than a finger (%1): %2")
                            .arg(item->height())
                            .arg(describe(item));
        return false;
    });
    for (std::size_t i = 0; i < texts.size(); ++i) {
        for (std::size_t j = i + 1; j < texts.size(); ++j) {
            const auto &[a, ra] = texts[i];
            const auto &[b, rb] = texts[j];
            if (isAncestor(a, b) || isAncestor(b, a))
                continue;
            const QRectF both = ra & rb;
            // A pixel or two of touching line boxes is not an overlap.
            if (both.width() > 2 && both.height() > 2) {
                QString first = describe(a);
                QString second = describe(b);
                if (second < first)
                    std::swap(first, second);
                problems << QStringLiteral("texts over each other: %1 and %2").arg(first, second);
            }
        }
    }
    return problems;
}

} // namespace survey::app
