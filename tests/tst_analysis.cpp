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

private:
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

void TestAnalysis::householdBaseline()
{
    QList<Household> households;
    for (const QJsonValue &v : m_ref.value(QStringLiteral("baseline_households")).toArray()) {
        Household h;
        h.group = v[QStringLiteral("group")].toString();
        if (v[QStringLiteral("persons")].isDouble())
            h.persons = v[QStringLiteral("persons")].toDouble();
        const QJsonObject sources = v[QStringLiteral("sources")].toObject();
        for (auto it = sources.begin(); it != sources.end(); ++it)
            h.bySource.insert(it.key(), it.value().toDouble());
        households.append(h);
    }
    QCOMPARE(households.size(), 10);
    const auto b =
        computeBaseline(households, std::uint32_t(m_ref.value(QStringLiteral("seed")).toDouble()));
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
    QVERIFY(!computeBaseline({}, 1));
}

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
