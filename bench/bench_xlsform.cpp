// SPDX-License-Identifier: GPL-3.0-or-later
// How long converting a large XLSForm takes: a 2,000-row survey sheet (groups, repeats,
// selects over 20 lists, relevance, constraints, calculations, two languages) saved as an
// .xlsx with shared strings, as Excel writes it. Prints read (unzip and parse the sheets),
// convert (check and write the XForm) and the two together, over 21 runs; then 20,000
// rows once, to show the time grows with the rows and no faster.
#include "../tests/xlsxwriter.h"

#include "formdefinition.h"
#include "xlsform.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QTextStream>

#include <algorithm>

namespace {

/// Cells by shared string, as spreadsheet programs save them.
class SheetBuilder
{
public:
    explicit SheetBuilder(QStringList *shared, QHash<QString, int> *index)
        : m_shared(shared)
        , m_index(index)
    {}
    void row(const QStringList &cells)
    {
        ++m_row;
        m_xml += "<row r=\"" + QByteArray::number(m_row) + "\">";
        for (qsizetype c = 0; c < cells.size(); ++c) {
            if (cells.at(c).isEmpty())
                continue;
            int i = m_index->value(cells.at(c), -1);
            if (i < 0) {
                i = int(m_shared->size());
                m_index->insert(cells.at(c), i);
                m_shared->append(cells.at(c));
            }
            m_xml += "<c r=\"" + column(int(c)) + QByteArray::number(m_row) + "\" t=\"s\"><v>" +
                     QByteArray::number(i) + "</v></c>";
        }
        m_xml += "</row>";
    }
    QByteArray xml() const { return m_xml; }
    int rows() const { return m_row; }

private:
    static QByteArray column(int c)
    {
        QByteArray name;
        for (++c; c > 0; c = (c - 1) / 26)
            name.prepend(char('A' + (c - 1) % 26));
        return name;
    }
    QStringList *m_shared;
    QHash<QString, int> *m_index;
    QByteArray m_xml;
    int m_row = 0;
};

QByteArray largeForm(int surveyRows)
{
    QStringList shared;
    QHash<QString, int> index;
    SheetBuilder survey(&shared, &index);
    survey.row({QStringLiteral("type"), QStringLiteral("name"),
                QStringLiteral("label::English (en)"), QStringLiteral("label::中文 (zh)"),
                QStringLiteral("hint::English (en)"), QStringLiteral("relevant"),
                QStringLiteral("constraint"), QStringLiteral("constraint_message::English (en)"),
                QStringLiteral("calculation"), QStringLiteral("required")});
    int q = 0;
    int section = 0;
    QString previousNumber;
    while (survey.rows() < surveyRows - 1) {
        const bool repeat = section % 2 == 1;
        const QString s = QStringLiteral("s%1").arg(section);
        survey.row({repeat ? QStringLiteral("begin_repeat") : QStringLiteral("begin_group"), s,
                    QStringLiteral("Section %1").arg(section),
                    QStringLiteral("第 %1 部分").arg(section)});
        previousNumber.clear();
        for (int i = 0; i < 96 && survey.rows() < surveyRows - 2; ++i, ++q) {
            const QString name = QStringLiteral("q%1").arg(q);
            const QString en = QStringLiteral("Question %1 about energy use").arg(q);
            const QString zh = QStringLiteral("关于能源使用的第 %1 题").arg(q);
            const QString relevant = previousNumber.isEmpty()
                                         ? QString()
                                         : QStringLiteral("${%1} > 3").arg(previousNumber);
            switch (q % 8) {
            case 0:
                survey.row({QStringLiteral("integer"),
                            name,
                            en,
                            zh,
                            QStringLiteral("Count them"),
                            relevant,
                            QStringLiteral(". >= 0 and . < 200"),
                            QStringLiteral("From 0 to 199"),
                            {},
                            QStringLiteral("yes")});
                previousNumber = name;
                break;
            case 1:
                survey.row(
                    {QStringLiteral("select_one l%1").arg(q % 20), name, en, zh, {}, relevant});
                break;
            case 2:
                survey.row({QStringLiteral("select_multiple l%1").arg(q % 20),
                            name,
                            en,
                            zh,
                            {},
                            relevant});
                break;
            case 3:
                survey.row({QStringLiteral("decimal"),
                            name,
                            en,
                            zh,
                            {},
                            relevant,
                            QStringLiteral(". > 0")});
                break;
            case 4:
                survey.row({QStringLiteral("calculate"),
                            name,
                            {},
                            {},
                            {},
                            {},
                            {},
                            {},
                            previousNumber.isEmpty()
                                ? QStringLiteral("1")
                                : QStringLiteral("${%1} * 2").arg(previousNumber)});
                break;
            case 5:
                survey.row({QStringLiteral("note"), name,
                            QStringLiteral("So far: ${q%1}").arg(q - 1),
                            QStringLiteral("目前：${q%1}").arg(q - 1)});
                break;
            case 6:
                survey.row({QStringLiteral("date"), name, en, zh, {}, relevant});
                break;
            default:
                survey.row({QStringLiteral("text"), name, en, zh, {}, relevant});
            }
        }
        survey.row({repeat ? QStringLiteral("end_repeat") : QStringLiteral("end_group"), s});
        ++section;
    }
    SheetBuilder choices(&shared, &index);
    choices.row({QStringLiteral("list_name"), QStringLiteral("name"),
                 QStringLiteral("label::English (en)"), QStringLiteral("label::中文 (zh)")});
    for (int l = 0; l < 20; ++l)
        for (int c = 0; c < 10; ++c)
            choices.row({QStringLiteral("l%1").arg(l), QStringLiteral("c%1").arg(c),
                         QStringLiteral("Choice %1").arg(c), QStringLiteral("选项 %1").arg(c)});
    SheetBuilder settings(&shared, &index);
    settings.row(
        {QStringLiteral("form_title"), QStringLiteral("form_id"), QStringLiteral("version")});
    settings.row({QStringLiteral("Large form"), QStringLiteral("large"), QStringLiteral("1")});
    QByteArray sst;
    for (const QString &s : std::as_const(shared)) {
        QByteArray e = s.toUtf8();
        e.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        sst += "<si><t>" + e + "</t></si>";
    }
    return testutil::xlsx({{QStringLiteral("survey"), survey.xml()},
                           {QStringLiteral("choices"), choices.xml()},
                           {QStringLiteral("settings"), settings.xml()}},
                          sst);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QByteArray bytes = largeForm(2000);
    std::vector<double> read, convert, total;
    QByteArray xform;
    for (int run = 0; run < 21; ++run) {
        QElapsedTimer t;
        t.start();
        QString error;
        const auto book = survey::xlsform::readXlsx(bytes, &error);
        const double r = double(t.nsecsElapsed()) / 1e6;
        if (!book) {
            out << "read failed: " << error << "\n";
            return 1;
        }
        const survey::xlsform::Conversion c = survey::xlsform::convert(*book, {});
        const double all = double(t.nsecsElapsed()) / 1e6;
        if (!c.ok) {
            out << "convert failed: " << c.errorText() << "\n";
            return 1;
        }
        xform = c.xform;
        if (run == 0)
            continue; // the first run warms the caches
        read.push_back(r);
        convert.push_back(all - r);
        total.push_back(all);
    }
    survey::form::FormError error;
    const auto def = survey::form::FormDefinition::load(xform, {}, &error);
    if (!def) {
        out << "the XForm does not load: " << error.message << "\n";
        return 1;
    }
    out << QStringLiteral(
               "XLSForm of 2,000 survey rows (%1 KB .xlsx) -> XForm of %2 KB, %3 binds\n")
               .arg(bytes.size() / 1024)
               .arg(xform.size() / 1024)
               .arg(def->binds.size());
    out << QStringLiteral("read .xlsx:   median %1 ms, max %2 ms\n")
               .arg(median(read), 0, 'f', 1)
               .arg(*std::max_element(read.begin(), read.end()), 0, 'f', 1);
    out << QStringLiteral("convert:      median %1 ms, max %2 ms\n")
               .arg(median(convert), 0, 'f', 1)
               .arg(*std::max_element(convert.begin(), convert.end()), 0, 'f', 1);
    out << QStringLiteral("read+convert: median %1 ms, max %2 ms (target <= 200 ms)\n")
               .arg(median(total), 0, 'f', 1)
               .arg(*std::max_element(total.begin(), total.end()), 0, 'f', 1);
    // Ten times the rows take about ten times as long: the work is linear in the input.
    const QByteArray tenTimes = largeForm(20000);
    QElapsedTimer t;
    t.start();
    QString readError;
    const auto big = survey::xlsform::readXlsx(tenTimes, &readError);
    const bool converted = big && survey::xlsform::convert(*big, {}).ok;
    out << QStringLiteral("20,000 rows, read+convert once: %1 ms%2\n")
               .arg(double(t.nsecsElapsed()) / 1e6, 0, 'f', 0)
               .arg(converted ? QString() : QStringLiteral(" (FAILED)"));
    return converted ? 0 : 1;
}
