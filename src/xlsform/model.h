// SPDX-License-Identifier: GPL-3.0-or-later
// What an XLSForm says, read from its sheets and checked: the tree of questions, groups
// and repeats, the choice lists and the settings. The builder fills it; the writer turns
// it into an XForm.
#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>
#include <utility>
#include <vector>

namespace survey::xlsform {

/// Text in each language; "" is the text of a column without a language.
using Translated = QMap<QString, QString>;
using Attributes = QList<std::pair<QString, QString>>;

/// Whether any language has text.
inline bool hasText(const Translated &t)
{
    for (const QString &v : t)
        if (!v.isEmpty())
            return true;
    return false;
}

/// The name of a cell that is one reference and nothing else ("${name}"); empty otherwise.
QString singleReference(const QString &text);

/// Where a problem is: the sheet, its row (as numbered in the file) and the column.
struct Place
{
    QString sheet;
    int row = 0;
    QString column;
};

/// A problem found converting: an error stops the conversion; a warning does not.
struct Message
{
    Place place;
    QString text;
    QString toString() const;
};

struct Choice
{
    QString name;
    Translated label;
    QMap<QString, Translated> media; // image, big-image, audio, video → language → file
    Attributes extra;                // other columns, written as children of the item
    int row = 0;
};

struct ChoiceList
{
    QString name;
    QList<Choice> choices;
    int row = 0;
    bool translated() const;
};

/// The question types, grouped by what they write.
enum class Kind {
    Input,       // <input>: text, numbers, dates, geo, barcode, note
    Select1,     // select_one
    Select,      // select_multiple
    Rank,        // odk:rank
    Range,       // range
    Upload,      // image, audio, video, file, osm
    Trigger,     // acknowledge
    BindOnly,    // calculate, hidden, metadata: no control
    ExternalXml, // xml-external: an instance only
    ExternalCsv, // csv-external: an instance only
    Group,
    Repeat,
    Survey,
};

/// What a row says of a question, group or repeat: everything but its place in the tree,
/// so that a copy (a loop's) takes all of it at once.
struct ElementFields
{
    Kind kind = Kind::Input;
    QString type;     // the canonical type name ("integer", "select_one", "begin_group"…)
    QString bindType; // string, int, decimal, date, geopoint, binary, odk:rank…
    QString name;
    int row = 0;
    QString typeAsWritten;
    Translated label, hint, guidance, constraintMessage, requiredMessage, noAppErrorString;
    QMap<QString, Translated> media; // image, big-image, audio, video → language → file
    Attributes bind;                 // relevant, constraint, required, readonly, calculate…
    Attributes control;              // appearance and other body attributes
    Attributes instanceAttributes;   // instance::…
    QMap<QString, QString> parameters;
    QString defaultValue, choiceFilter, listName, itemsetFile, repeatCount, saveTo;
    QString mediatype;              // uploads
    QString preload, preloadParams; // metadata
    QStringList triggers;           // the questions whose change recalculates this one
    QString loopList;               // begin loop over LIST
    bool orOther = false;
    bool inMeta = false;         // written under <meta> (audit)
    bool generatedCount = false; // repeat_count moved into a generated NAME_count
};

struct Element : ElementFields
{
    const Element *parent = nullptr;
    std::vector<std::unique_ptr<Element>> children;

    bool isContainer() const
    {
        return kind == Kind::Group || kind == Kind::Repeat || kind == Kind::Survey;
    }
    QString path() const;
    QString bindValue(const QString &attribute) const;
    QString controlValue(const QString &attribute) const;
    /// Whether it is shown in the body: not calculations, metadata nor a question that only
    /// computes (a calculation or trigger without label or hint).
    bool hasControl() const;
    /// Whether its appearance asks for search(): its choices are written inline.
    bool usesSearch() const;
    /// Whether it has an image, audio or video in any language.
    bool hasMedia() const
    {
        for (const Translated &m : media)
            if (hasText(m))
                return true;
        return false;
    }
    /// The nearest enclosing repeat (or this one), if any.
    const Element *repeatAncestor() const;
};

/// A row of the entities sheet: an entity list the form creates or updates entities in.
struct EntityDeclaration
{
    QString dataset;
    QString label;
    QString entityId;
    QString createIf;
    QString updateIf;
    int row = 0;
    const Element *container = nullptr; // where its meta/entity goes: survey, group or repeat
};

struct Settings
{
    QString formTitle, formId, version, instanceName, defaultLanguage, publicKey;
    QString submissionUrl, style, name, namespaces, autoSend, autoDelete, clientEditable;
    QString instanceId, instanceXmlns, prefix, delimiter;
    bool omitInstanceId = false;
    bool allowChoiceDuplicates = false;
    bool hasTitle = false;
    Attributes rootAttributes; // attribute::… columns
};

struct Form
{
    Settings settings;
    std::unique_ptr<Element> root;
    QList<ChoiceList> choiceLists;
    QList<ChoiceList> osmLists;
    QList<EntityDeclaration> entities;
};

/// Places each entity declaration in a container (the survey, a group or a repeat), as
/// pyxform does: where its save_to questions and references are. Throws Failure when two
/// would need the same container.
void allocateEntities(Form &form);

} // namespace survey::xlsform
