// SPDX-License-Identifier: GPL-3.0-or-later
// Every form of the shared real-world corpus: valid ones load (or are refused for a reason
// listed in data/corpus-expectations.tsv), invalid ones are refused, none crashes or hangs,
// and each loaded form can be started, walked and serialized.
#include "testutil.h"

#include "formsession.h"

#include <QFileInfo>
#include <QHash>

#include <functional>

using namespace survey::form;

class TestCorpus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void forms_data();
    void forms();
    void expectationsAreCurrent();
};

namespace {

struct Expectation
{
    QString needle;
    QString reason;
};

QHash<QString, Expectation> expectations()
{
    QHash<QString, Expectation> out;
    const QList<QByteArray> lines =
        testutil::readFile(QStringLiteral(SURVEY_TEST_DATA "/corpus-expectations.tsv")).split('\n');
    for (const QByteArray &raw : lines) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList f = line.split(QLatin1Char('\t'));
        if (f.size() >= 3)
            out.insert(f[0], {f[1], f[2]});
    }
    return out;
}

/// Every element and attribute as "path=value", leaving out the values of calculated nodes.
QStringList flatten(const FormDefinition &def, const QByteArray &xml)
{
    XmlError err;
    auto doc = XmlDocument::parse(xml, &err);
    QStringList out;
    if (!doc)
        return {QStringLiteral("unreadable: ") + err.message};
    std::function<void(const XmlNode *, const QString &, const QString &)> walk =
        [&](const XmlNode *n, const QString &path, const QString &schemaPath) {
            const int schema = def.schemaForPath(schemaPath);
            const int bind = schema >= 0 ? def.schema[static_cast<std::size_t>(schema)].bind : -1;
            const bool computed = bind >= 0 && def.binds[static_cast<std::size_t>(bind)].calculate;
            bool leaf = true;
            for (const auto &c : n->children())
                leaf = leaf && !c->isElement();
            out << path + QLatin1Char('=') + (computed || !leaf ? QString() : n->stringValue());
            for (const auto &a : n->attributes()) {
                const int as =
                    def.schemaForPath(schemaPath + QStringLiteral("/@") + a->localName());
                const int ab = as >= 0 ? def.schema[static_cast<std::size_t>(as)].bind : -1;
                const bool acomputed = ab >= 0 && def.binds[static_cast<std::size_t>(ab)].calculate;
                out << path + QStringLiteral("/@") + a->qualifiedName() + QLatin1Char('=') +
                           (acomputed ? QString() : a->value());
            }
            QHash<QString, int> seen;
            for (const auto &c : n->children()) {
                if (!c->isElement())
                    continue;
                const int index = ++seen[c->localName()];
                walk(c.get(),
                     path + QLatin1Char('/') + c->localName() + QStringLiteral("[%1]").arg(index),
                     schemaPath + QLatin1Char('/') + c->localName());
            }
        };
    const XmlNode *root = doc->documentElement();
    walk(root, QLatin1Char('/') + root->localName(), QLatin1Char('/') + root->localName());
    return out;
}

} // namespace

void TestCorpus::forms_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    const QString manifest = QStringLiteral(SURVEY_SHARED_FORMS "/MANIFEST.tsv");
    QVERIFY2(QFileInfo::exists(manifest),
             "the shared form corpus is missing: shared/forms must sit beside the checkout "
             "(or set -DSURVEY_SHARED_FORMS=...)");
    const QList<QByteArray> lines = testutil::readFile(manifest).split('\n');
    int rows = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> f = lines[i].split('\t');
        if (f.size() < 9)
            continue;
        QTest::newRow(f[0].constData()) << QString::fromUtf8(f[0]) << QString::fromUtf8(f[8]);
        ++rows;
    }
    QVERIFY(rows > 300);
}

void TestCorpus::forms()
{
    QFETCH(QString, file);
    QFETCH(QString, expected);
    static const QHash<QString, Expectation> listed = expectations();
    FormError err;
    auto def = FormDefinition::loadFile(QStringLiteral(SURVEY_SHARED_FORMS "/") + file, {}, &err);
    const QString where =
        QStringLiteral("%1:%2:%3: %4").arg(file).arg(err.line).arg(err.column).arg(err.message);
    if (listed.contains(file)) {
        QVERIFY2(!def, qPrintable(file + QStringLiteral(" is listed as refused but now loads: "
                                                        "remove it from corpus-expectations.tsv")));
        QVERIFY2(err.message.contains(listed.value(file).needle), qPrintable(where));
        return;
    }
    if (expected == QLatin1String("yes")) {
        QVERIFY2(!def, qPrintable(file + QStringLiteral(" must be refused")));
        QVERIFY(!err.message.isEmpty());
        return;
    }
    if (!def) {
        QVERIFY2(expected != QLatin1String("no"), qPrintable(where));
        QVERIFY(!err.message.isEmpty());
        return;
    }
    // Loaded: start it, walk every prompt's text, serialize, and read the draft back.
    FormSession s(def);
    s.start();
    for (const QString &lang : def->languages()) {
        s.setLanguage(lang);
        for (const auto &p : s.prompts()) {
            if (p.control >= 0 && p.node)
                (void)s.label(p.control, p.node);
        }
    }
    (void)s.validate();
    const QByteArray draft = s.toXml(false);
    FormSession back(def);
    QString loadErr;
    QVERIFY2(back.loadInstance(draft, &loadErr), qPrintable(loadErr));
    // The reopened draft holds the same nodes and answers; computed values may differ
    // where the form computes with random(), uuid() or now(), which rerun on opening.
    QCOMPARE(flatten(*def, back.toXml(false)), flatten(*def, draft));
}

void TestCorpus::expectationsAreCurrent()
{
    // Every listed form is a valid form of the corpus (a typo would otherwise hide a
    // regression; an invalid form is refused anyway and needs no entry).
    QSet<QString> valid;
    const QList<QByteArray> lines =
        testutil::readFile(QStringLiteral(SURVEY_SHARED_FORMS "/MANIFEST.tsv")).split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> f = lines[i].split('\t');
        if (f.size() >= 9 && f[8] == "no") // expected_invalid: no
            valid.insert(QString::fromUtf8(f[0]));
    }
    QVERIFY(valid.size() > 300);
    const auto listed = expectations();
    for (auto it = listed.begin(); it != listed.end(); ++it)
        QVERIFY2(valid.contains(it.key()), qPrintable(it.key()));
}

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
