// SPDX-License-Identifier: GPL-3.0-or-later
// `survey-cli analyse` on a device store: the example household form (with its published
// analysis.json), twenty households filled by the form engine from the answers that
// tests/data/analysis/reference.py lists, eighteen pulled for review with their states and
// two finalized on the device. The figures are checked against the ones reference.py works
// out from the same answers with the form's own formulas (see its header).
#include "households.h"

#include <QRegularExpression>
#include <QStandardPaths>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace survey;

namespace {

using households::kExamples;

using households::near;

struct Run
{
    int code = -1;
    QByteArray out;
    QString err;
};

Run cli(const QStringList &args)
{
    const testutil::Run run = testutil::runProgram(QStringLiteral(SURVEY_CLI), args);
    return {run.exitCode, run.out, QString::fromUtf8(run.err)};
}

} // namespace

class TestAnalysisStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void jsonMatchesTheReference_data();
    void jsonMatchesTheReference();
    void csvFiles();
    void withoutSpecOnlyTheSummaries();
    void badSpecIsRefusedWithItsKey();
    void unreadableSubmissionIsLeftOutAndSaid();
    void pdfReport_data();
    void pdfReport();
    void usage();

private:
    QJsonObject m_ref;
    std::shared_ptr<const form::FormDefinition> m_form;
};

void TestAnalysisStore::initTestCase()
{
    m_ref = households::reference();
    m_form = households::householdForm();
    QVERIFY(m_form);
}

void TestAnalysisStore::jsonMatchesTheReference_data()
{
    QTest::addColumn<bool>("approvedOnly");
    QTest::addColumn<QString>("key");
    QTest::newRow("all") << false << QStringLiteral("store_all");
    QTest::newRow("approved only") << true << QStringLiteral("store_approved");
}

void TestAnalysisStore::jsonMatchesTheReference()
{
    QFETCH(bool, approvedOnly);
    QFETCH(QString, key);
    QTemporaryDir dir;
    QVERIFY(households::seedStore(dir.path(), true));
    QStringList args{QStringLiteral("analyse"), QStringLiteral("household_energy"),
                     QStringLiteral("--data"), dir.path(), QStringLiteral("--json")};
    if (approvedOnly)
        args.append(QStringLiteral("--approved-only"));
    const Run run = cli(args);
    QVERIFY2(run.code == 0, qPrintable(run.err));
    QCOMPARE(run.err, QString()); // no warnings: every district has households
    const QJsonObject got = QJsonDocument::fromJson(run.out).object();
    const QJsonObject want = m_ref.value(key).toObject();

    QCOMPARE(got[QStringLiteral("count")].toInt(), want[QStringLiteral("count")].toInt());
    // Submissions per day and state. The device's own records are dated when it finalized
    // them (today): taken out here, and counted.
    QJsonArray progress;
    int unreviewed = 0;
    for (const QJsonValue &day : got[QStringLiteral("progress")].toArray()) {
        QJsonObject states = day[QStringLiteral("states")].toObject();
        if (states.contains(QStringLiteral("unreviewed"))) {
            QCOMPARE(day[QStringLiteral("date")].toString(),
                     QDateTime::currentDateTime().date().toString(Qt::ISODate));
            unreviewed += states.take(QStringLiteral("unreviewed")).toInt();
        }
        if (!states.isEmpty())
            progress.append(QJsonObject{{QStringLiteral("date"), day[QStringLiteral("date")]},
                                        {QStringLiteral("states"), states}});
    }
    QCOMPARE(unreviewed, approvedOnly ? 0 : 2);
    QCOMPARE(progress, want[QStringLiteral("progress")].toArray());

    // Two questions' summaries: a select one's counts and shares, a number's statistics and
    // histogram.
    QJsonObject district, kwh;
    for (const QJsonValue &q : got[QStringLiteral("questions")].toArray()) {
        if (q[QStringLiteral("path")] == QStringLiteral("/data/district"))
            district = q.toObject();
        if (q[QStringLiteral("path")] == QStringLiteral("/data/elec_kwh"))
            kwh = q.toObject();
    }
    QCOMPARE(district[QStringLiteral("kind")].toString(), QStringLiteral("selectOne"));
    const QJsonObject wantDistricts = want[QStringLiteral("district")].toObject();
    QCOMPARE(district[QStringLiteral("counts")].toArray().size(), 3);
    for (const QJsonValue &c : district[QStringLiteral("counts")].toArray()) {
        const QJsonObject w = wantDistricts[c[QStringLiteral("value")].toString()].toObject();
        QCOMPARE(c[QStringLiteral("count")].toInt(), w[QStringLiteral("count")].toInt());
        QVERIFY(near(c[QStringLiteral("share")].toDouble(), w[QStringLiteral("share")].toDouble()));
    }
    QCOMPARE(kwh[QStringLiteral("stats")].toObject(),
             want[QStringLiteral("elec_kwh")][QStringLiteral("stats")].toObject());
    QCOMPARE(kwh[QStringLiteral("histogram")].toArray(),
             want[QStringLiteral("elec_kwh")][QStringLiteral("histogram")].toArray());

    // The baseline, the city and the forecast, to 1e-9.
    const QString mismatch = households::baselineMismatch(
        got[QStringLiteral("baseline")].toObject(), want[QStringLiteral("baseline")].toObject());
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void TestAnalysisStore::csvFiles()
{
    QTemporaryDir dir;
    QVERIFY(households::seedStore(dir.path(), true));
    const QString out = dir.filePath(QStringLiteral("figures"));
    const Run run = cli({QStringLiteral("analyse"), QStringLiteral("household_energy"),
                         QStringLiteral("--data"), dir.path(), QStringLiteral("--csv"), out});
    QVERIFY2(run.code == 0, qPrintable(run.err));
    QCOMPARE(run.out, QByteArray());
    const QStringList forecast =
        QString::fromUtf8(testutil::readFile(out + QStringLiteral("/forecast.csv")))
            .split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(forecast.size(), 7);
    QCOMPARE(forecast.first(),
             QStringLiteral("scenario,year,tCO2,ci95_low,ci95_high,perHousehold_kgCO2"));
    QVERIFY2(forecast.at(1).startsWith(QStringLiteral("current,2030,")),
             qPrintable(forecast.at(1)));
    const QJsonValue first = m_ref[QStringLiteral("store_all")][QStringLiteral("baseline")]
                                  [QStringLiteral("forecast")][0];
    QVERIFY(near(forecast.at(1).split(u',').at(2).toDouble(),
                 first[QStringLiteral("tCO2")].toDouble()));
    const QString baseline =
        QString::fromUtf8(testutil::readFile(out + QStringLiteral("/baseline.csv")));
    QVERIFY2(baseline.contains(QStringLiteral("\r\ncity_tCO2,,,")), qPrintable(baseline));
    const QString choices =
        QString::fromUtf8(testutil::readFile(out + QStringLiteral("/choices.csv")));
    QVERIFY2(choices.contains(
                 QStringLiteral("/data/district,Type of area,urban,Urban district,8,0.4\r\n")),
             qPrintable(choices.left(400)));
    QVERIFY(QFile::exists(out + QStringLiteral("/questions.csv")));
    QVERIFY(QFile::exists(out + QStringLiteral("/progress.csv")));
    QVERIFY(!QFile::exists(out + QStringLiteral("/enterprise.csv")));
}

void TestAnalysisStore::withoutSpecOnlyTheSummaries()
{
    QTemporaryDir dir;
    QVERIFY(households::seedStore(dir.path(), false));
    const Run run = cli({QStringLiteral("analyse"), QStringLiteral("household_energy"),
                         QStringLiteral("--data"), dir.path(), QStringLiteral("--json")});
    QVERIFY2(run.code == 0, qPrintable(run.err));
    const QJsonObject got = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(got[QStringLiteral("count")].toInt(), 20);
    QVERIFY(!got.contains(QStringLiteral("baseline")));
    QVERIFY(got[QStringLiteral("questions")].toArray().size() > 30);
    // A spec given on the command line adds the baseline.
    const Run withSpec = cli({QStringLiteral("analyse"), QStringLiteral("household_energy"),
                              QStringLiteral("--data"), dir.path(), QStringLiteral("--json"),
                              QStringLiteral("--spec"),
                              kExamples + QStringLiteral("/household_energy-media/analysis.json")});
    QVERIFY2(withSpec.code == 0, qPrintable(withSpec.err));
    QVERIFY(QJsonDocument::fromJson(withSpec.out).object().contains(QStringLiteral("baseline")));
}

void TestAnalysisStore::badSpecIsRefusedWithItsKey()
{
    QTemporaryDir dir;
    QVERIFY(households::seedStore(dir.path(), false));
    QJsonObject spec =
        QJsonDocument::fromJson(
            testutil::readFile(kExamples + QStringLiteral("/household_energy-media/analysis.json")))
            .object();
    QJsonObject household = spec[QStringLiteral("household")].toObject();
    household[QStringLiteral("persons")] = QStringLiteral("/data/no_such_question");
    spec[QStringLiteral("household")] = household;
    const QString path = dir.filePath(QStringLiteral("bad.json"));
    QVERIFY(testutil::writeFile(path, QJsonDocument(spec).toJson()));
    Run run = cli({QStringLiteral("analyse"), QStringLiteral("household_energy"),
                   QStringLiteral("--data"), dir.path(), QStringLiteral("--json"),
                   QStringLiteral("--spec"), path});
    QCOMPARE(run.code, 1);
    QCOMPARE(run.out, QByteArray());
    QCOMPARE(run.err, QStringLiteral("error: analysis.json, “household.persons”: "
                                     "/data/no_such_question is not a question of the form.\n"));
    // A spec far larger than any real one is refused before it is read.
    QVERIFY(testutil::writeFile(path, QByteArray(2 << 20, ' ')));
    run = cli({QStringLiteral("analyse"), QStringLiteral("household_energy"),
               QStringLiteral("--data"), dir.path(), QStringLiteral("--json"),
               QStringLiteral("--spec"), path});
    QCOMPARE(run.code, 1);
    QVERIFY2(run.err.contains(QStringLiteral("larger than the 1 MB")), qPrintable(run.err));
}

void TestAnalysisStore::unreadableSubmissionIsLeftOutAndSaid()
{
    QTemporaryDir dir;
    QVERIFY(households::seedStore(dir.path(), false));
    {
        store::StoreError e;
        auto s = store::Store::open(dir.path(), &e);
        QVERIFY(s);
        store::PulledSubmission p;
        p.head.instanceId = QStringLiteral("uuid:broken");
        p.head.formId = QStringLiteral("household_energy");
        p.head.formVersion = m_form->version;
        p.head.submitter = QStringLiteral("li");
        p.head.reviewState = QStringLiteral("received");
        p.head.currentVersion = p.head.instanceId;
        p.head.createdAt = QDateTime(QDate(2026, 12, 5), QTime(9, 0), Qt::UTC);
        p.head.changeSeq = 100;
        store::ReviewVersion v;
        v.instanceId = p.head.instanceId;
        v.formVersion = m_form->version;
        v.current = true;
        v.createdAt = p.head.createdAt;
        v.xml = "<data id=\"household_energy\"><district>urban</district><elec_kwh>3";
        p.versions.push_back(v);
        store::ReviewStore review(*s);
        QVERIFY2(
            review.storePulled(QStringLiteral("https://example.org/v1/projects/1"), {p}, 100, &e),
            qPrintable(e.message));
    }
    const Run run = cli({QStringLiteral("analyse"), QStringLiteral("household_energy"),
                         QStringLiteral("--data"), dir.path(), QStringLiteral("--json")});
    QVERIFY2(run.code == 0, qPrintable(run.err));
    const QJsonObject got = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(got[QStringLiteral("count")].toInt(), 20);
    QCOMPARE(got[QStringLiteral("problems")].toArray().size(), 1);
    QVERIFY2(run.err.startsWith(QStringLiteral("warning: uuid:broken: the submission cannot be "
                                               "read (line 1: ")),
             qPrintable(run.err));
}

void TestAnalysisStore::pdfReport_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QStringList>("sections");
    QTest::newRow("en") << QStringLiteral("C.UTF-8")
                        << QStringList{QStringLiteral("Household Energy Use and Emissions Survey"),
                                       QStringLiteral("Method"),
                                       QStringLiteral("Household carbon baseline"),
                                       QStringLiteral("Forecast of the city's household emissions"),
                                       QStringLiteral("Each question")};
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN.UTF-8")
                           << QStringList{QStringLiteral("家庭能源使用与碳排放调查"),
                                          QStringLiteral("方法"), QStringLiteral("家庭碳排放基线"),
                                          QStringLiteral("全市家庭排放预测"),
                                          QStringLiteral("各问题")};
}

void TestAnalysisStore::pdfReport()
{
    QFETCH(QString, language);
    QFETCH(QStringList, sections);
    if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty())
        QFAIL(
            "pdftotext (poppler-utils) is needed to read the report: scripts/deps.sh installs it");
    QTemporaryDir dir;
    QVERIFY(households::seedStore(dir.path(), true));
    const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
    const testutil::Run run = testutil::runProgram(
        QStringLiteral(SURVEY_CLI),
        {QStringLiteral("analyse"), QStringLiteral("household_energy"), QStringLiteral("--data"),
         dir.path(), QStringLiteral("--pdf"), pdf},
        {}, {QStringLiteral("LC_ALL=") + language, QStringLiteral("LANGUAGE=")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(run.out, QByteArray());
    QVERIFY(QFile::exists(pdf));
    // Its pages: at least the cover, the baseline, the forecast and the questions; each
    // section's title in the report's language, in order.
    const testutil::Run info = testutil::runProgram(QStringLiteral("pdfinfo"), {pdf});
    QCOMPARE(info.exitCode, 0);
    const QRegularExpressionMatch pages =
        QRegularExpression(QStringLiteral("Pages:\\s+(\\d+)")).match(QString::fromUtf8(info.out));
    QVERIFY(pages.hasMatch());
    QVERIFY2(pages.captured(1).toInt() >= 4, qPrintable(pages.captured(1)));
    const testutil::Run text = testutil::runProgram(
        QStringLiteral("pdftotext"), {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
    QCOMPARE(text.exitCode, 0);
    // NFKC: the CJK font shares some glyphs with the Kangxi radicals (用 and ⽤), and the
    // PDF's text map names the radical.
    const QString words = QString::fromUtf8(text.out).normalized(QString::NormalizationForm_KC);
    qsizetype at = 0;
    for (const QString &section : sections) {
        const qsizetype found = words.indexOf(section, at);
        QVERIFY2(found >= 0, qPrintable(section));
        at = found;
    }
    // The city's figure, as reference.py works it out.
    const QLocale locale =
        language.startsWith(QLatin1String("zh"))
            ? QLocale(QLocale::Chinese, QLocale::SimplifiedChineseScript, QLocale::China)
            : QLocale(QLocale::English, QLocale::UnitedKingdom);
    const double city = m_ref[QStringLiteral("store_all")][QStringLiteral("baseline")]
                             [QStringLiteral("city")][QStringLiteral("tCO2")]
                                 .toDouble();
    QVERIFY2(words.contains(locale.toString(city, 'f', 0)),
             qPrintable(locale.toString(city, 'f', 0)));
}

void TestAnalysisStore::usage()
{
    QTemporaryDir dir;
    for (const QStringList &args :
         {QStringList{QStringLiteral("analyse"), QStringLiteral("f"), QStringLiteral("--data"),
                      dir.path()},
          QStringList{QStringLiteral("analyse"), QStringLiteral("f"), QStringLiteral("--json"),
                      QStringLiteral("--csv"), dir.path(), QStringLiteral("--data"), dir.path()},
          QStringList{QStringLiteral("analyse"), QStringLiteral("--data"), dir.path(),
                      QStringLiteral("--json")}}) {
        const Run run = cli(args);
        QCOMPARE(run.code, 64);
        QVERIFY2(run.err.startsWith(QStringLiteral("usage: survey-cli analyse FORM_ID")),
                 qPrintable(run.err));
    }
    const Run missing = cli({QStringLiteral("analyse"), QStringLiteral("nope"),
                             QStringLiteral("--data"), dir.path(), QStringLiteral("--json")});
    QCOMPARE(missing.code, 1);
    QCOMPARE(missing.err,
             QStringLiteral("error: The form 'nope' is not on this device: add it or sync with the "
                            "server first.\n"));
}

QTEST_GUILESS_MAIN(TestAnalysisStore)
#include "tst_analysis_store.moc"
