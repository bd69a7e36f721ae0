// SPDX-License-Identifier: GPL-3.0-or-later
#include "recordsmodel.h"

#include <QPointer>

#include <algorithm>

namespace survey::app {

namespace {

std::vector<RecordRow> &shared()
{
    static std::vector<RecordRow> rows;
    return rows;
}

/// Every live model, told when the shared list changes (GUI thread only).
std::vector<QPointer<RecordsModel>> &models()
{
    static std::vector<QPointer<RecordsModel>> list;
    return list;
}

} // namespace

RecordsModel::RecordsModel(QObject *parent)
    : QAbstractListModel(parent)
{
    models().emplace_back(this);
    reload();
}

void RecordsModel::setAll(std::vector<RecordRow> rows)
{
    shared() = std::move(rows);
    auto &list = models();
    list.erase(std::remove_if(list.begin(), list.end(), [](const auto &m) { return m.isNull(); }),
               list.end());
    for (const auto &m : list)
        m->reload();
}

const std::vector<RecordRow> &RecordsModel::all()
{
    return shared();
}

void RecordsModel::reload()
{
    // The shared list is newest first; a name sort works on the matching rows only.
    std::vector<const RecordRow *> matching;
    const QString needle = m_search.trimmed();
    for (const RecordRow &r : shared()) {
        if (!m_state.isEmpty() && r.state != m_state)
            continue;
        if (!needle.isEmpty() && !r.instanceName.contains(needle, Qt::CaseInsensitive) &&
            !r.formTitle.contains(needle, Qt::CaseInsensitive) &&
            !r.instanceId.contains(needle, Qt::CaseInsensitive))
            continue;
        matching.push_back(&r);
    }
    if (m_sort == QLatin1String("name")) {
        std::stable_sort(matching.begin(), matching.end(), [](const auto *a, const auto *b) {
            return QString::localeAwareCompare(a->instanceName, b->instanceName) < 0;
        });
    }
    m_total = static_cast<int>(matching.size());
    if (m_limit > 0 && matching.size() > static_cast<std::size_t>(m_limit))
        matching.resize(static_cast<std::size_t>(m_limit));
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(matching.size());
    for (const RecordRow *r : matching)
        m_rows.push_back(*r);
    endResetModel();
    Q_EMIT countChanged();
}

void RecordsModel::setLimit(int limit)
{
    if (limit == m_limit)
        return;
    m_limit = std::max(0, limit);
    Q_EMIT limitChanged();
    reload();
}

void RecordsModel::setSort(const QString &sort)
{
    if (sort == m_sort)
        return;
    m_sort = sort;
    Q_EMIT sortChanged();
    reload();
}

int RecordsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant RecordsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RecordRow &r = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case InstanceIdRole:
        return r.instanceId;
    case FormIdRole:
        return r.formId;
    case FormTitleRole:
        return r.formTitle;
    case StateRole:
        return r.state;
    case Qt::DisplayRole:
    case InstanceNameRole:
        return r.instanceName.isEmpty() ? r.formTitle : r.instanceName;
    case UpdatedAtRole:
        return r.updatedAt.toLocalTime();
    case ReviewStateRole:
        return r.reviewState;
    case CommentRole:
        return r.comment;
    case LastErrorRole:
        return r.lastError;
    default:
        return {};
    }
}

QHash<int, QByteArray> RecordsModel::roleNames() const
{
    return {{InstanceIdRole, "instanceId"},     {FormIdRole, "formId"},
            {FormTitleRole, "formTitle"},       {StateRole, "recordState"},
            {InstanceNameRole, "instanceName"}, {UpdatedAtRole, "updatedAt"},
            {ReviewStateRole, "reviewState"},   {CommentRole, "comment"},
            {LastErrorRole, "lastError"}};
}

void RecordsModel::setState(const QString &state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged();
    reload();
}

void RecordsModel::setSearch(const QString &search)
{
    if (search == m_search)
        return;
    m_search = search;
    Q_EMIT searchChanged();
    reload();
}

} // namespace survey::app
