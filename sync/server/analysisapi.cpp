// SPDX-License-Identifier: GPL-3.0-or-later
// GET /v1/projects/{p}/forms/{xmlFormId}/analysis: the analysis `survey-cli analyse --json`
// prints, worked out here over every submission the caller may see, for projects too large
// to pull onto a device. Submissions are read a batch at a time in the order of their
// instanceIDs (as a device orders them, so that the bootstrap's intervals are the same) and
// never held all at once.
#include "dataset.h"
#include "results.h"
#include "serverimpl.h"
#include "spec.h"

#include <QSqlQuery>

#include <algorithm>

namespace survey::server {

using namespace detail;

namespace {

/// Submissions read from the database at a time.
constexpr int kBatch = 200;

/// The app language codes the figures' labels may follow.
bool plainLanguageCode(const QString &code)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$"));
    return plain.match(code).hasMatch();
}

} // namespace

void OpenRosaServer::Impl::analysis(const httplib::Request &req, httplib::Response &res)
{
    const auto user = apiUser(req, res);
    if (!user)
        return;
    const int project = std::stoi(req.matches[1].str());
    const QString formId = urlPart(req, 2);
    if (!mayExport(*user, project, res,
                   Tr::tr("only supervisors and admins may see the analysis of a form")))
        return;
    analysis::Filter filter;
    const std::string approved = req.get_param_value("approvedOnly");
    if (approved == "true") {
        filter.approvedOnly = true;
    } else if (!approved.empty() && approved != "false") {
        jsonError(res, 400, Tr::tr("approvedOnly is true or false"));
        return;
    }
    const QString lang = QString::fromStdString(req.get_param_value("lang"));
    if (!lang.isEmpty() && !plainLanguageCode(lang)) {
        jsonError(res, 400, Tr::tr("lang is a language code such as en or zh_CN"));
        return;
    }

    int versionRow = 0;
    const auto def = publishedDefinition(project, formId, res, &versionRow);
    if (!def)
        return;
    if (!analyses.try_acquire()) {
        res.set_header("Retry-After", "10");
        jsonError(res, 503,
                  Tr::tr("the server is working out another analysis; try again in a few seconds"));
        return;
    }
    struct Release
    {
        std::counting_semaphore<1> &slot;
        ~Release() { slot.release(); }
    } const release{analyses};
    auto dbFailed = [&] {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
    };

    // Which submissions: their current versions, in the order of those versions'
    // instanceIDs (sorted here: a database's collation need not order text as the device
    // does). The versions, not the submissions, are then read: an edit arriving meanwhile
    // makes a new version and leaves the listed one as it was.
    QString list = QStringLiteral(
        "SELECT v.id, v.instance_id FROM submissions s JOIN forms f ON f.id = s.form_id JOIN "
        "users u ON u.id = s.submitter_id JOIN submission_versions v ON v.id = "
        "s.current_version_id WHERE f.project_id = ? AND f.xml_form_id = ?");
    if (user->isSupervisor())
        list += QStringLiteral(" AND u.supervisor_id = ?");
    QSqlQuery ids(db().db());
    ids.setForwardOnly(true);
    ids.prepare(list);
    ids.addBindValue(project);
    ids.addBindValue(formId);
    if (user->isSupervisor())
        ids.addBindValue(user->id);
    if (!ids.exec()) {
        dbFailed();
        return;
    }
    std::vector<std::pair<QString, qint64>> order;
    while (ids.next())
        order.emplace_back(ids.value(1).toString(), ids.value(0).toLongLong());
    ids.finish();
    std::sort(order.begin(), order.end());

    analysis::DatasetBuilder builder(def, order.size());
    for (std::size_t start = 0; start < order.size(); start += kBatch) {
        const std::size_t end = std::min(order.size(), start + kBatch);
        QStringList marks;
        for (std::size_t i = start; i < end; ++i)
            marks.append(QStringLiteral("?"));
        QSqlQuery q(db().db());
        q.setForwardOnly(true);
        // By their row numbers alone (the list above has the caller's scope): a lookup each,
        // where the scope's joins would have the database scan the form's submissions for
        // every batch.
        q.prepare(QStringLiteral("SELECT v.id, v.instance_id, u.name, s.review_state, "
                                 "s.created_at, v.xml FROM submission_versions v JOIN "
                                 "submissions s ON s.id = v.submission_id JOIN users u ON u.id = "
                                 "s.submitter_id WHERE v.id IN (%1)")
                      .arg(marks.join(u',')));
        for (std::size_t i = start; i < end; ++i)
            q.addBindValue(order[i].second);
        if (!q.exec()) {
            dbFailed();
            return;
        }
        QHash<qint64, analysis::SubmissionInput> batch;
        while (q.next()) {
            batch.insert(q.value(0).toLongLong(),
                         {q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                          QDateTime::fromString(q.value(4).toString(), Qt::ISODateWithMs),
                          q.value(5).toByteArray()});
        }
        for (std::size_t i = start; i < end; ++i) {
            const auto at = batch.constFind(order[i].second);
            if (at == batch.constEnd()) {
                // Versions are never deleted: the database answered less than it holds.
                dbFailed();
                return;
            }
            builder.add(*at);
        }
    }

    // The spec published with the form, if any; one that does not fit the form is said,
    // and the figures without it still given (as the app does). Its size is asked first.
    QString why;
    QStringList warnings;
    std::optional<analysis::Spec> spec;
    QSqlQuery m(db().db());
    m.prepare(QStringLiteral("SELECT id, length(content) FROM form_media WHERE form_version_id "
                             "= ? AND filename = 'analysis.json'"));
    m.addBindValue(versionRow);
    if (!m.exec()) {
        dbFailed();
        return;
    }
    if (m.next()) {
        const qint64 mediaRow = m.value(0).toLongLong();
        const qint64 size = m.value(1).toLongLong();
        m.finish();
        if (size > analysis::kMaxSpecBytes) {
            warnings.append(Tr::tr("the form's analysis.json is larger than the 1 MB a spec may "
                                   "have: it is not used"));
        } else {
            m.prepare(QStringLiteral("SELECT content FROM form_media WHERE id = ?"));
            m.addBindValue(mediaRow);
            if (!m.exec() || !m.next()) {
                dbFailed();
                return;
            }
            spec = analysis::Spec::fromJson(m.value(0).toByteArray(), builder.data(), &why);
            if (!spec)
                warnings.append(Tr::tr("the form's analysis.json is not used: %1").arg(why));
        }
    }
    m.finish();

    // Submissions that cannot be read are in `problems`, the baseline's own warnings in it.
    const analysis::Dataset data = builder.take();
    const analysis::Results results = analysis::analyse(data, spec ? &*spec : nullptr, filter);
    QJsonObject out = analysis::toJson(results, data, spec ? &*spec : nullptr,
                                       lang.isEmpty() ? QStringLiteral("en") : lang);
    out.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
    json(res, 200, QJsonDocument(out));
}

} // namespace survey::server
