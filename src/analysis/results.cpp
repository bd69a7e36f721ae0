// SPDX-License-Identifier: GPL-3.0-or-later
#include "results.h"

#include <QJsonArray>

namespace survey::analysis {

QString kindName(QuestionKind kind)
{
    switch (kind) {
    case QuestionKind::SelectOne:
        return QStringLiteral("selectOne");
    case QuestionKind::SelectMultiple:
        return QStringLiteral("selectMultiple");
    case QuestionKind::Number:
        return QStringLiteral("number");
    case QuestionKind::Date:
        return QStringLiteral("date");
    case QuestionKind::Location:
        return QStringLiteral("location");
    case QuestionKind::Text:
        return QStringLiteral("text");
    }
    return {};
}

BaselineOptions baselineOptions(const Spec &spec)
{
    BaselineOptions options;
    options.seed = spec.seed;
    options.resamples = spec.resamples;
    options.households = spec.household->households;
    options.model = spec.household->model;
    return options;
}

Results analyse(const Dataset &data, const Spec *spec, const Filter &filter)
{
    Results r;
    r.rows = rowsMatching(data, filter);
    r.count = countRows(r.rows);
    r.questions.reserve(data.questions.size());
    for (std::size_t q = 0; q < data.questions.size(); ++q)
        r.questions.push_back(summarise(data, int(q), r.rows));
    r.progress = progressPerDay(data, r.rows);
    if (spec)
        addSpecFigures(r, data, *spec);
    return r;
}

void addSpecFigures(Results &r, const Dataset &data, const Spec &spec)
{
    if (spec.household) {
        const HouseholdTable table =
            householdTable(data, *spec.household, r.rows, &r.householdsWithoutFigures);
        r.baseline = computeBaseline(table, baselineOptions(spec));
    }
    if (spec.enterprise)
        r.enterprise = enterpriseDemand(data, *spec.enterprise, r.rows);
}

namespace {

QJsonArray interval(const Interval &i)
{
    return {i.low, i.high};
}

QJsonObject summaryJson(const Summary &s)
{
    return {{QStringLiteral("count"), s.count},
            {QStringLiteral("mean"), s.mean},
            {QStringLiteral("median"), s.median},
            {QStringLiteral("ci95"), interval(s.ci95)}};
}

QJsonObject statsJson(const NumberStats &s)
{
    return {{QStringLiteral("count"), s.count},
            {QStringLiteral("min"), s.min},
            {QStringLiteral("max"), s.max},
            {QStringLiteral("mean"), s.mean},
            {QStringLiteral("median"), s.median}};
}

QJsonArray histogramJson(const std::vector<Bin> &bins)
{
    QJsonArray out;
    for (const Bin &b : bins)
        out.append(QJsonObject{{QStringLiteral("from"), b.from},
                               {QStringLiteral("to"), b.to},
                               {QStringLiteral("count"), b.count}});
    return out;
}

QJsonObject questionJson(const QuestionSummary &s, const Question &q, int language)
{
    QJsonObject o{{QStringLiteral("path"), q.path},
                  {QStringLiteral("name"), q.name},
                  {QStringLiteral("label"), q.label(language)},
                  {QStringLiteral("kind"), kindName(q.kind)},
                  {QStringLiteral("type"), q.type},
                  {QStringLiteral("calculated"), q.calculated},
                  {QStringLiteral("answered"), s.answered},
                  {QStringLiteral("missing"), s.missing}};
    switch (q.kind) {
    case QuestionKind::SelectOne:
    case QuestionKind::SelectMultiple: {
        QJsonArray counts;
        for (const Count &c : s.counts)
            counts.append(QJsonObject{{QStringLiteral("value"), c.value},
                                      {QStringLiteral("label"), q.choiceLabel(c.value, language)},
                                      {QStringLiteral("count"), c.count},
                                      {QStringLiteral("share"), c.share}});
        o.insert(QStringLiteral("counts"), counts);
        break;
    }
    case QuestionKind::Number:
        o.insert(QStringLiteral("stats"), statsJson(s.stats));
        o.insert(QStringLiteral("histogram"), histogramJson(s.histogram));
        o.insert(QStringLiteral("unreadable"), s.unreadable);
        break;
    case QuestionKind::Date: {
        QJsonArray days;
        for (const auto &[day, count] : s.perDay)
            days.append(QJsonObject{{QStringLiteral("date"), day.toString(Qt::ISODate)},
                                    {QStringLiteral("count"), count}});
        o.insert(QStringLiteral("perDay"), days);
        o.insert(QStringLiteral("unreadable"), s.unreadable);
        break;
    }
    case QuestionKind::Location: {
        QJsonArray points;
        for (const QPointF &p : s.points)
            points.append(QJsonArray{p.y(), p.x()});
        o.insert(QStringLiteral("points"), points);
        o.insert(QStringLiteral("unreadable"), s.unreadable);
        break;
    }
    case QuestionKind::Text:
        break;
    }
    return o;
}

QJsonObject baselineJson(const Baseline &b, const Results &r)
{
    QJsonObject bySource, byGroup;
    for (auto it = b.bySource.begin(); it != b.bySource.end(); ++it)
        bySource.insert(it.key(), it.value());
    for (auto it = b.byGroup.begin(); it != b.byGroup.end(); ++it)
        byGroup.insert(it.key(), summaryJson(it.value()));
    QJsonArray forecast;
    for (const ForecastPoint &p : b.forecast)
        forecast.append(QJsonObject{{QStringLiteral("scenario"), p.scenario},
                                    {QStringLiteral("year"), p.year},
                                    {QStringLiteral("tCO2"), p.tCO2},
                                    {QStringLiteral("ci95"), interval(p.ci95)},
                                    {QStringLiteral("perHousehold"), p.perHousehold}});
    QJsonObject o{{QStringLiteral("perHousehold"), summaryJson(b.perHousehold)},
                  {QStringLiteral("perPerson"), summaryJson(b.perPerson)},
                  {QStringLiteral("bySource"), bySource},
                  {QStringLiteral("byGroup"), byGroup},
                  {QStringLiteral("forecast"), forecast},
                  {QStringLiteral("householdsWithoutFigures"), r.householdsWithoutFigures},
                  {QStringLiteral("warnings"), QJsonArray::fromStringList(b.warnings)}};
    if (b.city)
        o.insert(QStringLiteral("city"),
                 QJsonObject{{QStringLiteral("tCO2"), b.city->tCO2},
                             {QStringLiteral("ci95"), interval(b.city->ci95)}});
    return o;
}

QJsonObject enterpriseJson(const EnterpriseDemand &d, const EnterpriseSpec &spec,
                           const Dataset &data, int language, const QString &appCode)
{
    QJsonArray services;
    for (std::size_t s = 0; s < d.services.size(); ++s) {
        const ServiceDemand &demand = d.services[s];
        const QString label = spec.serviceLabel(qsizetype(s), data, language, appCode);
        QJsonObject by;
        for (std::size_t b = 0; b < demand.by.size(); ++b) {
            QJsonObject cells;
            for (const auto &[value, counts] : demand.by[b])
                cells.insert(
                    value,
                    QJsonObject{{QStringLiteral("interested"), counts.first},
                                {QStringLiteral("count"), counts.second},
                                {QStringLiteral("share"),
                                 counts.second > 0 ? double(counts.first) / counts.second : 0.0}});
            by.insert(spec.by.at(qsizetype(b)), cells);
        }
        services.append(QJsonObject{{QStringLiteral("name"), demand.name},
                                    {QStringLiteral("label"), label},
                                    {QStringLiteral("interested"), demand.interested},
                                    {QStringLiteral("share"), demand.share},
                                    {QStringLiteral("by"), by}});
    }
    return {
        {QStringLiteral("count"), d.count},
        {QStringLiteral("interestedAny"), d.interestedAny},
        {QStringLiteral("services"), services},
        {QStringLiteral("willingnessToPay"),
         QJsonObject{{QStringLiteral("stats"), statsJson(d.willingnessToPay.stats)},
                     {QStringLiteral("histogram"), histogramJson(d.willingnessToPay.histogram)}}},
        {QStringLiteral("energySpend"),
         QJsonObject{{QStringLiteral("total"), d.totalSpend},
                     {QStringLiteral("stats"), statsJson(d.energySpend.stats)}}},
        {QStringLiteral("estimatedSavings"), d.estimatedSavings},
        {QStringLiteral("unit"), spec.unit.in(appCode)}};
}

} // namespace

QJsonObject toJson(const Results &r, const Dataset &data, const Spec *spec, const QString &appCode)
{
    const int language = data.languageFor(appCode);
    QJsonArray questions;
    for (const QuestionSummary &s : r.questions)
        questions.append(questionJson(s, data.questions[std::size_t(s.question)], language));
    QJsonArray progress;
    for (const auto &[day, states] : r.progress) {
        QJsonObject byState;
        for (const auto &[state, count] : states)
            byState.insert(state.isEmpty() ? QStringLiteral("unreviewed") : state, count);
        progress.append(QJsonObject{{QStringLiteral("date"), day.toString(Qt::ISODate)},
                                    {QStringLiteral("states"), byState}});
    }
    QJsonObject o{{QStringLiteral("formId"), data.formId},
                  {QStringLiteral("count"), r.count},
                  {QStringLiteral("questions"), questions},
                  {QStringLiteral("progress"), progress},
                  {QStringLiteral("problems"), QJsonArray::fromStringList(data.problems)}};
    if (r.baseline)
        o.insert(QStringLiteral("baseline"), baselineJson(*r.baseline, r));
    if (r.enterprise && spec && spec->enterprise)
        o.insert(QStringLiteral("enterprise"),
                 enterpriseJson(*r.enterprise, *spec->enterprise, data, language, appCode));
    return o;
}

} // namespace survey::analysis
