// SPDX-License-Identifier: GPL-3.0-or-later
// The XLSForm converter's readers and messages: what an .xlsx holds (every kind of cell),
// what a hostile one cannot make us do, pyxform's markdown tables, and errors that name
// the sheet, row and column in the user's language. pyxform's own cases are replayed by
// the xlsform_cases test; these cover what those cannot.
#include "xlsxwriter.h"

#include "formdefinition.h"
#include "xlsform.h"

#include <QTest>
#include <QTranslator>

using namespace survey::xlsform;

namespace {

const QByteArray kSurveyHeader = testutil::cell("A1", QStringLiteral("type")) +
                                 testutil::cell("B1", QStringLiteral("name")) +
                                 testutil::cell("C1", QStringLiteral("label"));

QByteArray row(int n, const QString &type, const QString &name, const QString &label)
{
    const QByteArray r = QByteArray::number(n);
    return "<row r=\"" + r + "\">" + testutil::cell(("A" + r).constData(), type) +
           testutil::cell(("B" + r).constData(), name) +
           testutil::cell(("C" + r).constData(), label) + "</row>";
}

const Sheet *sheetNamed(const Workbook &book, const QString &name)
{
    for (const Sheet &s : book.sheets)
        if (s.name == name)
            return &s;
    return nullptr;
}

} // namespace

class TestXlsForm : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsEveryKindOfCell();
    void dropsEmptyRowsAndColumns();
    void readsFormWrittenByASpreadsheetProgram();
    void convertedFormLoadsInTheEngine();
    void refusesAnEntryThatInflatesPastTheCap();
    void refusesMoreCellsThanTheCap();
    void refusesACellBeyondTheLastColumn();
    void refusesRowsTimesColumnsPastTheCap();
    void refusesTextMultipliedBySharedStrings();
    void refusesWhatWouldNotFit();
    void refusesAMissingSharedString();
    void refusesWhatIsNotAWorkbook();
    void staysInsideTheArchive();
    void readsMarkdownTables();
    void errorsNameSheetRowAndColumn();
    void errorsComeInChinese();
    void warningsAreKeptApartFromErrors();
};

void TestXlsForm::readsEveryKindOfCell()
{
    // Shared strings (one in rich-text runs with a phonetic reading), numbers, booleans,
    // and serial dates under date formats: built-in 14 (date), 21 (time), a custom one.
    const QByteArray shared = "<si><t>type</t></si>"
                              "<si><r><t>na</t></r><r><t>me</t></r><rPh><t>ignored</t></rPh></si>";
    const QByteArray styles = "<numFmts count=\"1\"><numFmt numFmtId=\"164\" "
                              "formatCode=\"yyyy\\-mm\\-dd\\ hh:mm\"/></numFmts>"
                              "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
                              "<xf numFmtId=\"21\"/><xf numFmtId=\"164\"/></cellXfs>";
    const QByteArray sheet =
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
        "<c r=\"C1\" t=\"inlineStr\"><is><t>v</t></is></c></row>"
        "<row r=\"2\"><c r=\"A2\"><v>1.0</v></c><c r=\"B2\"><v>2.5</v></c>"
        "<c r=\"C2\" t=\"b\"><v>1</v></c></row>"
        "<row r=\"3\"><c r=\"A3\" s=\"1\"><v>45356</v></c><c r=\"B3\" s=\"2\"><v>0.75</v></c>"
        "<c r=\"C3\" s=\"3\"><v>45356.5</v></c></row>"
        "<row r=\"4\"><c r=\"A4\" t=\"str\"><f>A1</f><v>formula text</v></c>"
        "<c r=\"B4\" t=\"b\"><v>0</v></c><c r=\"C4\"><v>0.1</v></c></row>"
        "<row r=\"5\"><c r=\"A5\" s=\"1\"><v>32</v></c><c r=\"B5\"><v>1234567890123456789</v>"
        "</c><c r=\"C5\"><v>1e-05</v></c></row>";
    QString error;
    const auto book =
        readXlsx(testutil::xlsx({{QStringLiteral("survey"), sheet}}, shared, styles), &error);
    QVERIFY2(book, qPrintable(error));
    const Sheet *s = sheetNamed(*book, QStringLiteral("survey"));
    QVERIFY(s);
    QCOMPARE(s->header,
             (QStringList{QStringLiteral("type"), QStringLiteral("name"), QStringLiteral("v")}));
    QCOMPARE(s->rows.size(), 4);
    QCOMPARE(s->rows.at(0).number, 2);
    QCOMPARE(s->rows.at(0).cells,
             (QStringList{QStringLiteral("1"), QStringLiteral("2.5"), QStringLiteral("TRUE")}));
    QCOMPARE(s->rows.at(1).cells,
             (QStringList{QStringLiteral("2024-03-05 00:00:00"), QStringLiteral("18:00:00"),
                          QStringLiteral("2024-03-05 12:00:00")}));
    QCOMPARE(s->rows.at(2).cells, (QStringList{QStringLiteral("formula text"),
                                               QStringLiteral("FALSE"), QStringLiteral("0.1")}));
    // Serial 32 is 1900-02-01 (before Excel's 29 February 1900); integers keep every digit;
    // other numbers are written as Python writes them.
    QCOMPARE(s->rows.at(3).cells,
             (QStringList{QStringLiteral("1900-02-01 00:00:00"),
                          QStringLiteral("1234567890123456768"), QStringLiteral("1e-05")}));
}

void TestXlsForm::dropsEmptyRowsAndColumns()
{
    // Row 3 is absent, row 4 has only blanks, column B has no header (its value is not
    // read), cells of row 6 have no references (they follow one another), and the header
    // "label" is a merged cell over C1:D1 (only C1 holds it).
    const QByteArray sheet =
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>type</t></is></c>"
        "<c r=\"C1\" t=\"inlineStr\"><is><t> name </t></is></c>"
        "<c r=\"D1\" t=\"inlineStr\"><is><t>label</t></is></c></row>"
        "<row r=\"2\">" +
        testutil::cell("A2", QStringLiteral("text")) + testutil::cell("B2", QStringLiteral("x")) +
        testutil::cell("C2", QStringLiteral("q1")) + testutil::cell("D2", QStringLiteral("Q1")) +
        "</row><row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>  </t></is></c></row>"
        "<row r=\"6\"><c t=\"inlineStr\"><is><t>note</t></is></c><c/>"
        "<c t=\"inlineStr\"><is><t>n1</t></is></c><c t=\"inlineStr\"><is><t>Hi</t></is></c>"
        "</row>";
    const QMap<QString, QByteArray> merge = {
        {QStringLiteral("xl/worksheets/sheet1.xml"),
         "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/"
         "spreadsheetml/2006/main\"><sheetData>" +
             sheet +
             "</sheetData><mergeCells><mergeCell ref=\"D1:E1\"/></mergeCells></worksheet>"}};
    QString error;
    const auto book =
        readXlsx(testutil::xlsx({{QStringLiteral("survey"), {}}}, {}, {}, merge), &error);
    QVERIFY2(book, qPrintable(error));
    const Sheet &s = book->sheets.first();
    QCOMPARE(s.header, (QStringList{QStringLiteral("type"), QString(), QStringLiteral("name"),
                                    QStringLiteral("label")}));
    QCOMPARE(s.rows.size(), 2);
    QCOMPARE(s.rows.at(0).cells, (QStringList{QStringLiteral("text"), QString(),
                                              QStringLiteral("q1"), QStringLiteral("Q1")}));
    QCOMPARE(s.rows.at(1).number, 6);
    QCOMPARE(s.rows.at(1).cells, (QStringList{QStringLiteral("note"), QString(),
                                              QStringLiteral("n1"), QStringLiteral("Hi")}));
}

void TestXlsForm::readsFormWrittenByASpreadsheetProgram()
{
    // A workbook saved by a spreadsheet program (from pyxform's cases): shared strings,
    // styles, a settings sheet.
    const QString dir = QStringLiteral(SURVEY_SHARED_XLSFORM "/files/");
    const QStringList files = QDir(dir).entryList({QStringLiteral("*.xlsx")});
    QVERIFY(!files.isEmpty());
    for (const QString &f : files) {
        QString error;
        QFile file(dir + f);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto book = readXlsx(file.readAll(), &error);
        QVERIFY2(book, qPrintable(f + QStringLiteral(": ") + error));
        QVERIFY2(!book->sheets.isEmpty(), qPrintable(f));
    }
}

void TestXlsForm::convertedFormLoadsInTheEngine()
{
    const QByteArray survey =
        "<row r=\"1\">" + kSurveyHeader + "</row>" +
        row(2, QStringLiteral("integer"), QStringLiteral("people"),
            QStringLiteral("How many people live here?")) +
        row(3, QStringLiteral("select_one fuel"), QStringLiteral("fuel"),
            QStringLiteral("Main cooking fuel")) +
        row(4, QStringLiteral("note"), QStringLiteral("n"), QStringLiteral("${people} people"));
    const QByteArray choices =
        "<row r=\"1\">" + testutil::cell("A1", QStringLiteral("list_name")) +
        testutil::cell("B1", QStringLiteral("name")) +
        testutil::cell("C1", QStringLiteral("label")) + "</row>" +
        row(2, QStringLiteral("fuel"), QStringLiteral("gas"), QStringLiteral("Gas")) +
        row(3, QStringLiteral("fuel"), QStringLiteral("coal"), QStringLiteral("Coal"));
    const QByteArray settings =
        "<row r=\"1\">" + testutil::cell("A1", QStringLiteral("form_title")) +
        testutil::cell("B1", QStringLiteral("form_id")) +
        testutil::cell("C1", QStringLiteral("version")) + "</row><row r=\"2\">" +
        testutil::cell("A2", QStringLiteral("Energy")) +
        testutil::cell("B2", QStringLiteral("energy")) + "<c r=\"C2\"><v>2026120501</v></c></row>";
    Options options;
    options.fallbackId = QStringLiteral("file-stem");
    const Conversion c = convertBytes(testutil::xlsx({{QStringLiteral("survey"), survey},
                                                      {QStringLiteral("choices"), choices},
                                                      {QStringLiteral("settings"), settings}}),
                                      options);
    QVERIFY2(c.ok, qPrintable(c.errorText()));
    QCOMPARE(c.formId, QStringLiteral("energy"));
    QCOMPARE(c.title, QStringLiteral("Energy"));
    QCOMPARE(c.version, QStringLiteral("2026120501"));
    survey::form::FormError error;
    const auto def = survey::form::FormDefinition::load(c.xform, {}, &error);
    QVERIFY2(def, qPrintable(error.message));
    QCOMPARE(def->formId, QStringLiteral("energy"));
    QCOMPARE(def->version, QStringLiteral("2026120501"));
}

void TestXlsForm::refusesAnEntryThatInflatesPastTheCap()
{
    // 4 MB of one repeated byte deflates to a few kilobytes: a zip bomb in miniature.
    ReadLimits limits;
    limits.maxEntryBytes = 1024 * 1024;
    const QByteArray huge = "<row r=\"1\">" + testutil::cell("A1", QStringLiteral("type")) +
                            "</row><!--" + QByteArray(4 * 1024 * 1024, 'a') + "-->";
    const QByteArray bytes = testutil::xlsx({{QStringLiteral("survey"), huge}});
    QVERIFY(bytes.size() < 100 * 1024);
    QString error;
    QVERIFY(!readXlsx(bytes, &error, limits));
    QVERIFY2(error.contains(QStringLiteral("too large")), qPrintable(error));
    // The same file under the default caps reads.
    QVERIFY2(readXlsx(bytes, &error), qPrintable(error));
}

void TestXlsForm::refusesMoreCellsThanTheCap()
{
    ReadLimits limits;
    limits.maxCells = 100;
    QByteArray sheet;
    for (int r = 1; r <= 60; ++r) {
        const QByteArray n = QByteArray::number(r);
        sheet += "<row r=\"" + n + "\"><c r=\"A" + n + "\"><v>1</v></c><c r=\"B" + n +
                 "\"><v>2</v></c></row>";
    }
    QString error;
    QVERIFY(!readXlsx(testutil::xlsx({{QStringLiteral("survey"), sheet}}), &error, limits));
    QVERIFY2(error.contains(QStringLiteral("more cells")), qPrintable(error));
}

void TestXlsForm::refusesACellBeyondTheLastColumn()
{
    QString error;
    // XFE is column 16,385: one past Excel's last.
    QVERIFY(!readXlsx(testutil::xlsx({{QStringLiteral("survey"),
                                       "<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"}}),
                      &error));
    QVERIFY2(error.contains(QStringLiteral("beyond the last column")), qPrintable(error));
    QVERIFY(!readXlsx(testutil::xlsx({{QStringLiteral("survey"),
                                       "<row r=\"1\"><c r=\"A99999999999\"><v>1</v></c></row>"}}),
                      &error));
    QVERIFY2(error.contains(QStringLiteral("not a cell")), qPrintable(error));
}

void TestXlsForm::refusesRowsTimesColumnsPastTheCap()
{
    // A wide header makes every row that wide: few cells, many slots.
    ReadLimits limits;
    limits.maxSlots = 100'000;
    QByteArray sheet = "<row r=\"1\">";
    for (int c = 0; c < 2000; ++c)
        sheet += "<c t=\"inlineStr\"><is><t>h" + QByteArray::number(c) + "</t></is></c>";
    sheet += "</row>";
    for (int r = 2; r < 62; ++r)
        sheet += "<row r=\"" + QByteArray::number(r) + "\">" +
                 testutil::cell(("A" + QByteArray::number(r)).constData(), QStringLiteral("text")) +
                 "</row>";
    QString error;
    QVERIFY(!readXlsx(testutil::xlsx({{QStringLiteral("survey"), sheet}}), &error, limits));
    QVERIFY2(error.contains(QStringLiteral("more rows and columns")), qPrintable(error));
    QByteArray md =
        "| survey | type | name | label |" + QByteArray(15'000, 'x').replace("x", "| c ") + "\n";
    for (int r = 0; r < 10; ++r)
        md += "| | text | q | Q |\n";
    QVERIFY(!readMarkdown(md, &error, limits));
    QVERIFY2(error.contains(QStringLiteral("more rows and columns")), qPrintable(error));
    // And no markdown row wider than a spreadsheet can be.
    QVERIFY(!readMarkdown("| survey | type |" + QByteArray(20'000, 'x').replace("x", "| c ") + "\n",
                          &error));
    QVERIFY2(error.contains(QStringLiteral("more than 16384 columns")), qPrintable(error));
}

void TestXlsForm::refusesTextMultipliedBySharedStrings()
{
    // One long shared string used by every cell: 20 KB of zip, 400 MB of text once read.
    ReadLimits limits;
    limits.maxTextChars = 10'000'000;
    QByteArray sheet;
    for (int r = 1; r <= 2000; ++r)
        sheet += "<row r=\"" + QByteArray::number(r) + "\"><c r=\"A" + QByteArray::number(r) +
                 "\" t=\"s\"><v>0</v></c></row>";
    const QByteArray bytes = testutil::xlsx({{QStringLiteral("survey"), sheet}},
                                            "<si><t>" + QByteArray(200'000, 'x') + "</t></si>");
    QString error;
    QVERIFY(!readXlsx(bytes, &error, limits));
    QVERIFY2(error.contains(QStringLiteral("more text")), qPrintable(error));
}

void TestXlsForm::refusesWhatWouldNotFit()
{
    // Nesting past 64 levels, loops that multiply, long names, control characters, attribute
    // columns that are not names: refused with the place, before any work they would cost.
    const auto convertMd = [](const QByteArray &md) { return convertBytes(md, Options{}); };
    QByteArray nested = "| survey | type | name | label |\n";
    for (int i = 0; i < 70; ++i)
        nested += "| | begin group | g" + QByteArray::number(i) + " | G |\n";
    Conversion c = convertMd(nested);
    QVERIFY(!c.ok);
    QCOMPARE(c.errors.first().place.row, 66);
    QVERIFY2(c.errorText().contains(QStringLiteral("more than 64 deep")),
             qPrintable(c.errorText()));

    QByteArray loops = "| survey | type | name | label |\n";
    for (int i = 0; i < 5; ++i)
        loops += "| | begin loop over l | l" + QByteArray::number(i) + " | L |\n";
    loops += "| | text | q | Q |\n";
    for (int i = 0; i < 5; ++i)
        loops += "| | end loop | | |\n";
    loops += "| choices | list_name | name | label |\n";
    for (int i = 0; i < 20; ++i)
        loops += "| | l | c" + QByteArray::number(i) + " | C |\n";
    c = convertMd(loops);
    QVERIFY(!c.ok);
    QVERIFY2(c.errorText().contains(QStringLiteral("more than 200000 questions")),
             qPrintable(c.errorText()));

    c = convertMd("| survey | type | name | label |\n| | text | " + QByteArray(300, 'n') +
                  " | Q |\n");
    QVERIFY(!c.ok);
    QVERIFY2(c.errorText().contains(QStringLiteral("longer than 255")), qPrintable(c.errorText()));

    c = convertMd("| survey | type | name | label |\n| | text | q | Q \x01 |\n");
    QVERIFY(!c.ok);
    QVERIFY2(c.errorText().startsWith(QStringLiteral("Sheet 'survey', row 2, column 'label': The "
                                                     "cell holds a control character (code 1)")),
             qPrintable(c.errorText()));

    c = convertMd(
        "| survey | type | name | label | bind::a=\"x\" onload |\n| | text | q | Q | 1 |\n");
    QVERIFY(!c.ok);
    QVERIFY2(c.errorText().contains(QStringLiteral("does not name an attribute")),
             qPrintable(c.errorText()));
}

void TestXlsForm::refusesAMissingSharedString()
{
    QString error;
    QVERIFY(!readXlsx(testutil::xlsx({{QStringLiteral("survey"),
                                       "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>"}},
                                     "<si><t>only one</t></si>"),
                      &error));
    QVERIFY2(error.contains(QStringLiteral("shared string")), qPrintable(error));
}

void TestXlsForm::refusesWhatIsNotAWorkbook()
{
    QString error;
    QVERIFY(!readXlsx("PK\x03\x04 not really a zip", &error));
    QVERIFY2(error.contains(QStringLiteral("not an .xlsx")), qPrintable(error));
    QVERIFY(!readXlsx(testutil::zipParts({{QStringLiteral("readme.txt"), "hello"}}), &error));
    QVERIFY2(error.contains(QStringLiteral("no workbook")), qPrintable(error));
    QVERIFY(
        !readXlsx(testutil::xlsx({{QStringLiteral("survey"), "<row><c><v>1</v></row>"}}), &error));
    QVERIFY2(error.contains(QStringLiteral("not well-formed")), qPrintable(error));
}

void TestXlsForm::staysInsideTheArchive()
{
    // A relationship that climbs out of the archive names nothing outside it: the sheet is
    // looked up in the zip (where it is not), never on disk.
    const QMap<QString, QByteArray> rels = {
        {QStringLiteral("xl/_rels/workbook.xml.rels"),
         "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/"
         "package/2006/relationships\"><Relationship Id=\"rId1\" Target=\"../../../../../../"
         "etc/passwd\"/></Relationships>"}};
    QString error;
    const auto book =
        readXlsx(testutil::xlsx({{QStringLiteral("survey"), {}}}, {}, {}, rels), &error);
    QVERIFY2(book, qPrintable(error));
    QVERIFY(book->sheets.isEmpty());
    const Conversion c = convert(*book, Options{});
    QVERIFY(!c.ok);
    QVERIFY2(c.errorText().contains(QStringLiteral("no sheet named 'survey'")),
             qPrintable(c.errorText()));
}

void TestXlsForm::readsMarkdownTables()
{
    const QByteArray md = "# a comment line\n"
                          "| survey |                 |      |              |\n"
                          "|        | type            | name | label        | trailing text\n"
                          "|--------|-----------------|------|--------------|\n"
                          "|        | text            | a    | A \\| B       |\n"
                          "|        |                 |      |              |\n"
                          "| Choices | list_name | name | label |\n"
                          "|         | l         | x    | X     |\n"
                          "| choices | list_name | name | label |\n"
                          "|         | l         | y    | Y     |\n";
    QString error;
    const auto book = readMarkdown(md, &error);
    QVERIFY2(book, qPrintable(error));
    QCOMPARE(book->sheets.size(), 3);
    const Sheet *survey = sheetNamed(*book, QStringLiteral("survey"));
    QCOMPARE(survey->header, (QStringList{QStringLiteral("type"), QStringLiteral("name"),
                                          QStringLiteral("label")}));
    QCOMPARE(survey->rows.size(), 1);
    QCOMPARE(survey->rows.first().number, 2);
    QCOMPARE(survey->rows.first().cells.at(2), QStringLiteral("A | B"));
    // Sheet names are matched without regard to case when converting; a later sheet of the
    // same spelling replaces the earlier.
    QCOMPARE(sheetNamed(*book, QStringLiteral("choices"))->rows.first().cells.at(1),
             QStringLiteral("y"));
    QVERIFY(!readMarkdown("no table | here", &error));
}

void TestXlsForm::errorsNameSheetRowAndColumn()
{
    const Conversion c = convertBytes("| survey |      |         |       |\n"
                                      "|        | type | name    | label |\n"
                                      "|        | text | ok      | OK    |\n"
                                      "|        | text | 1st     | Bad   |\n",
                                      Options{});
    QVERIFY(!c.ok);
    QCOMPARE(c.errors.size(), 1);
    QCOMPARE(c.errors.first().place.sheet, QStringLiteral("survey"));
    QCOMPARE(c.errors.first().place.row, 3);
    QCOMPARE(c.errors.first().place.column, QStringLiteral("name"));
    QVERIFY2(c.errorText().startsWith(QStringLiteral("Sheet 'survey', row 3, column 'name': The "
                                                     "name '1st' is not valid")),
             qPrintable(c.errorText()));
    QVERIFY(c.xform.isEmpty());
}

void TestXlsForm::errorsComeInChinese()
{
    QTranslator zh;
    QVERIFY(zh.load(QStringLiteral(SURVEY_QM_DIR "/survey_zh_CN.qm")));
    QCoreApplication::installTranslator(&zh);
    const Conversion c = convertBytes("| survey |      |         |       |\n"
                                      "|        | type | name    | label |\n"
                                      "|        | text | meta    | Meta  |\n",
                                      Options{});
    QCoreApplication::removeTranslator(&zh);
    QVERIFY(!c.ok);
    const QString text = c.errorText();
    QVERIFY2(text.contains(QStringLiteral("survey")) && text.contains(QStringLiteral("2")) &&
                 text.contains(QStringLiteral("meta")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("元数据")), qPrintable(text));
}

void TestXlsForm::warningsAreKeptApartFromErrors()
{
    const Conversion c = convertBytes("| survey |       |       |       |\n"
                                      "|        | type  | name  | label |\n"
                                      "|        | image | photo | Photo |\n",
                                      Options{});
    QVERIFY2(c.ok, qPrintable(c.errorText()));
    QVERIFY(c.errors.isEmpty());
    QCOMPARE(c.warnings.size(), 1);
    QCOMPARE(c.warnings.first().place.row, 2);
    QVERIFY(c.warnings.first().text.contains(QStringLiteral("max-pixels")));
}

QTEST_GUILESS_MAIN(TestXlsForm)
#include "tst_xlsform.moc"
