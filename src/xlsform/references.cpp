// SPDX-License-Identifier: GPL-3.0-or-later
#include "references.h"

#include "builder.h"

#include <QList>

namespace survey::xlsform {

References::References(const Element &root)
{
    index(root);
}

void References::index(const Element &e)
{
    for (const auto &c : e.children) {
        if (m_names.contains(c->name))
            m_ambiguous.insert(c->name); // a loop's copies: one name, many questions
        m_names.insert(c->name, c.get());
        index(*c);
    }
}

void References::addExtra(const QString &name, const Element *element)
{
    m_names.insert(name, element);
}

QString References::path(const Element *target, const Element *context, bool current) const
{
    if (!context)
        return target->path();
    QList<const Element *> targetAncestors;
    for (const Element *e = target->parent; e; e = e->parent)
        targetAncestors.append(e);
    int steps = 0;
    const Element *common = nullptr;
    for (const Element *e = context->parent; e; e = e->parent) {
        ++steps;
        if (targetAncestors.contains(e)) {
            common = e;
            break;
        }
    }
    bool sharedRepeat = false;
    for (const Element *e = common; e; e = e->parent)
        sharedRepeat = sharedRepeat || e->kind == Kind::Repeat;
    if (!common || !sharedRepeat)
        return target->path();
    QStringList rest;
    for (const Element *e = target; e != common; e = e->parent)
        rest.prepend(e->name);
    QStringList up(steps, QStringLiteral(".."));
    const QString relative = up.join(u'/') + u'/' + rest.join(u'/');
    return current ? QStringLiteral("current()/") + relative : relative;
}

QString References::resolve(const QString &text, const Element *context, int flags,
                            bool *lastSaved) const
{
    if (!text.contains(QLatin1String("${")))
        return text;
    const bool hasInstance = text.contains(QLatin1String("instance("));
    // One pass: where each reference is (inside a predicate, which indexed-repeat argument).
    struct Call
    {
        bool indexedRepeat;
        int argument;
    };
    QList<Call> calls;
    int brackets = 0;
    QChar quote;
    QString out;
    out.reserve(text.size() + 32);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'$' && i + 1 < text.size() && text.at(i + 1) == u'{') {
            const qsizetype end = text.indexOf(u'}', i + 2);
            if (end < 0) {
                out += text.mid(i);
                break;
            }
            QString name = text.mid(i + 2, end - i - 2);
            bool saved = false;
            if (name.startsWith(QLatin1String("last-saved#"))) {
                name = name.mid(11);
                saved = true;
            }
            const Element *target = m_names.value(name);
            if (m_ambiguous.contains(name))
                fail(Place{}, XlsForm::tr("The reference ${%1} is ambiguous: there is more than "
                                          "one '%1' (a loop copies its questions). Refer to a "
                                          "question outside the loop.")
                                  .arg(name));
            if (!target) {
                fail(Place{},
                     XlsForm::tr(
                         "The reference ${%1} names no question: there is no '%1' in the survey.")
                         .arg(name));
            }
            QString xpath;
            if (saved) {
                xpath = QStringLiteral("instance('__last-saved')") + target->path();
                if (lastSaved)
                    *lastSaved = true;
            } else {
                bool absolute = (flags & Absolute) != 0;
                if (!calls.isEmpty() && calls.last().indexedRepeat) {
                    const int arg = calls.last().argument;
                    absolute = absolute || arg == 1 || arg == 2 || arg == 4 || arg == 6;
                }
                const bool current = (flags & ChoiceFilter) != 0 || (hasInstance && brackets > 0);
                xpath = absolute ? target->path() : path(target, context, current);
            }
            out += u' ' + xpath + u' ';
            i = end;
            continue;
        }
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == u'\'' || c == u'"') {
            quote = c;
        } else if (c == u'(') {
            static const QLatin1String ir("indexed-repeat");
            qsizetype j = i;
            while (j > 0 && text.at(j - 1).isSpace())
                --j;
            calls.append(
                Call{j >= ir.size() && QStringView(text).mid(j - ir.size(), ir.size()) == ir, 1});
        } else if (c == u')') {
            if (!calls.isEmpty())
                calls.removeLast();
        } else if (c == u',') {
            if (!calls.isEmpty())
                ++calls.last().argument;
        } else if (c == u'[') {
            ++brackets;
        } else if (c == u']') {
            brackets = std::max(0, brackets - 1);
        }
        out += c;
    }
    return out;
}

} // namespace survey::xlsform
