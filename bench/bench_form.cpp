// SPDX-License-Identifier: GPL-3.0-or-later
// Form engine benchmark: prints figures, asserts nothing. Run: build/bench/bench_form
#include "formsession.h"

#include <QCoreApplication>
#include <QFile>
#include <QRandomGenerator>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>

using namespace survey::form;

namespace {

double nowMs()
{
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

/// Heap bytes in use (glibc), in KiB: what a structure really holds, unlike RSS.
long heapKb()
{
    return static_cast<long>(mallinfo2().uordblks / 1024);
}

struct Stats
{
    double median = 0;
    double p99 = 0;
    double max = 0;
};

Stats stats(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    Stats s;
    if (v.empty())
        return s;
    s.median = v[v.size() / 2];
    s.p99 =
        v[std::min(v.size() - 1, static_cast<std::size_t>(static_cast<double>(v.size()) * 0.99))];
    s.max = v.back();
    return s;
}

/// 2,000 questions: 1,680 inputs (1,000 with relevance), 300 calculates, a 20-question repeat.
QByteArray generatedForm()
{
    QByteArray inst;
    QByteArray binds;
    QByteArray body;
    const int inputs = 1680;
    for (int i = 1; i <= inputs; ++i) {
        inst += "<q" + QByteArray::number(i) + "/>";
        QByteArray b = "<bind nodeset=\"/data/q" + QByteArray::number(i) + "\" type=\"int\"";
        if (i > 10 && i % 5 < 3) { // 1,000 relevance expressions on earlier answers
            const int dep = i - 1 - (i % 7);
            b += " relevant=\"/data/q" + QByteArray::number(dep) + " != 3\"";
        }
        if (i % 9 == 0)
            b += " constraint=\". &lt; 1000\"";
        binds += b + "/>\n";
        body += "<input ref=\"/data/q" + QByteArray::number(i) + "\"><label>Q" +
                QByteArray::number(i) + " <output value=\"/data/q" +
                QByteArray::number(std::max(1, i - 1)) + "\"/></label></input>\n";
    }
    for (int c = 1; c <= 300; ++c) {
        inst += "<c" + QByteArray::number(c) + "/>";
        const int a = (c * 37) % inputs + 1;
        const int b = (c * 91) % inputs + 1;
        QByteArray expr = "coalesce(/data/q" + QByteArray::number(a) + ", 0) + coalesce(/data/q" +
                          QByteArray::number(b) + ", 0) * 2";
        if (c > 1 && c % 3 == 0)
            expr += " + /data/c" + QByteArray::number(c - 1);
        binds += "<bind nodeset=\"/data/c" + QByteArray::number(c) +
                 "\" type=\"decimal\" calculate=\"" + expr + "\"/>\n";
    }
    inst += "<rep jr:template=\"\">";
    QByteArray repBody;
    for (int r = 1; r <= 20; ++r) {
        inst += "<x" + QByteArray::number(r) + "/>";
        QByteArray b = "<bind nodeset=\"/data/rep/x" + QByteArray::number(r) + "\" type=\"int\"";
        if (r > 1)
            b += " relevant=\"../x1 != 0\"";
        binds += b + "/>\n";
        repBody +=
            "<input ref=\"/data/rep/x" + QByteArray::number(r) + "\"><label>X</label></input>";
    }
    inst += "</rep><rep_total/><meta><instanceID/></meta>";
    binds += "<bind nodeset=\"/data/rep_total\" type=\"int\" calculate=\"sum(/data/rep/x1)\"/>\n";
    body +=
        "<group ref=\"/data/rep\"><repeat nodeset=\"/data/rep\">" + repBody + "</repeat></group>";
    return "<h:html xmlns=\"http://www.w3.org/2002/xforms\" "
           "xmlns:h=\"http://www.w3.org/1999/xhtml\" "
           "xmlns:jr=\"http://openrosa.org/javarosa\"><h:head><h:title>Generated</h:title><model>"
           "<instance><data id=\"generated\">" +
           inst + "</data></instance>\n" + binds + "</model></h:head><h:body>" + body +
           "</h:body></h:html>";
}

/// A select over 60,000 choices in a secondary instance, filtered by an earlier answer.
QByteArray bigChoiceForm()
{
    QByteArray items;
    items.reserve(60000 * 60);
    for (int i = 0; i < 60000; ++i)
        items += "<item><name>n" + QByteArray::number(i) + "</name><label>Place " +
                 QByteArray::number(i) + "</label><grp>" + QByteArray::number(i % 300) +
                 "</grp></item>";
    return "<h:html xmlns=\"http://www.w3.org/2002/xforms\" "
           "xmlns:h=\"http://www.w3.org/1999/xhtml\">"
           "<h:head><h:title>Big</h:title><model><instance><data id=\"big\"><filter/><place/>"
           "<meta><instanceID/></meta></data></instance><instance id=\"places\"><root>" +
           items +
           "</root></instance><bind nodeset=\"/data/filter\" type=\"int\"/>"
           "<bind nodeset=\"/data/place\" type=\"select1\"/></model></h:head><h:body>"
           "<input ref=\"/data/filter\"><label>F</label></input>"
           "<select1 ref=\"/data/place\"><label>P</label><itemset "
           "nodeset=\"instance('places')/root/item[grp = current()/../filter]\">"
           "<value ref=\"name\"/><label ref=\"label\"/></itemset></select1></h:body></h:html>";
}

std::shared_ptr<const FormDefinition> load(const QByteArray &xml)
{
    FormError err;
    auto def = FormDefinition::load(xml, {}, &err);
    if (!def) {
        std::fprintf(stderr, "cannot load: %d:%d %s\n", err.line, err.column,
                     qPrintable(err.message));
        std::exit(1);
    }
    return def;
}

void benchLoad(const char *name, const QByteArray &xml, int runs)
{
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        const double s = nowMs();
        auto def = load(xml);
        t.push_back(nowMs() - s);
    }
    const long before = heapKb();
    auto def = load(xml);
    const long withDefinition = heapKb();
    FormSession session(def);
    session.start();
    const long withSession = heapKb();
    const Stats st = stats(t);
    std::printf("%-12s load+compile        median %8.2f ms  p99 %8.2f ms  (%d runs)\n", name,
                st.median, st.p99, runs);
    std::printf("%-12s memory (heap)       definition %6ld KiB, + one session %6ld KiB\n", name,
                withDefinition - before, withSession - withDefinition);
}

void benchGenerated()
{
    const QByteArray xml = generatedForm();
    benchLoad("generated", xml, 20);
    auto def = load(xml);
    FormSession s(def);
    s.start();
    std::vector<XmlNode *> questions;
    for (int i = 1; i <= 1680; ++i)
        questions.push_back(s.resolve(QStringLiteral("/data/q%1").arg(i), false, nullptr));
    QRandomGenerator rng(42);
    std::vector<double> t;
    for (int i = 0; i < 5000; ++i) {
        XmlNode *q = questions[rng.bounded(static_cast<quint32>(questions.size()))];
        const QString v = QString::number(rng.bounded(10));
        const double start = nowMs();
        s.setValue(q, v);
        t.push_back(nowMs() - start);
    }
    Stats st = stats(t);
    std::printf(
        "%-12s one answer change   median %8.4f ms  p99 %8.4f ms  max %7.3f ms  (5000 changes)\n",
        "generated", st.median, st.p99, st.max);

    const int rep = def->schemaForPath(QStringLiteral("/data/rep"));
    std::vector<double> add;
    for (int i = 0; i < 200; ++i) {
        const double start = nowMs();
        XmlNode *inst = s.addRepeat(s.root(), rep);
        add.push_back(nowMs() - start);
        if (!inst)
            std::exit(1);
    }
    std::printf("%-12s add repeat instance 200th %8.3f ms  (1st %.3f ms, median %.3f ms)\n",
                "generated", add.back(), add.front(), stats(add).median);
    std::vector<double> inRepeat;
    for (int i = 0; i < 1000; ++i) {
        XmlNode *x =
            s.resolve(QStringLiteral("/data/rep[%1]/x1").arg(1 + rng.bounded(200)), false, nullptr);
        const double start = nowMs();
        s.setValue(x, QString::number(rng.bounded(3)));
        inRepeat.push_back(nowMs() - start);
    }
    st = stats(inRepeat);
    std::printf("%-12s change in repeat    median %8.4f ms  p99 %8.4f ms  (200 instances)\n",
                "generated", st.median, st.p99);
}

void benchChoices()
{
    auto def = load(bigChoiceForm());
    FormSession s(def);
    s.start();
    XmlNode *filter = s.resolve(QStringLiteral("/data/filter"), false, nullptr);
    XmlNode *place = s.resolve(QStringLiteral("/data/place"), false, nullptr);
    const int control = def->schema[static_cast<std::size_t>(place->schemaIndex)].control;
    std::vector<double> t;
    std::size_t n = 0;
    for (int i = 0; i < 30; ++i) {
        s.setValue(filter, QString::number(i * 7 % 300));
        const double start = nowMs();
        n = s.choices(control, place).size();
        t.push_back(nowMs() - start);
    }
    const Stats st = stats(t);
    std::printf("%-12s filter 60000 choices median %7.2f ms  p99 %8.2f ms  (%zu match)\n",
                "choices", st.median, st.p99, n);
}

QString sampleValue(DataType type, int attempt, const std::vector<FormSession::Choice> &choices)
{
    switch (type) {
    case DataType::Int:
    case DataType::Decimal: {
        static const char *nums[] = {"1", "2", "5", "10", "30", "0"};
        return QLatin1String(nums[attempt % 6]);
    }
    case DataType::Date:
        return attempt % 2 ? QStringLiteral("2019-06-01") : QStringLiteral("2020-01-15");
    case DataType::DateTime:
        return QStringLiteral("2020-01-15T10:00:00");
    case DataType::Time:
        return QStringLiteral("10:00:00");
    case DataType::Select1:
    case DataType::Select:
    case DataType::Rank:
        return choices.empty() ? QString()
                               : choices[static_cast<std::size_t>(attempt) % choices.size()].value;
    case DataType::Geopoint:
        return QStringLiteral("1 2 3 4");
    case DataType::Binary:
        return QStringLiteral("photo.jpg");
    default:
        return QStringLiteral("text");
    }
}

void benchWhoVa()
{
    const QString path =
        QStringLiteral(SURVEY_SHARED_FORMS "/javarosa/src__jmh__resources__whova_form.xml");
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        std::printf("whova        (skipped: %s not found)\n", qPrintable(path));
        return;
    }
    const QByteArray xml = f.readAll();
    benchLoad("whova", xml, 20);
    auto def = load(xml);
    // Answers as an enumerator would give them: every relevant, writable question in form
    // order, with a value the form accepts.
    std::map<int, std::pair<QString, QString>> answers; // schema -> (path, value)
    {
        FormSession s(def);
        s.start();
        for (int pass = 0; pass < 4; ++pass) {
            for (std::size_t ci = 0; ci < def->controls.size(); ++ci) {
                const Control &c = def->controls[ci];
                if (c.schema < 0 || c.kind == Control::Kind::Group ||
                    c.kind == Control::Kind::Repeat || c.kind == Control::Kind::Trigger)
                    continue;
                XmlNode *n =
                    s.resolve(def->schema[static_cast<std::size_t>(c.schema)].path, false, nullptr);
                if (!n || !s.isRelevant(n) || s.isReadonly(n) || !n->stringValue().isEmpty())
                    continue;
                const int b = def->schema[static_cast<std::size_t>(c.schema)].bind;
                const DataType type =
                    b >= 0 ? def->binds[static_cast<std::size_t>(b)].type : DataType::String;
                const auto choices = s.choices(static_cast<int>(ci), n);
                for (int attempt = 0; attempt < 6; ++attempt) {
                    const QString v = sampleValue(type, attempt, choices);
                    if (v.isEmpty() || !s.setValue(n, v).isEmpty())
                        continue;
                    if (!s.check(n)) {
                        answers[c.schema] = {s.pathOf(n), v};
                        break;
                    }
                    s.setValue(n, QString());
                }
            }
        }
    }
    const int runs = 200;
    const double start = nowMs();
    std::size_t bytes = 0;
    for (int i = 0; i < runs; ++i) {
        FormSession s(def);
        s.start();
        for (const auto &[schema, pv] : answers) {
            XmlNode *n = s.resolve(pv.first, true, nullptr);
            if (n)
                s.setValue(n, pv.second);
        }
        s.finalize();
        bytes += static_cast<std::size_t>(s.toXml().size());
    }
    const double elapsed = nowMs() - start;
    std::printf(
        "%-12s fill from answers   %8.1f fills/s  (%zu answers, %d fills, %.1f KiB XML each)\n",
        "whova", runs * 1000.0 / elapsed, answers.size(), runs,
        static_cast<double>(bytes) / runs / 1024.0);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    // Optional arguments pick sections: generated, choices, whova (default: all).
    const QStringList only = QCoreApplication::arguments().mid(1);
    auto wanted = [&](const char *name) {
        return only.isEmpty() || only.contains(QLatin1String(name));
    };
    if (wanted("generated"))
        benchGenerated();
    if (wanted("choices"))
        benchChoices();
    if (wanted("whova"))
        benchWhoVa();
    return 0;
}
