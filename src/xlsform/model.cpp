// SPDX-License-Identifier: GPL-3.0-or-later
#include "model.h"

#include <QRegularExpression>

namespace survey::xlsform {

QString singleReference(const QString &text)
{
    static const QRegularExpression one(QStringLiteral("^\\$\\{([^}]+)\\}$"));
    const auto m = one.match(text);
    return m.hasMatch() ? m.captured(1) : QString();
}

QString Element::path() const
{
    QStringList names;
    for (const Element *e = this; e; e = e->parent)
        names.prepend(e->name);
    return u'/' + names.join(u'/');
}

QString Element::bindValue(const QString &attribute) const
{
    for (const auto &[name, value] : bind)
        if (name == attribute)
            return value;
    return {};
}

QString Element::controlValue(const QString &attribute) const
{
    for (const auto &[name, value] : control)
        if (name == attribute)
            return value;
    return {};
}

const Element *Element::repeatAncestor() const
{
    for (const Element *e = this; e; e = e->parent)
        if (e->kind == Kind::Repeat)
            return e;
    return nullptr;
}

bool Element::hasControl() const
{
    if (kind == Kind::BindOnly || kind == Kind::ExternalCsv || kind == Kind::ExternalXml)
        return false;
    if (type == QLatin1String("calculate"))
        return false;
    const bool labelled = hasText(label) || hasText(hint);
    if ((!bindValue(QStringLiteral("calculate")).isEmpty() || !triggers.isEmpty()) && !labelled)
        return false;
    return true;
}

bool Element::usesSearch() const
{
    // pyxform's test: an appearance holding search(…), written inline rather than as a list.
    static const QRegularExpression search(QStringLiteral("search\\(.*?\\)"));
    const QString appearance = controlValue(QStringLiteral("appearance"));
    return appearance.size() > 7 && search.match(appearance).hasMatch();
}

} // namespace survey::xlsform
