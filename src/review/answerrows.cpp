// SPDX-License-Identifier: GPL-3.0-or-later
#include "answerrows.h"

#include "formdefinition.h"
#include "formsession.h"
#include "xmlnode.h"

#include <QCoreApplication>
#include <QHash>

#include <functional>

namespace survey::review {

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(AnswerRows)
};

QString choiceWords(const form::FormSession &session, int control, const form::XmlNode *node)
{
    const auto choices = session.choices(control, const_cast<form::XmlNode *>(node));
    QStringList labels;
    for (const QString &v : node->stringValue().split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        QString label = v; // a value the form's choices do not have stays as it is
        for (const auto &c : choices) {
            if (c.value == v)
                label = c.label.isEmpty() ? v : c.label;
        }
        labels << label;
    }
    return labels.join(Tr::tr(", "));
}

} // namespace

std::vector<AnswerRow> answerRows(const form::FormSession &session)
{
    const form::FormDefinition &def = session.definition();
    std::vector<AnswerRow> out;
    QHash<int, int> entries; // repeat schema → entries seen under the current parent
    std::function<void(const form::XmlNode *, int)> walk = [&](const form::XmlNode *n, int depth) {
        if (n->schemaIndex < 0 || !session.isRelevant(n))
            return;
        const auto &schema = def.schema[static_cast<std::size_t>(n->schemaIndex)];
        if (schema.depth == 1 && schema.name == QLatin1String("meta"))
            return;
        bool leaf = true;
        for (const auto &c : n->children())
            leaf = leaf && !c->isElement();
        const int control = schema.control;
        if (!leaf) {
            int inner = depth;
            if (schema.isRepeat) {
                // "Household members 2": the repeat's label, or its enclosing group's.
                int labelled = control;
                QString label;
                while (labelled >= 0 && label.isEmpty()) {
                    label = session.label(labelled, n);
                    labelled = def.controls[static_cast<std::size_t>(labelled)].parent;
                }
                const int number = ++entries[n->schemaIndex];
                AnswerRow row;
                row.kind = AnswerRow::Kind::RepeatEntry;
                row.depth = depth;
                row.path = session.pathOf(n);
                row.entry = number;
                row.label = Tr::tr("%1 %2").arg(label.isEmpty() ? schema.name : label).arg(number);
                out.push_back(row);
                inner = depth + 1;
            } else if (control >= 0 && !session.label(control, n).isEmpty()) {
                AnswerRow row;
                row.kind = AnswerRow::Kind::Group;
                row.depth = depth;
                row.path = session.pathOf(n);
                row.label = session.label(control, n);
                out.push_back(row);
                inner = depth + 1;
            }
            // Entries are numbered within each parent: reset for the children's repeats.
            QHash<int, int> saved;
            std::swap(saved, entries);
            for (const auto &c : n->children()) {
                if (c->isElement())
                    walk(c.get(), inner);
            }
            std::swap(saved, entries);
            return;
        }
        if (n->stringValue().isEmpty())
            return;
        AnswerRow row;
        row.depth = depth;
        row.path = session.pathOf(n);
        row.raw = n->stringValue();
        row.value = row.raw;
        const auto *bind =
            schema.bind >= 0 ? &def.binds[static_cast<std::size_t>(schema.bind)] : nullptr;
        row.computed = control < 0 && bind && bind->calculate;
        row.location = bind && bind->type == form::DataType::Geopoint;
        if (control >= 0) {
            const auto &c = def.controls[static_cast<std::size_t>(control)];
            row.label = session.label(control, n);
            if (c.kind == form::Control::Kind::Select1 || c.kind == form::Control::Kind::Select ||
                c.kind == form::Control::Kind::Rank)
                row.value = choiceWords(session, control, n);
            row.file = c.kind == form::Control::Kind::Upload;
        }
        if (row.label.isEmpty())
            row.label = schema.name;
        out.push_back(row);
    };
    for (const auto &c : session.root()->children()) {
        if (c->isElement())
            walk(c.get(), 0);
    }
    return out;
}

std::vector<AnswerChange> changesBetween(const std::vector<AnswerRow> &before,
                                         const std::vector<AnswerRow> &after)
{
    QHash<QString, const AnswerRow *> old;
    for (const AnswerRow &r : before) {
        if (r.kind == AnswerRow::Kind::Answer)
            old.insert(r.path, &r);
    }
    std::vector<AnswerChange> out;
    QHash<QString, bool> present;
    for (const AnswerRow &r : after) {
        if (r.kind != AnswerRow::Kind::Answer)
            continue;
        present.insert(r.path, true);
        const AnswerRow *o = old.value(r.path);
        if (!o)
            out.push_back({r.path, r.label, QString(), r.value, r.computed});
        else if (o->raw != r.raw)
            out.push_back({r.path, r.label, o->value, r.value, r.computed});
    }
    for (const AnswerRow &r : before) {
        if (r.kind == AnswerRow::Kind::Answer && !present.contains(r.path))
            out.push_back({r.path, r.label, r.value, QString(), r.computed});
    }
    return out;
}

} // namespace survey::review
