// SPDX-License-Identifier: GPL-3.0-or-later
#include "testutil.h"

#include "formsession.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace survey::form;

class TestSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void relevanceAndCalculate();
    void relevanceIsInherited();
    void constraintAndRequired();
    void typeChecks();
    void repeatsAddRemove();
    void repeatCount();
    void incrementalRecompute();
    void roundTrip();
    void editSetsDeprecatedId();
    void languages();
    void navigation();
    void householdExample();

private:
    std::shared_ptr<const FormDefinition> m_def;
};

namespace {

const char *kForm =
    R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">
<h:head><h:title>Session test</h:title>
<model>
<itext>
 <translation lang="en" default="true()">
  <text id="age-label"><value>Age of <output value="/data/name"/></value></text>
  <text id="age-msg"><value>Age must be 0 to 120</value></text>
  <text id="yes"><value>Yes</value></text><text id="no"><value>No</value></text>
 </translation>
 <translation lang="zh">
  <text id="age-label"><value><output value="/data/name"/>的年龄</value></text>
  <text id="age-msg"><value>年龄须在0到120之间</value></text>
  <text id="yes"><value>是</value></text><text id="no"><value>否</value></text>
 </translation>
</itext>
<instance><data id="session_test" version="1">
 <name/><age/><adult/><smoker/><cigs/>
 <grp><inner/></grp>
 <n/>
 <hh jr:template=""><pname/><page/><double/><pos/></hh>
 <hh><pname/><page/><double/><pos/></hh>
 <fixed jr:template=""><v/></fixed>
 <total/><count/>
 <orx:meta><orx:instanceID/></orx:meta>
</data></instance>
<bind nodeset="/data/name" type="string" required="true()"/>
<bind nodeset="/data/age" type="int" constraint=". &gt;= 0 and . &lt;= 120" jr:constraintMsg="jr:itext('age-msg')"/>
<bind nodeset="/data/adult" type="boolean" calculate="/data/age &gt;= 18"/>
<bind nodeset="/data/smoker" type="select1" relevant="/data/adult = 'true'"/>
<bind nodeset="/data/cigs" type="int" relevant="/data/smoker = 'yes'" required="true()" jr:requiredMsg="How many?"/>
<bind nodeset="/data/grp" relevant="/data/age &gt; 50"/>
<bind nodeset="/data/grp/inner" type="string"/>
<bind nodeset="/data/n" type="int"/>
<bind nodeset="/data/hh/pname" type="string"/>
<bind nodeset="/data/hh/page" type="int"/>
<bind nodeset="/data/hh/double" type="int" calculate="../page * 2"/>
<bind nodeset="/data/hh/pos" type="int" calculate="position(..)"/>
<bind nodeset="/data/fixed/v" type="string"/>
<bind nodeset="/data/total" type="int" calculate="sum(/data/hh/page)"/>
<bind nodeset="/data/count" type="int" calculate="count(/data/hh)"/>
<bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
</model></h:head>
<h:body>
 <input ref="/data/name"><label>Name</label></input>
 <input ref="/data/age"><label ref="jr:itext('age-label')"/></input>
 <select1 ref="/data/smoker"><label>Smoker?</label>
   <item><label ref="jr:itext('yes')"/><value>yes</value></item>
   <item><label ref="jr:itext('no')"/><value>no</value></item></select1>
 <input ref="/data/cigs"><label>Cigarettes</label></input>
 <group ref="/data/grp" appearance="field-list"><label>Older</label>
   <input ref="/data/grp/inner"><label>Inner</label></input></group>
 <input ref="/data/n"><label>N</label></input>
 <group ref="/data/hh"><label>Person</label>
  <repeat nodeset="/data/hh">
   <input ref="/data/hh/pname"><label>Name</label></input>
   <input ref="/data/hh/page"><label>Age</label></input>
  </repeat>
 </group>
 <repeat nodeset="/data/fixed" jr:count="/data/n"><input ref="/data/fixed/v"><label>V</label></input></repeat>
</h:body></h:html>)XF";

} // namespace

void TestSession::init()
{
    FormError err;
    m_def = FormDefinition::load(kForm, {}, &err);
    QVERIFY2(m_def,
             qPrintable(QStringLiteral("%1:%2 %3").arg(err.line).arg(err.column).arg(err.message)));
}

void TestSession::relevanceAndCalculate()
{
    FormSession s(m_def);
    s.start();
    XmlNode *smoker = s.resolve(QStringLiteral("/data/smoker"), false, nullptr);
    QVERIFY(smoker);
    QVERIFY(!s.isRelevant(smoker));
    QCOMPARE(
        s.setValue(s.resolve(QStringLiteral("/data/age"), false, nullptr), QStringLiteral("30")),
        QString());
    QCOMPARE(s.value(QStringLiteral("/data/adult")), QStringLiteral("true"));
    QVERIFY(s.isRelevant(smoker));
    s.setValue(s.resolve(QStringLiteral("/data/age"), false, nullptr), QStringLiteral("12"));
    QCOMPARE(s.value(QStringLiteral("/data/adult")), QStringLiteral("false"));
    QVERIFY(!s.isRelevant(smoker));
    QVERIFY(s.isReadonly(s.resolve(QStringLiteral("/data/adult"), false, nullptr)));
}

void TestSession::relevanceIsInherited()
{
    FormSession s(m_def);
    s.start();
    XmlNode *inner = s.resolve(QStringLiteral("/data/grp/inner"), false, nullptr);
    QVERIFY(!s.isRelevant(inner));
    s.setValue(s.resolve(QStringLiteral("/data/age"), false, nullptr), QStringLiteral("60"));
    QVERIFY(s.isRelevant(inner));
    s.setValue(inner, QStringLiteral("x"));
    QVERIFY(s.toXml().contains("<inner>x</inner>"));
    s.setValue(s.resolve(QStringLiteral("/data/age"), false, nullptr), QStringLiteral("40"));
    QVERIFY(!s.isRelevant(inner));
    // Non-relevant nodes are left out of the submission, kept in the draft.
    QVERIFY(!s.toXml(true).contains("<grp"));
    QVERIFY(s.toXml(false).contains("<inner>x</inner>"));
}

void TestSession::constraintAndRequired()
{
    FormSession s(m_def);
    s.start();
    auto problems = s.validate();
    QCOMPARE(problems.size(), 1u);
    QCOMPARE(problems[0].ref, QStringLiteral("/data/name"));
    QCOMPARE(problems[0].kind, FormSession::Problem::Kind::Required);
    s.setValue(s.resolve(QStringLiteral("/data/name"), false, nullptr), QStringLiteral("王芳"));
    s.setValue(s.resolve(QStringLiteral("/data/age"), false, nullptr), QStringLiteral("130"));
    problems = s.validate();
    QCOMPARE(problems.size(), 1u);
    QCOMPARE(problems[0].kind, FormSession::Problem::Kind::Constraint);
    QCOMPARE(problems[0].message, QStringLiteral("Age must be 0 to 120"));
    QVERIFY(s.setLanguage(QStringLiteral("zh")));
    QCOMPARE(s.validate()[0].message, QStringLiteral("年龄须在0到120之间"));
    s.setValue(s.resolve(QStringLiteral("/data/age"), false, nullptr), QStringLiteral("40"));
    s.setValue(s.resolve(QStringLiteral("/data/smoker"), false, nullptr), QStringLiteral("yes"));
    problems = s.validate();
    QCOMPARE(problems.size(), 1u);
    QCOMPARE(problems[0].ref, QStringLiteral("/data/cigs"));
    QCOMPARE(problems[0].message, QStringLiteral("How many?"));
}

void TestSession::typeChecks()
{
    FormSession s(m_def);
    s.start();
    XmlNode *age = s.resolve(QStringLiteral("/data/age"), false, nullptr);
    QVERIFY(!s.setValue(age, QStringLiteral("abc")).isEmpty());
    QVERIFY(!s.setValue(age, QStringLiteral("1.5")).isEmpty());
    QCOMPARE(s.value(QStringLiteral("/data/age")), QString());
    QCOMPARE(s.setValue(age, QStringLiteral(" 007 ")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/age")), QStringLiteral("7"));
    XmlNode *smoker = s.resolve(QStringLiteral("/data/smoker"), false, nullptr);
    QVERIFY(!s.setValue(smoker, QStringLiteral("maybe")).isEmpty());
}

void TestSession::repeatsAddRemove()
{
    FormSession s(m_def);
    s.start();
    QCOMPARE(s.value(QStringLiteral("/data/count")), QStringLiteral("1"));
    QString err;
    XmlNode *p3 = s.resolve(QStringLiteral("/data/hh[3]/page"), true, &err);
    QVERIFY2(p3, qPrintable(err));
    QCOMPARE(s.value(QStringLiteral("/data/count")), QStringLiteral("3"));
    s.setValue(p3, QStringLiteral("21"));
    s.setValue(s.resolve(QStringLiteral("/data/hh[1]/page"), false, nullptr), QStringLiteral("4"));
    // XPath sum(): an empty answer is NaN, so the total is blank until every age is in.
    QCOMPARE(s.value(QStringLiteral("/data/total")), QString());
    s.setValue(s.resolve(QStringLiteral("/data/hh[2]/page"), false, nullptr), QStringLiteral("0"));
    QCOMPARE(s.value(QStringLiteral("/data/hh[3]/double")), QStringLiteral("42"));
    QCOMPARE(s.value(QStringLiteral("/data/hh[3]/pos")), QStringLiteral("3"));
    QCOMPARE(s.value(QStringLiteral("/data/total")), QStringLiteral("25"));
    QVERIFY(s.removeRepeat(s.resolve(QStringLiteral("/data/hh[1]"), false, nullptr)));
    QCOMPARE(s.value(QStringLiteral("/data/count")), QStringLiteral("2"));
    QCOMPARE(s.value(QStringLiteral("/data/total")), QStringLiteral("21"));
    QCOMPARE(s.value(QStringLiteral("/data/hh[2]/pos")), QStringLiteral("2"));
    QCOMPARE(s.value(QStringLiteral("/data/hh[2]/double")), QStringLiteral("42"));
}

void TestSession::repeatCount()
{
    FormSession s(m_def);
    s.start();
    XmlNode *root = s.root();
    const int fixed = m_def->schemaForPath(QStringLiteral("/data/fixed"));
    QCOMPARE(s.repeatInstances(root, fixed).size(), 0u);
    s.setValue(s.resolve(QStringLiteral("/data/n"), false, nullptr), QStringLiteral("3"));
    QCOMPARE(s.repeatInstances(root, fixed).size(), 3u);
    s.setValue(s.resolve(QStringLiteral("/data/fixed[3]/v"), false, nullptr), QStringLiteral("c"));
    s.setValue(s.resolve(QStringLiteral("/data/n"), false, nullptr), QStringLiteral("1"));
    QCOMPARE(s.repeatInstances(root, fixed).size(), 1u);
    QVERIFY(!s.canAddRemove(fixed));
    QString err;
    QVERIFY(!s.resolve(QStringLiteral("/data/fixed[2]/v"), true, &err));
    QVERIFY(err.contains(QStringLiteral("count")));
}

void TestSession::incrementalRecompute()
{
    FormSession s(m_def);
    s.start();
    for (int i = 0; i < 20; ++i)
        s.setValue(s.resolve(QStringLiteral("/data/hh[%1]/page").arg(i + 1), true, nullptr),
                   QStringLiteral("1"));
    const quint64 before = s.evaluationCount();
    // A change to /data/name reads into no calculate, one relevance and nothing else.
    s.setValue(s.resolve(QStringLiteral("/data/name"), false, nullptr), QStringLiteral("x"));
    const quint64 nameCost = s.evaluationCount() - before;
    QVERIFY2(nameCost <= 2, qPrintable(QString::number(nameCost)));
    // A change to one member's age: its double, the total, and that bind's own state.
    const quint64 before2 = s.evaluationCount();
    s.setValue(s.resolve(QStringLiteral("/data/hh[5]/page"), false, nullptr), QStringLiteral("9"));
    QCOMPARE(s.value(QStringLiteral("/data/hh[5]/double")), QStringLiteral("18"));
    QCOMPARE(s.value(QStringLiteral("/data/total")), QStringLiteral("28"));
    QVERIFY(s.evaluationCount() - before2 < 200);
}

void TestSession::roundTrip()
{
    FormSession a(m_def);
    a.start();
    a.setValue(a.resolve(QStringLiteral("/data/name"), false, nullptr),
               QStringLiteral("Ann & <Bo>"));
    a.setValue(a.resolve(QStringLiteral("/data/age"), false, nullptr), QStringLiteral("33"));
    a.setValue(a.resolve(QStringLiteral("/data/hh[2]/page"), true, nullptr), QStringLiteral("5"));
    const QByteArray draft = a.toXml(false);
    FormSession b(m_def);
    QString err;
    QVERIFY2(b.loadInstance(draft, &err), qPrintable(err));
    QCOMPARE(b.toXml(false), draft);
    QCOMPARE(b.value(QStringLiteral("/data/name")), QStringLiteral("Ann & <Bo>"));
    QCOMPARE(b.value(QStringLiteral("/data/hh[2]/double")), QStringLiteral("10"));
    QCOMPARE(b.instanceId(), a.instanceId());
    QVERIFY(b.instanceId().startsWith(QStringLiteral("uuid:")));
    QVERIFY(!b.loadInstance("<other/>", &err));
    QVERIFY(err.contains(QStringLiteral("other")));
}

void TestSession::editSetsDeprecatedId()
{
    FormSession a(m_def);
    a.start();
    const QString first = a.instanceId();
    FormSession b(m_def);
    QVERIFY(b.loadInstance(a.toXml(true), nullptr));
    b.beginEdit();
    QVERIFY(b.instanceId() != first);
    const QByteArray xml = b.toXml(true);
    QVERIFY2(xml.contains("<orx:deprecatedID>" + first.toUtf8() + "</orx:deprecatedID>"),
             xml.constData());
}

void TestSession::languages()
{
    FormSession s(m_def);
    s.start();
    s.setValue(s.resolve(QStringLiteral("/data/name"), false, nullptr), QStringLiteral("李雷"));
    XmlNode *age = s.resolve(QStringLiteral("/data/age"), false, nullptr);
    const int ageControl = m_def->schema[static_cast<std::size_t>(age->schemaIndex)].control;
    QCOMPARE(s.label(ageControl, age), QStringLiteral("Age of 李雷"));
    QVERIFY(s.setLanguage(QStringLiteral("zh")));
    QCOMPARE(s.label(ageControl, age), QStringLiteral("李雷的年龄"));
    XmlNode *smoker = s.resolve(QStringLiteral("/data/smoker"), false, nullptr);
    const int smokerControl = m_def->schema[static_cast<std::size_t>(smoker->schemaIndex)].control;
    QCOMPARE(s.choices(smokerControl, smoker).front().label, QStringLiteral("是"));
    QVERIFY(!s.setLanguage(QStringLiteral("fr")));
}

void TestSession::navigation()
{
    FormSession s(m_def);
    s.start();
    auto kinds = [&] {
        QStringList out;
        for (const auto &p : s.prompts()) {
            switch (p.kind) {
            case FormSession::Prompt::Kind::Question:
                out << s.pathOf(p.node);
                break;
            case FormSession::Prompt::Kind::FieldList:
                out << QStringLiteral("page:") + s.pathOf(p.node);
                break;
            case FormSession::Prompt::Kind::RepeatPrompt:
                out << QStringLiteral("add?");
                break;
            case FormSession::Prompt::Kind::End:
                out << QStringLiteral("end");
                break;
            }
        }
        return out;
    };
    QCOMPARE(kinds(), QStringList({"/data/name", "/data/age", "/data/n", "/data/hh[1]/pname",
                                   "/data/hh[1]/page", "add?", "end"}));
    s.setValue(s.resolve(QStringLiteral("/data/age"), false, nullptr), QStringLiteral("70"));
    QCOMPARE(kinds().mid(2, 3), QStringList({"/data/smoker", "page:/data/grp", "/data/n"}));
    QVERIFY(s.jumpTo(3));
    QCOMPARE(s.current().kind, FormSession::Prompt::Kind::FieldList);
    QVERIFY(s.next());
    QCOMPARE(s.pathOf(s.current().node), QStringLiteral("/data/n"));
    QVERIFY(s.previous());
    QVERIFY(!s.jumpTo(100));
}

void TestSession::householdExample()
{
    // Our example form filled from its sample answers gives the totals in its README.
    FormError err;
    auto def = FormDefinition::loadFile(
        QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xml"), {}, &err);
    QVERIFY2(def, qPrintable(err.message));
    FormSession s(def);
    s.start();
    const QJsonObject answers =
        QJsonDocument::fromJson(
            testutil::readFile(
                QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.answers.json")))
            .object();
    QStringList keys = answers.keys();
    std::sort(keys.begin(), keys.end(), [&](const QString &a, const QString &b) {
        auto schemaOf = [&](QString p) {
            p.remove(QRegularExpression(QStringLiteral("\\[\\d+\\]")));
            return def->schemaForPath(p);
        };
        return schemaOf(a) < schemaOf(b) || (schemaOf(a) == schemaOf(b) && a < b);
    });
    for (const QString &k : keys) {
        QString e;
        XmlNode *n = s.resolve(k, true, &e);
        QVERIFY2(n, qPrintable(k + QStringLiteral(": ") + e));
        const QJsonValue v = answers.value(k);
        const QString text = v.isDouble() ? xpath::numberToString(v.toDouble()) : v.toString();
        QCOMPARE(s.setValue(n, text), QString());
    }
    QVERIFY(s.validate().empty());
    QCOMPARE(s.value(QStringLiteral("/data/emissions/co2_elec")).toDouble(), 2189.952);
    QCOMPARE(s.value(QStringLiteral("/data/emissions/co2_total_t")), QStringLiteral("10.49"));
    QCOMPARE(s.value(QStringLiteral("/data/emissions/co2_per_capita")), QStringLiteral("3496.9"));
    QVERIFY(
        qFuzzyCompare(s.value(QStringLiteral("/data/emissions/co2_vehicles")).toDouble(), 4310.52));
    QCOMPARE(s.value(QStringLiteral("/data/member_count")), QStringLiteral("3"));
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
