// SPDX-License-Identifier: GPL-3.0-or-later
#include "spec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace survey::analysis {

QString Text::in(const QString &appCode, const QString &fallback) const
{
    if (byLanguage.isEmpty())
        return fallback;
    const QString base = appCode.left(2).toLower();
    if (byLanguage.contains(base))
        return byLanguage.value(base);
    if (byLanguage.contains(QStringLiteral("en")))
        return byLanguage.value(QStringLiteral("en"));
    return byLanguage.first();
}

QString EnterpriseSpec::serviceLabel(qsizetype s, const Dataset &data, int language,
                                     const QString &appCode) const
{
    const Service &service = services.at(s);
    if (!service.label.isEmpty())
        return service.label.in(appCode);
    const Question &q = data.questions[std::size_t(data.questionIndex(service.field))];
    return q.kind == QuestionKind::SelectMultiple ? q.choiceLabel(service.name, language)
                                                  : q.label(language);
}

namespace {

/// Reads the spec's JSON; the first problem stops it, named by its key path.
class Reader
{
public:
    explicit Reader(const Dataset &data)
        : m_data(data)
    {}
    QString error;

    bool fail(const QString &key, const QString &what)
    {
        if (error.isEmpty())
            error = Spec::tr("analysis.json, “%1”: %2").arg(key, what);
        return false;
    }

    std::optional<double> number(const QJsonObject &o, const QString &key, const QString &where,
                                 double min, double max, bool required = true)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() && !required)
            return std::nullopt;
        if (!v.isDouble() || !std::isfinite(v.toDouble()) || v.toDouble() < min ||
            v.toDouble() > max) {
            fail(where + key, Spec::tr("a number from %1 to %2 is needed.").arg(min).arg(max));
            return std::nullopt;
        }
        return v.toDouble();
    }

    Text text(const QJsonValue &v, const QString &where)
    {
        Text t;
        if (v.isString()) {
            t.byLanguage.insert(QStringLiteral("en"), v.toString());
        } else if (v.isObject()) {
            const QJsonObject o = v.toObject();
            for (auto it = o.begin(); it != o.end(); ++it) {
                if (!it.value().isString())
                    fail(where + QLatin1Char('.') + it.key(), Spec::tr("a text is needed."));
                t.byLanguage.insert(it.key(), it.value().toString());
            }
        } else if (!v.isUndefined()) {
            fail(where, Spec::tr("a text, or texts by language ({\"en\": …, \"zh\": …}), is "
                                 "needed."));
        }
        return t;
    }

    /// A question path of the given kinds; empty when absent and not required.
    QString question(const QJsonObject &o, const QString &key, const QString &where,
                     std::initializer_list<QuestionKind> kinds, bool required,
                     bool outsideRepeats = true)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() && !required)
            return {};
        if (!v.isString()) {
            fail(where + key, Spec::tr("the path of a question (/data/…) is needed."));
            return {};
        }
        const int q = m_data.questionIndex(v.toString());
        if (q < 0) {
            fail(where + key, Spec::tr("%1 is not a question of the form.").arg(v.toString()));
            return {};
        }
        const Question &question = m_data.questions[std::size_t(q)];
        if (std::find(kinds.begin(), kinds.end(), question.kind) == kinds.end()) {
            fail(where + key, Spec::tr("%1 is not a question of the kind this needs (a number "
                                       "or a select one, as the README says).")
                                  .arg(v.toString()));
            return {};
        }
        if (outsideRepeats && question.inRepeat) {
            fail(where + key, Spec::tr("%1 is inside a repeat: a field with one answer per "
                                       "submission is needed.")
                                  .arg(v.toString()));
            return {};
        }
        return v.toString();
    }

    std::optional<HouseholdSpec> household(const QJsonObject &o);
    std::optional<EnterpriseSpec> enterprise(const QJsonObject &o);

private:
    const Dataset &m_data;
};

std::optional<HouseholdSpec> Reader::household(const QJsonObject &o)
{
    const QString at = QStringLiteral("household.");
    HouseholdSpec h;
    h.group = question(o, QStringLiteral("group"), at, {QuestionKind::SelectOne}, false);
    h.persons = question(o, QStringLiteral("persons"), at, {QuestionKind::Number}, false);
    const QJsonArray sources = o.value(QStringLiteral("sources")).toArray();
    if (sources.isEmpty())
        fail(at + QStringLiteral("sources"), Spec::tr("at least one source is needed."));
    const QMap<QString, SourceKind> kinds{{QStringLiteral("electricity"), SourceKind::Electricity},
                                          {QStringLiteral("heat"), SourceKind::Heat},
                                          {QStringLiteral("vehicle"), SourceKind::Vehicle},
                                          {QStringLiteral("other"), SourceKind::Other}};
    for (qsizetype i = 0; i < sources.size(); ++i) {
        const QString where = at + QStringLiteral("sources[%1].").arg(i);
        const QJsonObject s = sources.at(i).toObject();
        HouseholdSpec::SourceField f;
        f.source.name = s.value(QStringLiteral("name")).toString();
        if (f.source.name.isEmpty())
            fail(where + QStringLiteral("name"), Spec::tr("a name is needed."));
        for (const auto &other : std::as_const(h.sources)) {
            if (other.source.name == f.source.name)
                fail(where + QStringLiteral("name"), Spec::tr("two sources have this name."));
        }
        f.field = question(s, QStringLiteral("field"), where, {QuestionKind::Number}, true);
        const QString kind = s.value(QStringLiteral("kind")).toString(QStringLiteral("other"));
        if (!kinds.contains(kind))
            fail(where + QStringLiteral("kind"),
                 Spec::tr("“%1” is not one of electricity, heat, vehicle, other.").arg(kind));
        f.source.kind = kinds.value(kind);
        if (f.source.kind == SourceKind::Heat || f.source.kind == SourceKind::Vehicle)
            f.source.kWhPerKgCO2 =
                number(s, QStringLiteral("kWhPerKgCO2"), where, 0, 1000).value_or(0);
        f.label = text(s.value(QStringLiteral("label")), where + QStringLiteral("label"));
        h.sources.append(f);
        h.model.sources.append(f.source);
    }
    const QJsonValue households = o.value(QStringLiteral("households"));
    if (households.isDouble()) {
        h.households.total = number(o, QStringLiteral("households"), at, 0, 1e9);
    } else if (households.isObject()) {
        const QJsonObject byGroup = households.toObject();
        if (h.group.isEmpty())
            fail(at + QStringLiteral("households"),
                 Spec::tr("households by group need a “group” question."));
        for (auto it = byGroup.begin(); it != byGroup.end(); ++it) {
            if (const auto n =
                    number(byGroup, it.key(), at + QStringLiteral("households."), 0, 1e9))
                h.households.byGroup.insert(it.key(), *n);
        }
    } else if (!households.isUndefined()) {
        fail(at + QStringLiteral("households"),
             Spec::tr("a number, or numbers by group ({\"urban\": 412000, …}), is needed."));
    }
    h.model.baseYear =
        int(number(o, QStringLiteral("baseYear"), at, 1900, 2200, false).value_or(0));
    h.model.gridFactor = number(o, QStringLiteral("gridFactor"), at, 0, 10, false).value_or(0);
    for (const QJsonValue &y : o.value(QStringLiteral("forecastYears")).toArray()) {
        if (!y.isDouble() || y.toInt() <= h.model.baseYear ||
            (!h.model.years.isEmpty() && y.toInt() <= h.model.years.last()))
            fail(at + QStringLiteral("forecastYears"),
                 Spec::tr("years after the base year, in ascending order, are needed."));
        h.model.years.append(y.toInt());
    }
    const QJsonArray scenarios = o.value(QStringLiteral("scenarios")).toArray();
    for (qsizetype i = 0; i < scenarios.size(); ++i) {
        const QString where = at + QStringLiteral("scenarios[%1].").arg(i);
        const QJsonObject s = scenarios.at(i).toObject();
        Scenario sc;
        sc.name = s.value(QStringLiteral("name")).toString();
        if (sc.name.isEmpty())
            fail(where + QStringLiteral("name"), Spec::tr("a name is needed."));
        sc.gridDecline =
            number(s, QStringLiteral("gridDeclinePerYear"), where, 0, 1, false).value_or(0);
        sc.heatToElectric =
            number(s, QStringLiteral("heatToElectric"), where, 0, 1, false).value_or(0);
        sc.evShare = number(s, QStringLiteral("evShare"), where, 0, 1, false).value_or(0);
        sc.householdGrowth =
            number(s, QStringLiteral("householdGrowthPerYear"), where, -0.5, 0.5, false)
                .value_or(0);
        h.scenarioLabels.insert(
            sc.name, text(s.value(QStringLiteral("label")), where + QStringLiteral("label")));
        h.model.scenarios.append(sc);
    }
    if (!h.model.scenarios.isEmpty() && h.model.baseYear == 0)
        fail(at + QStringLiteral("baseYear"), Spec::tr("scenarios need a base year."));
    if (!h.model.scenarios.isEmpty() && h.model.years.isEmpty())
        fail(at + QStringLiteral("forecastYears"), Spec::tr("scenarios need forecast years."));
    if (!h.model.scenarios.isEmpty() && h.model.gridFactor <= 0)
        fail(at + QStringLiteral("gridFactor"),
             Spec::tr("scenarios need the grid's emission factor (kgCO2/kWh)."));
    h.method = text(o.value(QStringLiteral("method")), at + QStringLiteral("method"));
    const QJsonArray factors = o.value(QStringLiteral("factors")).toArray();
    for (qsizetype i = 0; i < factors.size(); ++i) {
        const QString where = at + QStringLiteral("factors[%1].").arg(i);
        const QJsonObject f = factors.at(i).toObject();
        h.factors.append(
            {text(f.value(QStringLiteral("label")), where + QStringLiteral("label")),
             number(f, QStringLiteral("value"), where, -1e12, 1e12).value_or(0),
             f.value(QStringLiteral("unit")).toString(),
             text(f.value(QStringLiteral("source")), where + QStringLiteral("source"))});
    }
    if (!error.isEmpty())
        return std::nullopt;
    return h;
}

std::optional<EnterpriseSpec> Reader::enterprise(const QJsonObject &o)
{
    const QString at = QStringLiteral("enterprise.");
    EnterpriseSpec e;
    const QJsonArray services = o.value(QStringLiteral("services")).toArray();
    if (services.isEmpty())
        fail(at + QStringLiteral("services"), Spec::tr("at least one service is needed."));
    for (qsizetype i = 0; i < services.size(); ++i) {
        const QString where = at + QStringLiteral("services[%1].").arg(i);
        const QJsonObject s = services.at(i).toObject();
        const QString field =
            question(s, QStringLiteral("field"), where,
                     {QuestionKind::SelectOne, QuestionKind::SelectMultiple}, true);
        if (field.isEmpty())
            break;
        const Question &q = m_data.questions[std::size_t(m_data.questionIndex(field))];
        const Text label = text(s.value(QStringLiteral("label")), where + QStringLiteral("label"));
        QStringList values;
        for (const QJsonValue &v : s.value(QStringLiteral("values")).toArray())
            values.append(v.toString());
        if (q.kind == QuestionKind::SelectMultiple && !s.contains(QStringLiteral("name"))) {
            // Every choice is a service, but those excluded ("none").
            QStringList exclude;
            for (const QJsonValue &v : s.value(QStringLiteral("exclude")).toArray())
                exclude.append(v.toString());
            for (const Choice &c : q.choices) {
                if (!exclude.contains(c.value))
                    e.services.append({c.value, field, {c.value}, {}});
            }
            continue;
        }
        const QString name = s.value(QStringLiteral("name")).toString();
        if (name.isEmpty())
            fail(where + QStringLiteral("name"), Spec::tr("a name is needed."));
        if (values.isEmpty())
            fail(where + QStringLiteral("values"),
                 Spec::tr("the answers that mean interest are needed."));
        e.services.append({name, field, values, label});
    }
    for (const QJsonValue &v : o.value(QStringLiteral("by")).toArray()) {
        const QJsonObject one{{QStringLiteral("by"), v}};
        e.by.append(question(one, QStringLiteral("by"), at, {QuestionKind::SelectOne}, true));
    }
    e.willingnessToPay =
        question(o, QStringLiteral("willingnessToPay"), at, {QuestionKind::Number}, false);
    e.energySpend = question(o, QStringLiteral("energySpend"), at, {QuestionKind::Number}, false);
    const QJsonObject savings = o.value(QStringLiteral("savings")).toObject();
    if (!savings.isEmpty()) {
        e.savingsShare =
            number(savings, QStringLiteral("share"), at + QStringLiteral("savings."), 0, 1)
                .value_or(0);
        e.savingsSource =
            text(savings.value(QStringLiteral("source")), at + QStringLiteral("savings.source"));
    }
    e.unit = text(o.value(QStringLiteral("unit")), at + QStringLiteral("unit"));
    if (!error.isEmpty())
        return std::nullopt;
    return e;
}

} // namespace

std::optional<Spec> Spec::fromJson(const QByteArray &json, const Dataset &data, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        *error = tr("analysis.json is not a JSON object (%1, at byte %2).")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    Reader reader(data);
    Spec spec;
    if (const auto seed = reader.number(o, QStringLiteral("seed"), {}, 0, 4294967295.0, false))
        spec.seed = std::uint32_t(*seed);
    if (const auto resamples =
            reader.number(o, QStringLiteral("resamples"), {}, 100, 100000, false))
        spec.resamples = int(*resamples);
    if (o.contains(QStringLiteral("household")))
        spec.household = reader.household(o.value(QStringLiteral("household")).toObject());
    if (reader.error.isEmpty() && o.contains(QStringLiteral("enterprise")))
        spec.enterprise = reader.enterprise(o.value(QStringLiteral("enterprise")).toObject());
    if (reader.error.isEmpty() && !spec.household && !spec.enterprise)
        reader.fail(QStringLiteral("household"),
                    tr("the spec has neither “household” nor “enterprise”."));
    if (!reader.error.isEmpty()) {
        *error = reader.error;
        return std::nullopt;
    }
    return spec;
}

HouseholdTable householdTable(const Dataset &data, const HouseholdSpec &spec, const Rows &rows,
                              int *skipped)
{
    HouseholdTable table;
    std::vector<const Column *> sources;
    for (const auto &f : spec.sources) {
        table.sources.append(f.source.name);
        sources.push_back(&data.columns[std::size_t(data.questionIndex(f.field))]);
    }
    const Column *group =
        spec.group.isEmpty() ? nullptr : &data.columns[std::size_t(data.questionIndex(spec.group))];
    const Column *persons = spec.persons.isEmpty()
                                ? nullptr
                                : &data.columns[std::size_t(data.questionIndex(spec.persons))];
    // Groups first, sorted, so that append() need not re-index.
    if (group) {
        for (std::size_t r = 0; r < rows.size(); ++r) {
            if (rows[r] && group->code[r] >= 0 &&
                !table.groups.contains(group->pool.at(group->code[r])))
                table.groups.append(group->pool.at(group->code[r]));
        }
        std::sort(table.groups.begin(), table.groups.end());
    }
    *skipped = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (!rows[r])
            continue;
        bool any = false;
        for (const Column *c : sources)
            any = any || !std::isnan(c->number[r]);
        if (!any) {
            ++*skipped;
            continue;
        }
        for (const Column *c : sources)
            table.values.push_back(std::isnan(c->number[r]) ? 0.0 : c->number[r]);
        table.persons.push_back(persons ? persons->number[r] : std::nan(""));
        table.group.push_back(group && group->code[r] >= 0
                                  ? int(table.groups.indexOf(group->pool.at(group->code[r])))
                                  : -1);
    }
    return table;
}

} // namespace survey::analysis
