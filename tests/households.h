// SPDX-License-Identifier: GPL-3.0-or-later
// The households of tests/data/analysis/reference.py in a device store, as a supervisor's
// device has them: the example household form (with its analysis.json when asked), each
// household filled by the form engine from the reference's answers, pulled for review with
// its state, or finalized on the device itself. Used by tst_analysis_store and tst_app.
#pragma once

#include "testutil.h"

#include "formdefinition.h"
#include "formsession.h"
#include "reviewstore.h"
#include "store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace households {

inline const QString kExamples = QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms");

/// Equal to 1e-9 of the larger of 1 and |b|: the precision the reference is checked to.
inline bool near(double a, double b)
{
    return qAbs(a - b) <= 1e-9 * std::max(1.0, qAbs(b));
}

/// What differs between a `baseline` object of `survey-cli analyse --json` (or the server's
/// analysis) and the reference's: per household and per person, by group, by source, the
/// city and the forecast, to 1e-9. Empty when nothing does.
inline QString baselineMismatch(const QJsonObject &b, const QJsonObject &wb)
{
    auto text = [](const QJsonValue &v) {
        return QString::fromUtf8(v.isObject()
                                     ? QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact)
                                     : QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    };
    auto sameInterval = [](const QJsonValue &g, const QJsonValue &w) {
        return near(g[0].toDouble(), w[0].toDouble()) && near(g[1].toDouble(), w[1].toDouble());
    };
    auto sameSummary = [&](const QJsonValue &g, const QJsonValue &w) {
        return g[QStringLiteral("count")].toInt() == w[QStringLiteral("count")].toInt() &&
               near(g[QStringLiteral("mean")].toDouble(), w[QStringLiteral("mean")].toDouble()) &&
               near(g[QStringLiteral("median")].toDouble(),
                    w[QStringLiteral("median")].toDouble()) &&
               sameInterval(g[QStringLiteral("ci95")], w[QStringLiteral("ci95")]);
    };
    for (const char *figure : {"perHousehold", "perPerson"}) {
        if (!sameSummary(b[QLatin1String(figure)], wb[QLatin1String(figure)]))
            return QStringLiteral("%1: %2, not %3")
                .arg(QLatin1String(figure), text(b[QLatin1String(figure)]),
                     text(wb[QLatin1String(figure)]));
    }
    const QJsonObject groups = b[QStringLiteral("byGroup")].toObject();
    const QJsonObject wantGroups = wb[QStringLiteral("byGroup")].toObject();
    if (groups.keys() != wantGroups.keys())
        return QStringLiteral("groups %1, not %2").arg(text(groups), text(wantGroups));
    for (const QString &g : wantGroups.keys()) {
        if (!sameSummary(groups[g], wantGroups[g]))
            return QStringLiteral("group %1: %2, not %3")
                .arg(g, text(groups[g]), text(wantGroups[g]));
    }
    const QJsonObject sources = b[QStringLiteral("bySource")].toObject();
    const QJsonObject wantSources = wb[QStringLiteral("bySource")].toObject();
    if (sources.keys() != wantSources.keys())
        return QStringLiteral("sources %1, not %2").arg(text(sources), text(wantSources));
    for (const QString &s : wantSources.keys()) {
        if (!near(sources[s].toDouble(), wantSources[s].toDouble()))
            return QStringLiteral("source %1: %2, not %3")
                .arg(s)
                .arg(sources[s].toDouble(), 0, 'g', 17)
                .arg(wantSources[s].toDouble(), 0, 'g', 17);
    }
    const QJsonValue city = b[QStringLiteral("city")], wantCity = wb[QStringLiteral("city")];
    if (!near(city[QStringLiteral("tCO2")].toDouble(),
              wantCity[QStringLiteral("tCO2")].toDouble()) ||
        !sameInterval(city[QStringLiteral("ci95")], wantCity[QStringLiteral("ci95")]))
        return QStringLiteral("city %1, not %2").arg(text(city), text(wantCity));
    const QJsonArray forecast = b[QStringLiteral("forecast")].toArray();
    const QJsonArray wantForecast = wb[QStringLiteral("forecast")].toArray();
    if (forecast.size() != 6 || forecast.size() != wantForecast.size())
        return QStringLiteral("forecast %1, not %2").arg(text(forecast), text(wantForecast));
    for (qsizetype i = 0; i < forecast.size(); ++i) {
        const QJsonValue f = forecast.at(i), w = wantForecast.at(i);
        if (f[QStringLiteral("scenario")] != w[QStringLiteral("scenario")] ||
            f[QStringLiteral("year")].toInt() != w[QStringLiteral("year")].toInt() ||
            !near(f[QStringLiteral("tCO2")].toDouble(), w[QStringLiteral("tCO2")].toDouble()) ||
            !sameInterval(f[QStringLiteral("ci95")], w[QStringLiteral("ci95")]))
            return QStringLiteral("forecast %1: %2, not %3")
                .arg(i)
                .arg(text(f.toObject()), text(w.toObject()));
    }
    return {};
}

/// The reference's figures (tests/data/analysis/bootstrap-reference.json).
inline QJsonObject reference()
{
    return QJsonDocument::fromJson(testutil::readFile(QStringLiteral(
                                       SURVEY_TEST_DATA "/analysis/bootstrap-reference.json")))
        .object();
}

inline std::shared_ptr<const survey::form::FormDefinition> householdForm()
{
    survey::form::FormError error;
    auto def = survey::form::FormDefinition::load(
        testutil::readFile(kExamples + QStringLiteral("/household_energy.xml")), {}, &error);
    if (!def)
        qWarning("%s", qPrintable(error.message));
    return def;
}

/// One household's submission: the example's answers, with the reference's district,
/// electricity, fuels, members and vehicles; empty (after a warning) if an answer is refused.
inline QByteArray
householdXml(const std::shared_ptr<const survey::form::FormDefinition> &definition,
             const QJsonObject &h, const QString &instanceId)
{
    namespace form = survey::form;
    const QJsonObject base =
        QJsonDocument::fromJson(
            testutil::readFile(kExamples + QStringLiteral("/household_energy.answers.json")))
            .object();
    form::FormSession session(definition);
    session.start();
    QList<std::pair<QString, QString>> answers;
    for (auto it = base.begin(); it != base.end(); ++it) {
        const QString &path = it.key();
        if (path.startsWith(QLatin1String("/data/members/")) ||
            path.startsWith(QLatin1String("/data/vehicles/")) ||
            path.startsWith(QLatin1String("/data/fuel_use/")))
            continue;
        answers.append({path, it.value().isDouble() ? QString::number(it.value().toDouble())
                                                    : it.value().toString()});
    }
    answers.append({QStringLiteral("/data/district"), h[QStringLiteral("district")].toString()});
    answers.append({QStringLiteral("/data/elec_kwh"),
                    QString::number(h[QStringLiteral("elec_kwh")].toDouble())});
    answers.append(
        {QStringLiteral("/data/cooking_fuels"), h[QStringLiteral("cooking_fuels")].toString()});
    for (const char *fuel : {"lpg_kg", "ng_m3", "coal_kg"})
        answers.append({QStringLiteral("/data/fuel_use/") + QLatin1String(fuel),
                        QString::number(h[QLatin1String(fuel)].toDouble())});
    for (int m = 1; m <= h[QStringLiteral("persons")].toInt(); ++m) {
        const QString at = QStringLiteral("/data/members/member[%1]/").arg(m);
        answers.append({at + QStringLiteral("name"), QStringLiteral("P%1").arg(m)});
        answers.append({at + QStringLiteral("age"), QStringLiteral("30")});
        answers.append({at + QStringLiteral("sex"), QStringLiteral("female")});
    }
    const QJsonArray vehicles = h[QStringLiteral("vehicles")].toArray();
    answers.append({QStringLiteral("/data/has_vehicle"),
                    vehicles.isEmpty() ? QStringLiteral("no") : QStringLiteral("yes")});
    for (qsizetype v = 0; v < vehicles.size(); ++v) {
        const QString at = QStringLiteral("/data/vehicles/vehicle[%1]/").arg(v + 1);
        answers.append({at + QStringLiteral("vehicle_type"), QStringLiteral("car")});
        answers.append({at + QStringLiteral("fuel"), vehicles.at(v)[0].toString()});
        answers.append(
            {at + QStringLiteral("annual_km"), QString::number(vehicles.at(v)[1].toDouble())});
    }
    for (const auto &[path, value] : answers) {
        QString error;
        form::XmlNode *node = session.resolve(path, true, &error);
        if (!node) {
            qWarning("%s: %s", qPrintable(path), qPrintable(error));
            return {};
        }
        const QString refused = session.setValue(node, value);
        if (!refused.isEmpty()) {
            qWarning("%s = %s: %s", qPrintable(path), qPrintable(value), qPrintable(refused));
            return {};
        }
    }
    session.setValue(session.resolve(QStringLiteral("/data/meta/instanceID"), false, nullptr),
                     instanceId);
    return session.toXml();
}

/// The household form (with analysis.json when `withSpec`) and the reference's households in
/// the store at `dir`; false after a warning saying why not.
inline bool seedStore(const QString &dir, bool withSpec)
{
    namespace store = survey::store;
    const auto form = householdForm();
    if (!form)
        return false;
    store::StoreError e;
    auto s = store::Store::open(dir, &e);
    if (!s) {
        qWarning("%s", qPrintable(e.message));
        return false;
    }
    std::vector<std::pair<QString, QByteArray>> media;
    if (withSpec)
        media.emplace_back(
            QStringLiteral("analysis.json"),
            testutil::readFile(kExamples +
                               QStringLiteral("/household_energy-media/analysis.json")));
    const auto added =
        s->addForm(testutil::readFile(kExamples + QStringLiteral("/household_energy.xml")), media,
                   QString(), &e);
    if (!added) {
        qWarning("%s", qPrintable(e.message));
        return false;
    }
    std::vector<store::PulledSubmission> pulled;
    int seq = 0;
    for (const QJsonValue &v : reference().value(QStringLiteral("store_households")).toArray()) {
        const QJsonObject h = v.toObject();
        const QString id = QStringLiteral("uuid:") + h[QStringLiteral("id")].toString();
        const QByteArray xml = householdXml(form, h, id);
        if (xml.isEmpty())
            return false;
        const QDateTime at(QDate(2026, 12, h[QStringLiteral("day")].toInt()), QTime(10, 0),
                           Qt::UTC);
        const QString state = h[QStringLiteral("state")].toString();
        if (state == QLatin1String("device")) {
            if (!s->createDraft(added->row, id, xml, h[QStringLiteral("id")].toString(), &e) ||
                !s->finalize(id, xml, &e)) {
                qWarning("%s", qPrintable(e.message));
                return false;
            }
            continue;
        }
        store::PulledSubmission p;
        p.head.instanceId = id;
        p.head.formId = QStringLiteral("household_energy");
        p.head.formVersion = form->version;
        p.head.submitter = h[QStringLiteral("submitter")].toString();
        p.head.reviewState = state;
        p.head.instanceName = h[QStringLiteral("id")].toString();
        p.head.currentVersion = id;
        p.head.createdAt = at;
        p.head.changeSeq = ++seq;
        store::ReviewVersion version;
        version.instanceId = id;
        version.formVersion = form->version;
        version.current = true;
        version.createdAt = at;
        version.xml = xml;
        p.versions.push_back(version);
        pulled.push_back(p);
    }
    store::ReviewStore review(*s);
    if (!review.storePulled(QStringLiteral("https://example.org/v1/projects/1"), pulled, seq, &e)) {
        qWarning("%s", qPrintable(e.message));
        return false;
    }
    return true;
}

} // namespace households
