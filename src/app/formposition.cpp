// SPDX-License-Identifier: GPL-3.0-or-later
#include "formposition.h"

#include "formdefinition.h"
#include "formsession.h"

#include <QCoreApplication>

#include <functional>

namespace survey::app {

using form::Control;
using form::XmlNode;

FormPosition::FormPosition(const form::FormDefinition &definition)
    : m_def(definition)
    , m_questionsBefore(definition.controls.size(), 0)
    , m_repeatOfSchema(definition.schema.size(), -1)
{
    const auto &controls = m_def.controls;
    // The body's order: each control before its children, siblings as written.
    std::function<void(int)> walk = [&](int c) {
        const Control &control = controls[static_cast<std::size_t>(c)];
        m_questionsBefore[static_cast<std::size_t>(c)] = m_questions;
        if (control.kind == Control::Kind::Repeat && control.schema >= 0 &&
            static_cast<std::size_t>(control.schema) < m_repeatOfSchema.size())
            m_repeatOfSchema[static_cast<std::size_t>(control.schema)] = c;
        if (control.kind != Control::Kind::Group && control.kind != Control::Kind::Repeat)
            ++m_questions;
        for (int child : control.children)
            walk(child);
    };
    for (std::size_t c = 0; c < controls.size(); ++c) {
        if (controls[c].parent < 0)
            walk(static_cast<int>(c));
    }
}

QString FormPosition::label(const form::FormSession &session, int control,
                            const XmlNode *node) const
{
    if (control < 0)
        return QString();
    const QString own = session.label(control, node);
    const Control &c = m_def.controls[static_cast<std::size_t>(control)];
    if (!own.isEmpty() || c.kind != Control::Kind::Repeat || c.parent < 0 ||
        m_def.controls[static_cast<std::size_t>(c.parent)].kind != Control::Kind::Group)
        return own;
    return session.label(c.parent, node);
}

QVariantList FormPosition::repeatPlaces(const form::FormSession &session, const XmlNode *node) const
{
    QVariantList places;
    for (const XmlNode *n = node; n; n = n->parent()) {
        if (n->schemaIndex < 0 ||
            static_cast<std::size_t>(n->schemaIndex) >= m_repeatOfSchema.size())
            continue;
        const int repeat = m_repeatOfSchema[static_cast<std::size_t>(n->schemaIndex)];
        if (repeat < 0 || !n->parent())
            continue;
        int position = 0;
        int count = 0;
        for (const auto &sibling : n->parent()->children()) {
            if (sibling->schemaIndex != n->schemaIndex)
                continue;
            ++count;
            if (sibling.get() == n)
                position = count;
        }
        const QString name = label(session, repeat, n);
        const QString text =
            name.isEmpty()
                ? QCoreApplication::translate("survey::app::FormPosition", "Entry %1 of %2")
                      .arg(position)
                      .arg(count)
                : QCoreApplication::translate("survey::app::FormPosition", "%1: %2 of %3")
                      .arg(name)
                      .arg(position)
                      .arg(count);
        places.prepend(QVariantMap{{QStringLiteral("label"), name},
                                   {QStringLiteral("position"), position},
                                   {QStringLiteral("count"), count},
                                   {QStringLiteral("text"), text}});
    }
    return places;
}

form::XmlNode *FormPosition::pageNode(const form::FormSession::Prompt &page)
{
    if (!page.node && !page.questions.empty())
        return page.questions.front().second;
    return page.node;
}

int FormPosition::entryCount(const form::FormSession::Prompt &page) const
{
    if (page.kind != form::FormSession::Prompt::Kind::RepeatPrompt || !page.node)
        return 0;
    const int schema = m_def.controls[static_cast<std::size_t>(page.control)].schema;
    int count = 0;
    for (const auto &child : page.node->children())
        count += child->schemaIndex == schema ? 1 : 0;
    return count;
}

double FormPosition::progress(int control) const
{
    if (control < 0 || m_questions == 0)
        return -1;
    // Inside repeats: where the outermost one starts.
    int anchor = control;
    for (int c = control; c >= 0; c = m_def.controls[static_cast<std::size_t>(c)].parent) {
        if (m_def.controls[static_cast<std::size_t>(c)].kind == Control::Kind::Repeat)
            anchor = c;
    }
    return double(m_questionsBefore[static_cast<std::size_t>(anchor)]) / m_questions;
}

} // namespace survey::app
