// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QQmlEngine>

#include <vector>

namespace survey::app {

/// One submission as the review queue shows it.
struct QueueRow
{
    QString instanceId;
    QString name; ///< its instance name, or the form's title when it has none
    QString submitter;
    QString formTitle;
    int state = 0;    ///< Review::ReviewState
    int decision = 0; ///< Review::DecisionStatus of this device's latest decision
    QDateTime receivedAt;
    int versions = 1;
    /// A version the reviewer has not opened yet came after one they had (a correction).
    bool changed = false;
    bool complete = true; ///< every attachment downloaded
};

/// The queue's rows (ListView delegates are made only for those in view: 10,000 rows cost
/// what the screen shows). Review fills it from the store, filtered and sorted there.
class ReviewQueueModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Review.queue")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        InstanceIdRole = Qt::UserRole + 1,
        NameRole,
        SubmitterRole,
        FormTitleRole,
        StateRole,
        DecisionRole,
        ReceivedRole,
        VersionsRole,
        ChangedRole,
        CompleteRole,
    };
    explicit ReviewQueueModel(QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return static_cast<int>(m_rows.size()); }
    void setRows(std::vector<QueueRow> rows);
    /// "dd MMM hh:mm" in the app's language.
    void setLocale(const QLocale &locale);

Q_SIGNALS:
    void countChanged();

private:
    std::vector<QueueRow> m_rows;
    QLocale m_locale;
};

} // namespace survey::app
