// SPDX-License-Identifier: GPL-3.0-or-later
#include "review.h"

#include "account.h"
#include "applocale.h"
#include "backend.h"
#include "formdefinition.h"
#include "formsession.h"
#include "reviewstore.h"
#include "submissionview.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QUrl>

namespace survey::app {

namespace {

/// The titles of the device's forms, by formID.
QHash<QString, QString> formTitles(store::Store &s)
{
    QHash<QString, QString> titles;
    for (const auto &f : s.forms(false, nullptr))
        titles.insert(f.formId, f.title);
    return titles;
}

} // namespace

Review::DecisionStatus Review::decisionOf(const std::optional<store::DecisionStatus> &status)
{
    if (!status)
        return Review::DecisionStatus::None;
    switch (*status) {
    case store::DecisionStatus::Queued:
        return Review::DecisionStatus::Queued;
    case store::DecisionStatus::Sending:
        return Review::DecisionStatus::Sending;
    case store::DecisionStatus::Sent:
        return Review::DecisionStatus::Sent;
    case store::DecisionStatus::Conflict:
        return Review::DecisionStatus::Conflict;
    }
    return Review::DecisionStatus::None;
}

namespace {

store::ReviewFilter::Sort sortOf(Review::SortOrder sort)
{
    switch (sort) {
    case Review::SortOrder::Newest:
        return store::ReviewFilter::Sort::Newest;
    case Review::SortOrder::Oldest:
        return store::ReviewFilter::Sort::Oldest;
    case Review::SortOrder::Submitter:
        return store::ReviewFilter::Sort::Submitter;
    case Review::SortOrder::Name:
        return store::ReviewFilter::Sort::Name;
    case Review::SortOrder::State:
        return store::ReviewFilter::Sort::State;
    }
    return store::ReviewFilter::Sort::Newest;
}

} // namespace

Review::ReviewState Review::stateFromName(const QString &name)
{
    if (name == QLatin1String("received"))
        return ReviewState::Received;
    if (name == QLatin1String("edited"))
        return ReviewState::Edited;
    if (name == QLatin1String("hasIssues"))
        return ReviewState::HasIssues;
    if (name == QLatin1String("approved"))
        return ReviewState::Approved;
    if (name == QLatin1String("rejected"))
        return ReviewState::Rejected;
    return ReviewState::Any;
}

QString Review::stateName(ReviewState state)
{
    switch (state) {
    case ReviewState::Received:
        return QStringLiteral("received");
    case ReviewState::Edited:
        return QStringLiteral("edited");
    case ReviewState::HasIssues:
        return QStringLiteral("hasIssues");
    case ReviewState::Approved:
        return QStringLiteral("approved");
    case ReviewState::Rejected:
        return QStringLiteral("rejected");
    case ReviewState::Any:
        break;
    }
    return QString();
}

Review::Review(Backend *backend)
    : QObject(backend)
    , m_backend(backend)
{
    // A Send / receive brings new submissions and takes decisions away: read again after
    // each; the app's language changes how dates read.
    connect(backend->sending(), &Sync::syncingChanged, this, [this] {
        if (!m_backend->sending()->syncing() && m_backend->account()->reviewer())
            reload();
    });
    connect(backend->account(), &Account::roleChanged, this, [this] {
        if (m_backend->account()->reviewer())
            reload();
    });
    connect(backend->preferences(), &Preferences::languageChanged, this, [this] {
        m_queue.setLocale(appLocale(m_backend->preferences()->language()));
        reload();
    });
    m_queue.setLocale(appLocale(backend->preferences()->language()));
}

Review *Review::create(QQmlEngine *, QJSEngine *)
{
    Review *review = Backend::instance()->review();
    QJSEngine::setObjectOwnership(review, QJSEngine::CppOwnership);
    return review;
}

void Review::setStateFilter(ReviewState state)
{
    if (state == m_stateFilter)
        return;
    m_stateFilter = state;
    Q_EMIT filterChanged();
    reloadQueue();
}

void Review::setFormFilter(const QString &formId)
{
    if (formId == m_formFilter)
        return;
    m_formFilter = formId;
    Q_EMIT filterChanged();
    reloadQueue();
}

void Review::setSubmitterFilter(const QString &name)
{
    if (name == m_submitterFilter)
        return;
    m_submitterFilter = name;
    Q_EMIT filterChanged();
    reloadQueue();
}

void Review::setDayFilter(int days)
{
    if (days == m_dayFilter)
        return;
    m_dayFilter = std::max(0, days);
    Q_EMIT filterChanged();
    reloadQueue();
}

void Review::setSearch(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    Q_EMIT filterChanged();
    reloadQueue();
}

void Review::setSort(SortOrder sort)
{
    if (sort == m_sort)
        return;
    m_sort = sort;
    Q_EMIT filterChanged();
    reloadQueue();
}

void Review::reload()
{
    reloadQueue();
    reloadCounts();
}

void Review::reloadQueue()
{
    store::ReviewFilter filter;
    filter.formId = m_formFilter;
    filter.submitter = m_submitterFilter;
    filter.state = stateName(m_stateFilter);
    filter.search = m_search.trimmed();
    filter.sort = sortOf(m_sort);
    if (m_dayFilter > 0)
        filter.from = QDateTime(QDate::currentDate().addDays(1 - m_dayFilter), QTime(0, 0));
    const int generation = ++m_queueGeneration;
    QPointer<Review> self(this);
    m_backend->worker().post([self, this, filter, generation](store::Store *s) {
        if (!s)
            return;
        store::StoreError e;
        const auto found = store::ReviewStore(*s).submissions(filter, &e);
        const QHash<QString, QString> titles = formTitles(*s);
        std::vector<QueueRow> rows;
        rows.reserve(found.size());
        for (const auto &r : found) {
            QueueRow row;
            row.instanceId = r.instanceId;
            row.formTitle = titles.value(r.formId, r.formId);
            row.name = r.instanceName.isEmpty() ? row.formTitle : r.instanceName;
            row.submitter = r.submitter;
            row.state = int(stateFromName(r.shownState()));
            row.decision = int(decisionOf(r.decisionStatus));
            row.receivedAt = r.createdAt;
            row.versions = r.versionCount;
            row.changed = !r.seenVersion.isEmpty() && r.seenVersion != r.currentVersion;
            row.complete = r.attachmentsComplete;
            rows.push_back(std::move(row));
        }
        const QString why = e.message;
        onThreadOf(this, [self, this, rows = std::move(rows), why, generation]() mutable {
            if (!self || generation != m_queueGeneration)
                return; // a newer filter's answer is on its way
            if (!why.isEmpty())
                Q_EMIT m_backend->notice(why);
            m_queue.setRows(std::move(rows));
        });
    });
}

void Review::reloadCounts()
{
    QPointer<Review> self(this);
    const QDateTime today(QDate::currentDate(), QTime(0, 0));
    const QDateTime week = today.addDays(1 - QDate::currentDate().dayOfWeek());
    const QLocale locale = appLocale(m_backend->preferences()->language());
    m_backend->worker().post([self, this, today, week, locale](store::Store *s) {
        if (!s)
            return;
        store::ReviewStore review(*s);
        store::StoreError e;
        const auto counts = review.counts(&e);
        const auto perSubmitter = review.submitterCounts(today, week, &e);
        const int unsent = int(review.decisions(false, &e).size());
        const QHash<QString, QString> titles = formTitles(*s);
        QVariantList forms;
        for (const QString &id : review.formIds(&e))
            forms.append(QVariantMap{{QStringLiteral("formId"), id},
                                     {QStringLiteral("title"), titles.value(id, id)}});
        // The team as the server described it, each member with what this device pulled.
        QVariantList team;
        QSet<QString> listed;
        for (const QJsonValue &v : QJsonDocument::fromJson(review.team()).array()) {
            const QJsonObject m = v.toObject();
            const QString name = m.value(QStringLiteral("displayName")).toString();
            listed.insert(name);
            const store::SubmitterCounts c =
                perSubmitter.count(name) ? perSubmitter.at(name) : store::SubmitterCounts();
            QVariantList targets;
            for (const QJsonValue &t : m.value(QStringLiteral("targets")).toArray())
                targets.append(QVariantMap{
                    {QStringLiteral("form"), titles.value(t[QStringLiteral("formId")].toString(),
                                                          t[QStringLiteral("formId")].toString())},
                    {QStringLiteral("target"), t[QStringLiteral("target")].toInt()},
                    {QStringLiteral("done"), t[QStringLiteral("submitted")].toInt()}});
            const QDateTime synced = QDateTime::fromString(
                m.value(QStringLiteral("lastSyncAt")).toString(), Qt::ISODateWithMs);
            team.append(QVariantMap{
                {QStringLiteral("name"), name},
                {QStringLiteral("supervisor"), m.value(QStringLiteral("supervisor")).toString()},
                {QStringLiteral("lastSync"),
                 synced.isValid() ? locale.toString(synced.toLocalTime(), QLocale::ShortFormat)
                                  : QString()},
                {QStringLiteral("today"), c.today},
                {QStringLiteral("week"), c.week},
                {QStringLiteral("total"), c.total},
                {QStringLiteral("waiting"), c.waiting},
                {QStringLiteral("sentBack"), c.sentBack},
                {QStringLiteral("approved"), c.approved},
                {QStringLiteral("targets"), targets}});
        }
        QStringList submitters;
        for (const auto &[name, c] : perSubmitter)
            submitters << name;
        const QString why = e.message;
        onThreadOf(this, [=, this] {
            if (!self)
                return;
            if (!why.isEmpty())
                Q_EMIT m_backend->notice(why);
            m_counts.clear();
            m_total = 0;
            for (const auto &[state, n] : counts) {
                m_counts[int(stateFromName(state))] += n;
                m_total += n;
            }
            m_unsent = unsent;
            m_formChoices = forms;
            m_submitterChoices = submitters;
            m_team = team;
            Q_EMIT countsChanged();
            Q_EMIT teamChanged();
        });
    });
}

void Review::open(const QString &instanceId)
{
    QPointer<Review> self(this);
    const QString language = m_backend->preferences()->language();
    const QString formLanguage = m_backend->preferences()->formLanguage();
    m_backend->worker().post([self, this, instanceId, language, formLanguage](store::Store *s) {
        if (!s)
            return;
        QString why;
        auto data = std::make_shared<OpenedSubmission>(
            readSubmission(*s, instanceId, language, formLanguage, &why));
        onThreadOf(this, [self, this, data, why] {
            if (!self)
                return;
            if (!why.isEmpty()) {
                Q_EMIT m_backend->notice(why);
                return;
            }
            auto *view = new SubmissionView(*data, this);
            QJSEngine::setObjectOwnership(view, QJSEngine::JavaScriptOwnership);
            Q_EMIT opened(view);
        });
    });
}

void Review::decide(const QString &instanceId, ReviewState state, const QString &comment,
                    const QVariantList &flags)
{
    std::vector<store::ReviewFlag> kept;
    for (const QVariant &f : flags) {
        const QVariantMap m = f.toMap();
        store::ReviewFlag flag;
        flag.path = m.value(QStringLiteral("path")).toString();
        flag.note = m.value(QStringLiteral("note")).toString().trimmed();
        kept.push_back(flag);
    }
    const QString name = stateName(state);
    QPointer<Review> self(this);
    m_backend->worker().post([self, this, instanceId, name, comment, kept](store::Store *s) {
        if (!s)
            return;
        store::StoreError e;
        const bool ok =
            store::ReviewStore(*s).decide(instanceId, name, comment, kept, &e).has_value();
        const QString why = e.message;
        onThreadOf(this, [self, this, instanceId, ok, why] {
            if (!self)
                return;
            Q_EMIT decided(instanceId, ok, why);
            if (ok) {
                reload();
                Q_EMIT m_backend->recordQueued(); // automatic sending takes decisions too
            }
        });
    });
}

} // namespace survey::app
