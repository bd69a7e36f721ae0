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
    /// Show at most this many (0: all); `total` counts all that match.
    Q_PROPERTY(int limit READ limit WRITE setLimit NOTIFY limitChanged)
    Q_PROPERTY(int total READ total NOTIFY countChanged)
    /// "updated" (newest first, the default) or "name".
    Q_PROPERTY(QString sort READ sort WRITE setSort NOTIFY sortChanged)
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
    int limit() const { return m_limit; }
    void setLimit(int limit);
    int total() const { return m_total; }
    QString sort() const { return m_sort; }
    void setSort(const QString &sort);

    /// The list every model shows a part of (the Backend sets it).
    static void setAll(std::vector<RecordRow> rows);
    static const std::vector<RecordRow> &all();

Q_SIGNALS:
    void stateChanged();
    void searchChanged();
    void countChanged();
    void limitChanged();
    void sortChanged();

private:
    void reload();
    QString m_state;
    QString m_search;
    QString m_sort = QStringLiteral("updated");
    int m_limit = 0;
    int m_total = 0;
    std::vector<RecordRow> m_rows;
};

} // namespace survey::app
