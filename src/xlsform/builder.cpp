// SPDX-License-Identifier: GPL-3.0-or-later
// Sheets → Form: the settings, the choice lists, then the survey row by row, with pyxform's
// checks in pyxform's order, so that the first problem reported is the one it reports.
#include "builder.h"

#include "columns.h"
#include "types.h"
#include "xlsform.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <functional>

namespace survey::xlsform {

void fail(const Place &place, const QString &text)
{
    throw Failure{Message{place, text}};
}

std::optional<bool> yesNo(const QString &value)
{
    static const QSet<QString> yes = {QStringLiteral("yes"),   QStringLiteral("Yes"),
                                      QStringLiteral("YES"),   QStringLiteral("true"),
                                      QStringLiteral("True"),  QStringLiteral("TRUE"),
                                      QStringLiteral("true()")};
    static const QSet<QString> no = {QStringLiteral("no"),     QStringLiteral("No"),
                                     QStringLiteral("NO"),     QStringLiteral("false"),
                                     QStringLiteral("False"),  QStringLiteral("FALSE"),
                                     QStringLiteral("false()")};
    if (yes.contains(value))
        return true;
    if (no.contains(value))
        return false;
    return std::nullopt;
}

bool isXmlName(const QString &name)
{
    const auto startChar = [](QChar c) {
        return c == u'_' || c.isLetter() || (c.unicode() >= 0x2070 && c.unicode() <= 0x218F);
    };
    const auto nameChar = [&](QChar c) {
        return startChar(c) || c.isDigit() || c == u'-' || c == u'.' || c == QChar(0xB7) ||
               c.category() == QChar::Mark_NonSpacing ||
               c.category() == QChar::Mark_SpacingCombining ||
               c.category() == QChar::Number_DecimalDigit;
    };
    const QStringList parts = name.split(u':');
    if (parts.size() > 2)
        return false;
    for (const QString &p : parts) {
        if (p.isEmpty() || !startChar(p.at(0)))
            return false;
        for (const QChar c : p)
            if (!nameChar(c))
                return false;
    }
    return true;
}

QMap<QString, QString> parseParameters(const QString &text, const Place &place)
{
    // One pass: tokens are runs of anything but space, '=', ',' and ';'; a pair is a token,
    // '=' and a token (spaces around '=' allowed); pairs are parted by space, ',' or ';'.
    QMap<QString, QString> out;
    const auto separator = [](QChar c) { return c.isSpace() || c == u',' || c == u';'; };
    const auto tokenChar = [&](QChar c) { return !separator(c) && c != u'='; };
    const auto malformed = [&] {
        fail(place, XlsForm::tr("The parameters must be written as 'key1=value1 key2=value2'."));
    };
    const qsizetype n = text.size();
    qsizetype i = 0;
    const auto skipSpaces = [&] {
        while (i < n && text.at(i).isSpace())
            ++i;
    };
    const auto token = [&] {
        const qsizetype start = i;
        while (i < n && tokenChar(text.at(i)))
            ++i;
        return text.mid(start, i - start);
    };
    while (true) {
        while (i < n && separator(text.at(i)))
            ++i;
        if (i >= n)
            break;
        const QString key = token().toLower();
        skipSpaces();
        if (key.isEmpty() || i >= n || text.at(i) != u'=')
            malformed();
        ++i;
        skipSpaces();
        QString value = token();
        if (value.isEmpty() || (i < n && !separator(text.at(i))))
            malformed();
        if (key != QLatin1String("value") && key != QLatin1String("label") &&
            key != QLatin1String("reference-geometry"))
            value = value.toLower();
        out.insert(key, value);
    }
    return out;
}

bool isDynamicDefault(const QString &value, const QString &type)
{
    if (value.isEmpty())
        return false;
    if (value.contains(QLatin1String("${")))
        return true;
    const bool dateLike = type == QLatin1String("date") || type == QLatin1String("dateTime") ||
                          type == QLatin1String("geopoint") || type == QLatin1String("geotrace") ||
                          type == QLatin1String("geoshape");
    // Tokens: names (with their '(' or '[' when a call or a predicate), numbers, operators
    // and literals. A date's '-' is not an operator.
    static const QRegularExpression token(QStringLiteral(
        "'[^']*'|\"[^\"]*\"|([A-Za-z_][\\w.:-]*)\\s*(\\(|\\[)?|(\\d+(?:\\.\\d+)?)|([-+*|])|\\S"));
    auto it = token.globalMatch(value);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.capturedLength(1) > 0) {
            const QString word = m.captured(1);
            if (word == QLatin1String("div") || word == QLatin1String("mod"))
                return true;
            if (m.capturedLength(2) > 0)
                return true; // a call or a predicate
            continue;
        }
        if (m.capturedLength(4) > 0) {
            if (dateLike && m.captured(4) == QLatin1String("-"))
                return false;
            return true;
        }
    }
    return false;
}

namespace {

/// How deep groups and repeats may nest, and how many questions loops may make: a form
/// beyond them is a mistake or an attack, and each costs memory and time to convert.
constexpr int kMaxDepth = 64;
constexpr int kMaxLoopElements = 200'000;
/// The longest name a question, group or choice list may have.
constexpr int kMaxNameLength = 255;

// ----------------------------------------------------------------------------- rows

/// One row's values by column key: key → language → text.
struct Row
{
    int number = 0;
    QHash<QString, Translated> values;
    QHash<QString, QString> headers; // key → the header as written, for messages
    QList<QString> order;            // keys in column order

    QString value(const QString &key) const { return values.value(key).value(QString()); }
    bool has(const QString &key) const { return !value(key).isEmpty(); }
    bool empty() const { return values.isEmpty(); }
};

struct RowSheet
{
    QString name; // as written
    QList<Column> columns;
    QList<Row> rows;
    bool present = false;
};

QString cleanCell(QString text, bool collapseSpaces)
{
    text.replace(QChar(0x2018), u'\'').replace(QChar(0x2019), u'\'');
    text.replace(QChar(0x201C), u'"').replace(QChar(0x201D), u'"');
    text.replace(QChar(0xA0), u' ');
    text = text.trimmed();
    if (collapseSpaces) {
        static const QRegularExpression spaces(QStringLiteral(" {2,}"));
        text.replace(spaces, QStringLiteral(" "));
    }
    return text;
}

int levenshtein(const QString &a, const QString &b)
{
    QList<int> prev(b.size() + 1), cur(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        prev[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        cur[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j)
            cur[j] = std::min(
                {prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.at(i - 1) == b.at(j - 1) ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

const QStringList &supportedSheets()
{
    static const QStringList names = {
        QStringLiteral("survey"),           QStringLiteral("choices"),  QStringLiteral("settings"),
        QStringLiteral("external_choices"), QStringLiteral("entities"), QStringLiteral("osm")};
    return names;
}

/// Sheets named like `wanted` but misspelt: for the message that says which was meant.
QStringList similarSheets(const Workbook &book, const QString &wanted)
{
    QStringList out;
    for (const Sheet &s : book.sheets) {
        const QString lower = s.name.toLower();
        if (s.name.startsWith(u'_') || supportedSheets().contains(lower))
            continue;
        if (levenshtein(lower, wanted) <= 2)
            out.append(u'\'' + s.name + u'\'');
    }
    return out;
}

class Builder
{
public:
    Builder(const Workbook &book, const Options &options, QList<Message> *warnings)
        : m_book(book)
        , m_options(options)
        , m_warnings(warnings)
    {}
    Form build();

private:
    const Sheet *findSheet(const QString &name) const;
    RowSheet readSheet(const QString &name, SheetKind kind);
    void warn(const Place &place, const QString &text) { m_warnings->append(Message{place, text}); }
    void readSettings();
    void readChoices();
    void readSurvey();
    void checkReferencesInRow(const Row &row, const QString &sheet);
    void finishElement(Element &e, const Row &row);
    void checkParameters(Element &e, const Row &row);
    void checkSelect(Element &e, const Row &row);
    void readEntities();
    void checkSaveTo(const Row &row, bool container, QHash<QString, int> *saved);
    void checkRange(Element &e, const Place &place);
    void expandLoops(Element &e);
    void checkRepeatNames(const Element &root);
    void warnMissingTranslations();
    void makeTableList(Element &group);
    void checkReferenceGeometry(const Element &e);
    void checkSearch();
    void checkLabels(const Element &e);
    void checkTriggers();
    void checkTypesAndNames(Element &e);
    void addGenerated(Element &parent);
    void collectNames(const Element &e);

    const Workbook &m_book;
    const Options &m_options;
    QList<Message> *m_warnings;
    Form m_form;
    RowSheet m_survey, m_choices, m_settings, m_external, m_entities, m_osm;
    QHash<QString, int> m_listIndex; // list name → index in m_form.choiceLists
    QSet<QString> m_externalLists;
    QList<std::pair<Element *, QStringList>> m_triggers; // element, target names
    QHash<QString, int> m_nameCount;                     // every name in the survey
    QHash<QString, Element *> m_questions;               // names of questions (not groups)
    QString m_rootName;
    int m_loopElements = 0;
    QSet<QString> m_spaceChecked;   // lists whose names were checked for select_multiple
    QSet<QString> m_listsWithOther; // lists that have their "other" choice
    QHash<const Element *, QHash<QString, QString>> m_siblingNames; // case-folded → as written
    QHash<const Element *, QSet<QString>> m_exactNames;
};

const Sheet *Builder::findSheet(const QString &name) const
{
    for (const Sheet &s : m_book.sheets)
        if (s.name.toLower() == name && !s.name.startsWith(u'_'))
            return &s;
    return nullptr;
}

RowSheet Builder::readSheet(const QString &name, SheetKind kind)
{
    RowSheet out;
    const Sheet *sheet = findSheet(name);
    if (!sheet && kind == SheetKind::Survey) {
        // A workbook of one sheet is its survey, whatever the sheet is called.
        QList<const Sheet *> visible;
        for (const Sheet &s : m_book.sheets)
            if (!s.name.startsWith(u'_'))
                visible.append(&s);
        if (visible.size() == 1 && !supportedSheets().contains(visible.first()->name.toLower()))
            sheet = visible.first();
    }
    if (!sheet)
        return out;
    out.present = true;
    out.name = sheet->name;
    std::pair<QString, QString> clash;
    out.columns = normaliseHeader(kind, sheet->header, &clash);
    if (!clash.first.isEmpty())
        fail(Place{name, 1, clash.second},
             XlsForm::tr("The columns '%1' and '%2' are two names for the same column. Rename or "
                         "remove one of them.")
                 .arg(clash.first, clash.second));
    // Columns that become XML attribute names must be names: anything else would break the
    // XForm (or smuggle in attributes of its own).
    for (const Column &c : std::as_const(out.columns)) {
        for (const QLatin1String prefix :
             {QLatin1String("bind::"), QLatin1String("control::"), QLatin1String("instance::")}) {
            if (c.key.startsWith(prefix) && !isXmlName(c.key.mid(prefix.size())))
                fail(Place{name, 1, c.raw},
                     XlsForm::tr("The column '%1' does not name an attribute: after '::' must "
                                 "come a name (letters, digits, '_', '-', '.', one ':').")
                         .arg(c.raw));
        }
    }
    const bool collapse = kind == SheetKind::Survey;
    for (const SheetRow &sr : sheet->rows) {
        Row row;
        row.number = sr.number;
        for (qsizetype i = 0; i < sr.cells.size() && i < out.columns.size(); ++i) {
            const QString text = cleanCell(sr.cells.at(i), collapse);
            if (text.isEmpty())
                continue;
            const Column &c = out.columns.at(i);
            for (const QChar ch : text) {
                const char16_t u = ch.unicode();
                if ((u < 0x20 || u >= 0xFFFE) &&
                    ((u < 0x20 && u != u'\t' && u != u'\n' && u != u'\r') || u >= 0xFFFE))
                    fail(Place{name, sr.number, c.raw},
                         XlsForm::tr("The cell holds a control character (code %1), which a form "
                                     "cannot carry. Delete it from the cell.")
                             .arg(int(u)));
            }
            if (c.key.isEmpty())
                fail(Place{name, sr.number, {}},
                     XlsForm::tr("A value is in a column without a header. Add the header row the "
                                 "XLSForm template has, or remove the value."));
            row.values[c.key].insert(c.language, text);
            if (!row.headers.contains(c.key)) {
                row.headers.insert(c.key, c.raw);
                row.order.append(c.key);
            }
        }
        if (!row.empty())
            out.rows.append(row);
    }
    return out;
}

void Builder::readSettings()
{
    m_settings = readSheet(QStringLiteral("settings"), SheetKind::Settings);
    if (!m_settings.present) {
        const QStringList similar = similarSheets(m_book, QStringLiteral("settings"));
        if (!similar.isEmpty())
            warn(Place{},
                 XlsForm::tr(
                     "There is no 'settings' sheet, but there are sheets with similar names: %1. "
                     "To keep a sheet out of the form without this warning, start its name "
                     "with '_'.")
                     .arg(similar.join(QLatin1String(", "))));
        return;
    }
    if (m_settings.rows.isEmpty())
        return;
    const Row &row = m_settings.rows.first();
    Settings &s = m_form.settings;
    const Place place{QStringLiteral("settings"), row.number, {}};
    s.formTitle = row.value(QStringLiteral("title"));
    s.hasTitle = row.has(QStringLiteral("title"));
    if (row.has(QStringLiteral("form_id")) && row.has(QStringLiteral("id_string")))
        warn(Place{QStringLiteral("settings"), row.number, QStringLiteral("form_id")},
             XlsForm::tr(
                 "The settings sheet has both 'form_id' and 'id_string'; 'form_id' is used. Keep "
                 "only one of them."));
    s.formId = row.has(QStringLiteral("form_id")) ? row.value(QStringLiteral("form_id"))
                                                  : row.value(QStringLiteral("id_string"));
    s.version = row.value(QStringLiteral("version"));
    s.instanceName = row.value(QStringLiteral("instance_name"));
    s.defaultLanguage = row.value(QStringLiteral("default_language"));
    s.publicKey = row.value(QStringLiteral("public_key"));
    s.submissionUrl = row.value(QStringLiteral("submission_url"));
    s.style = row.value(QStringLiteral("style"));
    s.name = row.value(QStringLiteral("name"));
    s.namespaces = row.value(QStringLiteral("namespaces"));
    s.autoSend = row.value(QStringLiteral("auto_send"));
    s.autoDelete = row.value(QStringLiteral("auto_delete"));
    s.clientEditable = row.value(QStringLiteral("client_editable"));
    s.instanceId = row.value(QStringLiteral("instance_id"));
    s.instanceXmlns = row.value(QStringLiteral("instance_xmlns"));
    s.prefix = row.value(QStringLiteral("prefix"));
    s.delimiter = row.value(QStringLiteral("delimiter"));
    s.omitInstanceId = yesNo(row.value(QStringLiteral("omit_instanceID"))).value_or(false);
    s.allowChoiceDuplicates =
        yesNo(row.value(QStringLiteral("allow_choice_duplicates"))).value_or(false);
    for (const QString &key : row.order)
        if (key.startsWith(QLatin1String("attribute::")))
            s.rootAttributes.append({key.mid(11), row.value(key)});
    if (s.omitInstanceId && !s.publicKey.isEmpty())
        fail(place,
             XlsForm::tr("The instanceID cannot be left out of an encrypted form (one with a "
                         "public_key)."));
    if (!s.name.isEmpty() && !isXmlName(s.name))
        fail(
            Place{QStringLiteral("settings"), 1, QStringLiteral("name")},
            XlsForm::tr("The name '%1' is not valid: names must begin with a letter or underscore, "
                        "then hold only letters, digits, underscores, hyphens or periods.")
                .arg(s.name));
}

void Builder::readChoices()
{
    m_choices = readSheet(QStringLiteral("choices"), SheetKind::Choices);
    const auto readLists = [this](RowSheet &sheet, const QString &sheetName,
                                  QList<ChoiceList> *lists, QHash<QString, int> *index,
                                  bool checkDuplicates) {
        for (const Column &c : sheet.columns) {
            if (c.key.isEmpty() || c.translated || c.key.contains(QLatin1String("::")))
                continue;
            if (c.key.contains(u' ') || !isXmlName(c.key))
                warn(Place{sheetName, 1, c.raw},
                     XlsForm::tr("The column header '%1' is not a name (it has a space or a sign "
                                 "a name cannot hold) and is left out.")
                         .arg(c.raw));
        }
        if (!sheet.rows.isEmpty()) {
            bool hasName = false;
            for (const Column &c : sheet.columns)
                hasName = hasName || c.key == QLatin1String("name");
            if (!hasName)
                fail(Place{sheetName, 1, {}},
                     XlsForm::tr("The '%1' sheet has no 'name' column. Its columns must include "
                                 "'list_name', 'name' and 'label'.")
                         .arg(sheetName));
        }
        QHash<QString, QSet<QString>> names;
        QStringList duplicates;
        for (const Row &row : sheet.rows) {
            const QString list = row.value(QStringLiteral("list_name"));
            if (list.isEmpty())
                continue;
            Choice choice;
            choice.row = row.number;
            choice.name = row.value(QStringLiteral("name"));
            if (choice.name.isEmpty())
                fail(Place{sheetName, row.number, QStringLiteral("name")},
                     XlsForm::tr("A choice has no name. Every choice needs a name."));
            for (const QString &key : row.order) {
                if (key == QLatin1String("label"))
                    choice.label = row.values.value(key);
                else if (key.startsWith(QLatin1String("media::")))
                    choice.media.insert(key.mid(7), row.values.value(key));
                else if (key != QLatin1String("list_name") && key != QLatin1String("name") &&
                         isXmlName(key) && row.values.value(key).contains(QString()))
                    choice.extra.append({key, row.value(key)});
            }
            if (checkDuplicates) {
                if (names[list].contains(choice.name) && !m_form.settings.allowChoiceDuplicates)
                    duplicates.append(Message{
                        Place{sheetName, row.number, QStringLiteral("name")},
                        XlsForm::tr("The choice name '%1' is already in the list '%2'. Choice "
                                    "names must be unique within a list; to allow this, use the "
                                    "setting 'allow_choice_duplicates'.")
                            .arg(choice.name, list)}
                                          .toString());
                names[list].insert(choice.name);
            }
            if (!index->contains(list)) {
                index->insert(list, int(lists->size()));
                lists->append(ChoiceList{list, {}, row.number});
            }
            (*lists)[index->value(list)].choices.append(choice);
        }
        if (!duplicates.isEmpty())
            throw Failure{Message{Place{}, duplicates.join(u'\n')}};
    };
    readLists(m_choices, QStringLiteral("choices"), &m_form.choiceLists, &m_listIndex, true);
    for (const ChoiceList &list : std::as_const(m_form.choiceLists))
        for (const Choice &c : list.choices)
            if (!hasText(c.label))
                warn(Place{QStringLiteral("choices"), c.row, QStringLiteral("label")},
                     XlsForm::tr("The choice '%1' has no label. Choices should have a label.")
                         .arg(c.name));

    m_osm = readSheet(QStringLiteral("osm"), SheetKind::Osm);
    QHash<QString, int> osmIndex;
    readLists(m_osm, QStringLiteral("osm"), &m_form.osmLists, &osmIndex, false);

    m_external = readSheet(QStringLiteral("external_choices"), SheetKind::ExternalChoices);
    for (const Row &row : std::as_const(m_external.rows))
        m_externalLists.insert(row.value(QStringLiteral("list_name")));
}

const QRegularExpression &beginPattern()
{
    static const QRegularExpression re(
        QStringLiteral("^begin[ _](group|repeat|loop|lgroup|looped group)(?: over (\\S+))?$"));
    return re;
}

const QRegularExpression &endPattern()
{
    static const QRegularExpression re(
        QStringLiteral("^end[ _](group|repeat|loop|lgroup|looped group)$"));
    return re;
}

QString controlWord(const QString &word)
{
    if (word == QLatin1String("lgroup") || word == QLatin1String("looped group"))
        return QStringLiteral("repeat");
    return word;
}

/// A reference to another question: ${name} or ${last-saved#name}.
const QRegularExpression &referencePattern()
{
    static const QRegularExpression re(QStringLiteral("\\$\\{([^}]*)\\}|\\$\\{[^}]*$"));
    return re;
}

const QRegularExpression &referenceName()
{
    static const QRegularExpression re(
        QStringLiteral("^(?:last-saved#)?[A-Za-z_\\x{00C0}-\\x{FFFF}][A-Za-z0-9_.\\-\\x{00B7}\\x{"
                       "00C0}-\\x{FFFF}]*$"));
    return re;
}

void Builder::checkReferencesInRow(const Row &row, const QString &sheet)
{
    for (const QString &key : row.order) {
        if (sheet == QLatin1String("survey") &&
            (key == QLatin1String("type") || key == QLatin1String("name") ||
             key == QLatin1String("trigger")))
            continue;
        if (sheet == QLatin1String("choices") && !isTranslatable(key))
            continue;
        for (const QString &text : row.values.value(key)) {
            if (!text.contains(QLatin1String("${")))
                continue;
            auto it = referencePattern().globalMatch(text);
            while (it.hasNext()) {
                const auto m = it.next();
                const QString inner = m.captured(1);
                if (m.capturedLength(1) == 0 && m.captured(0) == QLatin1String("${}"))
                    continue;
                const Place place{sheet, row.number, row.headers.value(key)};
                if (!m.captured(0).endsWith(u'}') || !referenceName().match(inner).hasMatch())
                    fail(place,
                         XlsForm::tr("The reference '%1' is not valid: a reference is '${', then a "
                                     "question name, then '}'.")
                             .arg(m.captured(0)));
                QString name = inner;
                if (name.startsWith(QLatin1String("last-saved#")))
                    name = name.mid(11);
                const int count = m_nameCount.value(name);
                if (count == 0)
                    fail(place,
                         XlsForm::tr("The reference ${%1} names no question: there is no '%1' in "
                                     "the 'name' column of the 'survey' sheet.")
                             .arg(name));
                if (count > 1)
                    fail(place,
                         XlsForm::tr("The reference ${%1} is ambiguous: the name '%1' is used more "
                                     "than once in the survey. Names used in references must be "
                                     "unique in the whole form.")
                             .arg(name));
            }
        }
    }
}

void Builder::readSurvey()
{
    m_survey = readSheet(QStringLiteral("survey"), SheetKind::Survey);
    if (!m_survey.present) {
        const QStringList similar = similarSheets(m_book, QStringLiteral("survey"));
        fail(Place{},
             similar.isEmpty()
                 ? XlsForm::tr("The form has no sheet named 'survey'.")
                 : XlsForm::tr(
                       "The form has no sheet named 'survey'. Sheets with similar names: %1.")
                       .arg(similar.join(QLatin1String(", "))));
    }
    bool hasType = false;
    for (const Column &c : m_survey.columns)
        hasType = hasType || c.key == QLatin1String("type");
    if (!hasType)
        fail(Place{QStringLiteral("survey"), 1, {}},
             XlsForm::tr("The 'survey' sheet has no 'type' column."));

    m_form.root = std::make_unique<Element>();
    Element *root = m_form.root.get();
    root->kind = Kind::Survey;
    root->type = QStringLiteral("survey");
    QList<Element *> open{root};
    QList<std::pair<QString, int>> openControls; // (group/repeat/loop, row)

    // Names first: references may point forward.
    for (const Row &row : std::as_const(m_survey.rows)) {
        const QString name = row.value(QStringLiteral("name"));
        if (!name.isEmpty() && !endPattern().match(row.value(QStringLiteral("type"))).hasMatch())
            ++m_nameCount[name];
    }
    if (!m_form.settings.omitInstanceId)
        ++m_nameCount[QStringLiteral("instanceID")];
    if (!m_form.settings.instanceName.isEmpty())
        ++m_nameCount[QStringLiteral("instanceName")];

    QSet<QString> repeatNames;
    QHash<QString, int> savedProperties; // list#property → row
    for (const Row &row : std::as_const(m_survey.rows)) {
        const Place place{QStringLiteral("survey"), row.number, {}};
        const auto column = [&](const QString &key) {
            return Place{QStringLiteral("survey"), row.number, row.headers.value(key, key)};
        };
        if (row.values.contains(QStringLiteral("disabled"))) {
            warn(column(QStringLiteral("disabled")),
                 XlsForm::tr(
                     "The 'disabled' column is not part of XLSForm; use 'relevant' instead."));
            if (yesNo(row.value(QStringLiteral("disabled"))).value_or(false))
                continue;
        }
        const QString type = row.value(QStringLiteral("type"));
        if (type.isEmpty()) {
            if (row.has(QStringLiteral("name")) || row.values.contains(QStringLiteral("label")))
                fail(column(QStringLiteral("type")), XlsForm::tr("The row has no type."));
            warn(place, XlsForm::tr("The row has no type, name or label and is left out."));
            continue;
        }

        // Triggers: ${a}, ${b} — one reference between commas.
        QStringList triggers;
        const QString trigger = row.value(QStringLiteral("trigger"));
        if (!trigger.isEmpty()) {
            for (const QString &piece : trigger.split(u',')) {
                const QString p = piece.trimmed();
                const int refs = int(p.count(QLatin1String("${")));
                if (refs > 1)
                    fail(column(QStringLiteral("trigger")),
                         XlsForm::tr(
                             "The trigger names several questions without commas between them. "
                             "Separate them with commas."));
                if (refs == 0 && p.isEmpty())
                    continue;
                const QString target = singleReference(p);
                if (!isXmlName(target))
                    fail(column(QStringLiteral("trigger")),
                         XlsForm::tr(
                             "The trigger '%1' is not valid: a reference is '${', then a question "
                             "name, then '}'.")
                             .arg(p));
                triggers.append(target);
            }
        }
        const QMap<QString, QString> parameters = parseParameters(
            row.value(QStringLiteral("parameters")), column(QStringLiteral("parameters")));

        if (type == QLatin1String("calculate") && !row.has(QStringLiteral("bind::calculate")) &&
            !isDynamicDefault(row.value(QStringLiteral("default")), type))
            fail(column(QStringLiteral("calculation")),
                 XlsForm::tr("A calculate question needs a calculation."));

        if (row.has(QStringLiteral("save_to")))
            checkSaveTo(
                row, beginPattern().match(type).hasMatch() || endPattern().match(type).hasMatch(),
                &savedProperties);

        // Ends close the innermost open group, repeat or loop.
        if (const auto end = endPattern().match(type); end.hasMatch()) {
            const QString word = controlWord(end.captured(1));
            if (openControls.isEmpty() || openControls.last().first != word)
                fail(column(QStringLiteral("type")),
                     XlsForm::tr("'end %1' has no matching 'begin %1' (name '%2').")
                         .arg(word, row.value(QStringLiteral("name")).isEmpty()
                                        ? QStringLiteral("unknown")
                                        : row.value(QStringLiteral("name"))));
            openControls.removeLast();
            open.removeLast();
            continue;
        }

        QString name = row.value(QStringLiteral("name"));
        if (name.isEmpty() && type == QLatin1String("note"))
            name = QStringLiteral("generated_note_name_%1").arg(row.number);
        if (type == QLatin1String("audit")) {
            if (!name.isEmpty() && name != QLatin1String("audit"))
                fail(column(QStringLiteral("name")),
                     XlsForm::tr("An audit is always named 'audit': leave its name empty."));
            name = QStringLiteral("audit");
        }
        if (name.isEmpty())
            fail(column(QStringLiteral("name")), XlsForm::tr("The question or group has no name."));
        if (name.size() > kMaxNameLength)
            fail(column(QStringLiteral("name")),
                 XlsForm::tr("The name '%1…' is longer than %2 characters.")
                     .arg(name.left(40))
                     .arg(kMaxNameLength));
        if (!isXmlName(name))
            fail(column(QStringLiteral("name")),
                 XlsForm::tr(
                     "The name '%1' is not valid: names must begin with a letter or underscore, "
                     "then hold only letters, digits, underscores, hyphens or periods.")
                     .arg(name));
        if (name == QLatin1String("meta"))
            fail(column(QStringLiteral("name")),
                 XlsForm::tr("The name 'meta' is kept for the form's metadata; choose another."));
        Element *parent = open.last();
        // Names are unique among siblings; a difference of case alone is only warned about.
        QHash<QString, QString> &siblings = m_siblingNames[parent];
        const QString folded = name.toCaseFolded();
        if (const auto it = siblings.constFind(folded); it != siblings.constEnd()) {
            if (m_exactNames[parent].contains(name))
                fail(column(QStringLiteral("name")),
                     XlsForm::tr(
                         "The name '%1' is used twice in the same group, repeat or survey. Names "
                         "must be unique within their group or repeat.")
                         .arg(name));
            warn(column(QStringLiteral("name")),
                 XlsForm::tr("The name '%1' differs from '%2' only by case. Some tools do not tell "
                             "them apart, which makes analysis hard.")
                     .arg(name, *it));
        } else {
            siblings.insert(folded, name);
        }
        m_exactNames[parent].insert(name);

        auto element = std::make_unique<Element>();
        Element &e = *element;
        e.name = name;
        e.row = row.number;
        e.parent = parent;
        e.typeAsWritten = type;
        e.parameters = parameters;
        e.triggers = triggers;

        if (const auto begin = beginPattern().match(type); begin.hasMatch()) {
            const QString word = controlWord(begin.captured(1));
            e.kind = word == QLatin1String("repeat") ? Kind::Repeat : Kind::Group;
            e.type = QStringLiteral("begin_") + word;
            if (word == QLatin1String("loop")) {
                e.loopList = begin.captured(2);
                if (e.loopList.isEmpty())
                    fail(column(QStringLiteral("type")),
                         XlsForm::tr("The loop names no choice list."));
                if (!m_listIndex.contains(e.loopList))
                    fail(column(QStringLiteral("type")),
                         XlsForm::tr("The loop's list '%1' is not on the 'choices' sheet.")
                             .arg(e.loopList));
            }
            if (e.kind == Kind::Repeat) {
                if (repeatNames.contains(name))
                    fail(column(QStringLiteral("name")),
                         XlsForm::tr(
                             "The repeat name '%1' is used twice. Repeat names must be unique in "
                             "the whole form.")
                             .arg(name));
                if (name == m_rootName)
                    fail(column(QStringLiteral("name")),
                         XlsForm::tr(
                             "A repeat cannot have the name of the form's root element ('%1').")
                             .arg(name));
                repeatNames.insert(name);
            }
            finishElement(e, row);
            if (e.kind == Kind::Repeat && !hasText(e.label) && !e.hasMedia())
                warn(place, XlsForm::tr("The repeat '%1' has no label: people will not know "
                                        "what each entry is for.")
                                .arg(name));
            parent->children.push_back(std::move(element));
            open.append(&e);
            if (open.size() - 1 > kMaxDepth) // the survey itself is not counted
                fail(
                    column(QStringLiteral("type")),
                    XlsForm::tr("Groups and repeats are nested more than %1 deep.").arg(kMaxDepth));
            openControls.append({word, row.number});
            continue;
        }

        bool malformed = false;
        if (const auto select = parseSelectType(type, &malformed)) {
            e.type = select->command;
            e.listName = select->list;
            e.orOther = select->orOther;
            e.bindType = select->command == QLatin1String("rank") ? QStringLiteral("odk:rank")
                                                                  : QStringLiteral("string");
            if (select->command == QLatin1String("rank"))
                e.kind = Kind::Rank;
            else if (select->command.startsWith(QLatin1String("select_one")))
                e.kind = Kind::Select1;
            else
                e.kind = Kind::Select;
            checkSelect(e, row);
        } else if (type == QLatin1String("osm") || type.startsWith(QLatin1String("osm "))) {
            e.type = QStringLiteral("osm");
            e.kind = Kind::Upload;
            e.bindType = QStringLiteral("binary");
            e.mediatype = QStringLiteral("osm/*");
            e.listName = type.mid(4).trimmed();
        } else if (const auto info = lookupType(type); info && !malformed) {
            e.type = info->canonical;
            e.kind = info->kind;
            e.bindType = info->bindType;
            e.mediatype = info->mediatype;
            e.preload = info->preload;
            e.preloadParams = info->preloadParams;
            if (info->readonly)
                e.bind.append({QStringLiteral("readonly"), QStringLiteral("true()")});
            if (e.type == QLatin1String("audit"))
                e.inMeta = true;
            if (e.type == QLatin1String("simserial") || e.type == QLatin1String("subscriberid"))
                warn(place, XlsForm::tr("%1 is no longer given by most devices: only old "
                                        "versions of ODK Collect on Android before 11 have it.")
                                .arg(e.type));
        } else {
            fail(column(QStringLiteral("type")),
                 XlsForm::tr("Unknown question type '%1'.").arg(type));
        }
        finishElement(e, row);
        checkParameters(e, row);
        if (e.type == QLatin1String("background-geopoint")) {
            if (e.triggers.isEmpty())
                fail(column(QStringLiteral("trigger")),
                     XlsForm::tr("A background-geopoint question needs a trigger."));
            if (!e.bindValue(QStringLiteral("calculate")).isEmpty())
                fail(column(QStringLiteral("calculation")),
                     XlsForm::tr("A background-geopoint question cannot have a calculation."));
        }
        if (e.kind != Kind::Group && e.kind != Kind::Repeat)
            m_questions.insert(e.name, &e);
        if (!e.triggers.isEmpty())
            m_triggers.append({&e, e.triggers});
        parent->children.push_back(std::move(element));
    }
    checkTriggers();
    if (!openControls.isEmpty()) {
        const auto &[word, number] = openControls.last();
        fail(Place{QStringLiteral("survey"), number, QStringLiteral("type")},
             XlsForm::tr("'begin %1' has no matching 'end %1'.").arg(word));
    }
    for (const Row &row : std::as_const(m_survey.rows))
        checkReferencesInRow(row, QStringLiteral("survey"));
    for (const Row &row : std::as_const(m_choices.rows))
        checkReferencesInRow(row, QStringLiteral("choices"));
    for (const Row &row : std::as_const(m_settings.rows))
        checkReferencesInRow(row, QStringLiteral("settings"));
    for (const Row &row : std::as_const(m_entities.rows))
        checkReferencesInRow(row, QStringLiteral("entities"));
}

void Builder::finishElement(Element &e, const Row &row)
{
    for (const QString &key : row.order) {
        const Translated &values = row.values.value(key);
        const QString plain = values.value(QString());
        if (key == QLatin1String("label"))
            e.label = values;
        else if (key == QLatin1String("hint"))
            e.hint = values;
        else if (key == QLatin1String("guidance_hint"))
            e.guidance = values;
        else if (key == QLatin1String("constraint_message"))
            e.constraintMessage = values;
        else if (key == QLatin1String("required_message"))
            e.requiredMessage = values;
        else if (key == QLatin1String("no_app_error_string"))
            e.noAppErrorString = values;
        else if (key.startsWith(QLatin1String("media::")))
            e.media.insert(key.mid(7), values);
        else if (key.startsWith(QLatin1String("bind::"))) {
            const QString attr = key.mid(6);
            QString v = plain;
            static const QSet<QString> boolish = {
                QStringLiteral("readonly"), QStringLiteral("required"), QStringLiteral("relevant"),
                QStringLiteral("constraint"), QStringLiteral("calculate")};
            if (boolish.contains(attr)) {
                if (const auto b = yesNo(v);
                    b && v != QLatin1String("true()") && v != QLatin1String("false()"))
                    v = *b ? QStringLiteral("true()") : QStringLiteral("false()");
            }
            e.bind.append({attr, v});
        } else if (key.startsWith(QLatin1String("control::")))
            e.control.append({key.mid(9), plain});
        else if (key.startsWith(QLatin1String("instance::")))
            e.instanceAttributes.append({key.mid(10), plain});
        else if (key == QLatin1String("default"))
            e.defaultValue = plain;
        else if (key == QLatin1String("choice_filter"))
            e.choiceFilter = plain;
        else if (key == QLatin1String("repeat_count"))
            e.repeatCount = plain;
        else if (key == QLatin1String("save_to"))
            e.saveTo = plain;
    }
}

void Builder::checkSelect(Element &e, const Row &row)
{
    const Place place{QStringLiteral("survey"), row.number,
                      row.headers.value(QStringLiteral("type"), QStringLiteral("type"))};
    const bool fromFile = e.type.endsWith(QLatin1String("_from_file"));
    if (fromFile) {
        static const QStringList suffixes = {QStringLiteral(".csv"), QStringLiteral(".xml"),
                                             QStringLiteral(".geojson")};
        const QString file = e.listName;
        const qsizetype dot = file.indexOf(u'.');
        const QString suffix = dot < 0 ? QString() : file.mid(dot);
        if (!suffixes.contains(suffix))
            fail(place,
                 XlsForm::tr("The file for '%1' must end in one of '.csv', '.xml' or '.geojson'.")
                     .arg(row.value(QStringLiteral("type"))));
        e.itemsetFile = file;
    } else if (e.type == QLatin1String("select_one_external")) {
        if (!m_external.present || m_external.rows.isEmpty())
            fail(place, XlsForm::tr(
                            "The form has a select_one_external question but no "
                            "'external_choices' sheet (with the columns 'list_name' and 'name')."));
        if (!m_externalLists.contains(e.listName))
            fail(place, XlsForm::tr("The list '%1' is not on the 'external_choices' sheet.")
                            .arg(e.listName));
    } else if (e.listName.startsWith(QLatin1String("${"))) {
        // Choices from a repeat's earlier answers: checked with the references.
    } else if (!m_listIndex.contains(e.listName)) {
        static const QRegularExpression fileLike(QStringLiteral("\\.(csv|xml|geojson)$"));
        if (!fileLike.match(e.listName).hasMatch()) {
            if (m_form.choiceLists.isEmpty()) {
                const QStringList similar = similarSheets(m_book, QStringLiteral("choices"));
                fail(place,
                     similar.isEmpty()
                         ? XlsForm::tr("The form needs a 'choices' sheet (with the columns "
                                       "'list_name', 'name' and 'label') for the list '%1'.")
                               .arg(e.listName)
                         : XlsForm::tr("The form needs a 'choices' sheet for the list '%1'. Sheets "
                                       "with similar names: %2.")
                               .arg(e.listName, similar.join(QLatin1String(", "))));
            }
            fail(place,
                 XlsForm::tr("The list '%1' is not on the 'choices' sheet.").arg(e.listName));
        }
    }
    if (e.orOther) {
        if (row.has(QStringLiteral("choice_filter")))
            fail(Place{QStringLiteral("survey"), row.number, QStringLiteral("choice_filter")},
                 XlsForm::tr("A choice filter cannot be used with or_other."));
        if (!m_listIndex.contains(e.listName))
            fail(place,
                 XlsForm::tr(
                     "Give the choices of this 'or other' question on the 'choices' sheet."));
    }
    if (e.kind == Kind::Select && !fromFile && m_listIndex.contains(e.listName) &&
        !m_spaceChecked.contains(e.listName)) {
        m_spaceChecked.insert(e.listName); // once a list, however many questions use it
        for (const Choice &c : m_form.choiceLists.at(m_listIndex.value(e.listName)).choices)
            if (c.name.contains(u' '))
                fail(Place{QStringLiteral("choices"), c.row, QStringLiteral("name")},
                     XlsForm::tr("The choice name '%1' in the list '%2' has a space, which a "
                                 "select_multiple cannot hold.")
                         .arg(c.name, e.listName));
    }
}

std::optional<double> number(const QString &text)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !std::isfinite(v))
        return std::nullopt;
    return v;
}

bool isMultiple(double value, double step)
{
    if (step == 0)
        return false;
    const double q = value / step;
    return std::fabs(q - std::round(q)) < 1e-9;
}

QString androidPackageProblem(const QString &name)
{
    if (name.trimmed().isEmpty())
        return XlsForm::tr("the package name is missing.");
    if (!name.contains(u'.'))
        return XlsForm::tr("the package name must have at least one '.' separator.");
    if (name.endsWith(u'.'))
        return XlsForm::tr("the package name cannot end in a '.' separator.");
    for (const QString &segment : name.split(u'.')) {
        if (segment.isEmpty())
            return XlsForm::tr("package segments must not be empty.");
        if (segment.startsWith(u'_'))
            return XlsForm::tr("a package segment cannot start with '_'.");
        if (segment.at(0).isDigit())
            return XlsForm::tr("a package segment cannot start with a digit.");
    }
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9_.]+$"));
    if (!allowed.match(name).hasMatch())
        return XlsForm::tr(
            "the package name can only hold letters (a-z, A-Z), digits (0-9), dots (.) "
            "and underscores (_).");
    return {};
}

void Builder::checkParameters(Element &e, const Row &row)
{
    // The place of a problem: the parameters column, or the row when it has none.
    const Place place{QStringLiteral("survey"), row.number,
                      row.headers.value(QStringLiteral("parameters"))};
    const QMap<QString, QString> &p = e.parameters;
    QStringList accepted;
    const bool fromFile = e.type.endsWith(QLatin1String("_from_file"));
    if (e.kind == Kind::Select1 || e.kind == Kind::Select || e.kind == Kind::Rank)
        accepted = fromFile ? QStringList{QStringLiteral("label"), QStringLiteral("randomize"),
                                          QStringLiteral("seed"), QStringLiteral("value")}
                            : QStringList{QStringLiteral("randomize"), QStringLiteral("seed")};
    else if (e.type == QLatin1String("range"))
        accepted = {QStringLiteral("end"),           QStringLiteral("placeholder"),
                    QStringLiteral("start"),         QStringLiteral("step"),
                    QStringLiteral("tick_interval"), QStringLiteral("tick_labelset")};
    else if (e.type == QLatin1String("text"))
        accepted = {QStringLiteral("rows")};
    else if (e.type == QLatin1String("image"))
        accepted = {QStringLiteral("app"), QStringLiteral("max-pixels")};
    else if (e.type == QLatin1String("audio") || e.type == QLatin1String("background-audio"))
        accepted = {QStringLiteral("quality")};
    else if (e.type == QLatin1String("geopoint"))
        accepted = {QStringLiteral("allow-mock-accuracy"), QStringLiteral("capture-accuracy"),
                    QStringLiteral("reference-geometry"), QStringLiteral("warning-accuracy")};
    else if (e.type == QLatin1String("geoshape") || e.type == QLatin1String("geotrace"))
        accepted = {QStringLiteral("allow-mock-accuracy"), QStringLiteral("incremental"),
                    QStringLiteral("reference-geometry")};
    else if (e.type == QLatin1String("audit"))
        accepted = {
            QStringLiteral("identify-user"),         QStringLiteral("location-max-age"),
            QStringLiteral("location-min-interval"), QStringLiteral("location-priority"),
            QStringLiteral("track-changes"),         QStringLiteral("track-changes-reasons")};
    else
        return; // other types ignore parameters
    QStringList invalid;
    for (auto it = p.begin(); it != p.end(); ++it)
        if (!accepted.contains(it.key()))
            invalid.append(it.key());
    if (!invalid.isEmpty())
        fail(place,
             XlsForm::tr("The parameters accepted for this question type are '%1'; these are not: "
                         "'%2'.")
                 .arg(accepted.join(QLatin1String(", ")), invalid.join(QLatin1String(", "))));

    if (e.kind == Kind::Select1 || e.kind == Kind::Select || e.kind == Kind::Rank) {
        if (p.contains(QStringLiteral("randomize"))) {
            const QString r = p.value(QStringLiteral("randomize"));
            if (r != QLatin1String("true") && r != QLatin1String("false"))
                fail(place,
                     XlsForm::tr("randomize must be true or false; '%1' is neither.").arg(r));
            if (p.contains(QStringLiteral("seed"))) {
                const QString seed = p.value(QStringLiteral("seed"));
                if (!number(seed) && singleReference(seed).isEmpty())
                    fail(place,
                         XlsForm::tr(
                             "The seed must be a number or a reference to another question."));
            }
        } else if (p.contains(QStringLiteral("seed"))) {
            fail(place, XlsForm::tr("A seed needs randomize=true among the parameters."));
        }
        static const QRegularExpression ident(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9\\-_.]*$"));
        for (const QString &key : {QStringLiteral("value"), QStringLiteral("label")})
            if (p.contains(key) && !ident.match(p.value(key)).hasMatch())
                fail(place,
                     XlsForm::tr("The parameter '%1' must begin with a letter or underscore, then "
                                 "hold only letters, digits, dashes, underscores and periods.")
                         .arg(key));
    } else if (e.type == QLatin1String("text")) {
        if (p.contains(QStringLiteral("rows"))) {
            bool ok = false;
            p.value(QStringLiteral("rows")).toInt(&ok);
            if (!ok)
                fail(place, XlsForm::tr("The parameter rows must be a whole number."));
        }
    } else if (e.type == QLatin1String("image")) {
        if (p.contains(QStringLiteral("max-pixels"))) {
            bool ok = false;
            p.value(QStringLiteral("max-pixels")).toInt(&ok);
            if (!ok)
                fail(place, XlsForm::tr("The parameter max-pixels must be a whole number."));
        } else {
            warn(place,
                 XlsForm::tr("Use the max-pixels parameter to keep photos small: sending is faster "
                             "and takes less space."));
        }
        const QString appearance = e.controlValue(QStringLiteral("appearance"));
        if (p.contains(QStringLiteral("app")) &&
            (appearance.isEmpty() || appearance == QLatin1String("annotate"))) {
            const QString problem = androidPackageProblem(p.value(QStringLiteral("app")));
            if (!problem.isEmpty())
                fail(place, XlsForm::tr("The parameter 'app' is not an Android package name: %1")
                                .arg(problem));
        }
    } else if (e.type == QLatin1String("audio") || e.type == QLatin1String("background-audio")) {
        if (p.contains(QStringLiteral("quality"))) {
            QStringList ok = {QStringLiteral("voice-only"), QStringLiteral("low"),
                              QStringLiteral("normal")};
            if (e.type == QLatin1String("audio"))
                ok.append(QStringLiteral("external"));
            if (!ok.contains(p.value(QStringLiteral("quality"))))
                fail(place, XlsForm::tr("The parameter quality must be one of %1.")
                                .arg(ok.join(QLatin1String(", "))));
        }
    } else if (e.type.startsWith(QLatin1String("geo"))) {
        for (const QString &key :
             {QStringLiteral("capture-accuracy"), QStringLiteral("warning-accuracy")})
            if (p.contains(key) && !number(p.value(key)))
                fail(place, XlsForm::tr("The parameter '%1' must be a number.").arg(key));
        if (p.contains(QStringLiteral("allow-mock-accuracy"))) {
            const QString v = p.value(QStringLiteral("allow-mock-accuracy"));
            if (v != QLatin1String("true") && v != QLatin1String("false"))
                fail(place,
                     XlsForm::tr("The parameter 'allow-mock-accuracy' must be 'true' or 'false'."));
        }
        if (p.contains(QStringLiteral("incremental")) &&
            !yesNo(p.value(QStringLiteral("incremental"))).value_or(false))
            fail(place,
                 XlsForm::tr("For geoshape and geotrace questions the parameter 'incremental' may "
                             "only be 'true', or left out."));
    } else if (e.type == QLatin1String("audit")) {
        for (const QString &key :
             {QStringLiteral("track-changes"), QStringLiteral("identify-user")})
            if (p.contains(key) && p.value(key) != QLatin1String("true") &&
                p.value(key) != QLatin1String("false"))
                fail(place, XlsForm::tr("%1 must be true or false; '%2' is neither.")
                                .arg(key, p.value(key)));
        if (p.contains(QStringLiteral("track-changes-reasons")) &&
            p.value(QStringLiteral("track-changes-reasons")) != QLatin1String("on-form-edit"))
            fail(place, XlsForm::tr("track-changes-reasons can only be on-form-edit."));
        const bool anyLocation = p.contains(QStringLiteral("location-priority")) ||
                                 p.contains(QStringLiteral("location-min-interval")) ||
                                 p.contains(QStringLiteral("location-max-age"));
        if (anyLocation) {
            if (!p.contains(QStringLiteral("location-priority")) ||
                !p.contains(QStringLiteral("location-min-interval")) ||
                !p.contains(QStringLiteral("location-max-age")))
                fail(place, XlsForm::tr("To record locations in the audit, give all of "
                                        "'location-priority', 'location-min-interval' and "
                                        "'location-max-age'."));
            const QStringList priorities = {QStringLiteral("no-power"), QStringLiteral("low-power"),
                                            QStringLiteral("balanced"),
                                            QStringLiteral("high-accuracy")};
            if (!priorities.contains(p.value(QStringLiteral("location-priority"))))
                fail(place,
                     XlsForm::tr("location-priority must be no-power, low-power, balanced or "
                                 "high-accuracy; '%1' is none of them.")
                         .arg(p.value(QStringLiteral("location-priority"))));
            bool okMin = false, okMax = false;
            const int min = p.value(QStringLiteral("location-min-interval")).toInt(&okMin);
            const int max = p.value(QStringLiteral("location-max-age")).toInt(&okMax);
            if (!okMin)
                fail(place, XlsForm::tr("location-min-interval must be a whole number."));
            if (min < 0)
                fail(place, XlsForm::tr("location-min-interval must be zero or more."));
            if (!okMax)
                fail(place, XlsForm::tr("location-max-age must be a whole number."));
            if (max < 0)
                fail(place, XlsForm::tr("location-max-age must be zero or more."));
            if (max < min)
                fail(place,
                     XlsForm::tr("location-max-age must be at least location-min-interval."));
        }
    } else if (e.type == QLatin1String("range")) {
        checkRange(e, place);
    }
}

void Builder::checkRange(Element &e, const Place &place)
{
    const QMap<QString, QString> &p = e.parameters;
    const QString appearance = e.controlValue(QStringLiteral("appearance"));
    const QStringList words = appearance.split(u' ', Qt::SkipEmptyParts);
    bool plainAppearance = true;
    for (const QString &w : words)
        plainAppearance =
            plainAppearance && (w == QLatin1String("vertical") || w == QLatin1String("no-ticks"));
    if (!plainAppearance &&
        (p.contains(QStringLiteral("tick_interval")) || p.contains(QStringLiteral("placeholder")) ||
         p.contains(QStringLiteral("tick_labelset"))))
        fail(place,
             XlsForm::tr("For a range, 'tick_interval', 'placeholder' and 'tick_labelset' only go "
                         "with the appearances 'vertical', 'no-ticks', both, or none."));
    QMap<QString, double> v{
        {QStringLiteral("start"), 1}, {QStringLiteral("end"), 10}, {QStringLiteral("step"), 1}};
    for (const QString &key :
         {QStringLiteral("start"), QStringLiteral("end"), QStringLiteral("step"),
          QStringLiteral("tick_interval"), QStringLiteral("placeholder")}) {
        if (!p.contains(key))
            continue;
        const auto n = number(p.value(key));
        if (!n)
            fail(place, XlsForm::tr("For a range, the parameter '%1' must be a number.").arg(key));
        v.insert(key, *n);
    }
    const double lo = std::min(v.value(QStringLiteral("start")), v.value(QStringLiteral("end")));
    const double hi = std::max(v.value(QStringLiteral("start")), v.value(QStringLiteral("end")));
    const double width = hi - lo;
    const double step = v.value(QStringLiteral("step"));
    if (step == 0)
        fail(place, XlsForm::tr("For a range, the parameter 'step' must not be zero."));
    if (std::fabs(step) > width)
        fail(place,
             XlsForm::tr("For a range, the parameter 'step' must not be larger than the range "
                         "(from 'start' to 'end')."));
    if (v.contains(QStringLiteral("tick_interval"))) {
        const double tick = v.value(QStringLiteral("tick_interval"));
        if (tick == 0)
            fail(place,
                 XlsForm::tr("For a range, the parameter 'tick_interval' must not be zero."));
        if (std::fabs(tick) > width)
            fail(place,
                 XlsForm::tr("For a range, the parameter 'tick_interval' must not be larger than "
                             "the range."));
        if (!isMultiple(tick, step))
            fail(place,
                 XlsForm::tr("For a range, the parameter 'tick_interval' must be a multiple of "
                             "'step'."));
    }
    if (v.contains(QStringLiteral("placeholder"))) {
        const double ph = v.value(QStringLiteral("placeholder"));
        if (!isMultiple(ph - v.value(QStringLiteral("start")), step))
            fail(place,
                 XlsForm::tr("For a range, the parameter 'placeholder' must be 'start' plus a "
                             "multiple of 'step'."));
        if (ph < lo || ph > hi)
            fail(place,
                 XlsForm::tr("For a range, the parameter 'placeholder' must lie between 'start' "
                             "and 'end'."));
    }
    if (p.contains(QStringLiteral("tick_labelset"))) {
        const QString list = p.value(QStringLiteral("tick_labelset"));
        if (!m_listIndex.contains(list))
            fail(place,
                 XlsForm::tr("For a range, the parameter 'tick_labelset' must name a list on the "
                             "'choices' sheet."));
        const double base = v.contains(QStringLiteral("tick_interval"))
                                ? v.value(QStringLiteral("tick_interval"))
                                : step;
        QSet<double> values;
        for (const Choice &c : m_form.choiceLists.at(m_listIndex.value(list)).choices) {
            const auto n = number(c.name);
            if (!n)
                fail(place,
                     XlsForm::tr(
                         "For a range, the choices of 'tick_labelset' must all be numbers."));
            if (*n < lo || *n > hi)
                fail(place,
                     XlsForm::tr("For a range, the choices of 'tick_labelset' must lie between "
                                 "'start' and 'end'."));
            if (!isMultiple(*n - v.value(QStringLiteral("start")), base))
                fail(place,
                     XlsForm::tr("For a range, each choice of 'tick_labelset' must be 'start' plus "
                                 "a multiple of '%1'.")
                         .arg(v.contains(QStringLiteral("tick_interval"))
                                  ? QStringLiteral("tick_interval")
                                  : QStringLiteral("step")));
            values.insert(*n);
        }
        if (words.contains(QStringLiteral("no-ticks"))) {
            if (values.size() > 2)
                fail(place,
                     XlsForm::tr("For a range with the appearance 'no-ticks', 'tick_labelset' may "
                                 "have only 2 choices."));
            for (double x : std::as_const(values))
                if (x != v.value(QStringLiteral("start")) && x != v.value(QStringLiteral("end")))
                    fail(place,
                         XlsForm::tr("For a range with the appearance 'no-ticks', the choices of "
                                     "'tick_labelset' may only be the 'start' and 'end' values."));
        }
    }
    // The range is decimal when a bound or the step has a fraction.
    for (const QString &key :
         {QStringLiteral("start"), QStringLiteral("end"), QStringLiteral("step")})
        if (p.value(key).contains(u'.'))
            e.bindType = QStringLiteral("decimal");
}

void Builder::checkTriggers()
{
    for (const auto &[element, targets] : std::as_const(m_triggers)) {
        for (const QString &target : targets) {
            const Element *t = m_questions.value(target);
            if (!t)
                fail(Place{QStringLiteral("survey"), element->row, QStringLiteral("trigger")},
                     XlsForm::tr(
                         "The trigger ${%1} names no question: there is no question '%1' in the "
                         "'name' column.")
                         .arg(target));
        }
    }
    for (const auto &[element, targets] : std::as_const(m_triggers)) {
        for (const QString &target : targets) {
            const Element *t = m_questions.value(target);
            const bool visible = t->type != QLatin1String("calculate") && t->hasControl();
            if (!visible)
                fail(Place{QStringLiteral("survey"), element->row, QStringLiteral("trigger")},
                     XlsForm::tr(
                         "The question ${%1} is not shown to the person filling in the form, so "
                         "it cannot trigger the calculation of ${%2}.")
                         .arg(target, element->name));
        }
    }
}

std::unique_ptr<Element> cloneElement(const Element &from, Element *parent, int *count)
{
    ++*count;
    auto e = std::make_unique<Element>();
    static_cast<ElementFields &>(*e) = from;
    e->parent = parent;
    for (const auto &c : from.children)
        e->children.push_back(cloneElement(*c, e.get(), count));
    return e;
}

QString substituted(QString text, const Choice &choice, const QString &label)
{
    return text.replace(QLatin1String("%(name)s"), choice.name)
        .replace(QLatin1String("%(label)s"), label);
}

void substituteLoop(Translated &t, const Choice &choice)
{
    for (auto it = t.begin(); it != t.end(); ++it)
        it.value() = substituted(it.value(), choice,
                                 choice.label.value(it.key(), choice.label.value(QString())));
}

void Builder::expandLoops(Element &e)
{
    for (auto &c : e.children)
        expandLoops(*c);
    if (e.loopList.isEmpty())
        return;
    // A loop is a group holding one group per choice (but "none"), each a copy of the loop's
    // questions with %(name)s and %(label)s in their texts and expressions replaced.
    std::vector<std::unique_ptr<Element>> body = std::move(e.children);
    e.children.clear();
    for (const Choice &choice : m_form.choiceLists.at(m_listIndex.value(e.loopList)).choices) {
        if (choice.name == QLatin1String("none"))
            continue;
        auto group = std::make_unique<Element>();
        group->kind = Kind::Group;
        group->type = QStringLiteral("begin_group");
        group->name = choice.name;
        group->row = e.row;
        group->label = choice.label;
        group->parent = &e;
        for (const auto &c : body) {
            auto copy = cloneElement(*c, group.get(), &m_loopElements);
            if (m_loopElements > kMaxLoopElements)
                fail(Place{QStringLiteral("survey"), e.row, QStringLiteral("type")},
                     XlsForm::tr("The loops make more than %1 questions.").arg(kMaxLoopElements));
            for (Translated *t :
                 {&copy->label, &copy->hint, &copy->constraintMessage, &copy->requiredMessage})
                substituteLoop(*t, choice);
            for (Attributes *a : {&copy->bind, &copy->control})
                for (auto &[name, value] : *a)
                    value = substituted(value, choice, choice.label.value(QString()));
            copy->defaultValue =
                substituted(copy->defaultValue, choice, choice.label.value(QString()));
            group->children.push_back(std::move(copy));
        }
        e.children.push_back(std::move(group));
    }
    e.loopList.clear();
}

void Builder::makeTableList(Element &group)
{
    // A table-list group is a field-list whose first row is a select with the choices as
    // column headings, and whose selects show only their buttons.
    QString appearance = group.controlValue(QStringLiteral("appearance"));
    appearance.replace(0, 10, QStringLiteral("field-list"));
    for (auto &[name, value] : group.control)
        if (name == QLatin1String("appearance"))
            value = appearance;
    const Element *first = nullptr;
    for (const auto &c : group.children) {
        if (c->kind != Kind::Select1 && c->kind != Kind::Select)
            continue;
        if (!first) {
            first = c.get();
            if (!c->choiceFilter.isEmpty())
                fail(Place{QStringLiteral("survey"), c->row, QStringLiteral("choice_filter")},
                     XlsForm::tr("A choice filter cannot be used in a table-list group."));
        } else if (c->listName != first->listName) {
            fail(Place{QStringLiteral("survey"), c->row, QStringLiteral("type")},
                 XlsForm::tr(
                     "The selects of a table-list group must all use one list; this one uses '%1', "
                     "the first '%2'.")
                     .arg(c->listName, first->listName));
        }
        c->control.append({QStringLiteral("appearance"), QStringLiteral("list-nolabel")});
    }
    if (!first)
        return;
    auto header = std::make_unique<Element>();
    header->kind = first->kind;
    header->type = first->type;
    header->bindType = QStringLiteral("string");
    header->name = QStringLiteral("reserved_name_for_field_list_labels_%1").arg(first->row);
    header->row = first->row;
    header->listName = first->listName;
    header->label.insert(QString(), QStringLiteral(" "));
    header->control.append({QStringLiteral("appearance"), QStringLiteral("label")});
    header->parent = &group;
    group.children.insert(group.children.begin(), std::move(header));
    if (!group.label.isEmpty() || !group.hint.isEmpty()) {
        auto note = std::make_unique<Element>();
        note->kind = Kind::Input;
        note->type = QStringLiteral("note");
        note->bindType = QStringLiteral("string");
        note->bind.append({QStringLiteral("readonly"), QStringLiteral("true()")});
        note->name = QStringLiteral("generated_table_list_label_%1").arg(group.row);
        note->row = group.row;
        note->label = std::exchange(group.label, {});
        note->hint = std::exchange(group.hint, {});
        note->parent = &group;
        group.children.insert(group.children.begin(), std::move(note));
    }
}

void Builder::addGenerated(Element &parent)
{
    if (parent.kind == Kind::Group &&
        parent.controlValue(QStringLiteral("appearance")).startsWith(QLatin1String("table-list")))
        makeTableList(parent);
    for (std::size_t i = 0; i < parent.children.size(); ++i) {
        Element &e = *parent.children[i];
        if (e.isContainer())
            addGenerated(e);
        if (e.orOther) {
            ChoiceList &list = m_form.choiceLists[m_listIndex.value(e.listName)];
            bool has = m_listsWithOther.contains(list.name);
            for (qsizetype i = 0; !has && i < list.choices.size(); ++i)
                has = list.choices.at(i).name == QLatin1String("other");
            m_listsWithOther.insert(list.name);
            if (!has) {
                Choice other;
                other.name = QStringLiteral("other");
                // "Other" in every language the list is written in.
                QSet<QString> languages;
                for (const Choice &c : list.choices)
                    for (auto it = c.label.begin(); it != c.label.end(); ++it)
                        languages.insert(it.key());
                if (languages.isEmpty())
                    languages.insert(QString());
                for (const QString &lang : std::as_const(languages))
                    other.label.insert(lang, QStringLiteral("Other"));
                list.choices.append(other);
            }
            auto text = std::make_unique<Element>();
            text->kind = Kind::Input;
            text->type = QStringLiteral("text");
            text->bindType = QStringLiteral("string");
            text->name = e.name + QStringLiteral("_other");
            text->row = e.row;
            text->label.insert(QString(), QStringLiteral("Specify other."));
            text->bind.append({QStringLiteral("relevant"),
                               QStringLiteral("selected(../%1, 'other')").arg(e.name)});
            text->parent = &parent;
            parent.children.insert(parent.children.begin() + std::ptrdiff_t(i) + 1,
                                   std::move(text));
            ++i;
        } else if (e.kind == Kind::Repeat && !e.repeatCount.isEmpty()) {
            if (!singleReference(e.repeatCount).isEmpty())
                continue;
            auto count = std::make_unique<Element>();
            count->kind = Kind::BindOnly;
            count->type = QStringLiteral("calculate");
            count->bindType = QStringLiteral("string");
            count->name = e.name + QStringLiteral("_count");
            count->row = e.row;
            count->bind.append({QStringLiteral("readonly"), QStringLiteral("true()")});
            count->bind.append({QStringLiteral("calculate"), e.repeatCount});
            count->parent = &parent;
            e.repeatCount = QStringLiteral("${%1}").arg(count->name);
            e.generatedCount = true;
            parent.children.insert(parent.children.begin() + std::ptrdiff_t(i), std::move(count));
            ++i;
        }
    }
    // Generated names must not take a name already there.
    QSet<QString> names;
    for (const auto &c : parent.children) {
        if (names.contains(c->name))
            fail(Place{QStringLiteral("survey"), 0, QStringLiteral("name")},
                 XlsForm::tr(
                     "The name '%1' is used twice in the same group, repeat or survey (one of them "
                     "is made by the converter). Names must be unique within their group or "
                     "repeat.")
                     .arg(c->name));
        names.insert(c->name);
    }
}

void Builder::checkLabels(const Element &e)
{
    for (const auto &c : e.children) {
        if (c->isContainer()) {
            checkLabels(*c);
            continue;
        }
        if (!c->hasControl())
            continue;
        if (!hasText(c->label) && !hasText(c->hint) && !c->hasMedia())
            fail(Place{QStringLiteral("survey"), c->row, QStringLiteral("label")},
                 XlsForm::tr(
                     "The question '%1' has no label or hint. Give it one, so that people know "
                     "what is asked.")
                     .arg(c->name));
    }
}

void Builder::warnMissingTranslations()
{
    // Each language should have every kind of text column the others have (only the
    // columns count, not their cells); the columns without a language are the default's.
    const QString fallback = m_form.settings.defaultLanguage.isEmpty()
                                 ? QStringLiteral("default")
                                 : m_form.settings.defaultLanguage;
    QStringList lines;
    bool anyTranslated = false;
    bool orOther = false;
    for (const RowSheet *sheet : {&m_survey, &m_choices})
        for (const Column &c : sheet->columns)
            anyTranslated = anyTranslated || c.translated;
    static const QRegularExpression other(QStringLiteral(" (or_other|or specify other|or other)$"));
    for (const Row &row : std::as_const(m_survey.rows))
        orOther = orOther || other.match(row.value(QStringLiteral("type"))).hasMatch();
    if (!anyTranslated)
        return;
    for (const auto &[sheet, name] : {std::pair{&m_survey, QStringLiteral("survey")},
                                      std::pair{&m_choices, QStringLiteral("choices")}}) {
        QMap<QString, QSet<QString>> kinds; // language → its text columns
        QSet<QString> all;
        for (const Column &c : sheet->columns) {
            if (!isTranslatable(c.key))
                continue;
            QString kind = c.key.startsWith(QLatin1String("media::")) ? c.key.mid(7) : c.key;
            kinds[c.translated ? c.language : fallback].insert(kind);
            all.insert(kind);
        }
        for (auto it = kinds.begin(); it != kinds.end(); ++it) {
            QStringList missing = QStringList(all.begin(), all.end());
            missing.removeIf([&](const QString &k) { return it.value().contains(k); });
            missing.sort();
            if (!missing.isEmpty())
                lines << XlsForm::tr("Language '%1' has no %2 column(s) on the '%3' sheet: %4.")
                             .arg(it.key())
                             .arg(missing.size())
                             .arg(name, missing.join(QLatin1String(", ")));
        }
    }
    if (!lines.isEmpty())
        warn(Place{}, lines.join(u'\n'));
    if (orOther)
        warn(Place{}, XlsForm::tr("The form uses or_other and translations: the 'Other' choice "
                                  "and the question that asks for it are not translated."));
}

void Builder::checkRepeatNames(const Element &root)
{
    QSet<QString> names;
    std::function<void(const Element &)> walk = [&](const Element &e) {
        for (const auto &c : e.children) {
            if (c->kind == Kind::Repeat) {
                if (names.contains(c->name))
                    fail(Place{QStringLiteral("survey"), 0, QStringLiteral("name")},
                         XlsForm::tr(
                             "The repeat name '%1' is used twice (a loop copies its repeats). "
                             "Repeat names must be unique in the whole form.")
                             .arg(c->name));
                names.insert(c->name);
            }
            walk(*c);
        }
    };
    walk(root);
}

void Builder::checkReferenceGeometry(const Element &e)
{
    // The secondary instances a geometry can come from: choice lists, entity lists, files.
    QSet<QString> instances;
    for (const ChoiceList &l : std::as_const(m_form.choiceLists))
        instances.insert(l.name);
    for (const EntityDeclaration &d : std::as_const(m_form.entities))
        instances.insert(d.dataset);
    QSet<QString> repeats;
    std::function<void(const Element &)> collect = [&](const Element &x) {
        for (const auto &c : x.children) {
            if (!c->itemsetFile.isEmpty())
                instances.insert(c->itemsetFile.section(u'.', 0, 0));
            if (c->kind == Kind::ExternalCsv || c->kind == Kind::ExternalXml)
                instances.insert(c->name);
            if (c->kind == Kind::Repeat)
                repeats.insert(c->name);
            collect(*c);
        }
    };
    collect(e);
    std::function<void(const Element &)> check = [&](const Element &x) {
        for (const auto &c : x.children) {
            const QString ref = c->parameters.value(QStringLiteral("reference-geometry"));
            if (!ref.isEmpty() && c->type.startsWith(QLatin1String("geo"))) {
                const QString repeat = singleReference(ref);
                const bool ok =
                    !repeat.isEmpty() ? repeats.contains(repeat) : instances.contains(ref);
                if (!ok)
                    fail(Place{QStringLiteral("survey"), c->row, QStringLiteral("parameters")},
                         XlsForm::tr(
                             "The parameter 'reference-geometry' must name a secondary instance "
                             "(a choice list, an entity list or an attached file's name without "
                             "its extension) or be a reference to a repeat."));
            }
            check(*c);
        }
    };
    check(e);
}

void Builder::checkSearch()
{
    QHash<QString, QStringList> searching, plain; // list → questions
    std::function<void(const Element &)> walk = [&](const Element &x) {
        for (const auto &c : x.children) {
            if (c->kind == Kind::Select1 || c->kind == Kind::Select || c->kind == Kind::Rank) {
                const bool uses = c->usesSearch();
                if (uses && !c->itemsetFile.isEmpty())
                    fail(Place{QStringLiteral("survey"), c->row, QStringLiteral("appearance")},
                         XlsForm::tr(
                             "The question '%1' selects from a file and uses search(), which do "
                             "not go together. Remove search() or change the select type.")
                             .arg(c->name));
                (uses ? searching : plain)[c->listName].append(c->name);
            }
            walk(*c);
        }
    };
    walk(*m_form.root);
    for (auto it = searching.begin(); it != searching.end(); ++it)
        if (plain.contains(it.key()))
            fail(Place{},
                 XlsForm::tr(
                     "The question '%1' uses search() with the choice list '%2', which the "
                     "question(s) %3 use without search(). Use search() in all of them, or give "
                     "the search() question a list of its own.")
                     .arg(it.value().first(), it.key(),
                          plain.value(it.key()).join(QLatin1String(", "))));
}

void Builder::readEntities()
{
    m_entities = readSheet(QStringLiteral("entities"), SheetKind::Entities);
    if (!m_entities.present || m_entities.rows.isEmpty()) {
        const QStringList similar = similarSheets(m_book, QStringLiteral("entities"));
        if (!similar.isEmpty())
            warn(Place{},
                 XlsForm::tr(
                     "There is no 'entities' sheet, but there are sheets with similar names: %1. "
                     "To keep a sheet out of the form without this warning, start its name "
                     "with '_'.")
                     .arg(similar.join(QLatin1String(", "))));
        m_entities.rows.clear();
        return;
    }
    static const QStringList known = {QStringLiteral("dataset"), QStringLiteral("label"),
                                      QStringLiteral("entity_id"), QStringLiteral("create_if"),
                                      QStringLiteral("update_if")};
    QStringList unknown;
    for (const Row &row : std::as_const(m_entities.rows))
        for (const QString &key : row.order)
            if (!known.contains(key) && !unknown.contains(u'\'' + row.headers.value(key) + u'\''))
                unknown.append(u'\'' + row.headers.value(key) + u'\'');
    if (!unknown.isEmpty())
        fail(Place{QStringLiteral("entities"), 1, {}},
             XlsForm::tr(
                 "These columns are not entity columns: %1. Check their spelling or remove them.")
                 .arg(unknown.join(QLatin1String(", "))));
    QHash<QString, int> seen;
    for (const Row &row : std::as_const(m_entities.rows)) {
        EntityDeclaration d;
        d.row = row.number;
        d.dataset = row.value(QStringLiteral("dataset"));
        d.label = row.value(QStringLiteral("label"));
        d.entityId = row.value(QStringLiteral("entity_id"));
        d.createIf = row.value(QStringLiteral("create_if"));
        d.updateIf = row.value(QStringLiteral("update_if"));
        const Place place{
            QStringLiteral("entities"), row.number,
            row.headers.value(QStringLiteral("dataset"), QStringLiteral("list_name"))};
        if (d.dataset.isEmpty())
            fail(place, XlsForm::tr("The entity list has no name."));
        if (d.dataset.startsWith(QLatin1String("__")))
            fail(place, XlsForm::tr("Entity list names must not begin with two underscores."));
        if (d.dataset.contains(u'.'))
            fail(place, XlsForm::tr("Entity list names must not contain a period."));
        if (!isXmlName(d.dataset))
            fail(place,
                 XlsForm::tr("The entity list name '%1' is not valid: names must begin with a "
                             "letter or underscore, then hold only letters, digits, underscores "
                             "or hyphens.")
                     .arg(d.dataset));
        const Place rowPlace{QStringLiteral("entities"), row.number, {}};
        if (!d.updateIf.isEmpty() && d.entityId.isEmpty())
            fail(rowPlace,
                 XlsForm::tr("The entity list '%1' has an 'update_if' but no 'entity_id': updating "
                             "an entity needs its id. Add an 'entity_id', or to create entities "
                             "move the condition to 'create_if'.")
                     .arg(d.dataset));
        if (!d.entityId.isEmpty() && !d.createIf.isEmpty() && d.updateIf.isEmpty())
            fail(rowPlace,
                 XlsForm::tr("The entity list '%1' has an 'entity_id' and a 'create_if' but no "
                             "'update_if', which creating or updating needs. Add an 'update_if', "
                             "or to only create entities remove the 'entity_id'.")
                     .arg(d.dataset));
        if (d.entityId.isEmpty() && d.label.isEmpty())
            fail(rowPlace,
                 XlsForm::tr("The entity list '%1' has no label, which creating entities needs. "
                             "Add a 'label', or to update entities give an 'entity_id'.")
                     .arg(d.dataset));
        if (seen.contains(d.dataset))
            fail(place, XlsForm::tr("The entity list '%1' is declared twice.").arg(d.dataset));
        seen.insert(d.dataset, row.number);
        m_form.entities.append(d);
    }
}

void Builder::checkSaveTo(const Row &row, bool container, QHash<QString, int> *saved)
{
    const QString value = row.value(QStringLiteral("save_to"));
    const Place place{QStringLiteral("survey"), row.number,
                      row.headers.value(QStringLiteral("save_to"), QStringLiteral("save_to"))};
    if (m_form.entities.isEmpty())
        fail(place,
             XlsForm::tr("To save entity properties with save_to, add an 'entities' sheet that "
                         "declares an entity list."));
    if (value.count(u'#') > 1)
        fail(place, XlsForm::tr("A save_to value has at most one '#'."));
    if (!value.contains(u'#') && m_form.entities.size() > 1)
        fail(place,
             XlsForm::tr("With more than one entity list, save_to names must start with the list "
                         "they belong to, as in 'list#property'."));
    const QString list =
        value.contains(u'#') ? value.section(u'#', 0, 0) : m_form.entities.first().dataset;
    const QString property = value.contains(u'#') ? value.section(u'#', 1) : value;
    bool declared = false;
    for (const EntityDeclaration &d : std::as_const(m_form.entities))
        declared = declared || d.dataset == list;
    if (!declared)
        fail(place, XlsForm::tr("The entity list '%1' is not on the entities sheet.").arg(list));
    const QString invalidName =
        XlsForm::tr(
            "The save_to name '%1' is not valid: names must begin with a letter or underscore, "
            "then hold only letters, digits, underscores, hyphens or periods.")
            .arg(property);
    if (property.isEmpty())
        fail(place, invalidName);
    if (container)
        fail(place,
             XlsForm::tr("Groups and repeats cannot be saved as entity properties. Remove the "
                         "save_to value from this row."));
    if (property.compare(QLatin1String("name"), Qt::CaseInsensitive) == 0 ||
        property.compare(QLatin1String("label"), Qt::CaseInsensitive) == 0)
        fail(place, XlsForm::tr("An entity property cannot be called 'name' or 'label'."));
    if (property.startsWith(QLatin1String("__")))
        fail(place, XlsForm::tr("Entity property names must not begin with two underscores."));
    if (!isXmlName(property))
        fail(place, invalidName);
    const QString key = list + u'#' + property;
    if (saved->contains(key))
        fail(place, XlsForm::tr(
                        "The entity property '%1' is already saved by row %2. Remove or rename one "
                        "of them.")
                        .arg(property)
                        .arg(saved->value(key)));
    saved->insert(key, row.number);
}

Form Builder::build()
{
    readSettings();
    m_rootName = !m_options.formName.isEmpty()     ? m_options.formName
                 : !m_form.settings.name.isEmpty() ? m_form.settings.name
                                                   : m_options.fallbackId;
    if (!isXmlName(m_rootName))
        fail(Place{},
             XlsForm::tr("The form name '%1' is not valid: names must begin with a letter or "
                         "underscore, then hold only letters, digits, underscores, hyphens or "
                         "periods.")
                 .arg(m_rootName));
    readChoices();
    readEntities();
    readSurvey();
    warnMissingTranslations();
    m_form.root->name = m_rootName;
    expandLoops(*m_form.root);
    checkRepeatNames(*m_form.root);
    addGenerated(*m_form.root);
    checkReferenceGeometry(*m_form.root);
    checkSearch();
    checkLabels(*m_form.root);
    allocateEntities(m_form);
    return std::move(m_form);
}

} // namespace

Form buildForm(const Workbook &book, const Options &options, QList<Message> *warnings)
{
    return Builder(book, options, warnings).build();
}

} // namespace survey::xlsform
