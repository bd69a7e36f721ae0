// SPDX-License-Identifier: GPL-3.0-or-later
// Real forms others wrote, filled end to end from answers kept in tests/data/realforms/,
// with their computed values checked against figures worked out independently.
#include "testutil.h"

#include "formsession.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

using namespace survey::form;

class TestRealForms : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void whoVerbalAutopsy();
    void soarFacilitySurvey();
};

namespace {

const QString kInfo = QStringLiteral("/data/consented/deceased_CRVS/info_on_deceased/");

std::shared_ptr<const FormDefinition> loadShared(const QString &relative)
{
    FormError err;
    auto def =
        FormDefinition::loadFile(QStringLiteral(SURVEY_SHARED_FORMS "/") + relative, {}, &err);
    if (!def)
        qWarning("%s:%d:%d %s", qPrintable(relative), err.line, err.column,
                 qPrintable(err.message));
    return def;
}

/// Applies the answers in form order (as an enumerator meets the questions); returns the
/// refused ones.
QStringList fill(FormSession &s, const QString &answersFile)
{
    const QJsonObject answers =
        QJsonDocument::fromJson(
            testutil::readFile(QStringLiteral(SURVEY_TEST_DATA "/realforms/") + answersFile))
            .object();
    const FormDefinition &def = s.definition();
    QStringList keys = answers.keys();
    auto schemaOf = [&](QString p) {
        p.remove(QRegularExpression(QStringLiteral("\\[\\d+\\]")));
        return def.schemaForPath(p);
    };
    std::stable_sort(keys.begin(), keys.end(), [&](const QString &a, const QString &b) {
        return std::make_pair(schemaOf(a), a) < std::make_pair(schemaOf(b), b);
    });
    QStringList refused;
    for (const QString &k : keys) {
        QString err;
        XmlNode *n = s.resolve(k, true, &err);
        if (!n) {
            refused << k + QStringLiteral(": ") + err;
            continue;
        }
        err = s.setValue(n, answers.value(k).toString());
        if (!err.isEmpty())
            refused << k + QStringLiteral(": ") + err;
    }
    return refused;
}

} // namespace

void TestRealForms::whoVerbalAutopsy()
{
    const auto def = loadShared(QStringLiteral("javarosa/src__jmh__resources__whova_form.xml"));
    QVERIFY(def);
    FormSession s(def);
    s.start();
    const QStringList refused = fill(s, QStringLiteral("whova.answers.json"));
    QVERIFY2(refused.isEmpty(), qPrintable(refused.join(QLatin1Char('\n'))));
    const auto problems = s.validate();
    QVERIFY2(problems.empty(),
             problems.empty() ? "" : qPrintable(problems.front().ref + problems.front().message));

    // Born 1950-03-15, died 2020-06-01: 25,646 days; 70 years (25646 div 365.25 = 70.2);
    // 78.5 days over; 2 months (78.5 div 30.4375) and 17 days (78.5 mod 30.4375 = 17.6).
    QCOMPARE(s.value(kInfo + QStringLiteral("Id10023")), QStringLiteral("2020-06-01"));
    QCOMPARE(s.value(kInfo + QStringLiteral("ageInDays")), QStringLiteral("25646"));
    QCOMPARE(s.value(kInfo + QStringLiteral("ageInYears")), QStringLiteral("70"));
    QCOMPARE(s.value(kInfo + QStringLiteral("ageInYearsRemain")), QStringLiteral("78.5"));
    QCOMPARE(s.value(kInfo + QStringLiteral("ageInMonths")), QStringLiteral("2"));
    QCOMPARE(s.value(kInfo + QStringLiteral("ageInMonthsRemain")), QStringLiteral("17"));
    QCOMPARE(s.value(kInfo + QStringLiteral("isAdult1")), QStringLiteral("1"));
    QCOMPARE(s.value(kInfo + QStringLiteral("isChild1")), QStringLiteral("0"));
    QCOMPARE(s.value(kInfo + QStringLiteral("isNeonatal1")), QStringLiteral("0"));
    QCOMPARE(s.value(kInfo + QStringLiteral("isAdult")), QStringLiteral("1"));
    XmlNode *display = s.resolve(kInfo + QStringLiteral("displayAgeAdult"), false, nullptr);
    QVERIFY(s.isRelevant(display));
    QVERIFY(!s.isRelevant(s.resolve(kInfo + QStringLiteral("displayAgeChild"), false, nullptr)));

    // Two languages, switched at run time.
    XmlNode *sex = s.resolve(kInfo + QStringLiteral("Id10019"), false, nullptr);
    const int control = def->schema[static_cast<std::size_t>(sex->schemaIndex)].control;
    QVERIFY(s.setLanguage(QStringLiteral("English")));
    const QString english = s.label(control, sex);
    QVERIFY(s.setLanguage(QStringLiteral("French")));
    QVERIFY(s.label(control, sex) != english);
    QVERIFY(!english.isEmpty());

    // The submission: relevant answers only, with its identity and timestamps.
    s.finalize();
    const QByteArray xml = s.toXml(true);
    QVERIFY(xml.contains("<ageInDays>25646</ageInDays>"));
    QVERIFY(xml.contains("<instanceID>uuid:"));
    QVERIFY(!xml.contains("<displayAgeChild"));
    FormSession back(def);
    QString err;
    QVERIFY2(back.loadInstance(xml, &err), qPrintable(err));
    QCOMPARE(back.value(kInfo + QStringLiteral("ageInYears")), QStringLiteral("70"));
    QCOMPARE(back.instanceId(), s.instanceId());
}

void TestRealForms::soarFacilitySurvey()
{
    const auto def = loadShared(QStringLiteral(
        "enketo/packages__enketo-core__test__forms__SOAR_facilitysurvey_full_2017May11_Kenya.xml"));
    QVERIFY(def);
    FormSession s(def);
    s.start();
    const QStringList refused = fill(s, QStringLiteral("soar.answers.json"));
    QVERIFY2(refused.isEmpty(), qPrintable(refused.join(QLatin1Char('\n'))));
    const auto problems = s.validate();
    QVERIFY2(problems.empty(),
             problems.empty() ? "" : qPrintable(problems.front().ref + problems.front().message));

    // jr:count="/data/S1Q1_12_repeat_count" (calculate="3") makes three rows, each naming
    // itself from position(..).
    const int rep = def->schemaForPath(QStringLiteral("/data/S1Q1_12_repeat"));
    QCOMPARE(s.repeatInstances(s.root(), rep).size(), 3u);
    const QStringList names = {QStringLiteral("Cash support"), QStringLiteral("Training"),
                               QStringLiteral("Technical Assistance")};
    for (int i = 1; i <= 3; ++i) {
        const QString base = QStringLiteral("/data/S1Q1_12_repeat[%1]/").arg(i);
        QCOMPARE(s.value(base + QStringLiteral("position_repeat_S1Q1_12")), QString::number(i));
        QCOMPARE(s.value(base + QStringLiteral("row_type_S1Q1_12")), names[i - 1]);
    }
    // A nested repeat counted relative to its own place (jr:count=" ../S7Q3_repeat_count ",
    // calculate="3") has its three rows in the section's instance.
    XmlNode *s7 = s.resolve(QStringLiteral("/data/S7_repeat[1]"), false, nullptr);
    QVERIFY(s7);
    QCOMPARE(
        s.repeatInstances(s7, def->schemaForPath(QStringLiteral("/data/S7_repeat/S7Q3_repeat")))
            .size(),
        3u);
    // Rows are not added or removed by hand when the form counts them.
    QVERIFY(!s.canAddRemove(rep));
    // The constraint on the fiscal year: an end before the start is refused with the
    // form's own message.
    XmlNode *end = s.resolve(QStringLiteral("/data/S6Q1_1-2/S6Q1_2_end"), false, nullptr);
    QCOMPARE(s.setValue(end, QStringLiteral("2016-01-01")), QString());
    const auto p = s.check(end);
    QVERIFY(p);
    QCOMPARE(p->message, QStringLiteral("End date of fiscal year cannot be before start date!"));
    s.setValue(end, QStringLiteral("2017-06-30"));
    QVERIFY(!s.check(end));
    const QByteArray xml = s.toXml(true);
    QVERIFY(xml.contains("<row_type_S1Q1_12>Technical Assistance</row_type_S1Q1_12>"));
}

QTEST_GUILESS_MAIN(TestRealForms)
#include "tst_realforms.moc"
