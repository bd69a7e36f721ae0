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
    void itemsetsAndChoiceNames();
    void actionsAndPreloads();
    void rangeAndIndexedRepeat();
    void reviewRegressions();
    void countShrinksUnderAnEvent();
    void sizeLimits();
    void evaluationErrorsAreProblems();
    void serialisedAsOdkDoes();
    void nonRelevantReadsEmpty();
    void countsFromTheRepeatsPlace();
    void valueChangedByACalculation();
    void computedLocationsAndDays();
    void calculatesAcrossRepeatInstances();

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
 <hh jr:template=""><pname/><page/><double/><pos/><share/></hh>
 <hh><pname/><page/><double/><pos/><share/></hh>
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
<bind nodeset="/data/hh/share" type="decimal" calculate="round(../page div sum(../../hh/page), 2)"/>
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

const char *kFeatures =
    R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms">
<h:head><h:title>Features</h:title>
<model>
<instance><data id="features">
 <province/><city/><city_label/><shuffled/><first_seen/><gps/><changed_at/><copy/><level/>
 <visit jr:template=""><vid/><note/></visit>
 <third_vid/><started/><ended/>
 <meta><instanceID/></meta>
</data></instance>
<instance id="places"><root>
 <item><name>gz</name><label>Guangzhou</label><prov>gd</prov></item>
 <item><name>sz</name><label>Shenzhen</label><prov>gd</prov></item>
 <item><name>hz</name><label>Hangzhou</label><prov>zj</prov></item>
 <item><name>nb</name><label>Ningbo</label><prov>zj</prov></item>
 <item><name>wz</name><label>Wenzhou</label><prov>zj</prov></item>
</root></instance>
<bind nodeset="/data/province" type="select1"/>
<bind nodeset="/data/city" type="select1"/>
<bind nodeset="/data/city_label" type="string" calculate="jr:choice-name(/data/city, '/data/city')"/>
<bind nodeset="/data/shuffled" type="select"/>
<bind nodeset="/data/first_seen" type="string" calculate="once(/data/province)"/>
<bind nodeset="/data/gps" type="geopoint"/>
<bind nodeset="/data/changed_at" type="string"/>
<bind nodeset="/data/copy" type="string"/>
<bind nodeset="/data/level" type="decimal"/>
<bind nodeset="/data/visit/vid" type="string"/>
<bind nodeset="/data/visit/note" type="string"/>
<bind nodeset="/data/third_vid" type="string" calculate="indexed-repeat(/data/visit/vid, /data/visit, 3)"/>
<bind nodeset="/data/started" type="dateTime" jr:preload="timestamp" jr:preloadParams="start"/>
<bind nodeset="/data/ended" type="dateTime" jr:preload="timestamp" jr:preloadParams="end"/>
<bind nodeset="/data/meta/instanceID" type="string" jr:preload="uid"/>
<odk:setgeopoint event="odk-instance-first-load" ref="/data/gps"/>
</model></h:head>
<h:body>
 <select1 ref="/data/province"><label>Province</label>
  <item><label>Guangdong</label><value>gd</value></item><item><label>Zhejiang</label><value>zj</value></item>
  <setvalue event="xforms-value-changed" ref="/data/changed_at" value="concat('changed:', /data/province)"/>
 </select1>
 <select1 ref="/data/city"><label>City</label>
  <itemset nodeset="instance('places')/root/item[prov = current()/../province]"><value ref="name"/><label ref="label"/></itemset>
 </select1>
 <select ref="/data/shuffled" randomize="true()" seed="42"><label>Shuffled</label>
  <itemset nodeset="instance('places')/root/item"><value ref="name"/><label ref="label"/></itemset>
 </select>
 <range ref="/data/level" start="0" end="10" step="0.5"><label>Level</label></range>
 <repeat nodeset="/data/visit">
  <setvalue event="odk-new-repeat" ref="/data/visit/vid" value="concat('v', count(/data/visit))"/>
  <input ref="/data/visit/note"><label>Note</label></input>
 </repeat>
</h:body></h:html>)XF";

// Cases found in review: each line of this form once misbehaved.
const char *kReview =
    R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
<h:head><h:title>Review</h:title>
<model>
<itext><translation lang="en" default="true()">
 <text id="loop"><value>Again <output value="jr:itext('loop')"/></value></text>
 <text id="pick"><value>Pick <output value="jr:choice-name('a', '/data/pick')"/></value></text>
</translation></itext>
<instance><data id="review" version="7">
 <village/><start_date/><week_later/>
 <g><b/><c>inner</c></g><c>top</c><trigger/>
 <n/>
 <row jr:template=""><rv/><stamp/><born/></row>
 <member jr:template="" role=""><relation/><age/></member>
 <amount/><pick/><ver/>
 <meta><instanceID/></meta>
</data></instance>
<bind nodeset="/data/village" type="string"/>
<bind nodeset="/data/start_date" type="date"/>
<bind nodeset="/data/week_later" type="date" calculate="date(/data/start_date) + 7"/>
<bind nodeset="/data/trigger" type="string"/>
<bind nodeset="/data/n" type="int"/>
<bind nodeset="/data/row/rv" type="string" calculate="/data/village"/>
<bind nodeset="/data/row/stamp" type="string"/>
<bind nodeset="/data/member/relation" type="select1"/>
<bind nodeset="/data/member/age" type="int" constraint="count(//member/age[../relation = 'head']) &lt;= 1"/>
<bind nodeset="/data/member/@role" type="string" required="true()"/>
<bind nodeset="/data/amount" type="decimal"/>
<bind nodeset="/data/pick" type="select1"/>
<bind nodeset="/data/ver" type="string" calculate="version()"/>
</model></h:head>
<h:body>
 <input ref="/data/trigger"><label ref="jr:itext('loop')"/>
  <setvalue event="xforms-value-changed" ref="/data/g/b" value="../c"/></input>
 <select1 ref="/data/pick"><label>P</label><item><label ref="jr:itext('pick')"/><value>a</value></item></select1>
 <repeat nodeset="/data/row" jr:count="/data/n">
  <setvalue event="odk-new-repeat" ref="/data/row/stamp" value="concat('row', count(/data/row))"/>
  <input ref="/data/row/stamp"><label>S</label></input></repeat>
 <repeat nodeset="/data/member">
  <select1 ref="/data/member/relation"><label>R</label><item><label>Head</label><value>head</value></item><item><label>Other</label><value>other</value></item></select1>
  <input ref="/data/member/age"><label>A</label></input></repeat>
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
    // A calculate that reads across instances follows a change in another instance.
    QCOMPARE(s.value(QStringLiteral("/data/hh[3]/share")), QStringLiteral("0.84"));
    s.setValue(s.resolve(QStringLiteral("/data/hh[1]/page"), false, nullptr), QStringLiteral("9"));
    QCOMPARE(s.value(QStringLiteral("/data/hh[3]/share")), QStringLiteral("0.7"));
    QCOMPARE(s.value(QStringLiteral("/data/hh[3]/double")), QStringLiteral("42"));
    QCOMPARE(s.value(QStringLiteral("/data/hh[1]/double")), QStringLiteral("18"));
    s.setValue(s.resolve(QStringLiteral("/data/hh[1]/page"), false, nullptr), QStringLiteral("4"));
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
    // double in that instance (1), share in every instance as it reads them all (20), the
    // total (1): nothing else.
    const quint64 cost = s.evaluationCount() - before2;
    QVERIFY2(cost >= 22 && cost <= 24, qPrintable(QString::number(cost)));
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

void TestSession::itemsetsAndChoiceNames()
{
    FormError err;
    auto def = FormDefinition::load(kFeatures, {}, &err);
    QVERIFY2(def,
             qPrintable(QStringLiteral("%1:%2 %3").arg(err.line).arg(err.column).arg(err.message)));
    FormSession s(def);
    s.start();
    XmlNode *prov = s.resolve(QStringLiteral("/data/province"), false, nullptr);
    XmlNode *city = s.resolve(QStringLiteral("/data/city"), false, nullptr);
    const int cityControl = def->schema[static_cast<std::size_t>(city->schemaIndex)].control;
    QCOMPARE(s.choices(cityControl, city).size(), 0u);
    s.setValue(prov, QStringLiteral("zj"));
    auto cities = s.choices(cityControl, city);
    QCOMPARE(cities.size(), 3u);
    QCOMPARE(cities[0].label, QStringLiteral("Hangzhou"));
    // A city of another province is not a choice now.
    QVERIFY(!s.setValue(city, QStringLiteral("gz")).isEmpty());
    QCOMPARE(s.setValue(city, QStringLiteral("nb")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/city_label")), QStringLiteral("Ningbo"));
    // once(): the first value stays.
    QCOMPARE(s.value(QStringLiteral("/data/first_seen")), QStringLiteral("zj"));
    s.setValue(prov, QStringLiteral("gd"));
    QCOMPARE(s.value(QStringLiteral("/data/first_seen")), QStringLiteral("zj"));
    // Seeded randomize: the same order every time and on every device, all items kept.
    XmlNode *sh = s.resolve(QStringLiteral("/data/shuffled"), false, nullptr);
    const int shControl = def->schema[static_cast<std::size_t>(sh->schemaIndex)].control;
    const auto a = s.choices(shControl, sh);
    const auto b = s.choices(shControl, sh);
    QCOMPARE(a.size(), 5u);
    QStringList orderA;
    QStringList orderB;
    for (std::size_t i = 0; i < a.size(); ++i) {
        orderA << a[i].value;
        orderB << b[i].value;
    }
    QCOMPARE(orderA, orderB);
    QVERIFY(orderA != QStringList({"gz", "sz", "hz", "nb", "wz"}));
    orderA.sort();
    QCOMPARE(orderA, QStringList({"gz", "hz", "nb", "sz", "wz"}));
}

void TestSession::actionsAndPreloads()
{
    FormError err;
    auto def = FormDefinition::load(kFeatures, {}, &err);
    QVERIFY(def);
    FormSession::Properties props;
    qint64 now = 1700000000000; // 2023-11-14T22:13:20Z
    props.clock = [&now] { return now; };
    props.location = [] { return QStringLiteral("22.54 114.05 12 4.5"); };
    FormSession s(def, props);
    s.start();
    QCOMPARE(s.value(QStringLiteral("/data/gps")), QStringLiteral("22.54 114.05 12 4.5"));
    QCOMPARE(s.value(QStringLiteral("/data/started")),
             QStringLiteral("2023-11-14T22:13:20.000+00:00"));
    QCOMPARE(s.value(QStringLiteral("/data/ended")), QString());
    QVERIFY(s.instanceId().startsWith(QStringLiteral("uuid:")));
    // xforms-value-changed on the province control.
    s.setValue(s.resolve(QStringLiteral("/data/province"), false, nullptr), QStringLiteral("gd"));
    QCOMPARE(s.value(QStringLiteral("/data/changed_at")), QStringLiteral("changed:gd"));
    // odk-new-repeat: each new visit gets its number.
    const int visit = def->schemaForPath(QStringLiteral("/data/visit"));
    for (int i = 0; i < 3; ++i)
        QVERIFY(s.addRepeat(s.root(), visit));
    QCOMPARE(s.value(QStringLiteral("/data/visit[1]/vid")), QStringLiteral("v1"));
    QCOMPARE(s.value(QStringLiteral("/data/visit[3]/vid")), QStringLiteral("v3"));
    // The end timestamp is taken when the form is finalized.
    now += 60000;
    s.finalize();
    QCOMPARE(s.value(QStringLiteral("/data/ended")),
             QStringLiteral("2023-11-14T22:14:20.000+00:00"));
    QCOMPARE(s.value(QStringLiteral("/data/started")),
             QStringLiteral("2023-11-14T22:13:20.000+00:00"));
}

void TestSession::rangeAndIndexedRepeat()
{
    FormError err;
    auto def = FormDefinition::load(kFeatures, {}, &err);
    QVERIFY(def);
    FormSession s(def);
    s.start();
    XmlNode *level = s.resolve(QStringLiteral("/data/level"), false, nullptr);
    QCOMPARE(s.setValue(level, QStringLiteral("7.5")), QString());
    QVERIFY(!s.setValue(level, QStringLiteral("7.25")).isEmpty());
    QVERIFY(!s.setValue(level, QStringLiteral("11")).isEmpty());
    QCOMPARE(s.value(QStringLiteral("/data/level")), QStringLiteral("7.5"));
    const int visit = def->schemaForPath(QStringLiteral("/data/visit"));
    for (int i = 0; i < 4; ++i)
        s.addRepeat(s.root(), visit);
    // indexed-repeat() reads the third instance wherever it is called from.
    QCOMPARE(s.value(QStringLiteral("/data/third_vid")), QStringLiteral("v3"));
    s.setValue(s.resolve(QStringLiteral("/data/visit[3]/vid"), false, nullptr),
               QStringLiteral("x"));
    QCOMPARE(s.value(QStringLiteral("/data/third_vid")), QStringLiteral("x"));
}

void TestSession::reviewRegressions()
{
    FormError err;
    auto def = FormDefinition::load(kReview, {}, &err);
    QVERIFY2(def,
             qPrintable(QStringLiteral("%1:%2 %3").arg(err.line).arg(err.column).arg(err.message)));
    FormSession s(def);
    s.start();
    // A text that includes itself, and a choice label that names its own choice, end.
    XmlNode *trigger = s.resolve(QStringLiteral("/data/trigger"), false, nullptr);
    const int tc = def->schema[static_cast<std::size_t>(trigger->schemaIndex)].control;
    QVERIFY(s.label(tc, trigger).startsWith(QStringLiteral("Again")));
    XmlNode *pick = s.resolve(QStringLiteral("/data/pick"), false, nullptr);
    const int pc = def->schema[static_cast<std::size_t>(pick->schemaIndex)].control;
    QVERIFY(s.choices(pc, pick).front().label.startsWith(QStringLiteral("Pick")));
    // setvalue computes its value from the node it sets: ../c of /data/g/b is /data/g/c.
    s.setValue(trigger, QStringLiteral("go"));
    QCOMPARE(s.value(QStringLiteral("/data/g/b")), QStringLiteral("inner"));
    // A date calculate stores a date, not a day number.
    s.setValue(s.resolve(QStringLiteral("/data/start_date"), false, nullptr),
               QStringLiteral("2020-01-01"));
    QCOMPARE(s.value(QStringLiteral("/data/week_later")), QStringLiteral("2020-01-08"));
    // Instances made by jr:count get their own calculates and their odk-new-repeat action.
    s.setValue(s.resolve(QStringLiteral("/data/village"), false, nullptr), QStringLiteral("Xidi"));
    s.setValue(s.resolve(QStringLiteral("/data/n"), false, nullptr), QStringLiteral("2"));
    QCOMPARE(s.value(QStringLiteral("/data/row[2]/rv")), QStringLiteral("Xidi"));
    QCOMPARE(s.value(QStringLiteral("/data/row[1]/stamp")), QStringLiteral("row1"));
    QCOMPARE(s.value(QStringLiteral("/data/row[2]/stamp")), QStringLiteral("row2"));
    // A constraint that looks at every member through a predicate is re-checked in every
    // member when one member's relation changes.
    const int member = def->schemaForPath(QStringLiteral("/data/member"));
    QVERIFY(s.addRepeat(s.root(), member));
    QVERIFY(s.addRepeat(s.root(), member));
    s.setValue(s.resolve(QStringLiteral("/data/member[1]/age"), false, nullptr),
               QStringLiteral("40"));
    s.setValue(s.resolve(QStringLiteral("/data/member[2]/age"), false, nullptr),
               QStringLiteral("38"));
    s.setValue(s.resolve(QStringLiteral("/data/member[1]/relation"), false, nullptr),
               QStringLiteral("head"));
    XmlNode *age2 = s.resolve(QStringLiteral("/data/member[2]/age"), false, nullptr);
    QVERIFY(s.isConstraintSatisfied(age2));
    s.setValue(s.resolve(QStringLiteral("/data/member[2]/relation"), false, nullptr),
               QStringLiteral("head"));
    QVERIFY(!s.isConstraintSatisfied(age2));
    QVERIFY(
        !s.isConstraintSatisfied(s.resolve(QStringLiteral("/data/member[1]/age"), false, nullptr)));
    // Attribute binds are validated like elements.
    bool sawRole = false;
    for (const auto &p : s.validate())
        sawRole = sawRole || p.ref == QStringLiteral("/data/member[1]/@role");
    QVERIFY(sawRole);
    // Decimals: a leading '+' is accepted and dropped; arithmetic text is not a number.
    XmlNode *amount = s.resolve(QStringLiteral("/data/amount"), false, nullptr);
    QCOMPARE(s.setValue(amount, QStringLiteral("+5")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/amount")), QStringLiteral("5"));
    QVERIFY(!s.setValue(amount, QStringLiteral("1+2")).isEmpty());
    // version() is the form's version.
    QCOMPARE(s.value(QStringLiteral("/data/ver")), QStringLiteral("7"));
}

void TestSession::countShrinksUnderAnEvent()
{
    // Answering removes the very instance being answered (its count reads it); the
    // value-changed action must not touch the removed node.
    const QByteArray xml =
        R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
<h:head><h:title>t</h:title><model>
<instance><data id="t13"><log/><rep><keep/></rep><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/rep/keep" type="string"/>
</model></h:head>
<h:body><repeat nodeset="/data/rep" jr:count="count(/data/rep[keep != 'no'])"><input ref="/data/rep/keep"><label>k</label>
<setvalue event="xforms-value-changed" ref="/data/log" value="concat(/data/log, 'x')"/></input></repeat></h:body></h:html>)XF";
    FormError err;
    auto def = FormDefinition::load(xml, {}, &err);
    QVERIFY2(def, qPrintable(err.message));
    FormSession s(def);
    s.start();
    const int rep = def->schemaForPath(QStringLiteral("/data/rep"));
    XmlNode *keep = s.resolve(QStringLiteral("/data/rep[1]/keep"), false, nullptr);
    QVERIFY(keep);
    QCOMPARE(s.setValue(keep, QStringLiteral("no")), QString());
    QCOMPARE(s.repeatInstances(s.root(), rep).size(), 0u);
    QCOMPARE(s.value(QStringLiteral("/data/log")), QString());
}

void TestSession::sizeLimits()
{
    // Nested counts that would make millions of nodes stop at the session's limit with a
    // message; an answer for an absurd position is refused; the session stays usable.
    const QByteArray xml =
        R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
<h:head><h:title>big</h:title><model>
<instance><data id="big"><n/><a jr:template=""><b jr:template=""><c jr:template=""><x/></c></b></a><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/n" type="int"/><bind nodeset="/data/a/b/c/x" type="string"/>
</model></h:head>
<h:body><input ref="/data/n"><label>n</label></input>
<repeat nodeset="/data/a" jr:count="/data/n"><repeat nodeset="/data/a/b" jr:count="/data/n"><repeat nodeset="/data/a/b/c" jr:count="/data/n">
<input ref="/data/a/b/c/x"><label>x</label></input></repeat></repeat></repeat></h:body></h:html>)XF";
    FormError err;
    auto def = FormDefinition::load(xml, {}, &err);
    QVERIFY2(def, qPrintable(err.message));
    FormSession s(def);
    s.start();
    s.setValue(s.resolve(QStringLiteral("/data/n"), false, nullptr), QStringLiteral("1000"));
    QVERIFY(!s.limitMessage().isEmpty());
    QVERIFY(s.toXml(false).size() > 0);
    FormSession t(m_def);
    t.start();
    QString why;
    QVERIFY(!t.resolve(QStringLiteral("/data/hh[9999999]/page"), true, &why));
    QVERIFY2(why.contains(QStringLiteral("9999999")), qPrintable(why));
    QVERIFY(t.resolve(QStringLiteral("/data/hh[2]/page"), true, nullptr));
}

namespace {

// Every kind of expression failing at run time (a bad regular expression, a number where a
// node-set must be, an instance that is not there), beside questions that work.
const char *kBroken =
    R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
<h:head><h:title>Broken</h:title><model>
<instance><data id="broken"><ok/><code/><shown/><total/><pick/><n/><row jr:template=""><x/></row><meta><instanceID/></meta></data></instance>
<instance id="places"><root><item><name>a</name></item></root></instance>
<bind nodeset="/data/ok" type="int" constraint=". &gt; 0"/>
<bind nodeset="/data/code" type="string" constraint="regex(., '(')"/>
<bind nodeset="/data/shown" type="string" relevant="count(1) = 1"/>
<bind nodeset="/data/total" type="int" calculate="count(2)"/>
<bind nodeset="/data/pick" type="select1"/>
<bind nodeset="/data/n" type="int"/>
</model></h:head>
<h:body>
 <input ref="/data/ok"><label>OK</label></input>
 <input ref="/data/code"><label>Code</label></input>
 <input ref="/data/shown"><label>Shown</label></input>
 <select1 ref="/data/pick"><label>Pick</label>
  <itemset nodeset="instance('nowhere')/root/item"><value ref="name"/><label ref="name"/></itemset></select1>
 <repeat nodeset="/data/row" jr:count="count(/data/n + 1)"><input ref="/data/row/x"><label>X</label></input></repeat>
</h:body></h:html>)XF";

} // namespace

void TestSession::evaluationErrorsAreProblems()
{
    // What the form could not work out is never taken as fine: each failing expression is a
    // problem of kind "error" on its question, with the expression and the reason, and blocks
    // finalize; what the failure decides takes the harmless default meanwhile (shown, empty,
    // no entries), so the rest of the form can still be filled.
    FormError err;
    auto def = FormDefinition::load(kBroken, {}, &err);
    QVERIFY2(def, qPrintable(err.message));
    FormSession s(def);
    s.start();
    const auto set = [&s](const char *path, const QString &value) {
        return s.setValue(s.resolve(QLatin1String(path), false, nullptr), value);
    };
    QCOMPARE(set("/data/ok", QStringLiteral("5")), QString());
    QCOMPARE(set("/data/code", QStringLiteral("A1")), QString());
    const auto problems = s.validate();
    std::map<QString, QString> errors;
    for (const auto &p : problems) {
        QCOMPARE(FormSession::kindName(p.kind), QStringLiteral("error"));
        errors[p.ref] = p.message;
    }
    QCOMPARE(errors.size(), std::size_t(5));
    QCOMPARE(errors.at(QStringLiteral("/data/code")),
             QStringLiteral("The rule that checks this answer could not be worked out: invalid "
                            "regular expression '(': missing closing parenthesis (expression: "
                            "regex(., '(')). The form needs fixing; tell whoever made it."));
    QVERIFY(errors.at(QStringLiteral("/data/shown"))
                .startsWith(QLatin1String("The condition for showing this question")));
    QVERIFY(errors.at(QStringLiteral("/data/total"))
                .contains(QLatin1String("argument 1 of count() must be a node-set")));
    QVERIFY(errors.at(QStringLiteral("/data/pick")).contains(QLatin1String("'nowhere'")));
    QVERIFY(errors.at(QStringLiteral("/data/row"))
                .startsWith(QLatin1String("The number of entries of this repeat")));
    // The defaults: shown, empty, no entries, no choices.
    QVERIFY(s.isRelevant(s.resolve(QStringLiteral("/data/shown"), false, nullptr)));
    QCOMPARE(s.value(QStringLiteral("/data/total")), QString());
    QCOMPARE(s.resolve(QStringLiteral("/data/row[1]"), false, nullptr), nullptr);
    // The rest works: a bad answer to a sound rule is a constraint problem as ever.
    QCOMPARE(set("/data/ok", QStringLiteral("-1")), QString());
    bool constraint = false;
    for (const auto &p : s.validate())
        constraint = constraint || (p.ref == QLatin1String("/data/ok") &&
                                    p.kind == FormSession::Problem::Kind::Constraint);
    QVERIFY(constraint);
    // With no answer the broken rule is not checked, and its problem is gone.
    QCOMPARE(set("/data/code", QString()), QString());
    for (const auto &p : s.validate())
        QVERIFY2(p.ref != QLatin1String("/data/code"), qPrintable(p.message));
}

void TestSession::serialisedAsOdkDoes()
{
    // As the ODK engines write them: a location's altitude and accuracy as decimals, each
    // point of a trace the same; a calculation whose value is not a number (NaN) as empty.
    FormError err;
    auto def = FormDefinition::load(
        R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"><h:head><h:title>S</h:title><model>
<instance><data id="s"><p/><t/><nan/><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/p" type="geopoint"/><bind nodeset="/data/t" type="geotrace"/>
<bind nodeset="/data/nan" type="string" calculate="/data/p div 'x'"/>
</model></h:head><h:body><input ref="/data/p"><label>P</label></input><input ref="/data/t"><label>T</label></input></h:body></h:html>)XF",
        {}, &err);
    QVERIFY2(def, qPrintable(err.message));
    FormSession s(def);
    s.start();
    QCOMPARE(s.setValue(s.resolve(QStringLiteral("/data/p"), false, nullptr),
                        QStringLiteral("-1.2921 36.8219 1700 5")),
             QString());
    QCOMPARE(s.value(QStringLiteral("/data/p")), QStringLiteral("-1.2921 36.8219 1700.0 5.0"));
    QCOMPARE(s.setValue(s.resolve(QStringLiteral("/data/t"), false, nullptr),
                        QStringLiteral("1 2 3 4; 1.5 2.5 3.5 4.5")),
             QString());
    QCOMPARE(s.value(QStringLiteral("/data/t")), QStringLiteral("1 2 3.0 4.0;1.5 2.5 3.5 4.5"));
    QCOMPARE(s.value(QStringLiteral("/data/nan")), QString());
    QVERIFY(s.toXml(true).contains("<nan/>") || s.toXml(true).contains("<nan></nan>"));
}

namespace {

std::shared_ptr<const FormDefinition> loadInline(const char *model, const char *body)
{
    const QByteArray xml =
        QByteArray(
            R"XF(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa"><h:head><h:title>T</h:title><model>)XF") +
        model + "</model></h:head><h:body>" + body + "</h:body></h:html>";
    FormError err;
    auto def = FormDefinition::load(xml, {}, &err);
    if (!def)
        qWarning("%s", qPrintable(err.message));
    return def;
}

} // namespace

void TestSession::nonRelevantReadsEmpty()
{
    // As JavaRosa and ODK Web Forms: a question that is not relevant reads as empty in every
    // expression (its answer does not count), and counts again when it is relevant again; a
    // change of relevance recomputes what reads it.
    auto def = loadInline(
        R"XF(<instance><data id="nr"><ask/><n/><grp><m/></grp><total/><twice/><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/ask" type="string"/>
<bind nodeset="/data/n" type="int" relevant="/data/ask = 'yes'"/>
<bind nodeset="/data/grp" relevant="/data/ask = 'yes'"/>
<bind nodeset="/data/grp/m" type="int"/>
<bind nodeset="/data/total" type="string" calculate="concat('[', /data/n, '|', /data/grp, ']')"/>
<bind nodeset="/data/twice" type="int" calculate="/data/total != '[|]'"/>)XF",
        R"XF(<input ref="/data/ask"><label>A</label></input><input ref="/data/n"><label>N</label></input>
<group ref="/data/grp"><input ref="/data/grp/m"><label>M</label></input></group>)XF");
    QVERIFY(def);
    FormSession s(def);
    s.start();
    const auto set = [&s](const char *path, const QString &value) {
        return s.setValue(s.resolve(QLatin1String(path), false, nullptr), value);
    };
    QCOMPARE(s.value(QStringLiteral("/data/total")), QStringLiteral("[|]"));
    QCOMPARE(set("/data/ask", QStringLiteral("yes")), QString());
    QCOMPARE(set("/data/n", QStringLiteral("4")), QString());
    QCOMPARE(set("/data/grp/m", QStringLiteral("7")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/total")), QStringLiteral("[4|7]"));
    QCOMPARE(s.value(QStringLiteral("/data/twice")), QStringLiteral("1"));
    // Not relevant: read as empty, by the calculate and what reads the calculate.
    QCOMPARE(set("/data/ask", QStringLiteral("no")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/total")), QStringLiteral("[|]"));
    QCOMPARE(s.value(QStringLiteral("/data/twice")), QStringLiteral("0"));
    // The answers are kept, and count again once the questions are shown again.
    QCOMPARE(s.value(QStringLiteral("/data/n")), QStringLiteral("4"));
    QCOMPARE(set("/data/ask", QStringLiteral("yes")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/total")), QStringLiteral("[4|7]"));
}

void TestSession::countsFromTheRepeatsPlace()
{
    // jr:count is read where the repeat is, as its nodeset: "../n" is the n beside the
    // repeat, current() is the repeat; a nested count reads its own instance's answer.
    auto def = loadInline(
        R"XF(<instance><data id="c"><n/><outer jr:template=""><k/><inner jr:template=""><v/></inner></outer><rel jr:template=""><w/></rel><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/n" type="string"/><bind nodeset="/data/outer/k" type="int"/>)XF",
        R"XF(<input ref="/data/n"><label>N</label></input>
<repeat nodeset="/data/outer" jr:count="../n"><input ref="/data/outer/k"><label>K</label></input>
 <repeat nodeset="/data/outer/inner" jr:count=" ../k "><input ref="/data/outer/inner/v"><label>V</label></input></repeat></repeat>
<repeat nodeset="/data/rel" jr:count="current()/../n"><input ref="/data/rel/w"><label>W</label></input></repeat>)XF");
    QVERIFY(def);
    FormSession s(def);
    s.start();
    const auto count = [&s, &def](const char *repeat, XmlNode *parent) {
        return s.repeatInstances(parent, def->schemaForPath(QLatin1String(repeat))).size();
    };
    QCOMPARE(s.setValue(s.resolve(QStringLiteral("/data/n"), false, nullptr), QStringLiteral("2")),
             QString());
    QCOMPARE(count("/data/outer", s.root()), 2u);
    QCOMPARE(count("/data/rel", s.root()), 2u);
    XmlNode *second = s.resolve(QStringLiteral("/data/outer[2]"), false, nullptr);
    QVERIFY(second);
    QCOMPARE(s.setValue(s.resolve(QStringLiteral("/data/outer[2]/k"), false, nullptr),
                        QStringLiteral("3")),
             QString());
    QCOMPARE(count("/data/outer/inner", second), 3u);
    QCOMPARE(
        count("/data/outer/inner", s.resolve(QStringLiteral("/data/outer[1]"), false, nullptr)),
        0u);
    // A count that is not a number changes nothing and is a problem that blocks finalize.
    QCOMPARE(s.setValue(s.resolve(QStringLiteral("/data/outer[2]/inner[3]/v"), false, nullptr),
                        QStringLiteral("kept")),
             QString());
    QCOMPARE(
        s.setValue(s.resolve(QStringLiteral("/data/n"), false, nullptr), QStringLiteral("two")),
        QString());
    QCOMPARE(count("/data/outer", s.root()), 2u);
    QCOMPARE(s.value(QStringLiteral("/data/outer[2]/inner[3]/v")), QStringLiteral("kept"));
    QStringList errors;
    for (const auto &p : s.validate()) {
        if (p.kind == FormSession::Problem::Kind::Error)
            errors << p.ref + QLatin1Char(' ') + p.message;
    }
    QCOMPARE(errors.size(), 2); // both counts that read /data/n
    QVERIFY2(errors.join(QLatin1Char('\n')).contains(QLatin1String("'two' is not a number")),
             qPrintable(errors.join(QLatin1Char('\n'))));
}

void TestSession::valueChangedByACalculation()
{
    // xforms-value-changed runs when the value changes by a calculation too (Enketo's
    // setvalue-triggered-by-calc test; ODK Web Forms does the same).
    auto def = loadInline(
        R"XF(<instance><data id="v"><a/><copy/><seen/><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/a" type="string"/><bind nodeset="/data/copy" type="string" calculate="/data/a"/>
<bind nodeset="/data/seen" type="string" readonly="true()"/>)XF",
        R"XF(<input ref="/data/a"><label>A</label></input>
<input ref="/data/copy"><label>C</label><setvalue event="xforms-value-changed" ref="/data/seen" value="concat(/data/a, /data/copy)"/></input>)XF");
    QVERIFY(def);
    FormSession s(def);
    s.start();
    QCOMPARE(s.value(QStringLiteral("/data/seen")), QString());
    QCOMPARE(s.setValue(s.resolve(QStringLiteral("/data/a"), false, nullptr), QStringLiteral("1")),
             QString());
    QCOMPARE(s.value(QStringLiteral("/data/seen")), QStringLiteral("11"));
}

void TestSession::computedLocationsAndDays()
{
    // A computed location is written as ODK writes one (decimals), and one that is not a
    // location is no answer and an error that says why; a date question whose default is a
    // moment holds its day.
    auto def = loadInline(
        R"XF(<instance><data id="g"><src/><geo/><day>2025-12-21T23:30:05</day><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/src" type="string"/><bind nodeset="/data/geo" type="geopoint" calculate="/data/src"/>
<bind nodeset="/data/day" type="date"/>)XF",
        R"XF(<input ref="/data/src"><label>S</label></input><input ref="/data/day"><label>D</label></input>)XF");
    QVERIFY(def);
    FormSession s(def);
    s.start();
    QCOMPARE(s.value(QStringLiteral("/data/day")), QStringLiteral("2025-12-21"));
    XmlNode *src = s.resolve(QStringLiteral("/data/src"), false, nullptr);
    QCOMPARE(s.setValue(src, QStringLiteral("1 2 3 4")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/geo")), QStringLiteral("1 2 3.0 4.0"));
    QCOMPARE(s.setValue(src, QStringLiteral("somewhere")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/geo")), QString());
    const auto problems = s.validate();
    QCOMPARE(problems.size(), std::size_t(1));
    QCOMPARE(problems.front().ref, QStringLiteral("/data/geo"));
    QCOMPARE(problems.front().kind, FormSession::Problem::Kind::Error);
    QVERIFY2(problems.front().message.contains(QLatin1String("'somewhere' is not a location")),
             qPrintable(problems.front().message));
}

void TestSession::calculatesAcrossRepeatInstances()
{
    // A calculate in one repeat instance that reads other instances (the one before, all of
    // them) is recomputed when any of those changes, is added or is removed.
    auto def = loadInline(
        R"XF(<instance><data id="r"><row jr:template=""><v/><prev/><upto/></row><total/><meta><instanceID/></meta></data></instance>
<bind nodeset="/data/row/v" type="int"/>
<bind nodeset="/data/row/prev" type="string" calculate="indexed-repeat(/data/row/v, /data/row, position(..) - 1)"/>
<bind nodeset="/data/row/upto" type="int" calculate="sum(../../row[position() &lt;= position(current()/..)]/v)"/>
<bind nodeset="/data/total" type="int" calculate="sum(/data/row/v)"/>)XF",
        R"XF(<repeat nodeset="/data/row"><input ref="/data/row/v"><label>V</label></input></repeat>)XF");
    QVERIFY(def);
    FormSession s(def);
    s.start();
    const int row = def->schemaForPath(QStringLiteral("/data/row"));
    for (int i = 0; i < 3; ++i)
        QVERIFY(s.addRepeat(s.root(), row));
    const auto set = [&s](const QString &path, const QString &value) {
        return s.setValue(s.resolve(path, false, nullptr), value);
    };
    QCOMPARE(set(QStringLiteral("/data/row[1]/v"), QStringLiteral("1")), QString());
    QCOMPARE(set(QStringLiteral("/data/row[2]/v"), QStringLiteral("10")), QString());
    QCOMPARE(set(QStringLiteral("/data/row[3]/v"), QStringLiteral("100")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/row[2]/prev")), QStringLiteral("1"));
    QCOMPARE(s.value(QStringLiteral("/data/row[3]/prev")), QStringLiteral("10"));
    QCOMPARE(s.value(QStringLiteral("/data/row[3]/upto")), QStringLiteral("111"));
    QCOMPARE(s.value(QStringLiteral("/data/total")), QStringLiteral("111"));
    // A change in the first instance reaches the later ones.
    QCOMPARE(set(QStringLiteral("/data/row[1]/v"), QStringLiteral("5")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/row[2]/prev")), QStringLiteral("5"));
    QCOMPARE(s.value(QStringLiteral("/data/row[2]/upto")), QStringLiteral("15"));
    QCOMPARE(s.value(QStringLiteral("/data/row[3]/upto")), QStringLiteral("115"));
    // Removing the first moves every instance's view.
    QVERIFY(s.removeRepeat(s.resolve(QStringLiteral("/data/row[1]"), false, nullptr)));
    QCOMPARE(s.value(QStringLiteral("/data/row[1]/prev")), QString());
    QCOMPARE(s.value(QStringLiteral("/data/row[2]/prev")), QStringLiteral("10"));
    QCOMPARE(s.value(QStringLiteral("/data/row[2]/upto")), QStringLiteral("110"));
    QCOMPARE(s.value(QStringLiteral("/data/total")), QStringLiteral("110"));
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
