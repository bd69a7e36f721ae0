// SPDX-License-Identifier: GPL-3.0-or-later
#include "summarymodel.h"

#include <QDateTime>

namespace survey::app {

namespace {

QVariantList barsOf(const analysis::QuestionSummary &s, const analysis::Question &q, int language,
                    const QLocale &locale)
{
    QVariantList bars;
    for (const analysis::Count &c : s.counts)
        bars.append(QVariantMap{{QStringLiteral("label"), q.choiceLabel(c.value, language)},
                                {QStringLiteral("count"), c.count},
                                {QStringLiteral("share"), c.share}});
    for (const analysis::Bin &b : s.histogram)
        bars.append(QVariantMap{
            {QStringLiteral("label"), QStringLiteral("%1–%2").arg(locale.toString(b.from, 'g', 6),
                                                                  locale.toString(b.to, 'g', 6))},
            {QStringLiteral("count"), b.count},
            {QStringLiteral("share"), s.answered > 0 ? double(b.count) / s.answered : 0.0}});
    return bars;
}

QVariantMap statsOf(const analysis::QuestionSummary &s, const QLocale &locale)
{
    if (s.stats.count == 0)
        return {};
    auto text = [&](double v) { return locale.toString(v, 'f', qAbs(v) >= 100 ? 0 : 2); };
    return {{QStringLiteral("count"), s.stats.count},
            {QStringLiteral("min"), text(s.stats.min)},
            {QStringLiteral("median"), text(s.stats.median)},
            {QStringLiteral("mean"), text(s.stats.mean)},
            {QStringLiteral("max"), text(s.stats.max)},
            {QStringLiteral("meanValue"), s.stats.mean}};
}

QVariantList daysOf(const analysis::QuestionSummary &s)
{
    QVariantList days;
    for (const auto &[day, count] : s.perDay)
        days.append(QVariantMap{{QStringLiteral("date"),
                                 double(QDateTime(day, QTime(12, 0), Qt::UTC).toMSecsSinceEpoch())},
                                {QStringLiteral("count"), count}});
    return days;
}

QVariantList pointsOf(const analysis::QuestionSummary &s)
{
    QVariantList points;
    points.reserve(qsizetype(s.points.size()));
    for (const QPointF &p : s.points)
        points.append(QVariantMap{{QStringLiteral("x"), p.x()}, {QStringLiteral("y"), p.y()}});
    return points;
}

} // namespace

SummaryModel::SummaryModel(QObject *parent)
    : QAbstractListModel(parent)
{}

SummaryModel::Row
SummaryModel::rowFor(const analysis::Dataset &data, int language, const QLocale &locale,
                     const analysis::QuestionSummary &all,
                     const std::vector<std::pair<QString, analysis::QuestionSummary>> &groups)
{
    const analysis::Question &q = data.questions[std::size_t(all.question)];
    Row row;
    row.path = q.path;
    row.label = q.label(language);
    row.kind = Kind(int(q.kind));
    row.calculated = q.calculated;
    row.answered = all.answered;
    row.missing = all.missing;
    row.bars = barsOf(all, q, language, locale);
    row.stats = statsOf(all, locale);
    row.days = daysOf(all);
    row.points = pointsOf(all);
    for (const auto &[label, s] : groups)
        row.groups.append(QVariantMap{{QStringLiteral("label"), label},
                                      {QStringLiteral("answered"), s.answered},
                                      {QStringLiteral("bars"), barsOf(s, q, language, locale)},
                                      {QStringLiteral("stats"), statsOf(s, locale)},
                                      {QStringLiteral("days"), daysOf(s)},
                                      {QStringLiteral("points"), pointsOf(s)}});
    return row;
}

int SummaryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant SummaryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[std::size_t(index.row())];
    switch (role) {
    case PathRole:
        return r.path;
    case Qt::DisplayRole:
    case LabelRole:
        return r.label;
    case KindRole:
        return QVariant::fromValue(r.kind);
    case CalculatedRole:
        return r.calculated;
    case AnsweredRole:
        return r.answered;
    case MissingRole:
        return r.missing;
    case BarsRole:
        return r.bars;
    case StatsRole:
        return r.stats;
    case DaysRole:
        return r.days;
    case PointsRole:
        return r.points;
    case GroupsRole:
        return r.groups;
    default:
        return {};
    }
}

QHash<int, QByteArray> SummaryModel::roleNames() const
{
    return {{PathRole, "path"},         {LabelRole, "label"},
            {KindRole, "kind"},         {CalculatedRole, "calculated"},
            {AnsweredRole, "answered"}, {MissingRole, "missing"},
            {BarsRole, "bars"},         {StatsRole, "stats"},
            {DaysRole, "days"},         {PointsRole, "points"},
            {GroupsRole, "groups"}};
}

void SummaryModel::setRows(std::vector<Row> rows)
{
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

} // namespace survey::app
