// SPDX-License-Identifier: GPL-3.0-or-later
#include "formoutline.h"

#include "formdefinition.h"
#include "formposition.h"

#include <QCoreApplication>
#include <QDateTime>

#include <algorithm>

namespace survey::app {

using form::Control;
using form::FormSession;
using form::XmlNode;

namespace {

/// A group or repeat entry a page is in.
struct Container
{
    int control = -1;
    const XmlNode *node = nullptr; ///< the repeat entry, or the node the label reads from
    bool operator==(const Container &) const = default;
};

const XmlNode *instanceOf(const XmlNode *node, int schema)
{
    for (const XmlNode *n = node; n; n = n->parent()) {
        if (n->schemaIndex == schema)
            return n;
    }
    return nullptr;
}

/// A group that only wraps a repeat lending it its label (XLSForm's shape): the entries'
/// headings already say it.
bool wrapsUnlabelledRepeat(const FormSession &session, const Control &group, const XmlNode *node)
{
    const auto &controls = session.definition().controls;
    for (int child : group.children) {
        const Control &c = controls[static_cast<std::size_t>(child)];
        if (c.kind == Control::Kind::Repeat && session.label(child, node).isEmpty())
            return true;
    }
    return false;
}

/// The groups (with a label) and repeat entries around `control`, outermost first.
std::vector<Container> containersOf(const FormSession &session, int control, const XmlNode *node)
{
    const auto &controls = session.definition().controls;
    std::vector<Container> chain;
    for (int c = control; c >= 0; c = controls[static_cast<std::size_t>(c)].parent) {
        const Control &k = controls[static_cast<std::size_t>(c)];
        if (k.kind == Control::Kind::Repeat) {
            if (const XmlNode *entry = instanceOf(node, k.schema))
                chain.push_back({c, entry});
        } else if (k.kind == Control::Kind::Group) {
            const XmlNode *bound = k.schema >= 0 ? instanceOf(node, k.schema) : nullptr;
            const XmlNode *reads = bound ? bound : node;
            if (!session.label(c, reads).isEmpty() && !wrapsUnlabelledRepeat(session, k, reads))
                chain.push_back({c, reads});
        }
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
}

QVariantMap headingRow(const FormSession &session, const FormPosition &position, const Container &c,
                       int index, int depth)
{
    const Control &k = session.definition().controls[static_cast<std::size_t>(c.control)];
    QVariantMap row{{QStringLiteral("index"), index},
                    {QStringLiteral("depth"), depth},
                    {QStringLiteral("value"), QString()},
                    {QStringLiteral("missing"), false},
                    {QStringLiteral("invalid"), false}};
    if (k.kind == Control::Kind::Repeat) {
        // Its place among the entries, as the page's own heading says it.
        const QVariantMap place = position.repeatPlaces(session, c.node).constLast().toMap();
        row.insert(place);
        row.insert(QStringLiteral("kind"), QStringLiteral("entry"));
        row.insert(QStringLiteral("ref"), session.pathOf(c.node));
    } else {
        row.insert(QStringLiteral("kind"), QStringLiteral("group"));
        row.insert(QStringLiteral("label"), session.label(c.control, c.node));
        row.insert(QStringLiteral("ref"), QString());
    }
    return row;
}

QVariantMap questionRow(FormSession &session, int control, XmlNode *node, int index, int depth,
                        const QLocale &locale)
{
    const bool relevant = node && session.isRelevant(node);
    const QString raw = node ? node->stringValue() : QString();
    return {{QStringLiteral("index"), index},
            {QStringLiteral("kind"), QStringLiteral("question")},
            {QStringLiteral("label"), session.label(control, node)},
            {QStringLiteral("value"), displayValue(session, control, node, locale)},
            {QStringLiteral("ref"), node ? session.pathOf(node) : QString()},
            {QStringLiteral("depth"), depth},
            {QStringLiteral("missing"), relevant && raw.isEmpty() && session.isRequired(node)},
            {QStringLiteral("invalid"),
             relevant && !raw.isEmpty() && !session.isConstraintSatisfied(node)}};
}

} // namespace

QString displayValue(FormSession &session, int control, XmlNode *node, const QLocale &locale)
{
    if (!node)
        return QString();
    const QString raw = node->stringValue();
    if (raw.isEmpty())
        return raw;
    const auto &def = session.definition();
    const Control &c = def.controls[static_cast<std::size_t>(control)];
    if (c.kind == Control::Kind::Select1 || c.kind == Control::Kind::Select ||
        c.kind == Control::Kind::Rank) {
        QHash<QString, QString> labels;
        for (const auto &choice : session.choices(control, node))
            labels.insert(choice.value, choice.label);
        QStringList shown;
        const QStringList values = c.kind == Control::Kind::Select1
                                       ? QStringList{raw}
                                       : raw.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const QString &v : values) {
            const QString label = labels.value(v);
            shown << (label.isEmpty() ? v : label);
        }
        //: Between the chosen answers of a multiple choice in the question list
        return shown.join(QCoreApplication::translate("survey::app::FormOutline", ", "));
    }
    const QString type = def.typeNameOf(c);
    if (type == QLatin1String("date")) {
        const QDate d = QDate::fromString(raw.left(10), Qt::ISODate);
        return d.isValid() ? locale.toString(d, QLocale::ShortFormat) : raw;
    }
    if (type == QLatin1String("dateTime")) {
        const QDateTime t = QDateTime::fromString(raw, Qt::ISODateWithMs);
        return t.isValid() ? locale.toString(t.toLocalTime(), QLocale::ShortFormat) : raw;
    }
    return raw;
}

QVariantList outlineRows(FormSession &session, const FormPosition &position,
                         const std::vector<FormSession::Prompt> &prompts, const QLocale &locale)
{
    QVariantList rows;
    std::vector<Container> previous;
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        const auto &p = prompts[i];
        if (p.kind == FormSession::Prompt::Kind::End)
            continue;
        const int index = static_cast<int>(i);
        const auto &controls = session.definition().controls;
        // A repeat's prompt sits among what is around the repeat, a field-list page is a
        // group of its own, a question is in what holds it.
        XmlNode *node = FormPosition::pageNode(p);
        const int holder = p.kind == FormSession::Prompt::Kind::Question ||
                                   p.kind == FormSession::Prompt::Kind::RepeatPrompt
                               ? controls[static_cast<std::size_t>(p.control)].parent
                               : p.control;
        const std::vector<Container> chain =
            holder >= 0 ? containersOf(session, holder, node) : std::vector<Container>{};
        std::size_t same = 0;
        while (same < chain.size() && same < previous.size() && chain[same] == previous[same])
            ++same;
        for (std::size_t level = same; level < chain.size(); ++level)
            rows.append(headingRow(session, position, chain[level], index, int(level)));
        previous = chain;
        const int depth = static_cast<int>(chain.size());
        switch (p.kind) {
        case FormSession::Prompt::Kind::Question:
            rows.append(questionRow(session, p.control, p.node, index, depth, locale));
            break;
        case FormSession::Prompt::Kind::FieldList:
            for (const auto &[control, questionNode] : p.questions)
                rows.append(questionRow(session, control, questionNode, index, depth, locale));
            break;
        case FormSession::Prompt::Kind::RepeatPrompt: {
            rows.append(
                QVariantMap{{QStringLiteral("index"), index},
                            {QStringLiteral("kind"), QStringLiteral("repeat")},
                            {QStringLiteral("label"), position.label(session, p.control, p.node)},
                            {QStringLiteral("value"), QString()},
                            {QStringLiteral("ref"), QString()},
                            {QStringLiteral("depth"), depth},
                            {QStringLiteral("count"), position.entryCount(p)},
                            {QStringLiteral("missing"), false},
                            {QStringLiteral("invalid"), false}});
            break;
        }
        case FormSession::Prompt::Kind::End:
            break;
        }
    }
    return rows;
}

} // namespace survey::app
