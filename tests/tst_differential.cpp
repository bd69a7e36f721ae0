// SPDX-License-Identifier: GPL-3.0-or-later
// Our engine beside ODK's own: every form of ../shared/forms marked valid upstream is filled
// with the same generated answers by our engine and by the ODK Web Forms engine
// (@getodk/xforms-engine under Node, tests/odk-reference/run.mjs), and the two verdicts
// (does it load, is the filling valid) and the two submissions (leaf by leaf, numbers as
// numbers, volatile metadata left out) are compared. Every difference is either one we
// investigated and found ours right (tests/data/odk-differences.tsv says why), or a failure.
#include "testutil.h"

#include "formsession.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cmath>
#include <functional>
#include <map>
#include <set>

using namespace survey::form;

namespace {

struct Case
{
    QString file; ///< relative to the corpus
    bool loaded = false;
    QString error;
    bool valid = false;
    QStringList problems; ///< "ref kind"
    std::map<QString, QString> leaves;
    std::vector<std::pair<QString, QString>> answers; ///< in the order given
    QByteArray submission;
    QSet<QString> randomPaths; ///< values drawn at random (random(), uuid()), and what reads them
};

/// True when a jr:count reads the value, directly or through calculates.
bool feedsCount(const FormDefinition &def, int schema)
{
    std::vector<int> todo{schema};
    std::set<int> seen{schema};
    while (!todo.empty()) {
        const auto &d = def.dependents[static_cast<std::size_t>(todo.back())];
        todo.pop_back();
        if (!d.counts.empty())
            return true;
        for (int c : d.calculates) {
            if (seen.insert(c).second)
                todo.push_back(c);
        }
    }
    return false;
}

/// A value of the right kind for a question, as a person might give it.
QString answerFor(const FormSession &s, int control, XmlNode *node, DataType type)
{
    const Control &c = s.definition().controls[static_cast<std::size_t>(control)];
    switch (c.kind) {
    case Control::Kind::Select1:
    case Control::Kind::Select:
    case Control::Kind::Rank: {
        const auto choices = s.choices(control, node);
        if (choices.empty())
            return {};
        if (c.kind == Control::Kind::Rank) {
            QStringList all;
            for (const auto &ch : choices)
                all << ch.value;
            return all.join(QLatin1Char(' '));
        }
        if (c.kind == Control::Kind::Select && choices.size() > 1)
            return choices[0].value + QLatin1Char(' ') + choices[1].value;
        return choices[0].value;
    }
    case Control::Kind::Range:
        return QString::number(c.rangeStart + c.rangeStep);
    case Control::Kind::Trigger:
        return QStringLiteral("OK");
    case Control::Kind::Upload:
        return {};
    default:
        break;
    }
    // A question a repeat count depends on is answered with a whole number, as a person
    // answering "how many" would.
    if ((type == DataType::Int || type == DataType::Decimal || type == DataType::String) &&
        feedsCount(s.definition(), node->schemaIndex))
        return QStringLiteral("2");
    switch (type) {
    case DataType::Int:
        return QStringLiteral("3");
    case DataType::Decimal:
        return QStringLiteral("2.5");
    case DataType::Date:
        return QStringLiteral("2026-11-20");
    case DataType::Time:
        return QStringLiteral("10:30:00.000+00:00");
    case DataType::DateTime:
        return QStringLiteral("2026-11-20T10:30:00.000+00:00");
    case DataType::Geopoint:
        return QStringLiteral("1.5 2.5 3.0 4.0");
    case DataType::Geotrace:
        return QStringLiteral("1.5 2.5 3.0 4.0;1.6 2.6 3.0 4.0");
    case DataType::Geoshape:
        return QStringLiteral("1.5 2.5 3.0 4.0;1.6 2.6 3.0 4.0;1.7 2.5 3.0 4.0;1.5 2.5 3.0 4.0");
    case DataType::Binary:
    case DataType::Intent:
        return {};
    case DataType::Boolean:
        return QStringLiteral("true");
    default:
        return QStringLiteral("text 1");
    }
}

/// The schema paths whose values are drawn at random (random(), uuid(), randomize()), and
/// those computed from them: each engine draws its own.
QSet<QString> randomPaths(const FormDefinition &def)
{
    static const QRegularExpression drawn(QStringLiteral("\\b(random|uuid|randomize)\\s*\\("));
    std::vector<int> todo;
    std::vector<bool> seen(def.schema.size(), false);
    auto add = [&](int schema) {
        if (schema >= 0 && !seen[static_cast<std::size_t>(schema)]) {
            seen[static_cast<std::size_t>(schema)] = true;
            todo.push_back(schema);
        }
    };
    for (std::size_t i = 0; i < def.schema.size(); ++i) {
        const int b = def.schema[i].bind;
        if (b >= 0 && def.binds[static_cast<std::size_t>(b)].calculate &&
            drawn.match(def.binds[static_cast<std::size_t>(b)].calculate->source()).hasMatch())
            add(static_cast<int>(i));
    }
    for (const Action &a : def.actions) {
        if (a.value && drawn.match(a.value->source()).hasMatch())
            add(a.target);
    }
    for (const Control &c : def.controls) {
        if (c.itemset && c.itemset->nodeset && drawn.match(c.itemset->nodeset->source()).hasMatch())
            add(c.schema);
    }
    QSet<QString> out;
    while (!todo.empty()) {
        const int s = todo.back();
        todo.pop_back();
        out.insert(def.schema[static_cast<std::size_t>(s)].path);
        for (int reader : def.dependents[static_cast<std::size_t>(s)].calculates)
            add(reader);
    }
    return out;
}

/// Metadata that differs on every filling (or device): not compared.
bool volatileLeaf(const QString &path)
{
    static const QStringList names{QStringLiteral("instanceID"),   QStringLiteral("deprecatedID"),
                                   QStringLiteral("timeStart"),    QStringLiteral("timeEnd"),
                                   QStringLiteral("start"),        QStringLiteral("end"),
                                   QStringLiteral("today"),        QStringLiteral("deviceid"),
                                   QStringLiteral("deviceID"),     QStringLiteral("simserial"),
                                   QStringLiteral("subscriberid"), QStringLiteral("phonenumber"),
                                   QStringLiteral("username"),     QStringLiteral("email"),
                                   QStringLiteral("audit"),        QStringLiteral("instanceName")};
    const QString last = path.section(QLatin1Char('/'), -1).section(QLatin1Char('['), 0, 0);
    return names.contains(last) || path.contains(QLatin1String("/@"));
}

/// The submission's leaves (elements without element children) by positional path.
std::map<QString, QString> leavesOf(QByteArray xml, const QSet<QString> &randomPaths)
{
    std::map<QString, QString> out;
    // ODK Web Forms 0.22 writes a repeat's template into the submission, with a jr: prefix
    // it never declares: declare it, and leave the template out (it is no data).
    if (xml.contains(" jr:template=") && !xml.contains("xmlns:jr=")) {
        const qsizetype end = xml.indexOf('>');
        if (end > 0)
            xml.insert(xml[end - 1] == '/' ? end - 1 : end,
                       " xmlns:jr=\"http://openrosa.org/javarosa\"");
    }
    XmlError err;
    const auto doc = XmlDocument::parse(xml, &err);
    if (!doc)
        return out;
    static const QRegularExpression positions(QStringLiteral("\\[\\d+\\]"));
    std::function<void(const XmlNode *, const QString &)> walk = [&](const XmlNode *n,
                                                                     const QString &path) {
        QHash<QString, int> seen;
        bool leaf = true;
        for (const auto &c : n->children()) {
            if (!c->isElement())
                continue;
            leaf = false;
            if (c->attribute(QStringLiteral("template")))
                continue;
            const int i = ++seen[c->localName()];
            walk(c.get(), path + QLatin1Char('/') + c->localName() + QLatin1Char('[') +
                              QString::number(i) + QLatin1Char(']'));
        }
        if (leaf && !volatileLeaf(path) && !randomPaths.contains(QString(path).remove(positions)))
            out[path] = n->stringValue().trimmed();
    };
    walk(doc->documentElement(), QLatin1Char('/') + doc->documentElement()->localName());
    return out;
}

/// When the comparison ran: a time in it is "now" (each engine takes its own).
struct RunWindow
{
    QDateTime from;
    QDateTime to;
};

/// Two values the same: as text, or as numbers ("320" and "320.0"), or as locations, or
/// both the moment each engine filled the form in, or both a fresh uuid.
bool sameValue(const QString &a, const QString &b, const RunWindow &run)
{
    if (a == b)
        return true;
    const QDateTime ta = QDateTime::fromString(a, Qt::ISODateWithMs);
    const QDateTime tb = QDateTime::fromString(b, Qt::ISODateWithMs);
    if (ta.isValid() && tb.isValid() && ta >= run.from && ta <= run.to && tb >= run.from &&
        tb <= run.to)
        return true;
    // Several choices in another order (a randomized list).
    QStringList ta2 = a.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QStringList tb2 = b.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    ta2.sort();
    tb2.sort();
    if (ta2.size() > 1 && ta2 == tb2)
        return true;
    static const QRegularExpression uuid(QStringLiteral(
        "^(uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    if (uuid.match(a).hasMatch() && uuid.match(b).hasMatch())
        return true;
    const QStringList pa = a.split(QRegularExpression(QStringLiteral("[ ;]+")), Qt::SkipEmptyParts);
    const QStringList pb = b.split(QRegularExpression(QStringLiteral("[ ;]+")), Qt::SkipEmptyParts);
    if (pa.size() != pb.size() || pa.isEmpty())
        return false;
    for (qsizetype i = 0; i < pa.size(); ++i) {
        bool oka = false;
        bool okb = false;
        const double x = pa[i].toDouble(&oka);
        const double y = pb[i].toDouble(&okb);
        if (!oka || !okb || std::fabs(x - y) > 1e-9 * std::max(1.0, std::fabs(x)))
            return false;
    }
    return true;
}

} // namespace

class TestDifferential : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void againstOdkWebForms();
};

void TestDifferential::againstOdkWebForms()
{
    const QString corpus = QStringLiteral(SURVEY_SHARED_FORMS);
    QVERIFY2(QFileInfo::exists(corpus + QStringLiteral("/MANIFEST.tsv")),
             "the form corpus (../shared/forms) is needed");
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
    QVERIFY2(!node.isEmpty() && !npm.isEmpty(), "Node.js and npm are needed");
    const QByteArray version = testutil::runProgram(node, {QStringLiteral("--version")}).out;
    const QStringList v = QString::fromLatin1(version.trimmed().mid(1)).split(QLatin1Char('.'));
    QVERIFY2(v.size() >= 2 && (v[0].toInt() > 20 || (v[0].toInt() == 20 && v[1].toInt() >= 19)),
             qPrintable(QStringLiteral("ODK Web Forms needs Node.js 20.19 or newer; this is ") +
                        QString::fromLatin1(version)));
    // The reference runner, installed from its lockfile into a copy in the build tree.
    const QString runner = QStringLiteral(SURVEY_BINARY_DIR "/odk-reference");
    if (!QFileInfo::exists(runner + QStringLiteral("/node_modules/@getodk/xforms-engine"))) {
        QDir().mkpath(runner);
        for (const char *f : {"package.json", "package-lock.json", "run.mjs"}) {
            QFile::remove(runner + QLatin1Char('/') + QLatin1String(f));
            QVERIFY(QFile::copy(QStringLiteral(SURVEY_SOURCE_DIR "/tests/odk-reference/") +
                                    QLatin1String(f),
                                runner + QLatin1Char('/') + QLatin1String(f)));
        }
        const auto r = testutil::runProgram(npm, {QStringLiteral("ci"), QStringLiteral("--silent"),
                                                  QStringLiteral("--prefix"), runner});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    } else {
        // run.mjs may have changed since the modules were installed.
        QFile::remove(runner + QStringLiteral("/run.mjs"));
        QVERIFY(QFile::copy(QStringLiteral(SURVEY_SOURCE_DIR "/tests/odk-reference/run.mjs"),
                            runner + QStringLiteral("/run.mjs")));
    }

    // DIFFERENTIAL_FORMS=<regex> compares only the forms whose names match, and shows both
    // submissions in full: for looking into a difference.
    const QRegularExpression only(qEnvironmentVariable("DIFFERENTIAL_FORMS"));
    RunWindow run{QDateTime::currentDateTimeUtc().addSecs(-1), {}};
    // Our side: load, answer every relevant question in order, validate, serialize.
    std::vector<Case> cases;
    const QList<QByteArray> manifest =
        testutil::readFile(corpus + QStringLiteral("/MANIFEST.tsv")).split('\n');
    for (qsizetype i = 1; i < manifest.size(); ++i) {
        const QList<QByteArray> f = manifest[i].split('\t');
        if (f.size() < 9 || f[8] != "no")
            continue;
        Case c;
        c.file = QString::fromUtf8(f[0]);
        if (!only.pattern().isEmpty() && !only.match(c.file).hasMatch())
            continue;
        FormError err;
        const auto def = FormDefinition::loadFile(corpus + QLatin1Char('/') + c.file, {}, &err);
        c.loaded = def != nullptr;
        if (def) {
            FormSession::Properties props;
            props.deviceId = QStringLiteral("odk-reference-runner"); // as run.mjs gives it
            FormSession s(def, props);
            s.start();
            // Questions in order; answers can make more questions relevant, so passes are
            // repeated until no new question shows.
            // An answer can show more questions, or add and remove repeat instances (a
            // count): the prompts are asked again after each one.
            QSet<QString> seen;
            for (bool more = true; more;) {
                more = false;
                for (const auto &p : s.prompts()) {
                    std::vector<std::pair<int, XmlNode *>> qs = p.questions;
                    if (p.kind == FormSession::Prompt::Kind::Question)
                        qs.emplace_back(p.control, p.node);
                    for (const auto &[control, n] : qs) {
                        if (!n || n->schemaIndex < 0)
                            continue;
                        const QString path = s.pathOf(n);
                        if (seen.contains(path))
                            continue;
                        seen.insert(path);
                        if (!s.isRelevant(n) || s.isReadonly(n))
                            continue;
                        const int bind = def->schema[static_cast<std::size_t>(n->schemaIndex)].bind;
                        const DataType type = bind >= 0
                                                  ? def->binds[static_cast<std::size_t>(bind)].type
                                                  : DataType::String;
                        const QString v = answerFor(s, control, n, type);
                        if (v.isEmpty())
                            continue;
                        if (s.setValue(n, v).isEmpty())
                            c.answers.emplace_back(path, v);
                        more = true;
                        break;
                    }
                    if (more)
                        break;
                }
            }
            s.finalize();
            const auto problems = s.validate();
            c.valid = problems.empty();
            for (const auto &p : problems)
                c.problems << p.ref + QLatin1Char(' ') + FormSession::kindName(p.kind);
            c.submission = s.toXml(true);
            c.randomPaths = randomPaths(*def);
            c.leaves = leavesOf(c.submission, c.randomPaths);
        } else {
            c.error = err.message;
        }
        cases.push_back(std::move(c));
    }
    QVERIFY(!only.pattern().isEmpty() || cases.size() > 300);

    // ODK's side, all forms in one run of the reference runner.
    QByteArray requests;
    const auto quoted = [](const QString &text) {
        const QByteArray a = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
        return a.mid(1, a.size() - 2);
    };
    for (const Case &c : cases) {
        // By hand: the order of the answers matters, and QJsonObject sorts its keys.
        requests += "{\"form\":" + quoted(corpus + QLatin1Char('/') + c.file) + ",\"answers\":{";
        for (std::size_t k = 0; k < c.answers.size(); ++k)
            requests +=
                (k ? "," : "") + quoted(c.answers[k].first) + ':' + quoted(c.answers[k].second);
        requests += "}}\n";
    }
    QProcess ref;
    ref.setWorkingDirectory(runner);
    // The largest forms (12,600 choices) take ODK's engine some 15 s alone; on a busy CI
    // machine the runner's 20 s default would cut them off.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("ODK_REF_TIMEOUT_MS"), QStringLiteral("180000"));
    ref.setProcessEnvironment(env);
    ref.start(node, {runner + QStringLiteral("/run.mjs")});
    QVERIFY(ref.waitForStarted());
    ref.write(requests);
    ref.closeWriteChannel();
    QVERIFY(ref.waitForFinished(20 * 60 * 1000));
    const QList<QByteArray> answers = ref.readAllStandardOutput().trimmed().split('\n');
    run.to = QDateTime::currentDateTimeUtc().addSecs(1);
    QCOMPARE(answers.size(), qsizetype(cases.size()));

    // Known differences where ours is right: file, what, why.
    std::map<QString, QString> known;
    for (const QByteArray &line :
         testutil::readFile(QStringLiteral(SURVEY_TEST_DATA "/odk-differences.tsv")).split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QList<QByteArray> f = line.split('\t');
        QVERIFY2(f.size() == 3 && !f[2].trimmed().isEmpty(),
                 "odk-differences.tsv: file<TAB>kind of difference<TAB>why ours is right");
        known[QString::fromUtf8(f[0])] = QString::fromUtf8(f[1]);
    }

    int bothLoad = 0;
    int agree = 0;
    QStringList unexplained;
    QStringList stale;
    std::map<QString, int> kinds;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case &c = cases[i];
        const QJsonObject o = QJsonDocument::fromJson(answers[static_cast<qsizetype>(i)]).object();
        const bool theyLoad = o.value(QStringLiteral("loaded")).toBool();
        QString kind; ///< "only ours loads", "only theirs loads", "verdict", "submission"
        QString difference;
        if (c.loaded && theyLoad) {
            ++bothLoad;
            const bool theyValid = o.value(QStringLiteral("valid")).toBool();
            const auto theirs =
                leavesOf(o.value(QStringLiteral("submission")).toString().toUtf8(), c.randomPaths);
            if (c.valid != theyValid) {
                QStringList them;
                for (const QJsonValue &p : o.value(QStringLiteral("problems")).toArray())
                    them << p[QStringLiteral("ref")].toString() + QLatin1Char(' ') +
                                p[QStringLiteral("kind")].toString();
                kind = QStringLiteral("verdict");
                difference =
                    QStringLiteral("ours %1 [%2], theirs %3 [%4]")
                        .arg(c.valid ? QStringLiteral("valid") : QStringLiteral("invalid"),
                             c.problems.join(QStringLiteral(", ")),
                             theyValid ? QStringLiteral("valid") : QStringLiteral("invalid"),
                             them.join(QStringLiteral(", ")));
            } else {
                QStringList diffs;
                for (const auto &[path, value] : c.leaves) {
                    const auto it = theirs.find(path);
                    if (it == theirs.end())
                        diffs << path + QStringLiteral(": only ours (") + value + QLatin1Char(')');
                    else if (!sameValue(value, it->second, run))
                        diffs << path + QStringLiteral(": ours '") + value +
                                     QStringLiteral("', theirs '") + it->second + QLatin1Char('\'');
                }
                for (const auto &[path, value] : theirs) {
                    if (!c.leaves.count(path))
                        diffs << path + QStringLiteral(": only theirs (") + value +
                                     QLatin1Char(')');
                }
                if (!diffs.isEmpty()) {
                    kind = QStringLiteral("submission");
                    difference = diffs.mid(0, 3).join(QStringLiteral("; "));
                }
            }
            if (difference.isEmpty())
                ++agree;
        } else if (c.loaded != theyLoad) {
            kind =
                c.loaded ? QStringLiteral("only ours loads") : QStringLiteral("only theirs loads");
            difference = c.loaded ? o.value(QStringLiteral("error")).toString().left(160)
                                  : c.error.left(160);
        }
        if (!only.pattern().isEmpty()) {
            QStringList given;
            for (const auto &[path, value] : c.answers)
                given << path + QLatin1Char('=') + value;
            qInfo("%s\nanswers: %s\nours: %s\ntheirs: %s\ntheir warnings: %s\ndifference: %s",
                  qPrintable(c.file), qPrintable(given.join(QStringLiteral(", "))),
                  c.submission.constData(),
                  qPrintable(o.value(QStringLiteral("submission")).toString()),
                  QJsonDocument(o.value(QStringLiteral("warnings")).toArray()).toJson().constData(),
                  qPrintable(kind + QStringLiteral(": ") + difference));
        }
        ++kinds[kind];
        // A listed form must differ in the way listed: another difference is a new one.
        const auto k = known.find(c.file);
        if (!kind.isEmpty() && (k == known.end() || k->second != kind))
            unexplained << c.file + QLatin1Char('\t') + kind + QLatin1Char('\t') + difference;
        if (kind.isEmpty() && k != known.end())
            stale << c.file;
    }
    for (const auto &[kind, n] : kinds)
        qInfo("%5d %s", n, kind.isEmpty() ? "agree or both refuse" : qPrintable(kind));
    const double agreement = bothLoad ? 100.0 * agree / bothLoad : 0;
    qInfo("%zu forms valid upstream; both engines load %d; they agree on %d (%.1f%%)", cases.size(),
          bothLoad, agree, agreement);
    // The full list, to read and to copy from: a failure message is cut short.
    const QString found = QStringLiteral(SURVEY_BINARY_DIR "/odk-differences.found.tsv");
    {
        QFile out(found);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(unexplained.join(QLatin1Char('\n')).toUtf8() + '\n');
    }
    QVERIFY2(unexplained.isEmpty(),
             qPrintable(QString::number(unexplained.size()) +
                        QStringLiteral(" differences nobody has looked at, listed in ") + found));
    QVERIFY2(stale.isEmpty(), qPrintable(QStringLiteral("listed in odk-differences.tsv but the "
                                                        "engines agree now: ") +
                                         stale.join(QStringLiteral(", "))));
    if (!only.pattern().isEmpty())
        return;
    QVERIFY2(agreement >= 97.0, qPrintable(QString::number(agreement)));
}

QTEST_GUILESS_MAIN(TestDifferential)
#include "tst_differential.moc"
