// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "reviewqueuemodel.h"
#include "reviewstore.h"

#include <QObject>
#include <QQmlEngine>
#include <QVariantList>

namespace survey::app {

class Backend;
class SubmissionView;

/// The supervisor's workspace (QML's Review singleton): the queue of the team's pulled
/// submissions with its counts, filters, search and sort, the team, and opening one
/// submission to read and decide on. Everything works on the store alone (offline); the
/// pull and the decisions' sending go with Sync's Send / receive.
class Review : public QObject
{
    Q_OBJECT
    Q_MOC_INCLUDE("submissionview.h")
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(survey::app::ReviewQueueModel *queue READ queue CONSTANT)
    /// Pulled submissions per state, whatever the filters.
    Q_PROPERTY(int total READ total NOTIFY countsChanged)
    Q_PROPERTY(int receivedCount READ receivedCount NOTIFY countsChanged)
    Q_PROPERTY(int editedCount READ editedCount NOTIFY countsChanged)
    Q_PROPERTY(int hasIssuesCount READ hasIssuesCount NOTIFY countsChanged)
    Q_PROPERTY(int approvedCount READ approvedCount NOTIFY countsChanged)
    Q_PROPERTY(int rejectedCount READ rejectedCount NOTIFY countsChanged)
    /// Decisions made here and not sent yet.
    Q_PROPERTY(int unsentDecisions READ unsentDecisions NOTIFY countsChanged)
    Q_PROPERTY(ReviewState stateFilter READ stateFilter WRITE setStateFilter NOTIFY filterChanged)
    Q_PROPERTY(QString formFilter READ formFilter WRITE setFormFilter NOTIFY filterChanged)
    Q_PROPERTY(
        QString submitterFilter READ submitterFilter WRITE setSubmitterFilter NOTIFY filterChanged)
    /// Submissions received within the last N days (0: any time).
    Q_PROPERTY(int dayFilter READ dayFilter WRITE setDayFilter NOTIFY filterChanged)
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY filterChanged)
    Q_PROPERTY(SortOrder sort READ sort WRITE setSort NOTIFY filterChanged)
    /// The forms and enumerators the pulled submissions have, for the filters:
    /// [{formId, title}] and names.
    Q_PROPERTY(QVariantList formChoices READ formChoices NOTIFY countsChanged)
    Q_PROPERTY(QStringList submitterChoices READ submitterChoices NOTIFY countsChanged)
    /// The team: [{name, role, lastSync, today, week, total, waiting, sentBack, approved,
    /// targets: [{form, target, done}]}].
    Q_PROPERTY(QVariantList team READ team NOTIFY teamChanged)

public:
    enum class ReviewState { Any, Received, Edited, HasIssues, Approved, Rejected };
    Q_ENUM(ReviewState)
    enum class SortOrder { Newest, Oldest, Submitter, Name, State };
    Q_ENUM(SortOrder)
    enum class DecisionStatus { None, Queued, Sending, Sent, Conflict };
    Q_ENUM(DecisionStatus)
    static ReviewState stateFromName(const QString &name);
    static QString stateName(ReviewState state);
    static DecisionStatus decisionOf(const std::optional<store::DecisionStatus> &status);

    explicit Review(Backend *backend);
    static Review *create(QQmlEngine *, QJSEngine *);

    ReviewQueueModel *queue() { return &m_queue; }
    int total() const { return m_total; }
    int receivedCount() const { return m_counts.value(int(ReviewState::Received)); }
    int editedCount() const { return m_counts.value(int(ReviewState::Edited)); }
    int hasIssuesCount() const { return m_counts.value(int(ReviewState::HasIssues)); }
    int approvedCount() const { return m_counts.value(int(ReviewState::Approved)); }
    int rejectedCount() const { return m_counts.value(int(ReviewState::Rejected)); }
    int unsentDecisions() const { return m_unsent; }
    ReviewState stateFilter() const { return m_stateFilter; }
    void setStateFilter(ReviewState state);
    QString formFilter() const { return m_formFilter; }
    void setFormFilter(const QString &formId);
    QString submitterFilter() const { return m_submitterFilter; }
    void setSubmitterFilter(const QString &name);
    int dayFilter() const { return m_dayFilter; }
    void setDayFilter(int days);
    QString search() const { return m_search; }
    void setSearch(const QString &text);
    SortOrder sort() const { return m_sort; }
    void setSort(SortOrder sort);
    QVariantList formChoices() const { return m_formChoices; }
    QStringList submitterChoices() const { return m_submitterChoices; }
    QVariantList team() const { return m_team; }

    /// Reads the queue, the counts and the team again from the store.
    Q_INVOKABLE void reload();
    /// Opens a submission to read and decide on; opened() follows.
    Q_INVOKABLE void open(const QString &instanceId);
    /// Decides on a submission (queued for the next Send / receive); decided() follows.
    /// `flags`: [{path, note}]; only with HasIssues.
    Q_INVOKABLE void decide(const QString &instanceId, survey::app::Review::ReviewState state,
                            const QString &comment, const QVariantList &flags);

Q_SIGNALS:
    void countsChanged();
    void filterChanged();
    void teamChanged();
    void opened(survey::app::SubmissionView *view);
    /// `ok`: stored and queued; otherwise `message` says why not.
    void decided(const QString &instanceId, bool ok, const QString &message);

private:
    void reloadQueue();
    void reloadCounts();

    Backend *m_backend;
    ReviewQueueModel m_queue;
    int m_total = 0;
    QHash<int, int> m_counts; ///< by ReviewState
    int m_unsent = 0;
    ReviewState m_stateFilter = ReviewState::Any;
    QString m_formFilter;
    QString m_submitterFilter;
    int m_dayFilter = 0;
    QString m_search;
    SortOrder m_sort = SortOrder::Newest;
    QVariantList m_formChoices;
    QStringList m_submitterChoices;
    QVariantList m_team;
    int m_queueGeneration = 0; ///< a newer read's answer wins over an older one's
};

} // namespace survey::app
