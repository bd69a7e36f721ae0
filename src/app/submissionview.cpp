// SPDX-License-Identifier: GPL-3.0-or-later
#include "submissionview.h"

#include "answerrows.h"
#include "applocale.h"
#include "formdefinition.h"
#include "formsession.h"
#include "reviewstore.h"
#include "submissionlayout.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>
#include <QUrl>

#include <memory>

namespace survey::app {

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(SubmissionView)
};

/// A version's answers in a session of the form version it was made with.
struct LoadedVersion
{
    std::shared_ptr<const form::FormDefinition> def;
    std::unique_ptr<form::FormSession> session;
};

std::optional<LoadedVersion> load(store::Store &s, const QString &formId,
                                  const store::ReviewVersion &v, const QString &language,
                                  const QString &formLanguage, QString *error)
{
    store::StoreError e;
    const auto form = s.formVersion(formId, v.formVersion, &e);
    const auto xml = form ? s.formXml(form->row, &e) : std::nullopt;
    if (!xml) {
        *error = Tr::tr("Form %1 version %2 is not on this device: Send / receive to get it.")
                     .arg(formId, v.formVersion);
        return std::nullopt;
    }
    form::FormDefinition::LoadOptions options;
    options.mediaDir = s.formMediaDir(form->row);
    form::FormError fe;
    LoadedVersion out;
    out.def = form::FormDefinition::load(*xml, options, &fe);
    if (!out.def) {
        *error = Tr::tr("The form of this submission cannot be loaded: %1").arg(fe.message);
        return std::nullopt;
    }
    out.session = std::make_unique<form::FormSession>(out.def);
    QString why;
    if (!out.session->loadInstance(v.xml, &why)) {
        *error = Tr::tr("This submission does not fit its form: %1").arg(why);
        return std::nullopt;
    }
    const QString lang =
        form::FormDefinition::languageFor(out.session->languages(), formLanguage, language);
    if (!lang.isEmpty())
        out.session->setLanguage(lang);
    return out;
}

} // namespace

OpenedSubmission readSubmission(store::Store &s, const QString &instanceId, const QString &language,
                                const QString &formLanguage, QString *error)
{
    OpenedSubmission out;
    store::ReviewStore review(s);
    store::StoreError e;
    const auto sub = review.submission(instanceId, &e);
    const auto versions =
        sub ? review.versions(sub->row, true, &e) : std::vector<store::ReviewVersion>();
    if (!sub || versions.empty()) {
        *error = e.message.isEmpty() ? Tr::tr("This submission cannot be read.") : e.message;
        return out;
    }
    const QLocale locale = appLocale(language);
    const store::ReviewVersion *current = &versions.back();
    for (const auto &v : versions) {
        if (v.current)
            current = &v;
    }
    auto loaded = load(s, sub->formId, *current, language, formLanguage, error);
    if (!loaded)
        return out;
    const auto form = s.formVersion(sub->formId, current->formVersion, nullptr);
    out.instanceId = sub->instanceId;
    out.formTitle = form ? form->title : sub->formId;
    out.name = sub->instanceName.isEmpty() ? out.formTitle : sub->instanceName;
    out.submitter = sub->submitter;
    out.deviceId = sub->deviceId;
    out.received = locale.toString(sub->createdAt.toLocalTime(), QLocale::ShortFormat);
    out.reviewState = Review::stateFromName(sub->reviewState);
    out.versionCount = int(versions.size());

    // The reviewer's flags on this version, shown on their questions.
    QHash<QString, QString> flags;
    for (const auto &f : review.flags(sub->row, &e)) {
        if (f.version == current->instanceId)
            flags.insert(f.path, f.note);
    }
    const Layout layout = layOut(*loaded->session, *current, flags, locale);
    out.rows = layout.rows;
    out.started = layout.started;
    out.ended = layout.ended;

    // What changed since the version last seen (or, never opened, the one before).
    const store::ReviewVersion *base = nullptr;
    for (const auto &v : versions) {
        if (!sub->seenVersion.isEmpty() && v.instanceId == sub->seenVersion && !v.current)
            base = &v;
    }
    if (!base && versions.size() > 1 && sub->seenVersion != current->instanceId)
        base = &versions[versions.size() - 2];
    if (base && base->xml.isEmpty()) // an old version, listed without its XML
        base = &versions[versions.size() - 2];
    if (base) {
        QString why;
        if (auto before = load(s, sub->formId, *base, language, formLanguage, &why)) {
            for (const auto &c : review::changesBetween(review::answerRows(*before->session),
                                                        review::answerRows(*loaded->session)))
                out.changes.append(QVariantMap{{QStringLiteral("path"), c.path},
                                               {QStringLiteral("label"), c.label},
                                               {QStringLiteral("before"), c.before},
                                               {QStringLiteral("after"), c.after}});
            out.changesSince = locale.toString(base->createdAt.toLocalTime(), QLocale::ShortFormat);
        } else {
            out.changesSince = why; // said where the changes would be
        }
    }
    for (const auto &c : review.comments(sub->row, &e)) {
        const QDateTime at = QDateTime::fromString(c.at, Qt::ISODateWithMs);
        out.comments.append(QVariantMap{
            {QStringLiteral("author"), c.author},
            {QStringLiteral("at"),
             at.isValid() ? locale.toString(at.toLocalTime(), QLocale::ShortFormat) : c.at},
            {QStringLiteral("body"), c.body}});
    }
    if (const auto d = review.latestDecision(sub->row, &e)) {
        out.decision = Review::decisionOf(d->status);
        out.decisionState = Review::stateFromName(d->state);
        if (d->status == store::DecisionStatus::Conflict)
            out.conflict = d->lastError;
    }
    return out;
}

} // namespace survey::app
