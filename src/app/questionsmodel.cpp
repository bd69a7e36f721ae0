// SPDX-License-Identifier: GPL-3.0-or-later
#include "questionsmodel.h"

#include <algorithm>

namespace survey::app {

namespace {

QString refOf(const QVariantMap &question)
{
    return question.value(QStringLiteral("ref")).toString();
}

} // namespace

int QuestionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant QuestionsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const QVariantMap &q = m_rows[static_cast<std::size_t>(index.row())];
    if (role == QuestionRole)
        return q;
    if (role == RefRole)
        return refOf(q);
    return {};
}

QHash<int, QByteArray> QuestionsModel::roleNames() const
{
    return {{QuestionRole, "question"}, {RefRole, "ref"}};
}

void QuestionsModel::update(const QVariantList &questions)
{
    std::vector<QVariantMap> next;
    next.reserve(static_cast<std::size_t>(questions.size()));
    for (const QVariant &q : questions)
        next.push_back(q.toMap());
    // Rows whose question is gone, from the end (the rest keep their order: form order).
    for (int row = rowCount() - 1; row >= 0; --row) {
        const QString ref = refOf(m_rows[static_cast<std::size_t>(row)]);
        const bool kept = std::any_of(next.begin(), next.end(),
                                      [&](const QVariantMap &q) { return refOf(q) == ref; });
        if (!kept) {
            beginRemoveRows({}, row, row);
            m_rows.erase(m_rows.begin() + row);
            endRemoveRows();
        }
    }
    // Then, in order: the same question updated in place, a new one inserted.
    for (std::size_t i = 0; i < next.size(); ++i) {
        const int row = static_cast<int>(i);
        if (i < m_rows.size() && refOf(m_rows[i]) == refOf(next[i])) {
            if (m_rows[i] != next[i]) {
                m_rows[i] = next[i];
                Q_EMIT dataChanged(index(row), index(row));
            }
            continue;
        }
        beginInsertRows({}, row, row);
        m_rows.insert(m_rows.begin() + row, next[i]);
        endInsertRows();
    }
    // Left over only when questions changed order (not in one form; kept safe).
    if (m_rows.size() > next.size()) {
        beginRemoveRows({}, static_cast<int>(next.size()), rowCount() - 1);
        m_rows.erase(m_rows.begin() + static_cast<std::ptrdiff_t>(next.size()), m_rows.end());
        endRemoveRows();
    }
}

} // namespace survey::app
