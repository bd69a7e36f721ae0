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

} // namespace

Layout layOut(const form::FormSession &session, const store::ReviewVersion &version,
              const QHash<QString, QString> &flags, const QLocale &locale)
{
    Layout out;
    const form::FormDefinition &def = session.definition();
    // The metadata the form fills itself: its start and end go to the heading.
    QSet<QString> metadata;
    for (const auto &b : def.binds) {
        if (b.preload.isEmpty() || b.schema < 0)
            continue;
        const QString path = def.schema[static_cast<std::size_t>(b.schema)].path;
        metadata.insert(path);
        if (b.preload == QLatin1String("timestamp") && b.preloadParams == QLatin1String("start"))
            out.started = path;
        if (b.preload == QLatin1String("timestamp") && b.preloadParams == QLatin1String("end"))
            out.ended = path;
    }
    const QString startPath = std::exchange(out.started, QString());
    const QString endPath = std::exchange(out.ended, QString());
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
