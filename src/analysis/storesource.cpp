// SPDX-License-Identifier: GPL-3.0-or-later
#include "storesource.h"

#include "formdefinition.h"
#include "reviewstore.h"
#include "store.h"

#include <QDir>
#include <QFile>
#include <QSet>

namespace survey::analysis {

std::optional<StoreData> StoreSource::load(store::Store &store, const QString &formId,
                                           QString *error)
{
    store::StoreError e;
    const auto info = store.currentForm(formId, &e);
    if (!info) {
        *error = e ? e.message
                   : tr("The form “%1” is not on this device: download it first.").arg(formId);
        return std::nullopt;
    }
    const auto xml = store.formXml(info->row, &e);
    if (!xml) {
        *error = e.message;
        return std::nullopt;
    }
    form::FormDefinition::LoadOptions options;
    options.mediaDir = store.formMediaDir(info->row);
    form::FormError formError;
    StoreData out;
    out.form = form::FormDefinition::load(*xml, options, &formError);
    if (!out.form) {
        *error = tr("The form “%1” cannot be read: line %2: %3")
                     .arg(formId)
                     .arg(formError.line)
                     .arg(formError.message);
        return std::nullopt;
    }
    QFile spec(QDir(options.mediaDir).filePath(QStringLiteral("analysis.json")));
    if (spec.exists()) {
        if (!spec.open(QIODevice::ReadOnly)) {
            *error = tr("The form's analysis.json cannot be read: %1").arg(spec.errorString());
            return std::nullopt;
        }
        out.spec = spec.readAll();
    }

    std::vector<SubmissionInput> inputs;
    QSet<QString> seen;
    store::ReviewStore review(store);
    for (auto &v : review.currentVersions(formId, &e)) {
        seen.insert(v.instanceId);
        seen.insert(v.versionId);
        inputs.push_back({v.versionId, v.submitter, v.shownState, v.createdAt, std::move(v.xml)});
    }
    if (e) {
        *error = e.message;
        return std::nullopt;
    }
    out.pulled = int(inputs.size());
    const QString user = store.setting(QStringLiteral("user"));
    for (const auto state : {store::RecordState::Finalized, store::RecordState::Sent}) {
        for (const store::RecordInfo &r : store.records(state, &e)) {
            if (r.formId != formId || seen.contains(r.instanceId))
                continue;
            auto recordXml = store.recordXml(r.instanceId, &e);
            if (!recordXml)
                break;
            inputs.push_back({r.instanceId, user, QString(), r.updatedAt, std::move(*recordXml)});
            ++out.fromDevice;
        }
        if (e) {
            *error = e.message;
            return std::nullopt;
        }
    }
    out.data = Dataset::build(out.form, inputs);
    return out;
}

} // namespace survey::analysis
