// SPDX-License-Identifier: GPL-3.0-or-later
#include "submissionlayout.h"

#include "answerrows.h"
#include "formdefinition.h"
#include "formsession.h"
#include "reviewstore.h"
#include "submissionview.h"

#include <QCoreApplication>
#include <QSet>
#include <QUrl>

namespace survey::app {

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(SubmissionView)
};

/// A computed number as people read it: 684.3600000000001 → 684.36.
QString readableNumber(const QString &raw)
{
    bool ok = false;
    const double d = raw.toDouble(&ok);
    return ok && raw.contains(QLatin1Char('.')) ? QString::number(d, 'g', 12) : raw;
}

QString when(const QString &iso, const QLocale &locale)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return t.isValid() ? locale.toString(t.toLocalTime(), QLocale::ShortFormat) : iso;
}

/// The nodes the form fills itself (jr:preload: start, end, today, deviceid…).
QSet<QString> metadataPaths(const form::FormDefinition &def)
{
    QSet<QString> out;
    for (const auto &b : def.binds) {
        if (!b.preload.isEmpty() && b.schema >= 0)
            out.insert(def.schema[static_cast<std::size_t>(b.schema)].path);
    }
    return out;
}

} // namespace

QVariantList changesFor(const form::FormSession &before, const form::FormSession &after)
{
    const QSet<QString> metadata = metadataPaths(after.definition());
    QVariantList answers;
    QVariantList computed;
    for (const auto &c :
         review::changesBetween(review::answerRows(before), review::answerRows(after))) {
        if (metadata.contains(c.path))
            continue;
        (c.computed ? computed : answers)
            .append(QVariantMap{
                {QStringLiteral("path"), c.path},
                {QStringLiteral("label"), c.label},
                {QStringLiteral("before"), c.computed ? readableNumber(c.before) : c.before},
                {QStringLiteral("after"), c.computed ? readableNumber(c.after) : c.after},
                {QStringLiteral("computed"), c.computed}});
    }
    return answers + computed;
}

Layout layOut(const form::FormSession &session, const store::ReviewVersion &version,
              const QHash<QString, QString> &flags, const QLocale &locale)
{
    Layout out;
    const form::FormDefinition &def = session.definition();
    // The metadata the form fills itself: its start and end go to the heading.
    const QSet<QString> metadata = metadataPaths(def);
    QString startPath;
    QString endPath;
    for (const auto &b : def.binds) {
        if (b.preload != QLatin1String("timestamp") || b.schema < 0)
            continue;
        const QString path = def.schema[static_cast<std::size_t>(b.schema)].path;
        if (b.preloadParams == QLatin1String("start"))
            startPath = path;
        if (b.preloadParams == QLatin1String("end"))
            endPath = path;
    }
    for (const review::AnswerRow &r : review::answerRows(session)) {
        if (r.path == startPath)
            out.started = when(r.raw, locale);
        if (r.path == endPath)
            out.ended = when(r.raw, locale);
        if (metadata.contains(r.path))
            continue;
        QString value = r.computed ? readableNumber(r.value) : r.value;
        QString photo;
        bool missingFile = false;
        if (r.file) {
            missingFile = true;
            for (const auto &a : version.attachments) {
                if (a.name == r.raw && !a.path.isEmpty()) {
                    photo = QUrl::fromLocalFile(a.path).toString();
                    missingFile = false;
                }
            }
        }
        if (r.location) {
            const QStringList parts = r.raw.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            if (parts.size() >= 2)
                value = parts.size() >= 4
                            ? Tr::tr("%1, %2 (±%3 m)").arg(parts[0], parts[1], parts[3])
                            : Tr::tr("%1, %2").arg(parts[0], parts[1]);
        }
        const SubmissionView::RowKind kind =
            r.kind == review::AnswerRow::Kind::Group         ? SubmissionView::RowKind::Group
            : r.kind == review::AnswerRow::Kind::RepeatEntry ? SubmissionView::RowKind::Entry
                                                             : SubmissionView::RowKind::Answer;
        out.rows.append(QVariantMap{{QStringLiteral("kind"), int(kind)},
                                    {QStringLiteral("depth"), r.depth},
                                    {QStringLiteral("path"), r.path},
                                    {QStringLiteral("label"), r.label},
                                    {QStringLiteral("value"), value},
                                    {QStringLiteral("computed"), r.computed},
                                    {QStringLiteral("photo"), photo},
                                    {QStringLiteral("missingFile"), missingFile},
                                    {QStringLiteral("location"), r.location},
                                    {QStringLiteral("flag"), flags.value(r.path)}});
    }
    return out;
}

} // namespace survey::app
