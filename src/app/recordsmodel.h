// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QQmlEngine>

#include <vector>

namespace survey::app {

/// One record as lists show it.
struct RecordRow
{
    QString instanceId;
    QString formId;
    QString formTitle;
    QString state; ///< draft, finalized, sent, returned
    QString instanceName;
    QDateTime updatedAt;
    QString reviewState;
    QString comment;   ///< the supervisor's latest comment, for returned records
    QString lastError; ///< why the last send failed, for queued records
};

/// The device's records in one state (or all), newest first, searchable. Every instance
/// follows the shared list the Backend keeps.
class RecordsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString state READ state WRITE setState NOTIFY stateChanged)
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY searchChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        InstanceIdRole = Qt::UserRole + 1,
        FormIdRole,
        FormTitleRole,
        StateRole,
        InstanceNameRole,
        UpdatedAtRole,
        ReviewStateRole,
        CommentRole,
        LastErrorRole,
    };
    explicit RecordsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString state() const { return m_state; }
    void setState(const QString &state);
    QString search() const { return m_search; }
    void setSearch(const QString &search);
    int count() const { return static_cast<int>(m_rows.size()); }

    /// The list every model shows a part of (the Backend sets it).
    static void setAll(std::vector<RecordRow> rows);
    static const std::vector<RecordRow> &all();

Q_SIGNALS:
    void stateChanged();
    void searchChanged();
    void countChanged();

private:
    void reload();
    QString m_state;
    QString m_search;
    std::vector<RecordRow> m_rows;
};

} // namespace survey::app
