// SPDX-License-Identifier: GPL-3.0-or-later
#include "reviewqueuemodel.h"

namespace survey::app {

ReviewQueueModel::ReviewQueueModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int ReviewQueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant ReviewQueueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= count())
        return {};
    const QueueRow &r = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case InstanceIdRole:
        return r.instanceId;
    case NameRole:
        return r.name;
    case SubmitterRole:
        return r.submitter;
    case FormTitleRole:
        return r.formTitle;
    case StateRole:
        return r.state;
    case DecisionRole:
        return r.decision;
    case ReceivedRole:
        return m_locale.toString(r.receivedAt.toLocalTime(), QLocale::ShortFormat);
    case VersionsRole:
        return r.versions;
    case ChangedRole:
        return r.changed;
    case CompleteRole:
        return r.complete;
    default:
        return {};
    }
}

QHash<int, QByteArray> ReviewQueueModel::roleNames() const
{
    return {{InstanceIdRole, "instanceId"}, {NameRole, "name"},
            {SubmitterRole, "submitter"},   {FormTitleRole, "formTitle"},
            {StateRole, "reviewState"},     {DecisionRole, "decision"},
            {ReceivedRole, "received"},     {VersionsRole, "versions"},
            {ChangedRole, "changed"},       {CompleteRole, "complete"}};
}

void ReviewQueueModel::setRows(std::vector<QueueRow> rows)
{
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

void ReviewQueueModel::setLocale(const QLocale &locale)
{
    m_locale = locale;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0), index(count() - 1), {ReceivedRole});
}

} // namespace survey::app
