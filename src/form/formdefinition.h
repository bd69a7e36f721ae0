// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xmlnode.h"
#include "xpath.h"

#include <QCoreApplication>
#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace survey::form {

/// Data types of the ODK XForms spec ("Data Types").
enum class DataType : std::uint8_t {
    String,
    Int,
    Decimal,
    Date,
    Time,
    DateTime,
    Select1,
    Select,
    Geopoint,
    Geotrace,
    Geoshape,
    Binary,
    Barcode,
    Boolean,
    Rank,
    Intent
};
QString dataTypeName(DataType t);

/// A piece of display text: literal text and <output value="..."/> expressions.
struct TextSegment
{
    QString text;                            ///< literal text when `expr` is null
    std::shared_ptr<xpath::Expression> expr; ///< <output value="…"/>
};
using RichText = std::vector<TextSegment>;

/// Where a label, hint or message comes from: an itext id or inline text.
struct TextSource
{
    QString itextId;  ///< from jr:itext('id'); empty for inline text
    RichText inline_; ///< inline text (with outputs)
    bool isEmpty() const { return itextId.isEmpty() && inline_.empty(); }
};

/// One itext entry in one language: the text forms (long/short/guidance) and media.
/// Few forms per entry, so a small vector (a hash per entry would cost kilobytes).
struct ItextEntry
{
    std::vector<std::pair<QString, RichText>> forms; ///< "" (long), "short", "image", …
    const RichText *form(const QString &name) const
    {
        for (const auto &[n, text] : forms) {
            if (n == name)
                return &text;
        }
        return nullptr;
    }
    void setForm(const QString &name, RichText text)
    {
        for (auto &[n, t] : forms) {
            if (n == name) {
                t = std::move(text);
                return;
            }
        }
        forms.emplace_back(name, std::move(text));
    }
};

struct Translation
{
    QString lang;
    bool isDefault = false;
    QHash<QString, ItextEntry> entries;
};

/// An element or attribute of the primary instance, counted once however many repeat
/// instances it has ("/data/hh/member/name").
struct SchemaNode
{
    int parent = -1;
    std::vector<int> children;
    QString name; ///< local name
    QString prefix;
    QString namespaceUri;
    QString path; ///< absolute path without positions
    bool isAttribute = false;
    bool isRepeat = false;
    int bind = -1;    ///< index into FormDefinition::binds
    int control = -1; ///< the body control bound to this node, if any
    int repeat = -1;  ///< index into FormDefinition::repeats when isRepeat
    int depth = 0;
    /// Nearest enclosing repeat schema (self when isRepeat), -1 outside repeats.
    int enclosingRepeat = -1;
};

struct Bind
{
    int schema = -1;
    int line = 0;
    int column = 0;
    QString nodeset;
    DataType type = DataType::String;
    QString typeName;
    std::shared_ptr<xpath::Expression> relevant;
    std::shared_ptr<xpath::Expression> required;
    std::shared_ptr<xpath::Expression> readonly;
    std::shared_ptr<xpath::Expression> constraint;
    std::shared_ptr<xpath::Expression> calculate;
    TextSource constraintMsg;
    TextSource requiredMsg;
    QString preload;
    QString preloadParams;
    bool saveIncomplete = false;
    int maxPixels = 0; ///< orx:max-pixels for image answers; 0: keep the size
};

enum class ActionEvent : std::uint8_t { InstanceFirstLoad, InstanceLoad, NewRepeat, ValueChanged };

struct Action
{
    enum class Kind : std::uint8_t { SetValue, SetGeopoint };
    Kind kind = Kind::SetValue;
    std::vector<ActionEvent> events;
    int target = -1;                          ///< schema of ref
    std::shared_ptr<xpath::Expression> ref;   ///< evaluated relative to the event's node
    std::shared_ptr<xpath::Expression> value; ///< null: literal `literal`
    QString literal;
    int trigger = -1; ///< schema whose change fires xforms-value-changed; repeat for new-repeat
};

struct Item
{
    QString value;
    TextSource label;
};

struct Itemset
{
    std::shared_ptr<xpath::Expression> nodeset;
    std::shared_ptr<xpath::Expression> valueRef;
    std::shared_ptr<xpath::Expression> labelRef;      ///< null when the label is an itext id ref
    std::shared_ptr<xpath::Expression> labelItextRef; ///< jr:itext(path): id from each item
};

struct Control
{
    enum class Kind : std::uint8_t {
        Input,
        Select1,
        Select,
        Trigger,
        Upload,
        Range,
        Rank,
        Group,
        Repeat
    };
    Kind kind = Kind::Input;
    int line = 0;
    int column = 0;
    int schema = -1; ///< bound node (for a repeat, the repeat node); -1 for unbound groups
    int parent = -1; ///< index of the enclosing group/repeat control
    std::vector<int> children;
    QString ref;
    TextSource label;
    TextSource hint;
    QString appearance;
    QString mediatype;
    bool fieldList = false;
    // selects
    std::vector<Item> items;
    std::optional<Itemset> itemset;
    bool randomize = false;
    std::shared_ptr<xpath::Expression> seed;
    // range
    double rangeStart = 0;
    double rangeEnd = 0;
    double rangeStep = 1;
    // repeat
    std::shared_ptr<xpath::Expression> count;
    bool noAddRemove = false;
};

/// "input", "select1", "select", "trigger", "upload", "range", "rank", "group", "repeat".
QString controlKindName(Control::Kind k);

struct RepeatInfo
{
    int schema = -1;
    int control = -1;
    std::unique_ptr<XmlNode> templ; ///< a fresh instance, with schema indices set
};

struct SecondaryInstance
{
    QString id;
    QString src;
    std::unique_ptr<XmlDocument> doc;
    QString missing; ///< why its file is not there; reading it is then an error saying so
};

struct SubmissionInfo
{
    QString action;
    QString method;
    QString base64RsaPublicKey;
    QString orxAutoSend;
    QString orxAutoDelete;
};

/// A load failure: position in the form file and a message naming element and cause.
struct FormError
{
    int line = 0;
    int column = 0;
    QString message;
};

/// An immutable, parsed form: model, schema, binds, body. Expressions are compiled once
/// here; sessions share the definition.
class FormDefinition
{
    Q_DECLARE_TR_FUNCTIONS(FormDefinition)
public:
    struct LoadOptions
    {
        /// Folder holding external instances (jr://file/…, jr://file-csv/…); empty: none.
        QString mediaDir;
        /// The same files held in memory, by file name; when set, the folder is not read.
        std::optional<QHash<QString, QByteArray>> media;
        /// Load a form whose external files are not there (a draft waiting for its media; a
        /// form from elsewhere): each missing one becomes an empty instance, is named in
        /// `missingMedia` and `warnings`, and reading it is an evaluation error saying so.
        /// Files that are there must still be valid. False: a missing file refuses the form
        /// (a server publishing it).
        bool allowMissingMedia = true;
    };

    /// A file the form refers to: an external instance or an itext image, audio or video.
    struct MediaReference
    {
        QString name; ///< the plain file name, as a manifest lists it
        QString type; ///< "file" (instances), "image", "audio" or "video"
    };
    /// A control's answer type as forms name it ("int", "select1", "binary", "trigger",
    /// "group"…): the bind's type, else what the control implies.
    QString typeNameOf(const Control &c) const;
    /// Every media file the form refers to, once each, sorted by name.
    std::vector<MediaReference> mediaReferences() const;

    static std::shared_ptr<const FormDefinition> load(const QByteArray &xml,
                                                      const LoadOptions &options, FormError *error);
    static std::shared_ptr<const FormDefinition>
    loadFile(const QString &path, const LoadOptions &options, FormError *error);

    QString title;
    QString formId;
    QString version;
    QString defaultLanguage;
    std::vector<Translation> translations;
    std::vector<SchemaNode> schema;
    std::vector<Bind> binds;
    std::vector<Control> controls; ///< all controls; roots listed in `bodyControls`
    std::vector<int> bodyControls;
    std::vector<RepeatInfo> repeats;
    std::vector<Action> actions;
    std::vector<SecondaryInstance> secondaryInstances;
    SubmissionInfo submission;
    /// External files that were missing when loaded with `allowMissingMedia`.
    QStringList missingMedia;
    /// What the form has that ODK clients tolerate but that is not right (a bind to a node
    /// the instance lacks, a missing data file, an unknown element or type), each as
    /// "line L: message": the form loads, these are shown by validate.
    QStringList warnings;
    /// Namespace prefixes declared on the form's root (and model), prefix -> uri.
    QHash<QString, QString> namespaces;
    /// The primary instance as the form starts (with its initial repeat instances).
    std::unique_ptr<XmlDocument> initialInstance;

    int instanceIdSchema = -1;
    int instanceNameSchema = -1;
    int deprecatedIdSchema = -1;

    /// Joins a (possibly relative) ref onto a context path and folds '.' and '..'.
    static QString resolvePath(const QString &ref, const QString &context);
    /// The schema path a ref names: resolved, without prefixes or positions
    /// ("../orx:meta/x[2]" from "/data/g" → "/data/meta/x").
    static QString schemaPathOf(const QString &ref, const QString &context);

    /// Schema index for an absolute path without positions, or -1.
    int schemaForPath(const QString &path) const { return m_pathIndex.value(path, -1); }
    QStringList languages() const;
    /// The language to show a form in: `preferred` (a chosen form language) when the form
    /// has it, else the one matching the app's (`appCode`, "zh_CN" or "en") by the names
    /// forms use ("Chinese (zh)", "中文", "English (en)"…); "" when none matches.
    static QString languageFor(const QStringList &languages, const QString &preferred,
                               const QString &appCode);
    int questionCount() const;
    int groupCount() const;
    int repeatCount() const { return static_cast<int>(repeats.size()); }

    /// Calculate dependency order and reverse dependencies (see FormSession).
    struct Dependents
    {
        std::vector<int> calculates; ///< schemas whose calculate reads this value
        std::vector<int> props;      ///< schemas whose relevant/required/readonly/constraint
                                     ///< read this value
        std::vector<int> counts;     ///< repeat schemas whose jr:count reads this value
    };
    std::vector<Dependents> dependents; ///< per schema
    std::vector<int> topoOrder;         ///< schemas with calculates, in dependency order
    std::vector<int> topoPosition;      ///< per schema: position in topoOrder or -1
    /// Expressions whose references could not be worked out statically: re-run on any change.
    std::vector<int> globalCalculates;
    std::vector<int> globalProps;
    /// (source, reader) pairs where the reader's expressions read the source across repeat
    /// instances. For every other pair inside a shared repeat, a change in one instance
    /// only affects the reader in that same instance.
    std::set<std::pair<int, int>> nonLocalReads;
    /// Calculates that read translated texts (jr:itext, jr:choice-name).
    std::vector<int> languageCalculates;
    /// jr:count expressions whose references could not be worked out statically.
    std::vector<int> globalCounts;

    const SecondaryInstance *secondary(const QString &id) const;

private:
    friend class FormParser;
    QHash<QString, int> m_pathIndex;
};

} // namespace survey::form
