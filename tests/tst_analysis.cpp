// SPDX-License-Identifier: GPL-3.0-or-later
// The analysis library against figures worked out apart from it: tests/data/analysis/
// reference.py computes them in plain Python from the published definitions (MT19937,
// type-7 quantiles, the percentile bootstrap) and says how in its header.
#include "testutil.h"

#include "baseline.h"
#include "enterprise.h"
#include "formdefinition.h"
#include "formsession.h"
#include "instancescan.h"
#include "results.h"
#include "stats.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QXmlStreamReader>

#include <cmath>

using namespace survey::analysis;
namespace analysis = survey::analysis;
namespace form = survey::form;

class TestAnalysis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void randomNumbersAreMt19937();
    void indexesInBatchesAreTheSameDraws();
    void meanMedianQuantile();
    void bootstrapIntervalsRepeat();
    void nothingFromNoValues();
    void householdBaseline();
    void cityAndForecast();
    void cityFromOneTotal();
    void cityNeedsEveryGroupSurveyed();
    void questionsOfAnyForm();
    void summariesByKind();
    void filtersAndGroups();
    void histogramBins();
    void enterpriseDemand();
    void specErrorsNameTheirKey();
    void instanceScanAgreesWithQt();
    void instanceScanRefusesHostileInput();

private:
    HouseholdTable referenceHouseholds(BaselineOptions *options) const;
    QJsonObject m_ref;
    QList<double> m_values;
};

void TestAnalysis::initTestCase()
{
    m_ref = QJsonDocument::fromJson(testutil::readFile(QStringLiteral(
                                        SURVEY_TEST_DATA "/analysis/bootstrap-reference.json")))
                .object();
    for (const QJsonValue &v : m_ref.value(QStringLiteral("values")).toArray())
        m_values.append(v.toDouble());
    QCOMPARE(m_values.size(), 12);
}

void TestAnalysis::randomNumbersAreMt19937()
{
    // The C++ standard states MT19937's 10,000th number for the default seed 5489; the
    // reference script's generator gives it too.
    Random random(5489);
    QCOMPARE(qint64(random.next()),
             qint64(m_ref.value(QStringLiteral("mt19937_5489_first")).toDouble()));
    for (int i = 0; i < 9998; ++i)
        random.next();
    QCOMPARE(qint64(random.next()), qint64(4123659995));
    QCOMPARE(qint64(4123659995),
             qint64(m_ref.value(QStringLiteral("mt19937_5489_10000th")).toDouble()));
    // Indexes stay in range and cover it.
    Random dice(7);
    QList<int> seen(6);
    for (int i = 0; i < 6000; ++i)
        ++seen[int(dice.index(6))];
    for (int count : seen)
        QVERIFY2(count > 850 && count < 1150, qPrintable(QString::number(count)));
}

void TestAnalysis::indexesInBatchesAreTheSameDraws()
{
    // A batch of draws is the same as as many single draws, across the generator's blocks
    // of 624 numbers, and leaves the generator at the same place; rejected numbers are
    // skipped as the rule states (3,000,000,000 rejects 30% of them).
    for (const std::uint32_t n : {1u, 6u, 100000u, 3000000000u}) {
        const Indexes indexes(n);
        Random batched(11), single(11), raw(11);
        const std::uint32_t threshold = std::uint32_t((std::uint64_t(1) << 32) - n) % n;
        int rejected = 0;
        for (const std::size_t count : {std::size_t(1), std::size_t(7), std::size_t(700),
                                        std::size_t(2000), std::size_t(624)}) {
            std::vector<std::uint32_t> out(count + 1, 0xffffffffu);
            indexes.draw(batched, out.data(), count);
            for (std::size_t k = 0; k < count; ++k) {
                const std::uint32_t expected = indexes.draw(single);
                std::uint64_t m = std::uint64_t(raw.next()) * n;
                for (; std::uint32_t(m) < threshold; ++rejected)
                    m = std::uint64_t(raw.next()) * n;
                QCOMPARE(expected, std::uint32_t(m >> 32));
                QCOMPARE(out[k], expected);
                QVERIFY(out[k] < n);
            }
            QCOMPARE(out[count], 0xffffffffu); // nothing written past the batch
            const std::uint32_t next = single.next();
            QCOMPARE(batched.next(), next);
            QCOMPARE(raw.next(), next);
        }
        QCOMPARE(rejected > 0, n == 3000000000u);
    }
}

void TestAnalysis::meanMedianQuantile()
{
    QCOMPARE(*mean(m_values), m_ref.value(QStringLiteral("mean")).toDouble());
    QCOMPARE(*median(m_values), m_ref.value(QStringLiteral("median")).toDouble());
    QList<double> sorted = m_values;
    std::sort(sorted.begin(), sorted.end());
    QVERIFY(qAbs(quantileOfSorted(sorted, 0.1) -
                 m_ref.value(QStringLiteral("quantile_0_1")).toDouble()) < 1e-9);
    QCOMPARE(quantileOfSorted(sorted, 0), 980.0);
    QCOMPARE(quantileOfSorted(sorted, 1), 6240.5);
}

void TestAnalysis::bootstrapIntervalsRepeat()
{
    const auto seed = std::uint32_t(m_ref.value(QStringLiteral("seed")).toDouble());
    for (const auto &[statistic, key] :
         {std::pair{Statistic::Mean, "mean_ci95"}, std::pair{Statistic::Median, "median_ci95"}}) {
        const auto ci = bootstrap(m_values, statistic, seed);
        QVERIFY(ci);
        const QJsonArray want = m_ref.value(QLatin1String(key)).toArray();
        QVERIFY2(qAbs(ci->low - want.at(0).toDouble()) < 1e-9,
                 qPrintable(QStringLiteral("%1: %2 vs %3")
                                .arg(QLatin1String(key))
                                .arg(ci->low)
                                .arg(want.at(0).toDouble())));
        QVERIFY2(qAbs(ci->high - want.at(1).toDouble()) < 1e-9,
                 qPrintable(QStringLiteral("%1: %2 vs %3")
                                .arg(QLatin1String(key))
                                .arg(ci->high)
                                .arg(want.at(1).toDouble())));
        // The same seed gives the same interval.
        const auto again = bootstrap(m_values, statistic, seed);
        QCOMPARE(again->low, ci->low);
        QCOMPARE(again->high, ci->high);
    }
    // Another seed draws other samples: the mean's interval moves (a median's, over 12
    // values, often lands on the same order statistics).
    const auto ci = bootstrap(m_values, Statistic::Mean, seed);
    const auto other = bootstrap(m_values, Statistic::Mean, seed + 1);
    QVERIFY(other->low != ci->low && other->high != ci->high);
}

void TestAnalysis::nothingFromNoValues()
{
    QVERIFY(!mean({}));
    QVERIFY(!median({}));
    QVERIFY(!bootstrap({}, Statistic::Mean, 1));
    // One value: every resample is that value.
    const auto one = bootstrap({42.5}, Statistic::Median, 1, 100);
    QCOMPARE(one->low, 42.5);
    QCOMPARE(one->high, 42.5);
}

namespace {

bool near(double a, double b)
{
    return qAbs(a - b) <= 1e-9 * std::max(1.0, qAbs(b));
}

/// The summary matches the reference's {count, mean, median, ci95}; why not, when not.
QString differs(const Summary &s, const QJsonObject &want)
{
    const QJsonArray ci = want.value(QStringLiteral("ci95")).toArray();
    if (s.count == want.value(QStringLiteral("count")).toInt() &&
        near(s.mean, want.value(QStringLiteral("mean")).toDouble()) &&
        near(s.median, want.value(QStringLiteral("median")).toDouble()) &&
        near(s.ci95.low, ci.at(0).toDouble()) && near(s.ci95.high, ci.at(1).toDouble()))
        return {};
    return QStringLiteral("got n=%1 mean=%2 median=%3 ci=[%4, %5], want %6")
        .arg(s.count)
        .arg(s.mean, 0, 'g', 17)
        .arg(s.median, 0, 'g', 17)
        .arg(s.ci95.low, 0, 'g', 17)
        .arg(s.ci95.high, 0, 'g', 17)
        .arg(QString::fromUtf8(QJsonDocument(want).toJson(QJsonDocument::Compact)));
}

} // namespace

namespace {

ForecastModel modelFrom(const QJsonObject &m)
{
    ForecastModel model;
    model.baseYear = m[QStringLiteral("baseYear")].toInt();
    for (const QJsonValue &y : m[QStringLiteral("years")].toArray())
        model.years.append(y.toInt());
    model.gridFactor = m[QStringLiteral("gridFactor")].toDouble();
    const QMap<QString, SourceKind> kinds{{QStringLiteral("electricity"), SourceKind::Electricity},
                                          {QStringLiteral("heat"), SourceKind::Heat},
                                          {QStringLiteral("vehicle"), SourceKind::Vehicle}};
    for (const QJsonValue &v : m[QStringLiteral("sources")].toArray())
        model.sources.append({v[QStringLiteral("name")].toString(),
                              kinds.value(v[QStringLiteral("kind")].toString(), SourceKind::Other),
                              v[QStringLiteral("kWhPerKgCO2")].toDouble()});
    for (const QJsonValue &v : m[QStringLiteral("scenarios")].toArray())
        model.scenarios.append({v[QStringLiteral("name")].toString(),
                                v[QStringLiteral("gridDecline")].toDouble(),
                                v[QStringLiteral("heatToElectric")].toDouble(),
                                v[QStringLiteral("evShare")].toDouble(),
                                v[QStringLiteral("householdGrowth")].toDouble()});
    return model;
}

bool nearInterval(const Interval &got, const QJsonValue &want)
{
    return near(got.low, want[0].toDouble()) && near(got.high, want[1].toDouble());
}

} // namespace

/// The reference's ten households as a table, with their city and forecast model.
HouseholdTable TestAnalysis::referenceHouseholds(BaselineOptions *options) const
{
    HouseholdTable table;
    const QJsonArray households = m_ref.value(QStringLiteral("baseline_households")).toArray();
    QSet<QString> sources;
    for (const QJsonValue &v : households) {
        for (const QString &key : v[QStringLiteral("sources")].toObject().keys())
            sources.insert(key);
    }
    table.sources = QStringList(sources.begin(), sources.end());
    std::sort(table.sources.begin(), table.sources.end());
    for (const QJsonValue &v : households) {
        QMap<QString, double> bySource;
        const QJsonObject s = v[QStringLiteral("sources")].toObject();
        for (auto it = s.begin(); it != s.end(); ++it)
            bySource.insert(it.key(), it.value().toDouble());
        table.append(bySource,
                     v[QStringLiteral("persons")].isDouble()
                         ? v[QStringLiteral("persons")].toDouble()
                         : std::nan(""),
                     v[QStringLiteral("group")].toString());
    }
    options->seed = std::uint32_t(m_ref.value(QStringLiteral("seed")).toDouble());
    const QJsonObject city = m_ref.value(QStringLiteral("city_households")).toObject();
    for (auto it = city.begin(); it != city.end(); ++it)
        options->households.byGroup.insert(it.key(), it.value().toDouble());
    options->model = modelFrom(m_ref.value(QStringLiteral("model")).toObject());
    return table;
}

void TestAnalysis::householdBaseline()
{
    BaselineOptions options;
    const HouseholdTable households = referenceHouseholds(&options);
    QCOMPARE(households.size(), 10);
    QCOMPARE(households.groups, QStringList({"rural", "suburban", "urban"}));
    const auto b = computeBaseline(households, options);
    QVERIFY(b);
    const QJsonObject want = m_ref.value(QStringLiteral("baseline")).toObject();
    QString why = differs(b->perHousehold, want.value(QStringLiteral("perHousehold")).toObject());
    QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("per household: ") + why));
    why = differs(b->perPerson, want.value(QStringLiteral("perPerson")).toObject());
    QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("per person: ") + why));
    const QJsonObject bySource = want.value(QStringLiteral("bySource")).toObject();
    QCOMPARE(b->bySource.keys(), bySource.keys());
    for (auto it = bySource.begin(); it != bySource.end(); ++it)
        QVERIFY2(near(b->bySource.value(it.key()), it.value().toDouble()), qPrintable(it.key()));
    const QJsonObject byGroup = want.value(QStringLiteral("byGroup")).toObject();
    QCOMPARE(b->byGroup.keys(), byGroup.keys()); // the household without a district is in none
    for (auto it = byGroup.begin(); it != byGroup.end(); ++it) {
        why = differs(b->byGroup.value(it.key()), it.value().toObject());
        QVERIFY2(why.isEmpty(), qPrintable(it.key() + QStringLiteral(": ") + why));
    }
    QVERIFY(b->warnings.isEmpty());
    QVERIFY(!computeBaseline(HouseholdTable{}, options));
}

void TestAnalysis::cityAndForecast()
{
    BaselineOptions options;
    const auto b = computeBaseline(referenceHouseholds(&options), options);
    QVERIFY(b && b->city);
    QVERIFY(b->warnings.isEmpty());
    const QJsonObject want = m_ref.value(QStringLiteral("baseline")).toObject();
    const QJsonObject city = want.value(QStringLiteral("city")).toObject();
    QVERIFY2(near(b->city->tCO2, city[QStringLiteral("tCO2")].toDouble()),
             qPrintable(QString::number(b->city->tCO2, 'g', 17)));
    QVERIFY(nearInterval(b->city->ci95, city[QStringLiteral("ci95")]));
    const QJsonArray forecast = want.value(QStringLiteral("forecast")).toArray();
    QCOMPARE(qsizetype(b->forecast.size()), forecast.size());
    QCOMPARE(forecast.size(), 6); // two scenarios × 2030, 2035, 2060
    for (qsizetype i = 0; i < forecast.size(); ++i) {
        const ForecastPoint &got = b->forecast.at(std::size_t(i));
        const QJsonObject w = forecast.at(i).toObject();
        const QString where = QStringLiteral("%1 %2: %3 vs %4")
                                  .arg(got.scenario)
                                  .arg(got.year)
                                  .arg(got.tCO2, 0, 'g', 17)
                                  .arg(w[QStringLiteral("tCO2")].toDouble(), 0, 'g', 17);
        QCOMPARE(got.scenario, w[QStringLiteral("scenario")].toString());
        QCOMPARE(got.year, w[QStringLiteral("year")].toInt());
        QVERIFY2(near(got.tCO2, w[QStringLiteral("tCO2")].toDouble()), qPrintable(where));
        QVERIFY2(nearInterval(got.ci95, w[QStringLiteral("ci95")]), qPrintable(where));
        QVERIFY2(near(got.perHousehold, w[QStringLiteral("perHousehold")].toDouble()),
                 qPrintable(where));
    }
    // With no grid decline, no electrification and no growth, every year is the baseline.
    const HouseholdTable households = referenceHouseholds(&options);
    options.model.scenarios = {Scenario{QStringLiteral("frozen")}};
    const auto frozen = computeBaseline(households, options);
    QCOMPARE(frozen->forecast.size(), std::size_t(3));
    for (const ForecastPoint &p : frozen->forecast) {
        QVERIFY(near(p.tCO2, b->city->tCO2));
        QVERIFY(near(p.ci95.low, b->city->ci95.low));
    }
}

void TestAnalysis::cityFromOneTotal()
{
    // One number for the whole city: N times the mean household, its interval N times the
    // mean's.
    BaselineOptions options;
    HouseholdTable households = referenceHouseholds(&options);
    options.households = CityHouseholds{{}, 300000.0};
    const auto b = computeBaseline(households, options);
    QVERIFY(b && b->city);
    QVERIFY(near(b->city->tCO2, 300000.0 * b->perHousehold.mean / 1000.0));
    QVERIFY(near(b->city->ci95.low, 300000.0 * b->perHousehold.ci95.low / 1000.0));
    QVERIFY(near(b->city->ci95.high, 300000.0 * b->perHousehold.ci95.high / 1000.0));
}

void TestAnalysis::cityNeedsEveryGroupSurveyed()
{
    BaselineOptions options;
    const HouseholdTable households = referenceHouseholds(&options);
    // A district with households and no survey: no city figure, and a warning that says so.
    options.households.byGroup.insert(QStringLiteral("industrial"), 9000);
    auto b = computeBaseline(households, options);
    QVERIFY(!b->city);
    QVERIFY(b->forecast.empty());
    QCOMPARE(b->warnings.size(), 1);
    QVERIFY2(b->warnings.first().contains(QStringLiteral("“industrial”")),
             qPrintable(b->warnings.first()));
    // A surveyed district without a count is left out of the city, with a warning.
    options.households.byGroup.remove(QStringLiteral("industrial"));
    options.households.byGroup.remove(QStringLiteral("rural"));
    b = computeBaseline(households, options);
    QVERIFY(b->city);
    QCOMPARE(b->warnings.size(), 1);
    QVERIFY2(b->warnings.first().contains(QStringLiteral("“rural”")),
             qPrintable(b->warnings.first()));
    const double expected = (88000 * b->byGroup.value(QStringLiteral("suburban")).mean +
                             160000 * b->byGroup.value(QStringLiteral("urban")).mean) /
                            1000.0;
    QVERIFY2(near(b->city->tCO2, expected), qPrintable(QString::number(b->city->tCO2)));
}

namespace {

// A small form with one question of each kind, a calculation, a note and a repeat.
const char *kForm =
    R"xml(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
<h:head><h:title>Kinds</h:title><model>
<itext>
 <translation lang="English (en)" default="true()">
  <text id="/d/colour:label"><value>Colour</value></text>
  <text id="/d/colour/red:label"><value>Red</value></text>
  <text id="/d/colour/blue:label"><value>Blue</value></text>
 </translation>
 <translation lang="中文 (zh)">
  <text id="/d/colour:label"><value>颜色</value></text>
  <text id="/d/colour/red:label"><value>红</value></text>
  <text id="/d/colour/blue:label"><value>蓝</value></text>
 </translation>
</itext>
<instance><d id="kinds"><colour/><fruit/><age/><double_age/><visited/><where/><note/><remark/>
<kids><kid><kid_age/></kid></kids><meta><instanceID/></meta></d></instance>
<bind nodeset="/d/colour" type="string"/><bind nodeset="/d/fruit" type="string"/>
<bind nodeset="/d/age" type="int"/><bind nodeset="/d/double_age" type="int" calculate="/d/age * 2"/>
<bind nodeset="/d/visited" type="date"/><bind nodeset="/d/where" type="geopoint"/>
<bind nodeset="/d/note" type="string" readonly="true()"/><bind nodeset="/d/remark" type="string"/>
<bind nodeset="/d/kids/kid/kid_age" type="int"/>
<bind nodeset="/d/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
</model></h:head><h:body>
<select1 ref="/d/colour"><label ref="jr:itext('/d/colour:label')"/>
 <item><label ref="jr:itext('/d/colour/red:label')"/><value>red</value></item>
 <item><label ref="jr:itext('/d/colour/blue:label')"/><value>blue</value></item></select1>
<select ref="/d/fruit"><label>Fruit</label><item><label>Apple</label><value>apple</value></item>
 <item><label>Pear</label><value>pear</value></item><item><label>Fig</label><value>fig</value></item></select>
<input ref="/d/age"><label>Age</label></input><input ref="/d/visited"><label>Visited</label></input>
<input ref="/d/where"><label>Where</label></input><input ref="/d/note"><label>A note</label></input>
<input ref="/d/remark"><label>Remark</label></input>
<group ref="/d/kids"><label>Kids</label><repeat nodeset="/d/kids/kid"><input ref="/d/kids/kid/kid_age"><label>Kid's age</label></input></repeat></group>
</h:body></h:html>)xml";

/// A submission of the kinds form: empty arguments leave the answer out.
analysis::SubmissionInput kinds(const QString &id, const QString &state, const QString &who,
                                int day, const QString &colour, const QString &fruit,
                                const QString &age, const QString &visited, const QString &where,
                                const QString &remark, const QStringList &kidAges)
{
    QString kids;
    for (const QString &a : kidAges)
        kids += QStringLiteral("<kid><kid_age>%1</kid_age></kid>").arg(a);
    const QString xml =
        QStringLiteral("<d id=\"kinds\"><colour>%1</colour><fruit>%2</fruit><age>%3</age>"
                       "<double_age>%4</double_age><visited>%5</visited><where>%6</where><note/>"
                       "<remark>%7</remark><kids>%8</kids><meta><instanceID>%9</instanceID></meta>"
                       "</d>")
            .arg(colour, fruit, age, age.isEmpty() ? QString() : QString::number(age.toInt() * 2),
                 visited, where, remark, kids, id);
    return {id, who, state, QDateTime(QDate(2026, 12, day), QTime(12, 0), Qt::UTC), xml.toUtf8()};
}

analysis::Dataset kindsData()
{
    form::FormError error;
    const auto def = form::FormDefinition::load(kForm, {}, &error);
    if (!def)
        qFatal("%s", qPrintable(error.message));
    return analysis::Dataset::build(
        def, {
                 kinds("uuid:3", "approved", "li", 2, "blue", "apple fig", "40", "2026-11-30",
                       "39.9 116.4 0 5", "", {"7"}),
                 kinds("uuid:1", "approved", "li", 1, "red", "apple", "30", "2026-11-29",
                       "31.2 121.5 0 5", "ok", {"3", "5"}),
                 kinds("uuid:2", "received", "wang", 1, "red", "pear apple", "", "2026-11-29", "",
                       "fine", {}),
                 kinds("uuid:4", "hasIssues", "wang", 3, "", "", "x1", "soon", "999 0", "", {}),
                 kinds("uuid:5", "approved", "wang", 3, "green", "fig", "55", "2026-12-01",
                       "22.5 114.1 0 5", "", {""}),
             });
}

} // namespace

void TestAnalysis::questionsOfAnyForm()
{
    using analysis::QuestionKind;
    const analysis::Dataset data = kindsData();
    // The note and the instanceID are left out; the calculation is in, marked calculated.
    QStringList paths;
    for (const auto &q : data.questions)
        paths.append(q.path);
    QCOMPARE(paths, QStringList({"/d/colour", "/d/fruit", "/d/age", "/d/double_age", "/d/visited",
                                 "/d/where", "/d/remark", "/d/kids/kid/kid_age"}));
    const QList<QuestionKind> kinds{QuestionKind::SelectOne, QuestionKind::SelectMultiple,
                                    QuestionKind::Number,    QuestionKind::Number,
                                    QuestionKind::Date,      QuestionKind::Location,
                                    QuestionKind::Text,      QuestionKind::Number};
    for (qsizetype i = 0; i < kinds.size(); ++i)
        QCOMPARE(data.questions[std::size_t(i)].kind, kinds.at(i));
    QVERIFY(data.questions[3].calculated && !data.questions[2].calculated);
    QVERIFY(data.questions[7].inRepeat);
    // Labels in each language; rows in instanceID order.
    QCOMPARE(data.languages, QStringList({"English (en)", "中文 (zh)"}));
    QCOMPARE(data.languageFor(QStringLiteral("zh_CN")), 1);
    QCOMPARE(data.questions[0].label(1), QStringLiteral("颜色"));
    QCOMPARE(data.questions[0].choiceLabel(QStringLiteral("blue"), 1), QStringLiteral("蓝"));
    QCOMPARE(data.questions[0].choiceLabel(QStringLiteral("green"), 1), QStringLiteral("green"));
    QCOMPARE(data.submissions.front().instanceId, QStringLiteral("uuid:1"));
    QCOMPARE(data.submissions.back().instanceId, QStringLiteral("uuid:5"));
    QVERIFY(data.problems.isEmpty());
}

void TestAnalysis::summariesByKind()
{
    const analysis::Dataset data = kindsData();
    const analysis::Rows all = analysis::rowsMatching(data, {});
    QCOMPARE(analysis::countRows(all), 5);
    // Select one: the form's choices in order, then the others; shares of those answering.
    auto s = analysis::summarise(data, 0, all);
    QCOMPARE(s.answered, 4);
    QCOMPARE(s.missing, 1);
    QCOMPARE(s.counts.size(), std::size_t(3));
    QCOMPARE(s.counts[0].value, QStringLiteral("red"));
    QCOMPARE(s.counts[0].count, 2);
    QCOMPARE(s.counts[0].share, 0.5);
    QCOMPARE(s.counts[1].value, QStringLiteral("blue"));
    QCOMPARE(s.counts[1].count, 1);
    QCOMPARE(s.counts[2].value, QStringLiteral("green"));
    QCOMPARE(s.counts[2].share, 0.25);
    // Select multiple: each value once per submission choosing it.
    s = analysis::summarise(data, 1, all);
    QCOMPARE(s.answered, 4);
    QCOMPARE(s.counts[0].count, 3); // apple
    QCOMPARE(s.counts[0].share, 0.75);
    QCOMPARE(s.counts[1].count, 1); // pear
    QCOMPARE(s.counts[2].count, 2); // fig
    // A number: statistics, and what is not a number is counted apart.
    s = analysis::summarise(data, 2, all);
    QCOMPARE(s.answered, 3);
    QCOMPARE(s.missing, 2); // one empty, one "x1"
    QCOMPARE(s.unreadable, 1);
    QCOMPARE(s.stats.min, 30.0);
    QCOMPARE(s.stats.max, 55.0);
    QCOMPARE(s.stats.median, 40.0);
    QVERIFY(qAbs(s.stats.mean - 125.0 / 3) < 1e-12);
    // Dates per day; a location out of range is unreadable.
    s = analysis::summarise(data, 4, all);
    QCOMPARE(s.perDay.size(), std::size_t(3));
    QCOMPARE(s.perDay[0], std::make_pair(QDate(2026, 11, 29), 2));
    QCOMPARE(s.perDay[2], std::make_pair(QDate(2026, 12, 1), 1));
    QCOMPARE(s.unreadable, 1);
    s = analysis::summarise(data, 5, all);
    QCOMPARE(s.points.size(), std::size_t(3));
    QCOMPARE(s.points[0], QPointF(121.5, 31.2));
    QCOMPARE(s.unreadable, 1);
    // Text: only how many answered.
    s = analysis::summarise(data, 6, all);
    QCOMPARE(s.answered, 2);
    QCOMPARE(s.missing, 3);
    // In a repeat: one answer per entry.
    s = analysis::summarise(data, 7, all);
    QCOMPARE(s.answered, 3);
    QCOMPARE(s.missing, 1);
    QCOMPARE(s.stats.mean, 5.0);
}

void TestAnalysis::filtersAndGroups()
{
    const analysis::Dataset data = kindsData();
    analysis::Filter approved;
    approved.approvedOnly = true;
    QCOMPARE(analysis::countRows(analysis::rowsMatching(data, approved)), 3);
    analysis::Filter byWang;
    byWang.submitter = QStringLiteral("wang");
    byWang.from = QDate(2026, 12, 2);
    QCOMPARE(analysis::rowsMatching(data, byWang), analysis::Rows({0, 0, 0, 1, 1}));
    analysis::Filter red;
    red.equals = {{0, QStringLiteral("red")}};
    const analysis::Rows redRows = analysis::rowsMatching(data, red);
    QCOMPARE(redRows, analysis::Rows({1, 1, 0, 0, 0}));
    QCOMPARE(analysis::summarise(data, 2, redRows).stats.count, 1);
    analysis::Filter nothing;
    nothing.equals = {{0, QStringLiteral("purple")}};
    QCOMPARE(analysis::countRows(analysis::rowsMatching(data, nothing)), 0);
    // Grouped by colour: choices in form order, then others, then no answer.
    const auto groups = analysis::groupRows(data, 0, analysis::rowsMatching(data, {}));
    QCOMPARE(groups.size(), std::size_t(4));
    QCOMPARE(groups[0].first, QStringLiteral("red"));
    QCOMPARE(groups[0].second, analysis::Rows({1, 1, 0, 0, 0}));
    QCOMPARE(groups[1].first, QStringLiteral("blue"));
    QCOMPARE(groups[2].first, QStringLiteral("green"));
    QCOMPARE(groups[3].first, QString());
    QCOMPARE(groups[3].second, analysis::Rows({0, 0, 0, 1, 0}));
    // Progress: per day, per review state.
    const auto progress = analysis::progressPerDay(data, analysis::rowsMatching(data, {}));
    QCOMPARE(progress.size(), std::size_t(3));
    QCOMPARE(progress[0].first, QDate(2026, 12, 1));
    QCOMPARE(progress[0].second, (std::map<QString, int>{{"approved", 1}, {"received", 1}}));
    QCOMPARE(progress[2].second, (std::map<QString, int>{{"approved", 1}, {"hasIssues", 1}}));
}

void TestAnalysis::histogramBins()
{
    using analysis::histogram;
    // 8 values: 4 bins wanted, (98 - 3) / 4 = 23.75 → width 25 from 0.
    auto bins = histogram({3, 10, 24, 25, 49, 50, 77, 98}, false);
    QCOMPARE(bins.size(), std::size_t(4));
    QCOMPARE(bins[0].from, 0.0);
    QCOMPARE(bins[0].to, 25.0);
    QCOMPARE(bins[0].count, 3);
    QCOMPARE(bins[1].count, 2); // 25 and 49
    QCOMPARE(bins[2].count, 1);
    QCOMPARE(bins[3].count, 2); // 77 and 98
    // The top value sits in a bin of its own when it falls on an edge.
    bins = histogram({0, 1, 2, 3, 4}, true);
    QCOMPARE(bins.size(), std::size_t(5));
    QCOMPARE(bins[4].from, 4.0);
    QCOMPARE(bins[4].count, 1);
    // One value; integers never get fractional widths.
    bins = histogram({7}, true);
    QCOMPARE(bins.size(), std::size_t(1));
    QCOMPARE(bins[0].from, 7.0);
    QCOMPARE(bins[0].to, 8.0);
    bins = histogram({1, 2}, true);
    QCOMPARE(bins[0].to - bins[0].from, 1.0);
    QVERIFY(histogram({}, false).empty());
    // Negative and fractional values: 3 bins wanted, 0.71 / 3 → width 0.25 from -0.5.
    bins = histogram({-0.31, -0.05, 0.12, 0.4}, false);
    QCOMPARE(bins.size(), std::size_t(4));
    QCOMPARE(bins.front().from, -0.5);
    QCOMPARE(bins.front().to, -0.25);
    for (const auto &bin : bins)
        QCOMPARE(bin.count, 1);
}

void TestAnalysis::enterpriseDemand()
{
    form::FormError error;
    const auto def = form::FormDefinition::loadFile(
        QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/enterprise_lowcarbon.xml"), {}, &error);
    QVERIFY2(def, qPrintable(error.message));
    auto firm = [](const char *id, const char *sector, const char *size, const char *services,
                   const char *audit, const char *emc, const char *spend, const char *wtp) {
        return analysis::SubmissionInput{
            QLatin1String(id), QStringLiteral("li"), QStringLiteral("approved"),
            QDateTime(QDate(2026, 12, 1), QTime(9, 0), Qt::UTC),
            QStringLiteral("<data id=\"enterprise_lowcarbon\"><sector>%1</sector><size_class>%2"
                           "</size_class><energy_spend>%3</energy_spend><audit_interest>%4"
                           "</audit_interest><emc_interest>%5</emc_interest><services>%6"
                           "</services><wtp>%7</wtp></data>")
                .arg(QLatin1String(sector), QLatin1String(size), QLatin1String(spend),
                     QLatin1String(audit), QLatin1String(emc), QLatin1String(services),
                     QLatin1String(wtp))
                .toUtf8()};
    };
    const analysis::Dataset data = analysis::Dataset::build(
        def, {firm("uuid:a", "manufacturing", "small", "rooftop_pv lighting_retrofit", "yes", "no",
                   "120", "10"),
              firm("uuid:b", "manufacturing", "large", "none", "no", "maybe", "900", ""),
              firm("uuid:c", "retail", "small", "rooftop_pv", "maybe", "yes", "40", "4"),
              firm("uuid:d", "retail", "micro", "none", "no", "no", "15", "")});
    QString why;
    const auto spec = analysis::Spec::fromJson(
        testutil::readFile(QStringLiteral(
            SURVEY_SOURCE_DIR "/examples/forms/enterprise_lowcarbon-media/analysis.json")),
        data, &why);
    QVERIFY2(spec && spec->enterprise, qPrintable(why));
    // The select multiple's nine services (not "none"), then the audit and the EMC.
    QCOMPARE(spec->enterprise->services.size(), 11);
    const analysis::EnterpriseDemand d =
        analysis::enterpriseDemand(data, *spec->enterprise, analysis::rowsMatching(data, {}));
    QCOMPARE(d.count, 4);
    QCOMPARE(d.interestedAny, 2); // a (PV, lighting, audit) and c (PV, EMC)
    auto service = [&](const QString &name) {
        for (const auto &s : d.services) {
            if (s.name == name)
                return s;
        }
        return analysis::ServiceDemand{};
    };
    QCOMPARE(service(QStringLiteral("rooftop_pv")).interested, 2);
    QCOMPARE(service(QStringLiteral("rooftop_pv")).share, 0.5);
    QCOMPARE(service(QStringLiteral("energy_audit")).interested, 1); // "maybe" is not "yes"
    QCOMPARE(service(QStringLiteral("emc")).interested, 1);
    QCOMPARE(service(QStringLiteral("ev_charging")).interested, 0);
    // By sector (form order: manufacturing before retail), then by size.
    const analysis::ServiceDemand pv = service(QStringLiteral("rooftop_pv"));
    const auto &bySector = pv.by.at(0);
    QCOMPARE(bySector.size(), std::size_t(2));
    QCOMPARE(bySector[0].first, QStringLiteral("manufacturing"));
    QCOMPARE(bySector[0].second, std::make_pair(1, 2));
    QCOMPARE(bySector[1].second, std::make_pair(1, 2));
    const auto &bySize = pv.by.at(1);
    QCOMPARE(bySize[0].first, QStringLiteral("micro"));
    QCOMPARE(bySize[0].second, std::make_pair(0, 1));
    QCOMPARE(bySize[1].second, std::make_pair(2, 2)); // small
    QCOMPARE(d.willingnessToPay.stats.count, 2);
    QCOMPARE(d.willingnessToPay.stats.mean, 7.0);
    QCOMPARE(d.totalSpend, 1075.0);
    QCOMPARE(d.estimatedSavings, (120 + 40) * 0.10);
}

void TestAnalysis::specErrorsNameTheirKey()
{
    const analysis::Dataset data = kindsData();
    const QList<std::pair<QByteArray, QString>> cases{
        {"[1]", "analysis.json is not a JSON object"},
        {"{}", "analysis.json, “household”: the spec has neither"},
        {R"({"household": {"sources": []}})", "“household.sources”: at least one source"},
        {R"({"household": {"sources": [{"name": "a", "field": "/d/colour"}]}})",
         "“household.sources[0].field”: /d/colour is not a question of the kind"},
        {R"({"household": {"sources": [{"name": "a", "field": "/d/kids/kid/kid_age"}]}})",
         "“household.sources[0].field”: /d/kids/kid/kid_age is inside a repeat"},
        {R"({"household": {"group": "/d/age", "sources": [{"name": "a", "field": "/d/age"}]}})",
         "“household.group”: /d/age is not a question of the kind"},
        {R"({"household": {"sources": [{"name": "a", "field": "/d/age", "kind": "solar"}]}})",
         "“household.sources[0].kind”: “solar” is not one of"},
        {R"({"household": {"sources": [{"name": "a", "field": "/d/age"}], "households": {"x": 5}}})",
         "“household.households”: households by group need a “group” question"},
        {R"({"household": {"sources": [{"name": "a", "field": "/d/age"}], "baseYear": 2026,
            "scenarios": [{"name": "s"}]}})",
         "“household.forecastYears”: scenarios need forecast years"},
        {R"({"household": {"sources": [{"name": "a", "field": "/d/age"}], "baseYear": 2026,
            "forecastYears": [2030, 2030]}})",
         "“household.forecastYears”: years after the base year, in ascending order"},
        {R"({"household": {"sources": [{"name": "a", "field": "/d/age"}], "baseYear": 2026,
            "gridFactor": 0.5, "forecastYears": [2030], "scenarios": [{"name": "s",
            "evShare": 1.5}]}})",
         "“household.scenarios[0].evShare”: a number from 0 to 1 is needed"},
        {R"({"enterprise": {"services": [{"field": "/d/colour"}]}})",
         "“enterprise.services[0].name”: a name is needed"},
        {R"({"resamples": 10, "enterprise": {}})", "“resamples”: a number from 100 to 100000"},
    };
    for (const auto &[json, message] : cases) {
        QString error;
        QVERIFY2(!analysis::Spec::fromJson(json, data, &error), json.constData());
        QVERIFY2(error.contains(message), qPrintable(error + QStringLiteral(" | ") + message));
    }
    QString error;
    const auto ok = analysis::Spec::fromJson(
        R"({"seed": 7, "household": {"group": "/d/colour", "persons": "/d/age",
            "sources": [{"name": "a", "field": "/d/age", "kind": "heat", "kWhPerKgCO2": 2}],
            "households": {"red": 10}}})",
        data, &error);
    QVERIFY2(ok, qPrintable(error));
    QCOMPARE(ok->seed, 7u);
    QCOMPARE(ok->household->model.sources.at(0).kWhPerKgCO2, 2.0);
    QCOMPARE(ok->household->households.byGroup.value(QStringLiteral("red")), 10.0);
}

namespace {

/// Element events as "<name" and ">text", from our scanner.
class Events : public analysis::InstanceEvents
{
public:
    QStringList list;
    void start(std::string_view name) override
    {
        list.append(QLatin1Char('<') + QString::fromUtf8(name.data(), qsizetype(name.size())));
    }
    void end(std::string_view text) override
    {
        list.append(QLatin1Char('>') + QString::fromUtf8(text.data(), qsizetype(text.size())));
    }
};

/// The same events from Qt's reader, or an empty list when it refuses the document.
QStringList qtEvents(const QByteArray &xml)
{
    QXmlStreamReader reader(xml);
    QStringList list, texts;
    while (!reader.atEnd()) {
        switch (reader.readNext()) {
        case QXmlStreamReader::StartElement:
            list.append(QLatin1Char('<') + reader.name().toString());
            texts.append(QString());
            break;
        case QXmlStreamReader::Characters:
            if (!texts.isEmpty())
                texts.last() += reader.text();
            break;
        case QXmlStreamReader::EndElement:
            list.append(QLatin1Char('>') + texts.takeLast());
            break;
        default:
            break;
        }
    }
    return reader.hasError() ? QStringList() : list;
}

} // namespace

void TestAnalysis::instanceScanAgreesWithQt()
{
    // Documents as devices write them: the examples' answers filled by the engine, and the
    // corners of XML a submission may have.
    QList<QByteArray> documents;
    for (const char *name : {"household_energy", "enterprise_lowcarbon"}) {
        form::FormError error;
        const auto def = form::FormDefinition::loadFile(
            QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/%1.xml").arg(QLatin1String(name)), {},
            &error);
        QVERIFY2(def, qPrintable(error.message));
        form::FormSession session(def);
        session.start();
        const QJsonObject answers =
            QJsonDocument::fromJson(
                testutil::readFile(
                    QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/%1.answers.json")
                        .arg(QLatin1String(name))))
                .object();
        for (auto it = answers.begin(); it != answers.end(); ++it) {
            QString why;
            if (auto *node = session.resolve(it.key(), true, &why))
                session.setValue(node, it.value().isDouble()
                                           ? QString::number(it.value().toDouble())
                                           : it.value().toString());
        }
        documents.append(session.toXml(false));
        documents.append(session.toXml(true));
    }
    documents += {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<d id=\"x\" v='1'><a>1 &lt; 2 &amp;&amp; "
        "&#x41;&#66;&quot;&apos;&gt;</a><!-- a > comment --><?pi x?><b/><c>x<![CDATA[<y>&amp;]]>z"
        "</c></d>",
        "\xEF\xBB\xBF<orx:d xmlns:orx=\"urn:o\"><orx:meta><orx:instanceID>uuid:1</orx:instanceID>"
        "</orx:meta><t a=\"&gt;\" b = 'x>y'>中文 ✓</t></orx:d>",
        "<d>\n  <r><k>1</k></r>\n  <r><k>2</k><k> 3 </k></r>\n</d>\n",
        "<d>before<e/>after</d>",
    };
    for (const QByteArray &xml : std::as_const(documents)) {
        Events ours;
        QString error;
        QVERIFY2(analysis::scanInstance(xml, ours, &error), qPrintable(error));
        const QStringList qt = qtEvents(xml);
        QVERIFY(!qt.isEmpty());
        QCOMPARE(ours.list, qt);
    }
}

void TestAnalysis::instanceScanRefusesHostileInput()
{
    const QList<std::pair<QByteArray, QString>> cases{
        {"<!DOCTYPE d [<!ENTITY a \"aaaa\">]><d>&a;</d>",
         "a document type declaration is not allowed"},
        {"<d><a></d>", "</d> does not close the open element"},
        {"<d><a>", "<a> is not closed"},
        {"<d/><e/>", "a second root element"},
        {"x<d/>", "text outside the root element"},
        {"<d>&bogus;</d>", "&bogus; is not an entity XML defines"},
        {"<d>&#xD800;</d>", "&#xD800; is not a character"},
        {"<d>& x</d>", "an & that does not start an entity"},
        {"<d a=b/>", "an attribute value without quotes"},
        {"<d a/>", "an attribute without a value"},
        {"<d><!-- x", "the document ends inside markup"},
        {"<d", "the document ends inside a tag"},
        {"", "there is no element"},
        {"<d>\n\n" + QByteArray(300, 'x').replace('x', "<e>"),
         "line 3: elements nest more than 256 deep"},
    };
    for (const auto &[xml, message] : cases) {
        Events events;
        QString error;
        QVERIFY2(!analysis::scanInstance(xml, events, &error), xml.left(60).constData());
        QVERIFY2(error.contains(message), qPrintable(error + QStringLiteral(" | ") + message));
    }
    // Work grows with the input, not faster: a million nested elements are refused at the
    // depth limit, a million siblings read in one pass.
    QByteArray siblings = "<d>";
    for (int i = 0; i < 1000000; ++i)
        siblings += "<k>1</k>";
    siblings += "</d>";
    Events events;
    QString error;
    QVERIFY(analysis::scanInstance(siblings, events, &error));
    QCOMPARE(events.list.size(), 2000002);
}

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
