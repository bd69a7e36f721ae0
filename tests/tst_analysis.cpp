// SPDX-License-Identifier: GPL-3.0-or-later
// The analysis library against figures worked out apart from it: tests/data/analysis/
// reference.py computes them in plain Python from the published definitions (MT19937,
// type-7 quantiles, the percentile bootstrap) and says how in its header.
#include "testutil.h"

#include "baseline.h"
#include "stats.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cmath>

using namespace survey::analysis;

class TestAnalysis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void randomNumbersAreMt19937();
    void meanMedianQuantile();
    void bootstrapIntervalsRepeat();
    void nothingFromNoValues();
    void householdBaseline();
    void cityAndForecast();
    void cityFromOneTotal();
    void cityNeedsEveryGroupSurveyed();

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

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
