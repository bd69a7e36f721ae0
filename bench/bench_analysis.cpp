// SPDX-License-Identifier: GPL-3.0-or-later
// How long the analysis takes.
// 1. The household baseline over 100,000 households: five sources, three districts, the
//    city from households per district and two scenarios to 2030, 2035 and 2060, with the
//    example spec's 2,000 resamples, one stratified bootstrap on every core.
// 2. What opening the Analysis page on 10,000 submissions costs before its first frame:
//    reading them (the example household form, filled by the engine) into columns, then
//    every question's summary and the progress; and the baseline after it.
// Each figure is the median of 5 runs (3 for the largest), with the slowest.
#include "dataset.h"
#include "formdefinition.h"
#include "formsession.h"
#include "results.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace survey;

namespace {

const QString kExamples = QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms");

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

/// Runs `work` `runs` times; median and slowest in milliseconds.
std::pair<double, double> timed(int runs, const std::function<void()> &work)
{
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        work();
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms.back()};
}

QString figure(const std::pair<double, double> &t)
{
    return QStringLiteral("%1 ms median, %2 ms slowest")
        .arg(t.first, 0, 'f', 1)
        .arg(t.second, 0, 'f', 1);
}

/// 100,000 households with made-up but plausible sources (kgCO2 a year) and districts.
analysis::HouseholdTable households(int n)
{
    analysis::HouseholdTable t;
    t.sources = {QStringLiteral("coal"), QStringLiteral("electricity"), QStringLiteral("lpg"),
                 QStringLiteral("natural_gas"), QStringLiteral("vehicles")};
    t.groups = {QStringLiteral("rural"), QStringLiteral("suburban"), QStringLiteral("urban")};
    analysis::Random random(7);
    auto uniform = [&](double from, double to) {
        return from + (to - from) * (double(random.next()) / 4294967296.0);
    };
    for (int i = 0; i < n; ++i) {
        const int group = int(random.index(3));
        t.values.push_back(group == 0 ? uniform(0, 6000) : uniform(0, 800));
        t.values.push_back(uniform(500, 3500));
        t.values.push_back(uniform(0, 700));
        t.values.push_back(group == 2 ? uniform(0, 1200) : 0.0);
        t.values.push_back(random.index(2) ? uniform(0, 4000) : 0.0);
        t.persons.push_back(double(1 + random.index(6)));
        t.group.push_back(group);
    }
    return t;
}

/// `n` submissions of the household form: the example's answers with the district, the
/// electricity and the fuel varied, each with its own instanceID.
std::vector<analysis::SubmissionInput>
submissions(const std::shared_ptr<const form::FormDefinition> &def, int n)
{
    const QJsonObject answers =
        QJsonDocument::fromJson(
            readFile(kExamples + QStringLiteral("/household_energy.answers.json")))
            .object();
    const QStringList districts{QStringLiteral("urban"), QStringLiteral("suburban"),
                                QStringLiteral("rural")};
    // 30 distinct fillings through the engine; the rest are copies with new IDs.
    std::vector<QByteArray> fillings;
    for (int k = 0; k < 30; ++k) {
        form::FormSession session(def);
        session.start();
        for (auto it = answers.begin(); it != answers.end(); ++it) {
            QString value = it.value().isDouble() ? QString::number(it.value().toDouble())
                                                  : it.value().toString();
            if (it.key() == QLatin1String("/data/district"))
                value = districts.at(k % 3);
            else if (it.key() == QLatin1String("/data/elec_kwh"))
                value = QString::number(120 + 13 * k);
            else if (it.key() == QLatin1String("/data/fuel_use/coal_kg"))
                value = QString::number(40 + 9 * k);
            QString error;
            if (form::XmlNode *node = session.resolve(it.key(), true, &error))
                session.setValue(node, value);
        }
        fillings.push_back(session.toXml());
    }
    std::vector<analysis::SubmissionInput> out;
    const QStringList states{QStringLiteral("received"), QStringLiteral("approved"),
                             QStringLiteral("hasIssues")};
    for (int i = 0; i < n; ++i) {
        const QByteArray &xml = fillings[std::size_t(i % 30)];
        const QString id = QStringLiteral("uuid:bench-%1").arg(i, 6, 10, QLatin1Char('0'));
        const qsizetype from = xml.indexOf("<instanceID>") + 12;
        const qsizetype to = xml.indexOf("</instanceID>");
        QByteArray copy = xml;
        copy.replace(from, to - from, id.toUtf8());
        out.push_back({id, QStringLiteral("enumerator%1").arg(i % 20), states.at(i % 3),
                       QDateTime(QDate(2026, 11, 1).addDays(i % 30), QTime(10, 0), Qt::UTC), copy});
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);

    QString error;
    form::FormError formError;
    const auto def = form::FormDefinition::load(
        readFile(kExamples + QStringLiteral("/household_energy.xml")), {}, &formError);
    if (!def)
        qFatal("%s", qPrintable(formError.message));
    const QByteArray specJson =
        readFile(kExamples + QStringLiteral("/household_energy-media/analysis.json"));

    // 1. The baseline over 100,000 households.
    {
        const analysis::HouseholdTable table = households(100000);
        const auto spec =
            analysis::Spec::fromJson(specJson, analysis::Dataset::build(def, {}), &error);
        if (!spec)
            qFatal("%s", qPrintable(error));
        const analysis::BaselineOptions options = analysis::baselineOptions(*spec);
        std::optional<analysis::Baseline> b;
        const auto t = timed(3, [&] { b = analysis::computeBaseline(table, options); });
        out << "baseline, 100,000 households (2,000 resamples, city, 2 scenarios x 3 years): "
            << figure(t) << "\n";
        out << "  per household " << qRound(b->perHousehold.mean) << " kgCO2 ["
            << qRound(b->perHousehold.ci95.low) << ", " << qRound(b->perHousehold.ci95.high)
            << "], city " << qRound(b->city->tCO2) << " tCO2\n";
        out.flush();
    }

    // 2. The Analysis page's work on 10,000 submissions.
    {
        const auto inputs = submissions(def, 10000);
        qint64 bytes = 0;
        for (const auto &s : inputs)
            bytes += s.xml.size();
        analysis::Dataset data;
        const auto read = timed(5, [&] { data = analysis::Dataset::build(def, inputs); });
        out << "read 10,000 submissions (" << bytes / 1024 / 1024 << " MB of XML, "
            << data.questions.size() << " questions): " << figure(read) << "\n";
        const auto spec = analysis::Spec::fromJson(specJson, data, &error);
        analysis::Results results;
        const auto summaries = timed(5, [&] { results = analysis::analyse(data, nullptr, {}); });
        out << "every question's summary and the progress: " << figure(summaries) << "\n";
        out << "  together, before the first frame: "
            << QString::number(read.first + summaries.first, 'f', 1) << " ms\n";
        const auto withBaseline = timed(5, [&] { results = analysis::analyse(data, &*spec, {}); });
        out << "the same with the baseline and forecast: " << figure(withBaseline) << "\n";
    }
    return 0;
}
