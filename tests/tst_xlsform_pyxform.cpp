// SPDX-License-Identifier: GPL-3.0-or-later
// Our XForms beside pyxform's, filled: for every case of ../shared/xlsform that pyxform
// converts, the XForm from our converter and the XForm pyxform wrote (stored with the case)
// are loaded by our engine and filled with the same generated answers; what the engine
// finds wrong (validity) and the submissions must be the same. Cases where they differ on
// purpose are listed, with why, in tests/data/xlsform-differential-deviations.tsv.
#include "testutil.h"

#include "formsession.h"
#include "xlsform.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace survey;

namespace {

struct Filled
{
    bool loaded = false;
    QString problems;   // the validity the engine finds, one line per problem
    QString submission; // the submission XML, with the values that vary by run masked
};

/// An answer of the control's type that the engine takes; empty for none.
QString answerFor(const form::FormSession &session, int control, form::XmlNode *node)
{
    const form::FormDefinition &def = session.definition();
    const QString type = def.typeNameOf(def.controls.at(std::size_t(control)));
    if (type == QLatin1String("select1") || type == QLatin1String("select") ||
        type == QLatin1String("odk:rank")) {
        const auto choices = session.choices(control, node);
        if (choices.empty())
            return {};
        if (type == QLatin1String("odk:rank")) {
            QStringList all;
            for (const auto &c : choices)
                all << c.value;
            return all.join(u' ');
        }
        return choices.front().value;
    }
    if (type == QLatin1String("int"))
        return QStringLiteral("3");
    if (type == QLatin1String("decimal"))
        return QStringLiteral("2.5");
    if (type == QLatin1String("date"))
        return QStringLiteral("2024-01-02");
    if (type == QLatin1String("time"))
        return QStringLiteral("10:20:00.000+00:00");
    if (type == QLatin1String("dateTime"))
        return QStringLiteral("2024-01-02T10:20:00.000+00:00");
    if (type == QLatin1String("geopoint"))
        return QStringLiteral("1.5 2.5 3 4");
    if (type == QLatin1String("geotrace"))
        return QStringLiteral("1 2 0 0;1.1 2.1 0 0");
    if (type == QLatin1String("geoshape"))
        return QStringLiteral("1 2 0 0;1.1 2.1 0 0;1.2 2 0 0;1 2 0 0");
    if (type == QLatin1String("binary"))
        return QStringLiteral("file.jpg");
    if (type == QLatin1String("trigger") || type == QLatin1String("acknowledge"))
        return QStringLiteral("OK");
    if (type == QLatin1String("group") || type == QLatin1String("repeat"))
        return {};
    return QStringLiteral("text 1");
}

/// Fills `lead` with generated answers (each repeat entered once), giving `follow` the same
/// answers at the same paths; then both are read back.
int fill(form::FormSession &lead, form::FormSession *follow, QStringList *refusals)
{
    int answered = 0;
    QSet<QString> done;
    for (int round = 0; round < 6; ++round) {
        bool any = false;
        for (const auto &p : lead.prompts()) {
            std::vector<std::pair<int, form::XmlNode *>> questions = p.questions;
            if (p.kind == form::FormSession::Prompt::Kind::Question)
                questions.push_back({p.control, p.node});
            if (p.kind == form::FormSession::Prompt::Kind::RepeatPrompt) {
                const int schema = lead.definition().controls.at(std::size_t(p.control)).schema;
                const QString key =
                    QStringLiteral("repeat:") + lead.pathOf(p.node) + QString::number(schema);
                if (done.contains(key) || !lead.canAddRemove(schema) ||
                    !lead.repeatInstances(p.node, schema).empty())
                    continue;
                done.insert(key);
                if (form::XmlNode *added = lead.addRepeat(p.node, schema)) {
                    QString error;
                    if (follow && !follow->resolve(lead.pathOf(added), true, &error))
                        refusals->append(
                            QStringLiteral("repeat %1: %2").arg(lead.pathOf(added), error));
                    any = true;
                }
                continue;
            }
            for (const auto &[control, node] : questions) {
                if (!node || lead.isReadonly(node))
                    continue;
                const QString path = lead.pathOf(node);
                if (done.contains(path))
                    continue;
                done.insert(path);
                const QString value = answerFor(lead, control, node);
                if (value.isEmpty() || !lead.setValue(node, value).isEmpty())
                    continue;
                any = true;
                ++answered;
                if (!follow)
                    continue;
                QString error;
                form::XmlNode *other = follow->resolve(path, false, &error);
                const QString refused = other ? follow->setValue(other, value) : error;
                if (!refused.isEmpty())
                    refusals->append(QStringLiteral("%1 = %2: %3").arg(path, value, refused));
            }
        }
        if (!any)
            break;
    }
    return answered;
}

Filled readBack(const form::FormSession &session)
{
    Filled out;
    out.loaded = true;
    QStringList problems;
    for (const auto &p : session.validate())
        problems << form::FormSession::kindName(p.kind) + u' ' + p.ref;
    out.problems = problems.join(u'\n');
    QString xml = QString::fromUtf8(session.toXml(true));
    // What differs from one filling to the next: the IDs made (uuid()) and random().
    static const QRegularExpression varying(QStringLiteral(
        "uuid:[0-9a-f-]{36}|\\b[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\\b|"
        "\\b0\\.\\d{9,}"));
    xml.replace(varying, QStringLiteral("…"));
    out.submission = xml;
    return out;
}

} // namespace

class TestXlsFormPyxform : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void filledAlike();
};

void TestXlsFormPyxform::filledAlike()
{
    const QString dir = QStringLiteral(SURVEY_SHARED_XLSFORM);
    QFile cases(dir + QStringLiteral("/cases.jsonl"));
    QVERIFY2(cases.open(QIODevice::ReadOnly), qPrintable(cases.fileName()));
    QHash<QString, QString> deviations;
    {
        QFile f(QStringLiteral(SURVEY_TEST_DATA "/xlsform-differential-deviations.tsv"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        for (const QByteArray &line : f.readAll().split('\n'))
            if (!line.trimmed().isEmpty() && !line.startsWith('#'))
                deviations.insert(QString::fromUtf8(line.split('\t').first()),
                                  QString::fromUtf8(line.split('\t').value(1)));
    }
    int compared = 0, same = 0, neitherLoads = 0, answers = 0;
    QStringList skipped;
    QStringList unexpected;
    for (const QByteArray &line : cases.readAll().split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonObject c = QJsonDocument::fromJson(line).object();
        const QJsonObject pyxform = c.value(QStringLiteral("pyxform")).toObject();
        if (pyxform.value(QStringLiteral("errored")).toBool())
            continue;
        const QString id = c.value(QStringLiteral("id")).toString();
        // A form that draws random() fills differently each time, whoever converted it.
        if (pyxform.value(QStringLiteral("xform")).toString().contains(QLatin1String("random()"))) {
            skipped << id;
            continue;
        }
        const QJsonObject input = c.value(QStringLiteral("input")).toObject();
        QByteArray bytes = input.value(QStringLiteral("md")).toString().toUtf8();
        if (input.contains(QStringLiteral("file")))
            bytes = testutil::readFile(dir + u'/' + input.value(QStringLiteral("file")).toString());
        xlsform::Options options;
        options.fallbackId = input.value(QStringLiteral("filename")).toString().section(u'.', 0, 0);
        options.formName = c.value(QStringLiteral("form_name")).toString();
        const xlsform::Conversion ours = xlsform::convertBytes(bytes, options);
        if (!ours.ok) {
            unexpected << id + QStringLiteral(": ours does not convert: ") + ours.errorText();
            continue;
        }
        form::FormDefinition::LoadOptions load;
        load.allowMissingMedia = true;
        form::FormError oursError, theirsError;
        const auto oursDef = form::FormDefinition::load(ours.xform, load, &oursError);
        const auto theirsDef = form::FormDefinition::load(
            pyxform.value(QStringLiteral("xform")).toString().toUtf8(), load, &theirsError);
        ++compared;
        QString difference;
        if (!oursDef && !theirsDef) {
            ++neitherLoads; // both refused alike (a form our engine cannot run): agreement
            ++same;
            continue;
        }
        if (!oursDef || !theirsDef) {
            difference = !oursDef
                             ? QStringLiteral("ours does not load: ") + oursError.message
                             : QStringLiteral("pyxform's does not load: ") + theirsError.message;
        } else {
            // One clock and one place for both, so that now() and the preloads agree.
            form::FormSession::Properties properties;
            properties.clock = [] { return qint64(1733356800000); };
            properties.location = [] { return QStringLiteral("30.5 114.3 20 5"); };
            properties.deviceId = QStringLiteral("collect:differential");
            form::FormSession a(oursDef, properties), b(theirsDef, properties);
            a.start();
            b.start();
            QStringList refusals;
            answers += fill(a, &b, &refusals);
            const Filled fa = readBack(a), fb = readBack(b);
            if (!refusals.isEmpty())
                difference = QStringLiteral("answers pyxform's form refused: ") + refusals.first();
            else if (fa.problems != fb.problems)
                difference = QStringLiteral("validity differs: ours [%1] pyxform's [%2]")
                                 .arg(fa.problems, fb.problems);
            else if (fa.submission != fb.submission)
                difference = QStringLiteral("submissions differ:\n  ours:    %1\n  pyxform: %2")
                                 .arg(fa.submission.left(600), fb.submission.left(600));
        }
        if (difference.isEmpty()) {
            ++same;
            if (deviations.contains(id))
                unexpected << id + QStringLiteral(": listed as a deviation but fills alike");
        } else if (!deviations.contains(id)) {
            unexpected << id + QStringLiteral(": ") + difference;
        }
    }
    qInfo("%d cases compared, %d fill alike (%d refused alike by the engine), %lld listed "
          "deviations; skipped (their forms draw random()): %s",
          compared, same, neitherLoads, qlonglong(deviations.size()),
          qPrintable(skipped.join(QStringLiteral(", "))));
    qInfo("%d answers given to each form", answers);
    QVERIFY(compared >= 300);
    QVERIFY(answers >= 500); // the forms were filled, not just opened
    QVERIFY2(unexpected.isEmpty(), qPrintable(unexpected.join(QStringLiteral("\n"))));
}

QTEST_GUILESS_MAIN(TestXlsFormPyxform)
#include "tst_xlsform_pyxform.moc"
