// SPDX-License-Identifier: GPL-3.0-or-later
// The XPath corpus (tests/data/xpath/*.jsonl) through `survey-cli xpath --batch`, plus
// engine-level checks that the CLI cannot show.
#include "testutil.h"

#include "xpath.h"
#include "xpathfunctions.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace survey::form;
using namespace survey::form::xpath;

class TestXPath : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void corpus_data();
    void corpus();
    void numberFormatting_data();
    void numberFormatting();
    void compiledOnce();
    void deepNestingIsRefused();
    void everyFunctionIsCallable();
    void seededRandomizeMatchesOdk();
    void longNumbersStayStrict();
    void checklistCountsNumbersAboveZero();
};

namespace {

bool sameJson(const QJsonValue &expect, const QJsonValue &actual)
{
    if (expect.isDouble() && actual.isDouble()) {
        const double e = expect.toDouble();
        const double a = actual.toDouble();
        if (e == a)
            return true;
        return std::fabs(e - a) <= 1e-12 * std::max(std::fabs(e), std::fabs(a));
    }
    if (expect.isArray() && actual.isArray()) {
        const QJsonArray x = expect.toArray();
        const QJsonArray y = actual.toArray();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (!sameJson(x[i], y[i]))
                return false;
        }
        return true;
    }
    if (expect.isObject() && actual.isObject()) {
        const QJsonObject x = expect.toObject();
        const QJsonObject y = actual.toObject();
        if (x.keys() != y.keys())
            return false;
        for (const QString &k : x.keys()) {
            if (!sameJson(x[k], y[k]))
                return false;
        }
        return true;
    }
    return expect == actual;
}

} // namespace

void TestXPath::corpus_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<QByteArray>("actual");

    const QString dir = QStringLiteral(SURVEY_TEST_DATA "/xpath");
    const QStringList files =
        QDir(dir).entryList({QStringLiteral("*.jsonl")}, QDir::Files, QDir::Name);
    QVERIFY2(!files.isEmpty(), "no XPath cases found");
    int total = 0;
    for (const QString &file : files) {
        // Group the cases by document: one batch process each.
        QMap<QString, QList<QPair<int, QJsonObject>>> byDoc;
        const QList<QByteArray> lines =
            testutil::readFile(dir + QLatin1Char('/') + file).split('\n');
        for (int i = 0; i < lines.size(); ++i) {
            if (lines[i].trimmed().isEmpty())
                continue;
            const QJsonObject o = QJsonDocument::fromJson(lines[i]).object();
            QVERIFY2(o.contains(QStringLiteral("expect")),
                     qPrintable(QStringLiteral("%1:%2 has no expect").arg(file).arg(i + 1)));
            byDoc[o.value(QStringLiteral("doc")).toString(QStringLiteral("basic.xml"))].append(
                {i + 1, o});
        }
        for (auto it = byDoc.begin(); it != byDoc.end(); ++it) {
            QByteArray input;
            for (const auto &[line, o] : it.value()) {
                QJsonObject req;
                req.insert(QStringLiteral("expr"), o.value(QStringLiteral("expr")));
                for (const char *k : {"context", "ns", "type"}) {
                    if (o.contains(QLatin1String(k)))
                        req.insert(QLatin1String(k), o.value(QLatin1String(k)));
                }
                input += QJsonDocument(req).toJson(QJsonDocument::Compact) + '\n';
            }
            const auto run = testutil::runCli({QStringLiteral("xpath"),
                                               dir + QStringLiteral("/docs/") + it.key(),
                                               QStringLiteral("--batch")},
                                              input);
            QCOMPARE(run.exitCode, 0);
            const QList<QByteArray> outLines = run.out.trimmed().split('\n');
            QCOMPARE(outLines.size(), it.value().size());
            for (qsizetype i = 0; i < outLines.size(); ++i) {
                const auto &[line, o] = it.value()[i];
                const QString name = QStringLiteral("%1:%2 %3")
                                         .arg(file)
                                         .arg(line)
                                         .arg(o.value(QStringLiteral("expr")).toString().left(60));
                QTest::newRow(qPrintable(name))
                    << QJsonDocument(o).toJson(QJsonDocument::Compact)
                    << QJsonDocument(o.value(QStringLiteral("expect")).toObject())
                           .toJson(QJsonDocument::Compact)
                    << outLines[i];
                ++total;
            }
        }
    }
    QVERIFY(total >= 400);
}

void TestXPath::corpus()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, expected);
    QFETCH(QByteArray, actual);
    const QJsonObject e = QJsonDocument::fromJson(expected).object();
    const QJsonObject a = QJsonDocument::fromJson(actual).object();
    const QString message = QStringLiteral("case %1\n   got %2")
                                .arg(QString::fromUtf8(request), QString::fromUtf8(actual));
    if (e.value(QStringLiteral("error")).toBool()) {
        QVERIFY2(a.contains(QStringLiteral("error")), qPrintable(message));
        QVERIFY2(!a.value(QStringLiteral("error")).toString().isEmpty(), qPrintable(message));
        return;
    }
    QVERIFY2(sameJson(QJsonValue(e), QJsonValue(a)), qPrintable(message));
}

void TestXPath::numberFormatting_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("integer") << 42.0 << QStringLiteral("42");
    QTest::newRow("negative zero") << -0.0 << QStringLiteral("0");
    QTest::newRow("fraction") << 0.1 << QStringLiteral("0.1");
    QTest::newRow("large") << 1e21 << QStringLiteral("1000000000000000000000");
    QTest::newRow("small") << 1.5e-7 << QStringLiteral("0.00000015");
    QTest::newRow("nan") << std::nan("") << QStringLiteral("NaN");
    QTest::newRow("-inf") << -HUGE_VAL << QStringLiteral("-Infinity");
    QTest::newRow("shortest") << 0.1 + 0.2 << QStringLiteral("0.30000000000000004");
}

void TestXPath::numberFormatting()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(numberToString(value), text);
    if (!std::isnan(value) && !std::isinf(value))
        QCOMPARE(stringToNumber(text), value == 0 ? 0.0 : value);
}

void TestXPath::compiledOnce()
{
    // An expression is a tree after compile; evaluating it many times gives the same
    // result against a changing document without re-reading the source.
    XmlError err;
    auto doc = XmlDocument::parse("<r><a>1</a><a>2</a></r>", &err);
    QVERIFY(doc);
    Expression::CompileError ce;
    auto e = Expression::compile(QStringLiteral("sum(/r/a) * 2"), nullptr, &ce);
    QVERIFY(e);
    Context c;
    c.node = doc.get();
    QCOMPARE(e->evaluate(c).toNumber(), 6.0);
    doc->documentElement()->firstChildElement()->setText(QStringLiteral("10"));
    QCOMPARE(e->evaluate(c).toNumber(), 24.0);
    QCOMPARE(e->source(), QStringLiteral("sum(/r/a) * 2"));
}

void TestXPath::deepNestingIsRefused()
{
    Expression::CompileError ce;
    const QString deep =
        QString(5000, QLatin1Char('(')) + QLatin1Char('1') + QString(5000, QLatin1Char(')'));
    QVERIFY(!Expression::compile(deep, nullptr, &ce));
    QVERIFY(ce.message.contains(QStringLiteral("nested")));
    const QString negs = QString(5000, QLatin1Char('-')) + QLatin1Char('1');
    QVERIFY(!Expression::compile(negs, nullptr, &ce));
}

void TestXPath::everyFunctionIsCallable()
{
    // Every function in the library resolves by name and runs with its minimum arguments
    // without crashing; errors are reported as EvalError, never anything else.
    XmlError err;
    auto doc = XmlDocument::parse("<r><a>1</a></r>", &err);
    QVERIFY(doc);
    int count = 0;
    for (const FunctionInfo &f : allFunctions()) {
        QStringList args;
        for (int i = 0; i < f.minArgs; ++i)
            args << QStringLiteral("/r/a");
        const QString src =
            QStringLiteral("%1(%2)").arg(QLatin1String(f.name), args.join(QLatin1Char(',')));
        Expression::CompileError ce;
        auto e = Expression::compile(
            src, [](const QString &) { return std::optional<QString>(); }, &ce);
        QVERIFY2(e, qPrintable(src + QStringLiteral(": ") + ce.message));
        Context c;
        c.node = doc->documentElement();
        try {
            (void)e->evaluate(c);
        } catch (const EvalError &ev) {
            QVERIFY(!ev.message.isEmpty());
        }
        ++count;
    }
    QVERIFY(count > 70);
}

void TestXPath::seededRandomizeMatchesOdk()
{
    // The spec's seeded shuffle (Park–Miller, inside-out Fisher–Yates): with seed 1, five
    // items come out in the order JavaRosa and Enketo give.
    XmlError err;
    auto doc = XmlDocument::parse("<r><i>0</i><i>1</i><i>2</i><i>3</i><i>4</i></r>", &err);
    QVERIFY(doc);
    Expression::CompileError ce;
    auto e = Expression::compile(QStringLiteral("join(' ', randomize(/r/i, 1))"), nullptr, &ce);
    QVERIFY(e);
    Context c;
    c.node = doc.get();
    QCOMPARE(e->evaluate(c).toString(), QStringLiteral("1 3 4 0 2"));
}

void TestXPath::longNumbersStayStrict()
{
    // Past the parser's buffer, text still has to be a plain XPath number.
    const QString zeros(130, QLatin1Char('0'));
    QVERIFY(std::isnan(stringToNumber(zeros + QStringLiteral("1e5"))));
    QCOMPARE(stringToNumber(zeros + QStringLiteral("15")), 15.0);
}

void TestXPath::checklistCountsNumbersAboveZero()
{
    // ODK spec: an answer counts when it converts to a number > 0; booleans count when true.
    XmlError err;
    auto doc = XmlDocument::parse("<r><a>2</a><a>0</a><a>yes</a><a>-1</a><a>0.5</a></r>", &err);
    QVERIFY(doc);
    Context c;
    c.node = doc.get();
    auto eval = [&](const char *src) {
        Expression::CompileError ce;
        auto e = Expression::compile(QString::fromLatin1(src), nullptr, &ce);
        return e ? e->evaluate(c).toBoolean() : false;
    };
    QVERIFY(eval("checklist(2, 2, /r/a)"));
    QVERIFY(!eval("checklist(3, -1, /r/a)"));
    QVERIFY(eval("checklist(3, 3, /r/a, true())"));
    QVERIFY(eval("weighted-checklist(5, 5, /r/a[1], 3, true(), 2)"));
}

QTEST_GUILESS_MAIN(TestXPath)
#include "tst_xpath.moc"
