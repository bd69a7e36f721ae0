// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "results.h"

#include <QAbstractListModel>
#include <QLocale>
#include <QQmlEngine>

#include <vector>

namespace survey::app {

/// One question's summary as its chart shows it (QML's Dashboard.questions): the counts as
/// bars, the histogram, the days, the points, and the same per group when grouped.
class SummaryModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Dashboard.questions")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    /// The view a question gets (typed across QML).
    enum class Kind { SelectOne, SelectMultiple, Number, Date, Location, Text };
    Q_ENUM(Kind)
    enum Role {
        PathRole = Qt::UserRole + 1,
        LabelRole,
        KindRole,
        CalculatedRole,
        AnsweredRole,
        MissingRole,
        /// Selects: [{label, count, share}]; numbers: the histogram as [{label, count}].
        BarsRole,
        /// Numbers: {count, min, median, mean, max} as text in the app's locale.
        StatsRole,
        /// Dates: [{date (ms since the epoch), count}].
        DaysRole,
        /// Locations: [{x: longitude, y: latitude}].
        PointsRole,
        /// Grouped: [{label, bars, stats, days, points, answered}] per group.
        GroupsRole,
    };
    explicit SummaryModel(QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

    struct Row
    {
        QString path;
        QString label;
        Kind kind = Kind::Text;
        bool calculated = false;
        int answered = 0;
        int missing = 0;
        QVariantList bars;
        QVariantMap stats;
        QVariantList days;
        QVariantList points;
        QVariantList groups;
    };
    /// A question's row from its summaries: all kept submissions, and per group (label).
    static Row rowFor(const analysis::Dataset &data, int language, const QLocale &locale,
                      const analysis::QuestionSummary &all,
                      const std::vector<std::pair<QString, analysis::QuestionSummary>> &groups);
    void setRows(std::vector<Row> rows);

Q_SIGNALS:
    void countChanged();

private:
    std::vector<Row> m_rows;
};

} // namespace survey::app
