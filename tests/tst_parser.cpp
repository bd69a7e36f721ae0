// SPDX-License-Identifier: GPL-3.0-or-later
#include "testutil.h"

#include "formdefinition.h"
#include "formsession.h"

#include <QDir>
#include <QDirIterator>
#include <QStringEncoder>
#include <QTemporaryDir>

using namespace survey::form;

class TestParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void examples_data();
    void examples();
    void refusals_data();
    void refusals();
    void itextAndLabels();
    void externalCsvInstance();
    void externalGeoJsonInstance();
    void fastXmlMatchesQt_data();
    void fastXmlMatchesQt();
    void fastXmlRefuses_data();
    void fastXmlRefuses();
    void attributeLimits();
    void namespacesAtDepth();
    void otherEncodings();
    void loadsWhatOdkLoads();
    void missingDataFileIsAnEvaluationError();
    void selfReadingCalculates();
    void doctypeWithoutDeclarations();
};

namespace {

QByteArray form(const QByteArray &model, const QByteArray &instance, const QByteArray &body,
                const QByteArray &prolog = {})
{
    return prolog +
           "<h:html xmlns=\"http://www.w3.org/2002/xforms\" "
           "xmlns:h=\"http://www.w3.org/1999/xhtml\" "
           "xmlns:jr=\"http://openrosa.org/javarosa\" "
           "xmlns:odk=\"http://www.opendatakit.org/xforms\">\n"
           "<h:head><h:title>T</h:title><model>\n<instance><data id=\"t\">" +
           instance + "</data></instance>\n" + model + "\n</model></h:head>\n<h:body>" + body +
           "</h:body></h:html>\n";
}

} // namespace

void TestParser::examples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("formId");
    QTest::addColumn<int>("repeats");
    QTest::newRow("household") << QStringLiteral("household_energy.xml")
                               << QStringLiteral("household_energy") << 2;
    QTest::newRow("enterprise") << QStringLiteral("enterprise_lowcarbon.xml")
                                << QStringLiteral("enterprise_lowcarbon") << 1;
}

void TestParser::examples()
{
    QFETCH(QString, file);
    QFETCH(QString, formId);
    QFETCH(int, repeats);
    FormError err;
    auto def = FormDefinition::loadFile(QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/") + file,
                                        {}, &err);
    QVERIFY2(def, qPrintable(err.message));
    QCOMPARE(def->formId, formId);
    QCOMPARE(def->repeatCount(), repeats);
    QCOMPARE(def->languages().size(), 2);
    QVERIFY(def->questionCount() >= 30);
    QVERIFY(def->instanceIdSchema >= 0);
    // Calculates are ordered so that every input comes before its readers.
    for (std::size_t i = 0; i < def->topoOrder.size(); ++i) {
        const int s = def->topoOrder[i];
        for (int reader : def->dependents[static_cast<std::size_t>(s)].calculates)
            QVERIFY(def->topoPosition[static_cast<std::size_t>(reader)] > static_cast<int>(i));
    }
}

void TestParser::refusals_data()
{
    QTest::addColumn<QByteArray>("xml");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("needle");

    const QByteArray in = "<a/><b/><meta><instanceID/></meta>";
    const QByteArray body = "<input ref=\"/data/a\"><label>A</label></input>";
    QTest::newRow("not well-formed")
        << QByteArray("<h:html><h:head></h:html>") << 1 << QStringLiteral("not well-formed");
    QTest::newRow("dtd") << form("", in, body, "<!DOCTYPE h:html [<!ENTITY x \"xxxxxxxxxx\">]>\n")
                         << 1 << QStringLiteral("DTD");
    QTest::newRow("unknown function")
        << form("<bind nodeset=\"/data/a\" relevant=\"frobnicate(/data/b)\"/>", in, body) << 4
        << QStringLiteral("unknown function: frobnicate()");
    QTest::newRow("xpath syntax") << form("<bind nodeset=\"/data/a\" calculate=\"1 + \"/>", in,
                                          body)
                                  << 4 << QStringLiteral("expression ends");
    QTest::newRow("cycle") << form("<bind nodeset=\"/data/a\" calculate=\"/data/b + 1\"/>\n"
                                   "<bind nodeset=\"/data/b\" calculate=\"/data/a + 1\"/>",
                                   in, body)
                           << 5 << QStringLiteral("dependency cycle: /data/b → /data/a → /data/b");
    QTest::newRow("unsupported event")
        << form("<setvalue event=\"my-fake-event\" ref=\"/data/a\" value=\"1\"/>", in, body) << 4
        << QStringLiteral("unsupported: event 'my-fake-event'");
    QTest::newRow("undeclared prefix")
        << form("<bind nodeset=\"/data/a\" relevant=\"/data/zz:b = 1\"/>", in, body) << 4
        << QStringLiteral("prefix 'zz'");
    QTest::newRow("repeat of the root")
        << form(
               "", in,
               "<repeat nodeset=\"/data\"><input ref=\"/data/a\"><label>x</label></input></repeat>")
        << 6 << QStringLiteral("root element");
    QTest::newRow("no model") << QByteArray("<h:html xmlns:h=\"http://www.w3.org/1999/xhtml\">"
                                            "<h:head><h:title>x</h:title></h:head></h:html>")
                              << 1 << QStringLiteral("<model>");
}

void TestParser::refusals()
{
    QFETCH(QByteArray, xml);
    QFETCH(int, line);
    QFETCH(QString, needle);
    FormError err;
    auto def = FormDefinition::load(xml, {}, &err);
    QVERIFY(!def);
    QVERIFY2(err.message.contains(needle), qPrintable(err.message));
    QCOMPARE(err.line, line);
    QVERIFY(err.column > 0);
}

void TestParser::itextAndLabels()
{
    const QByteArray xml =
        "<h:html xmlns=\"http://www.w3.org/2002/xforms\" xmlns:h=\"http://www.w3.org/1999/xhtml\" "
        "xmlns:jr=\"http://openrosa.org/javarosa\"><h:head><h:title>T</h:title><model>"
        "<itext><translation lang=\"en\" default=\"true()\"><text id=\"q\"><value>Name <output "
        "value=\"/data/a\"/></value><value form=\"image\">jr://images/q.png</value></text>"
        "</translation><translation lang=\"zh\"><text id=\"q\"><value>名字</value></text>"
        "</translation></itext>"
        "<instance><data id=\"x\" version=\"3\"><a/></data></instance></model></h:head><h:body>"
        "<input ref=\"/data/a\"><label ref=\"jr:itext('q')\"/></input></h:body></h:html>";
    FormError err;
    auto def = FormDefinition::load(xml, {}, &err);
    QVERIFY2(def, qPrintable(err.message));
    QCOMPARE(def->languages(), QStringList({QStringLiteral("en"), QStringLiteral("zh")}));
    QCOMPARE(def->defaultLanguage, QStringLiteral("en"));
    QCOMPARE(def->version, QStringLiteral("3"));
    const auto &entry = def->translations[0].entries.value(QStringLiteral("q"));
    QVERIFY(entry.form(QStringLiteral("image")));
    QCOMPARE(entry.form(QString())->size(), 2u); // text + <output>
    QCOMPARE(def->controls.front().label.itextId, QStringLiteral("q"));
}

void TestParser::externalCsvInstance()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile csv(dir.filePath(QStringLiteral("towns.csv")));
    QVERIFY(csv.open(QIODevice::WriteOnly));
    csv.write("name,label,\"county\"\nx,\"Town, X\",a\ny,Y,b\n");
    csv.close();
    const QByteArray xml = form("", "<a/>", "<input ref=\"/data/a\"><label>A</label></input>")
                               .replace("</instance>\n", "</instance>\n<instance id=\"towns\" "
                                                         "src=\"jr://file-csv/towns.csv\"/>\n");
    FormDefinition::LoadOptions opts;
    opts.mediaDir = dir.path();
    FormError err;
    auto def = FormDefinition::load(xml, opts, &err);
    QVERIFY2(def, qPrintable(err.message));
    const SecondaryInstance *si = def->secondary(QStringLiteral("towns"));
    QVERIFY(si);
    const XmlNode *root = si->doc->documentElement();
    QCOMPARE(root->childElementCount(), 2);
    QCOMPARE(root->firstChildElement()->firstChildElement(QStringLiteral("label"))->stringValue(),
             QStringLiteral("Town, X"));
    // Missing media, where it must be there (a server publishing): a clear error naming the
    // file. (Elsewhere the form loads with a warning: missingDataFileIsAnEvaluationError.)
    opts.mediaDir = dir.filePath(QStringLiteral("nowhere"));
    opts.allowMissingMedia = false;
    QVERIFY(!FormDefinition::load(xml, opts, &err));
    QVERIFY2(err.message.contains(QStringLiteral("towns.csv")), qPrintable(err.message));
}

void TestParser::externalGeoJsonInstance()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile geo(dir.filePath(QStringLiteral("sites.geojson")));
    QVERIFY(geo.open(QIODevice::WriteOnly));
    geo.write(R"({"type":"FeatureCollection","features":[
      {"type":"Feature","id":"s1","geometry":{"type":"Point","coordinates":[113.26,23.13,21]},
       "properties":{"name":"Plant A","kwh":1200.5,"audited":true}},
      {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[0,0]]]},
       "properties":{"id":"s2","name":"Field"}}]})");
    geo.close();
    const QByteArray xml = form("", "<a/>", "<input ref=\"/data/a\"><label>A</label></input>")
                               .replace("</instance>\n", "</instance>\n<instance id=\"sites\" "
                                                         "src=\"jr://file/sites.geojson\"/>\n");
    FormDefinition::LoadOptions opts;
    opts.mediaDir = dir.path();
    FormError err;
    auto def = FormDefinition::load(xml, opts, &err);
    QVERIFY2(def, qPrintable(err.message));
    const XmlNode *root = def->secondary(QStringLiteral("sites"))->doc->documentElement();
    QCOMPARE(root->childElementCount(), 2);
    const XmlNode *first = root->firstChildElement();
    // GeoJSON positions are [longitude, latitude, altitude]; geopoints are "lat lon alt acc".
    QCOMPARE(first->firstChildElement(QStringLiteral("geometry"))->stringValue(),
             QStringLiteral("23.13 113.26 21 0"));
    QCOMPARE(first->firstChildElement(QStringLiteral("id"))->stringValue(), QStringLiteral("s1"));
    QCOMPARE(first->firstChildElement(QStringLiteral("kwh"))->stringValue(),
             QStringLiteral("1200.5"));
    QCOMPARE(first->firstChildElement(QStringLiteral("audited"))->stringValue(),
             QStringLiteral("true"));
    const XmlNode *second = first->nextSiblingElement();
    QCOMPARE(second->firstChildElement(QStringLiteral("geometry"))->stringValue(),
             QStringLiteral("0 0 0 0; 1 0 0 0; 1 1 0 0; 0 0 0 0"));
    // A geometry we cannot represent is refused by name.
    QVERIFY(geo.open(QIODevice::WriteOnly | QIODevice::Truncate));
    geo.write(
        R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[]},"properties":{}}]})");
    geo.close();
    QVERIFY(!FormDefinition::load(xml, opts, &err));
    QVERIFY2(err.message.contains(QStringLiteral("MultiPoint")), qPrintable(err.message));
}

namespace {

QString dump(const XmlNode *n)
{
    QString out;
    switch (n->kind()) {
    case XmlNode::Kind::Element: {
        out += QLatin1Char('<') + n->qualifiedName() + QLatin1Char('{') + n->namespaceUri() +
               QLatin1Char('}');
        for (const auto &a : n->attributes())
            out += QLatin1Char(' ') + a->qualifiedName() + QLatin1Char('{') + a->namespaceUri() +
                   QStringLiteral("}=") + a->value();
        for (const auto &[p, u] : n->namespaceDeclarations())
            out += QStringLiteral(" xmlns:") + p + QLatin1Char('=') + u;
        out += QLatin1Char('>');
        break;
    }
    case XmlNode::Kind::Text:
        return QStringLiteral("T[") + n->value() + QLatin1Char(']');
    case XmlNode::Kind::Comment:
        return QStringLiteral("C[") + n->value() + QLatin1Char(']');
    case XmlNode::Kind::ProcessingInstruction:
        return QStringLiteral("P[") + n->localName() + QLatin1Char(' ') + n->value() +
               QLatin1Char(']');
    default:
        break;
    }
    for (const auto &c : n->children())
        out += dump(c.get());
    return out + QStringLiteral("</>");
}

} // namespace

void TestParser::fastXmlMatchesQt_data()
{
    QTest::addColumn<QString>("file");
    QStringList files;
    for (const QString &dir : {QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms"),
                               QStringLiteral(SURVEY_TEST_DATA "/xpath/docs")}) {
        for (const QString &f : QDir(dir).entryList({QStringLiteral("*.xml")}, QDir::Files))
            files << dir + QLatin1Char('/') + f;
    }
    QDirIterator it(QStringLiteral(SURVEY_SHARED_FORMS),
                    {QStringLiteral("*.xml"), QStringLiteral("*.xhtml")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    QVERIFY(files.size() > 300);
    for (const QString &f : files)
        QTest::newRow(qPrintable(f.section(QLatin1Char('/'), -2))) << f;
}

void TestParser::fastXmlMatchesQt()
{
    // The fast parser and QXmlStreamReader agree on every tree, and on what to refuse.
    QFETCH(QString, file);
    const QByteArray data = testutil::readFile(file);
    XmlError fastErr;
    XmlError qtErr;
    const auto fast = XmlDocument::parse(data, {}, &fastErr);
    const auto qt = XmlDocument::parseWithQt(data, {}, &qtErr);
    QCOMPARE(bool(fast), bool(qt));
    if (!fast) {
        QVERIFY(!fastErr.message.isEmpty());
        QCOMPARE(fastErr.line > 0, true);
        return;
    }
    QCOMPARE(dump(fast.get()), dump(qt.get()));
}

void TestParser::fastXmlRefuses_data()
{
    QTest::addColumn<QByteArray>("xml");
    QTest::addColumn<QString>("needle");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
    QTest::newRow("two roots") << QByteArray("<a/><b/>") << QStringLiteral("one document element");
    QTest::newRow("mismatch") << QByteArray("<a><b></a></b>") << QStringLiteral("does not match");
    QTest::newRow("unclosed") << QByteArray("<a><b>") << QStringLiteral("ends before");
    QTest::newRow("bad utf8") << QByteArray("<a>\xC3\x28</a>") << QStringLiteral("UTF-8");
    QTest::newRow("control char") << QByteArray("<a>\x01</a>") << QStringLiteral("U+0001");
    QTest::newRow("undeclared entity") << QByteArray("<a>&nbsp;</a>") << QStringLiteral("&nbsp;");
    QTest::newRow("bare ampersand") << QByteArray("<a>fish & chips</a>") << QStringLiteral("&");
    QTest::newRow("lt in attribute") << QByteArray("<a b=\"<\"/>") << QStringLiteral("'<'");
    QTest::newRow("duplicate attribute")
        << QByteArray("<a b='1' b='2'/>") << QStringLiteral("twice");
    QTest::newRow("duplicate expanded")
        << QByteArray("<a xmlns:p='u' xmlns:q='u' p:b='1' q:b='2'/>") << QStringLiteral("twice");
    QTest::newRow("undeclared prefix") << QByteArray("<p:a/>") << QStringLiteral("prefix 'p'");
    QTest::newRow("dtd") << QByteArray("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>")
                         << QStringLiteral("DTD");
    QTest::newRow("double dash comment")
        << QByteArray("<a><!-- a -- b --></a>") << QStringLiteral("'--'");
    QTest::newRow("text outside") << QByteArray("<a/>junk") << QStringLiteral("outside");
    QTest::newRow("late declaration")
        << QByteArray("<a/><?xml version='1.0'?>") << QStringLiteral("very start");
    QTest::newRow("bad char ref") << QByteArray("<a>&#0;</a>")
                                  << QStringLiteral("character reference");
    QTest::newRow("too deep") << QByteArray(300, 'x').replace('x', "<a>")
                              << QStringLiteral("levels deep");
}

void TestParser::fastXmlRefuses()
{
    QFETCH(QByteArray, xml);
    QFETCH(QString, needle);
    XmlError err;
    QVERIFY(!XmlDocument::parse(xml, {}, &err));
    QVERIFY2(err.message.contains(needle), qPrintable(err.message));
    QVERIFY(err.line >= 1);
    // The reference parser refuses the same input.
    XmlError qtErr;
    QVERIFY(!XmlDocument::parseWithQt(xml, {}, &qtErr));
}

namespace {

/// `<a a0="0" a1="1" …/>` with `n` attributes.
QByteArray manyAttributes(int n)
{
    QByteArray xml("<a");
    for (int i = 0; i < n; ++i)
        xml += " a" + QByteArray::number(i) + "=\"" + QByteArray::number(i) + '"';
    return xml + "/>";
}

} // namespace

void TestParser::attributeLimits()
{
    // An element's attributes are bounded (and read in linear time: 40,000 of them took 52 s
    // before, 200,000 more than five minutes).
    XmlError err;
    const auto atLimit = XmlDocument::parse(manyAttributes(1000), &err);
    QVERIFY2(atLimit, qPrintable(err.message));
    const XmlNode *a = atLimit->documentElement();
    QCOMPARE(a->attributes().size(), std::size_t(1000));
    QCOMPARE(a->attributeValue(QStringLiteral("a999")), QStringLiteral("999"));
    for (const int n : {1001, 40000, 200000}) {
        XmlError over;
        QVERIFY(!XmlDocument::parse(manyAttributes(n), &over));
        QCOMPARE(over.message,
                 QStringLiteral("not well-formed XML: an element has more than 1000 attributes"));
        QCOMPARE(over.line, 1);
        QCOMPARE(over.column, 1);
    }
    // A repeated attribute is found among few attributes and among many alike (the parser
    // compares with each earlier one up to 16, and hashes beyond).
    for (const int n : {3, 16, 17, 40, 900}) {
        QByteArray twice = manyAttributes(n - 1);
        twice.insert(twice.size() - 2, " a1=\"again\"");
        XmlError e;
        QVERIFY2(!XmlDocument::parse(twice, &e), twice.left(80).constData());
        QCOMPARE(e.message,
                 QStringLiteral("not well-formed XML: the attribute 'a1' appears twice"));
        QByteArray expanded = manyAttributes(n);
        expanded.insert(2, " xmlns:p='u' xmlns:q='u'");
        expanded.insert(expanded.size() - 2, " p:b='1' q:b='2'");
        QVERIFY(!XmlDocument::parse(expanded, &e));
        QCOMPARE(e.message,
                 QStringLiteral("not well-formed XML: the attribute 'q:b' appears twice"));
    }
    // Namespace declarations count too.
    QByteArray decls("<a");
    for (int i = 0; i < 1001; ++i)
        decls += " xmlns:p" + QByteArray::number(i) + "='u" + QByteArray::number(i) + "'";
    QVERIFY(!XmlDocument::parse(decls + "/>", &err));
    QVERIFY2(err.message.contains(QLatin1String("more than 1000 attributes")),
             qPrintable(err.message));
    // The same document in UTF-16 meets the same bound (it used to go to QXmlStreamReader).
    QStringEncoder utf16(QStringConverter::Utf16LE, QStringConverter::Flag::WriteBom);
    const QByteArray wide = utf16(QString::fromLatin1(manyAttributes(40000)));
    QVERIFY(!XmlDocument::parse(wide, &err));
    QCOMPARE(err.message,
             QStringLiteral("not well-formed XML: an element has more than 1000 attributes"));
}

void TestParser::namespacesAtDepth()
{
    // 200 levels each declaring the same 500 prefixes: every name resolves to its innermost
    // declaration, and leaving an element brings back the outer ones.
    QByteArray xml;
    const int depth = 200;
    for (int level = 0; level < depth; ++level) {
        xml += "<e";
        for (int p = 0; p < 500; ++p)
            xml += " xmlns:p" + QByteArray::number(p) + "='urn:" + QByteArray::number(level) + ':' +
                   QByteArray::number(p) + "'";
        xml += '>';
    }
    xml += "<p7:inner p9:x='1'/>";
    for (int level = depth - 1; level >= 0; --level) {
        if (level == 0)
            xml += "<p3:after/>";
        xml += "</e>";
    }
    XmlError err;
    const auto doc = XmlDocument::parse(xml, &err);
    QVERIFY2(doc, qPrintable(err.message));
    const XmlNode *n = doc->documentElement();
    for (int level = 1; level < depth; ++level)
        n = n->firstChildElement(QStringLiteral("e"));
    const XmlNode *inner = n->firstChildElement(QStringLiteral("inner"));
    QVERIFY(inner);
    QCOMPARE(inner->namespaceUri(), QStringLiteral("urn:199:7"));
    QCOMPARE(inner->attributes().front()->namespaceUri(), QStringLiteral("urn:199:9"));
    const XmlNode *after = doc->documentElement()->firstChildElement(QStringLiteral("after"));
    QVERIFY(after);
    QCOMPARE(after->namespaceUri(), QStringLiteral("urn:0:3"));
    // Out of every scope, the prefix is undeclared again.
    QVERIFY(!XmlDocument::parse("<r><a xmlns:p='u'/><p:b/></r>", &err));
    QVERIFY2(err.message.contains(QLatin1String("prefix 'p'")), qPrintable(err.message));
}

void TestParser::otherEncodings()
{
    // UTF-16 (with or without a byte order mark) and Latin-1 read as their UTF-8 equal.
    const QString text = QStringLiteral("<?xml version='1.0' encoding='%1'?><a b='é'>王芳</a>");
    XmlError err;
    const auto reference = XmlDocument::parse(text.arg(QStringLiteral("UTF-8")).toUtf8(), &err);
    QVERIFY2(reference, qPrintable(err.message));
    const QString expected = dump(reference.get());
    QStringEncoder le(QStringConverter::Utf16LE, QStringConverter::Flag::WriteBom);
    QStringEncoder be(QStringConverter::Utf16BE);
    for (const QByteArray &bytes : {QByteArray(le(text.arg(QStringLiteral("UTF-16")))),
                                    QByteArray(be(text.arg(QStringLiteral("UTF-16BE"))))}) {
        const auto doc = XmlDocument::parse(bytes, &err);
        QVERIFY2(doc, qPrintable(err.message));
        QCOMPARE(dump(doc.get()), expected);
    }
    const QString latin = QStringLiteral("<?xml version='1.0' encoding='ISO-8859-1'?><a b='é'/>");
    const auto doc = XmlDocument::parse(latin.toLatin1(), &err);
    QVERIFY2(doc, qPrintable(err.message));
    QCOMPARE(doc->documentElement()->attributeValue(QStringLiteral("b")), QStringLiteral("é"));
    // An encoding Qt cannot decode is named; bytes that do not fit theirs are refused.
    QVERIFY(!XmlDocument::parse("<?xml version='1.0' encoding='x-unknown'?><a/>", &err));
    QCOMPARE(err.message,
             QStringLiteral("the encoding 'x-unknown' is not supported: send the document in "
                            "UTF-8"));
    QByteArray broken = QByteArray(le(QStringLiteral("<a>x</a>")));
    broken.insert(8, "\x00\xD8", 2); // a lone high surrogate
    QVERIFY(!XmlDocument::parse(broken, &err));
    QCOMPARE(err.message, QStringLiteral("the document is not valid UTF-16LE"));
}

void TestParser::loadsWhatOdkLoads()
{
    // What ODK Collect, Enketo and ODK Web Forms load, loads here too, with a warning each:
    // a bind and a question for nodes the instance lacks (ignored), a type that is not an
    // XForms type (kept as text), a body element that is no control (skipped), <rank>
    // without its prefix (read), a bind without nodeset, a translation without lang, a
    // label whose itext id no translation has (shown empty), a range whose step does not
    // divide it.
    const QByteArray xml = form(
        "<bind nodeset=\"/data/a\" type=\"string\"/><bind nodeset=\"/data/gone\" "
        "type=\"int\" required=\"true()\"/><bind type=\"string\"/>"
        "<bind nodeset=\"/data/n\" type=\"note\"/><bind nodeset=\"/data/r\" type=\"odk:rank\"/>"
        "<itext><translation><text id=\"l\"><value>A</value></text></translation></itext>",
        "<a/><n/><r/><a2/><lvl/>",
        "<input ref=\"/data/a\"><label ref=\"jr:itext('l')\"/></input>"
        "<input ref=\"/data/nothere\"><label>X</label></input><blink>odd</blink>"
        "<input ref=\"/data/n\"><label>N</label></input>"
        "<rank ref=\"/data/r\"><label>R</label><item><label>1</label><value>x</value></item>"
        "<item><label>2</label><value>y</value></item></rank>"
        "<input ref=\"/data/a2\"><label ref=\"jr:itext('nowhere')\"/></input>"
        "<range ref=\"/data/lvl\" start=\"-3\" end=\"4\" step=\"3\"><label>L</label></range>");
    FormError err;
    const auto def = FormDefinition::load(xml, {}, &err);
    QVERIFY2(def, qPrintable(err.message));
    QCOMPARE(def->warnings.size(), 8);
    const QString all = def->warnings.join(QLatin1Char('\n'));
    for (const char *expected :
         {"/data/gone, which is not in the primary instance; it is ignored",
          "/data/nothere, which is not in the primary instance",
          "a <bind> without a nodeset is ignored",
          "the data type 'note' on the bind for /data/n is not an XForms type",
          "the body element <blink> is not an XForms control; it is skipped",
          "a <translation> without a lang attribute is taken as the language "
          "'default'",
          "refers to itext id 'nowhere', which no <translation> defines: it is shown empty",
          "<range> step 3 does not divide -3 to 4: the end cannot be chosen"})
        QVERIFY2(all.contains(QLatin1String(expected)), qPrintable(all));
    QVERIFY(def->warnings.first().startsWith(QLatin1String("line ")));
    QCOMPARE(def->questionCount(), 5); // not the one for /data/nothere
    FormSession s(def);
    s.start();
    QCOMPARE(s.validate().size(), std::size_t(0)); // the ignored required bind asks nothing
    // survey-cli validate shows the warnings, and exits 0.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("lenient.xml"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(xml);
    f.close();
    const auto r = testutil::runCli({QStringLiteral("validate"), path});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.err.count("warning: line "), 8);

    // default="" makes a translation the default, as JavaRosa reads it.
    const auto two = FormDefinition::load(
        form("<itext><translation lang=\"fr\"><text id=\"l\"><value>F</value></text>"
             "</translation><translation lang=\"en\" default=\"\"><text id=\"l\"><value>E"
             "</value></text></translation></itext>",
             "<a/>", "<input ref=\"/data/a\"><label ref=\"jr:itext('l')\"/></input>"),
        {}, &err);
    QVERIFY2(two, qPrintable(err.message));
    QCOMPARE(two->defaultLanguage, QStringLiteral("en"));
}

void TestParser::missingDataFileIsAnEvaluationError()
{
    // A form whose CSV is not there loads (a warning names the file); what reads it is an
    // evaluation error naming the file, a problem of kind error; a server publishing the
    // form refuses it instead (allowMissingMedia = false).
    const QByteArray xml = form("<instance id=\"towns\" src=\"jr://file-csv/towns.csv\"/>"
                                "<bind nodeset=\"/data/count\" type=\"int\" "
                                "calculate=\"count(instance('towns')/root/item)\"/>",
                                "<count/>", "");
    FormError err;
    const auto def = FormDefinition::load(xml, {}, &err);
    QVERIFY2(def, qPrintable(err.message));
    QCOMPARE(def->missingMedia, QStringList{QStringLiteral("towns.csv")});
    QVERIFY2(def->warnings.join(QString()).contains(QLatin1String("towns.csv")),
             qPrintable(def->warnings.join(QLatin1Char('\n'))));
    FormSession s(def);
    s.start();
    const auto problems = s.validate();
    QCOMPARE(problems.size(), std::size_t(1));
    QCOMPARE(FormSession::kindName(problems[0].kind), QStringLiteral("error"));
    QVERIFY2(problems[0].message.contains(QLatin1String("towns.csv")),
             qPrintable(problems[0].message));
    FormDefinition::LoadOptions strict;
    strict.allowMissingMedia = false;
    QVERIFY(!FormDefinition::load(xml, strict, &err));
    QVERIFY2(err.message.contains(QLatin1String("towns.csv")), qPrintable(err.message));
}

void TestParser::selfReadingCalculates()
{
    // A question whose calculate gives a default from its own value (coalesce(., …)) and
    // whose readonly is its own loads, and the person's answer stands; a calculate that only
    // reads itself is a cycle, as JavaRosa and ODK Web Forms say.
    FormError err;
    const auto def = FormDefinition::load(
        form("<bind nodeset=\"/data/geo\" type=\"geopoint\" calculate=\"coalesce(/data/geo, "
             "/data/fallback)\" readonly=\"false()\"/><bind nodeset=\"/data/fallback\" "
             "type=\"string\"/>",
             "<geo/><fallback>1 2 0 0</fallback>",
             "<input ref=\"/data/geo\"><label>G</label></input>"),
        {}, &err);
    QVERIFY2(def, qPrintable(err.message));
    FormSession s(def);
    s.start();
    QCOMPARE(s.value(QStringLiteral("/data/geo")), QStringLiteral("1 2 0.0 0.0")); // as ODK writes
    QVERIFY(!s.isReadonly(s.resolve(QStringLiteral("/data/geo"), false, nullptr)));
    QCOMPARE(s.setValue(s.resolve(QStringLiteral("/data/geo"), false, nullptr),
                        QStringLiteral("3 4 0 0")),
             QString());
    QCOMPARE(s.value(QStringLiteral("/data/geo")), QStringLiteral("3 4 0.0 0.0")); // as ODK writes
    QVERIFY(
        !FormDefinition::load(form("<bind nodeset=\"/data/a\" type=\"int\" "
                                   "calculate=\"/data/a + 1\"/>",
                                   "<a>1</a>", "<input ref=\"/data/a\"><label>A</label></input>"),
                              {}, &err));
    QVERIFY2(err.message.contains(QLatin1String("dependency cycle")), qPrintable(err.message));
}

void TestParser::doctypeWithoutDeclarations()
{
    // <!DOCTYPE name> declares nothing: accepted; an internal subset stays refused.
    XmlError err;
    const auto doc =
        XmlDocument::parse("<!DOCTYPE data SYSTEM \"data.dtd\">\n<data><a>1</a></data>", &err);
    QVERIFY2(doc, qPrintable(err.message));
    QCOMPARE(doc->documentElement()->localName(), QStringLiteral("data"));
    QVERIFY(!XmlDocument::parse("<!DOCTYPE data [<!ENTITY e 'x'>]><data>&e;</data>", &err));
    QVERIFY(err.message.contains(QLatin1String("DTD")));
    QVERIFY(!XmlDocument::parse("<data/><!DOCTYPE data>", &err)); // only before the root
    FormError ferr;
    QVERIFY2(FormDefinition::load("<!DOCTYPE html>\n" + form("", "<a/>", ""), {}, &ferr),
             qPrintable(ferr.message));
}

QTEST_GUILESS_MAIN(TestParser)
#include "tst_parser.moc"
