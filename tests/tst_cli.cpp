// SPDX-License-Identifier: GPL-3.0-or-later
// The survey-cli contract: arguments, output formats, exit codes.
#include "testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validateOk();
    void validateError();
    void inspectJson();
    void fillOk();
    void fillProblems();
    void fillUnloadable();
    void xpathSingle();
    void chineseMessages();
    void timeZoneFollowsTz();
    void fillAnswersBeforeTheirCount();
    void fillStopsOnFormErrors();
    void xlsformToStdoutOrFile();
    void xlsformRefusesWithThePlace();
    void xlsformExamplesFillAlike_data();
    void xlsformExamplesFillAlike();

private:
    const QString m_examples = QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/");
    QTemporaryDir m_tmp;
    QString writeTemp(const QString &name, const QByteArray &data)
    {
        const QString p = m_tmp.filePath(name);
        QFile f(p);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(p));
        f.write(data);
        return p;
    }
};

void TestCli::validateOk()
{
    const auto r =
        testutil::runCli({QStringLiteral("validate"), m_examples + "household_energy.xml"});
    QCOMPARE(r.exitCode, 0);
    const QString line = QString::fromUtf8(r.out).trimmed();
    QCOMPARE(line.count(QLatin1Char('\n')), 0);
    QVERIFY(line.contains(QStringLiteral("formID=household_energy")));
    QVERIFY(line.contains(QStringLiteral("version=2026112801")));
    QVERIFY(line.contains(QStringLiteral("2 repeat(s)")));
    QVERIFY(line.contains(QStringLiteral("中文 (zh)")));
}

void TestCli::validateError()
{
    const QString bad = writeTemp(QStringLiteral("bad.xml"),
                                  "<h:html xmlns:h=\"http://www.w3.org/1999/xhtml\">\n"
                                  "<h:head><model><instance><data id=\"x\"><a/></data></instance>\n"
                                  "<bind nodeset=\"/data/a\" relevant=\"nope()\"/>\n"
                                  "</model></h:head></h:html>");
    const auto r = testutil::runCli({QStringLiteral("validate"), bad});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    const QString err = QString::fromUtf8(r.err).trimmed();
    QVERIFY2(err.startsWith(bad + QStringLiteral(":3:")), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral(": error: ")), qPrintable(err));
    QVERIFY(err.contains(QStringLiteral("nope()")));
}

void TestCli::inspectJson()
{
    const auto r =
        testutil::runCli({QStringLiteral("inspect"), m_examples + "enterprise_lowcarbon.xml",
                          QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("formID")).toString(), QStringLiteral("enterprise_lowcarbon"));
    QCOMPARE(o.value(QStringLiteral("languages")).toArray().size(), 2);
    bool sawChoices = false;
    bool sawRelevant = false;
    for (const QJsonValue &q : o.value(QStringLiteral("questions")).toArray()) {
        const QJsonObject qo = q.toObject();
        QVERIFY(qo.value(QStringLiteral("ref")).toString().startsWith(QStringLiteral("/data/")));
        QVERIFY(!qo.value(QStringLiteral("type")).toString().isEmpty());
        QCOMPARE(qo.value(QStringLiteral("labels")).toObject().size(), 2);
        if (!qo.value(QStringLiteral("choices")).toArray().isEmpty()) {
            sawChoices = true;
            const QJsonObject c = qo.value(QStringLiteral("choices")).toArray().first().toObject();
            QVERIFY(!c.value(QStringLiteral("value")).toString().isEmpty());
            QCOMPARE(c.value(QStringLiteral("labels")).toObject().size(), 2);
        }
        sawRelevant = sawRelevant || qo.contains(QStringLiteral("relevant"));
    }
    QVERIFY(sawChoices);
    QVERIFY(sawRelevant);
}

void TestCli::fillOk()
{
    const auto r = testutil::runCli(
        {QStringLiteral("fill"), m_examples + "enterprise_lowcarbon.xml",
         QStringLiteral("--answers"), m_examples + "enterprise_lowcarbon.answers.json",
         QStringLiteral("--lang"), QStringLiteral("中文 (zh)")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    QVERIFY(r.out.contains("<total_kwh>4200000</total_kwh>"));
    QVERIFY(r.out.contains("<scope2_tco2>2395.26</scope2_tco2>"));
    QVERIFY(r.out.contains("<instanceID>uuid:"));
    QVERIFY(r.out.contains("id=\"enterprise_lowcarbon\""));
}

void TestCli::fillProblems()
{
    const QString answers = writeTemp(
        QStringLiteral("answers.json"),
        R"({"/data/age": "abc", "/data/nothing/here": 1, "/data/hh/member[2]/name": "x"})");
    const QString formPath = writeTemp(
        QStringLiteral("f.xml"),
        R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa"><h:head><h:title>f</h:title><model>
<instance><data id="f"><age/><score/><hh><member jr:template=""><name/></member></hh><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/age" type="int" required="true()"/>
<bind nodeset="/data/score" type="int" constraint=". &lt; 10" jr:constraintMsg="Below ten please" required="true()"/>
<bind nodeset="/data/hh/member/name" type="string" required="true()"/>
</model></h:head><h:body><input ref="/data/age"><label>Age</label></input><input ref="/data/score"><label>S</label></input>
<group ref="/data/hh"><repeat nodeset="/data/hh/member"><input ref="/data/hh/member/name"><label>N</label></input></repeat></group></h:body></h:html>)XF");
    auto r =
        testutil::runCli({QStringLiteral("fill"), formPath, QStringLiteral("--answers"), answers});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.out.isEmpty());
    const QJsonArray problems = QJsonDocument::fromJson(r.err).array();
    QStringList seen;
    for (const QJsonValue &p : problems) {
        const QJsonObject o = p.toObject();
        QVERIFY(!o.value(QStringLiteral("message")).toString().isEmpty());
        seen << o.value(QStringLiteral("ref")).toString() + QLatin1Char('=') +
                    o.value(QStringLiteral("kind")).toString();
    }
    QVERIFY2(seen.contains(QStringLiteral("/data/age=type")), qPrintable(seen.join(',')));
    QVERIFY2(seen.contains(QStringLiteral("/data/nothing/here=unknown-ref")),
             qPrintable(seen.join(',')));
    QVERIFY2(seen.contains(QStringLiteral("/data/score=required")), qPrintable(seen.join(',')));
    QVERIFY2(seen.contains(QStringLiteral("/data/hh/member[1]/name=required")),
             qPrintable(seen.join(',')));

    const QString answers2 =
        writeTemp(QStringLiteral("answers2.json"),
                  R"({"/data/age": 3, "/data/score": 12, "/data/hh/member[1]/name": "王芳"})");
    r = testutil::runCli({QStringLiteral("fill"), formPath, QStringLiteral("--answers"), answers2});
    QCOMPARE(r.exitCode, 2);
    const QJsonArray p2 = QJsonDocument::fromJson(r.err).array();
    QCOMPARE(p2.size(), 1);
    QCOMPARE(p2[0].toObject().value(QStringLiteral("kind")).toString(),
             QStringLiteral("constraint"));
    QCOMPARE(p2[0].toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("Below ten please"));
}

void TestCli::fillUnloadable()
{
    const QString bad = writeTemp(QStringLiteral("broken.xml"), "<h:html");
    const QString answers = writeTemp(QStringLiteral("a.json"), "{}");
    const auto r =
        testutil::runCli({QStringLiteral("fill"), bad, QStringLiteral("--answers"), answers});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.startsWith(bad.toUtf8() + ":"));
}

void TestCli::xpathSingle()
{
    const QString doc = writeTemp(QStringLiteral("d.xml"), "<r a=\"1\"><x>5</x><x>7</x></r>");
    auto r = testutil::runCli({QStringLiteral("xpath"), doc, QStringLiteral("//x")});
    QCOMPARE(r.exitCode, 0);
    const QByteArray expectNodes =
        "{\"type\":\"nodeset\",\"value\":[\"/*[1]/*[1]\",\"/*[1]/*[2]\"]}";
    QCOMPARE(r.out.trimmed(), expectNodes);
    r = testutil::runCli({QStringLiteral("xpath"), doc, QStringLiteral("--context"),
                          QStringLiteral("/*[1]/*[2]"), QStringLiteral("--type"),
                          QStringLiteral("number"), QStringLiteral(". div 0")});
    const QByteArray expectInf = "{\"type\":\"number\",\"value\":\"Infinity\"}";
    QCOMPARE(r.out.trimmed(), expectInf);
    r = testutil::runCli({QStringLiteral("xpath"), doc, QStringLiteral("--type"),
                          QStringLiteral("nodeset"), QStringLiteral("1 + 1")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(QJsonDocument::fromJson(r.out).object().contains(QStringLiteral("error")));
}

void TestCli::chineseMessages()
{
    // The engine's messages come in the user's language (zh_CN from the locale); the
    // machine-read parts of the contract ("error:", JSON keys and kinds) do not change.
    const QString bad =
        writeTemp(QStringLiteral("bad-zh.xml"),
                  "<h:html xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:head><model>"
                  "<instance><data id=\"x\"><a/></data></instance>"
                  "<bind nodeset=\"/data/a\" relevant=\"nope()\"/></model></h:head></h:html>");
    const auto r = testutil::runCli(
        {QStringLiteral("validate"), bad}, {},
        {QStringLiteral("LC_ALL=zh_CN.UTF-8"), QStringLiteral("LANG=zh_CN.UTF-8")});
    QCOMPARE(r.exitCode, 1);
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.contains(QStringLiteral(": error: ")), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("未知函数")), qPrintable(err));
}

void TestCli::timeZoneFollowsTz()
{
    // Dates and times without an offset are in the process time zone (TZ).
    const QString doc = writeTemp(QStringLiteral("tz.xml"), "<r/>");
    const QStringList args = {QStringLiteral("xpath"), doc,
                              QStringLiteral("decimal-date-time('1970-01-01T08:00:00')")};
    auto shanghai = testutil::runCli(args, {}, {QStringLiteral("TZ=Asia/Shanghai")});
    QCOMPARE(
        QJsonDocument::fromJson(shanghai.out).object().value(QStringLiteral("value")).toDouble(),
        0.0);
    auto utc = testutil::runCli(args, {}, {QStringLiteral("TZ=UTC")});
    QCOMPARE(QJsonDocument::fromJson(utc.out).object().value(QStringLiteral("value")).toDouble(),
             1.0 / 3.0);
    // Across a daylight-saving change a wall-clock time keeps its hour.
    const auto dst =
        testutil::runCli({QStringLiteral("xpath"), doc,
                          QStringLiteral("format-date-time('2021-03-14T12:00:00', '%H:%M')")},
                         {}, {QStringLiteral("TZ=America/New_York")});
    QCOMPARE(QJsonDocument::fromJson(dst.out).object().value(QStringLiteral("value")).toString(),
             QStringLiteral("12:00"));
    const auto offset =
        testutil::runCli({QStringLiteral("xpath"), doc, QStringLiteral("substring(now(), 24)")}, {},
                         {QStringLiteral("TZ=Asia/Shanghai")});
    QCOMPARE(QJsonDocument::fromJson(offset.out).object().value(QStringLiteral("value")).toString(),
             QStringLiteral("+08:00"));
}

void TestCli::fillAnswersBeforeTheirCount()
{
    // The count question comes after its repeat in the instance: answers for instance 2
    // wait until the count has made it.
    const QString formPath = writeTemp(
        QStringLiteral("late-count.xml"),
        R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa"><h:head><h:title>late</h:title><model>
<instance><data id="late"><rep jr:template=""><x/></rep><n/><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/rep/x" type="string"/><bind nodeset="/data/n" type="int"/>
</model></h:head><h:body><repeat nodeset="/data/rep" jr:count="/data/n"><input ref="/data/rep/x"><label>x</label></input></repeat>
<input ref="/data/n"><label>n</label></input></h:body></h:html>)XF");
    const QString answers =
        writeTemp(QStringLiteral("late.json"),
                  R"({"/data/rep[2]/x": "b", "/data/rep[1]/x": "a", "/data/n": 2})");
    const auto r =
        testutil::runCli({QStringLiteral("fill"), formPath, QStringLiteral("--answers"), answers});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains("<rep><x>a</x></rep><rep><x>b</x></rep>"));
}

void TestCli::fillStopsOnFormErrors()
{
    // A rule the engine cannot evaluate is never passed: fill exits 2 and names it (kind
    // "error", with the expression and the reason), as it does for a missing answer.
    const QString formPath = writeTemp(
        QStringLiteral("bad-rule.xml"),
        R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"><h:head><h:title>r</h:title><model>
<instance><data id="r"><code/><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/code" type="string" constraint="regex(., '[')"/>
</model></h:head><h:body><input ref="/data/code"><label>Code</label></input></h:body></h:html>)XF");
    const QString answers = writeTemp(QStringLiteral("code.json"), R"({"/data/code": "A1"})");
    const auto r =
        testutil::runCli({QStringLiteral("fill"), formPath, QStringLiteral("--answers"), answers});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.out.isEmpty());
    const QJsonArray problems = QJsonDocument::fromJson(r.err).array();
    QCOMPARE(problems.size(), 1);
    const QJsonObject p = problems[0].toObject();
    QCOMPARE(p.value(QStringLiteral("ref")).toString(), QStringLiteral("/data/code"));
    QCOMPARE(p.value(QStringLiteral("kind")).toString(), QStringLiteral("error"));
    QVERIFY2(p.value(QStringLiteral("message")).toString().contains(QLatin1String("regex(., '[')")),
             qPrintable(p.value(QStringLiteral("message")).toString()));
}

void TestCli::xlsformToStdoutOrFile()
{
    const QString md =
        writeTemp(QStringLiteral("stock.md"), "| survey |         |        |        |\n"
                                              "|        | type    | name   | label  |\n"
                                              "|        | integer | bags   | Bags   |\n"
                                              "|        | image   | photo  | Photo  |\n");
    // The XForm on stdout, the warning (a photo without max-pixels) on stderr, exit 0.
    auto r = testutil::runCli({QStringLiteral("xlsform"), md});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith("<?xml version=\"1.0\"?>\n<h:html"));
    QVERIFY(r.out.contains("<stock id=\"stock\">"));
    QVERIFY(r.out.contains("<bind nodeset=\"/stock/bags\" type=\"int\"/>"));
    QCOMPARE(r.err, QByteArray("warning: Sheet 'survey', row 3: Use the max-pixels parameter to "
                               "keep photos small: sending is faster and takes less space.\n"));
    // With -o the XForm goes to the file (the same bytes), and --name names the root.
    const QString out = m_tmp.filePath(QStringLiteral("stock.xml"));
    r = testutil::runCli({QStringLiteral("xlsform"), md, QStringLiteral("-o"), out,
                          QStringLiteral("--name"), QStringLiteral("data")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.isEmpty());
    const QByteArray xml = testutil::readFile(out);
    QVERIFY(xml.contains("<data id=\"stock\">"));
    const auto validated = testutil::runCli({QStringLiteral("validate"), out});
    QCOMPARE(validated.exitCode, 0);
    // Usage errors are 64.
    QCOMPARE(testutil::runCli({QStringLiteral("xlsform")}).exitCode, 64);
}

void TestCli::xlsformRefusesWithThePlace()
{
    const QString md =
        writeTemp(QStringLiteral("broken.md"), "| survey |             |      |       |\n"
                                               "|        | type        | name | label |\n"
                                               "|        | begin group | g    | G     |\n"
                                               "|        | text        | a    | A     |\n");
    const QString out = m_tmp.filePath(QStringLiteral("broken-xlsform-out.xml"));
    auto r = testutil::runCli({QStringLiteral("xlsform"), md, QStringLiteral("-o"), out});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    QVERIFY(!QFile::exists(out));
    QCOMPARE(r.err, QByteArray("error: Sheet 'survey', row 2, column 'type': 'begin group' has no "
                               "matching 'end group'.\n"));
    // In Chinese when the user's language is.
    r = testutil::runCli(
        {QStringLiteral("xlsform"), md}, {},
        {QStringLiteral("LC_ALL=zh_CN.UTF-8"), QStringLiteral("LANG=zh_CN.UTF-8")});
    QCOMPARE(r.exitCode, 1);
    const QString zh = QString::fromUtf8(r.err);
    QVERIFY2(zh.contains(QStringLiteral("工作表")) && zh.contains(QStringLiteral("第 2 行")),
             qPrintable(zh));
}

void TestCli::xlsformExamplesFillAlike_data()
{
    QTest::addColumn<QString>("form");
    QTest::addColumn<QString>("lang");
    for (const char *form : {"household_energy", "enterprise_lowcarbon"}) {
        for (const char *lang : {"", "English (en)", "中文 (zh)"})
            QTest::newRow(qPrintable(
                QStringLiteral("%1 %2").arg(QLatin1String(form), QString::fromUtf8(lang))))
                << QString::fromLatin1(form) << QString::fromUtf8(lang);
    }
}

void TestCli::xlsformExamplesFillAlike()
{
    // The example forms' XLSForm sources, converted by our code, fill to the same
    // submissions as the hand-written XForms, answer for answer (times and IDs aside).
    QFETCH(QString, form);
    QFETCH(QString, lang);
    const QString converted = m_tmp.filePath(form + QStringLiteral("-from-xlsx.xml"));
    auto r =
        testutil::runCli({QStringLiteral("xlsform"), m_examples + form + QStringLiteral(".xlsx"),
                          QStringLiteral("-o"), converted});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString answers = m_examples + form + QStringLiteral(".answers.json");
    const auto fill = [&](const QString &xform) {
        QStringList args{QStringLiteral("fill"), xform, QStringLiteral("--answers"), answers};
        if (!lang.isEmpty())
            args << QStringLiteral("--lang") << lang;
        const auto run = testutil::runCli(args);
        if (run.exitCode != 0)
            qWarning("%s", run.err.constData());
        QString xml = QString::fromUtf8(run.out);
        static const QRegularExpression varying(QStringLiteral("<(start|end|instanceID)>[^<]*<"));
        xml.replace(varying, QStringLiteral("<\\1>…<"));
        return xml;
    };
    const QString fromXml = fill(m_examples + form + QStringLiteral(".xml"));
    const QString fromXlsx = fill(converted);
    QVERIFY(fromXml.contains(QStringLiteral("<instanceID>…<")));
    QVERIFY(fromXml.size() > 500);
    QCOMPARE(fromXlsx, fromXml);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
