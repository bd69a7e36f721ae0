// SPDX-License-Identifier: GPL-3.0-or-later
#include "csvreport.h"

#include "csvfield.h"

#include <QDir>
#include <QSaveFile>

namespace survey::analysis {

namespace {

QString number(double v)
{
    return QString::number(v, 'g', 12);
}

/// Rows of a CSV file, written whole by QSaveFile.
class CsvFile
{
public:
    explicit CsvFile(const QStringList &header) { row(header); }
    void row(const QStringList &fields)
    {
        QStringList cells;
        for (const QString &f : fields)
            cells.append(form::csvField(f));
        m_text += cells.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    bool save(const QDir &dir, const QString &name, QString *error) const
    {
        QSaveFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(m_text.toUtf8()) < 0 || !file.commit()) {
            *error =
                CsvReport::tr("%1 cannot be written: %2").arg(file.fileName(), file.errorString());
            return false;
        }
        return true;
    }

private:
    QString m_text;
};

} // namespace

bool CsvReport::write(const Results &r, const Dataset &data, const Spec *spec,
                      const QString &appCode, const QString &dirPath, QString *error)
{
    QDir dir(dirPath);
    if (!dir.mkpath(QStringLiteral("."))) {
        *error = tr("The folder %1 cannot be made.").arg(dirPath);
        return false;
    }
    const int language = data.languageFor(appCode);
    CsvFile questions(
        {"path", "label", "kind", "answered", "missing", "min", "median", "mean", "max"});
    CsvFile choices({"path", "label", "value", "value_label", "count", "share"});
    for (const QuestionSummary &s : r.questions) {
        const Question &q = data.questions[std::size_t(s.question)];
        const bool numeric = q.kind == QuestionKind::Number && s.stats.count > 0;
        questions.row({q.path, q.label(language), kindName(q.kind), QString::number(s.answered),
                       QString::number(s.missing), numeric ? number(s.stats.min) : QString(),
                       numeric ? number(s.stats.median) : QString(),
                       numeric ? number(s.stats.mean) : QString(),
                       numeric ? number(s.stats.max) : QString()});
        for (const Count &c : s.counts)
            choices.row({q.path, q.label(language), c.value, q.choiceLabel(c.value, language),
                         QString::number(c.count), number(c.share)});
    }
    CsvFile progress({"date", "state", "count"});
    for (const auto &[day, states] : r.progress) {
        for (const auto &[state, count] : states)
            progress.row({day.toString(Qt::ISODate),
                          state.isEmpty() ? QStringLiteral("unreviewed") : state,
                          QString::number(count)});
    }
    if (!questions.save(dir, QStringLiteral("questions.csv"), error) ||
        !choices.save(dir, QStringLiteral("choices.csv"), error) ||
        !progress.save(dir, QStringLiteral("progress.csv"), error))
        return false;

    if (r.baseline) {
        const Baseline &b = *r.baseline;
        CsvFile baseline({"figure", "group", "count", "mean", "median", "ci95_low", "ci95_high"});
        auto summaryRow = [&](const QString &figure, const QString &group, const Summary &s) {
            baseline.row({figure, group, QString::number(s.count), number(s.mean), number(s.median),
                          number(s.ci95.low), number(s.ci95.high)});
        };
        summaryRow(QStringLiteral("perHousehold_kgCO2"), {}, b.perHousehold);
        summaryRow(QStringLiteral("perPerson_kgCO2"), {}, b.perPerson);
        for (auto it = b.byGroup.begin(); it != b.byGroup.end(); ++it)
            summaryRow(QStringLiteral("perHousehold_kgCO2"), it.key(), it.value());
        for (auto it = b.bySource.begin(); it != b.bySource.end(); ++it)
            baseline.row({QStringLiteral("source_mean_kgCO2:") + it.key(),
                          {},
                          {},
                          number(it.value()),
                          {},
                          {},
                          {}});
        if (b.city)
            baseline.row({QStringLiteral("city_tCO2"),
                          {},
                          {},
                          number(b.city->tCO2),
                          {},
                          number(b.city->ci95.low),
                          number(b.city->ci95.high)});
        CsvFile forecast(
            {"scenario", "year", "tCO2", "ci95_low", "ci95_high", "perHousehold_kgCO2"});
        for (const ForecastPoint &p : b.forecast)
            forecast.row({p.scenario, QString::number(p.year), number(p.tCO2), number(p.ci95.low),
                          number(p.ci95.high), number(p.perHousehold)});
        if (!baseline.save(dir, QStringLiteral("baseline.csv"), error) ||
            !forecast.save(dir, QStringLiteral("forecast.csv"), error))
            return false;
    }
    if (r.enterprise && spec && spec->enterprise) {
        CsvFile demand({"service", "breakdown", "value", "interested", "count", "share"});
        for (std::size_t s = 0; s < r.enterprise->services.size(); ++s) {
            const ServiceDemand &d = r.enterprise->services[s];
            demand.row({d.name,
                        {},
                        {},
                        QString::number(d.interested),
                        QString::number(r.enterprise->count),
                        number(d.share)});
            for (std::size_t b = 0; b < d.by.size(); ++b) {
                for (const auto &[value, counts] : d.by[b])
                    demand.row(
                        {d.name, spec->enterprise->by.at(qsizetype(b)), value,
                         QString::number(counts.first), QString::number(counts.second),
                         number(counts.second > 0 ? double(counts.first) / counts.second : 0.0)});
            }
        }
        if (!demand.save(dir, QStringLiteral("enterprise.csv"), error))
            return false;
    }
    return true;
}

} // namespace survey::analysis
