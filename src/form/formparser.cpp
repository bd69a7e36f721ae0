// SPDX-License-Identifier: GPL-3.0-or-later
// XForm → FormDefinition, per the ODK XForms spec (getodk/xforms-spec).
#include "dependencies.h"
#include "externaldata.h"
#include "formdefinition.h"

#include <QDate>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

Q_LOGGING_CATEGORY(lcForm, "survey.form", QtInfoMsg)

namespace survey::form {

namespace {

const QString kXformsNs = QStringLiteral("http://www.w3.org/2002/xforms");
const QString kJrNs = QStringLiteral("http://openrosa.org/javarosa");
const QString kOdkNs = QStringLiteral("http://www.opendatakit.org/xforms");
const QString kOrxNs = QStringLiteral("http://openrosa.org/xforms");

struct ParseFailure
{
    FormError error;
};

QString attr(const XmlNode *e, const char *local)
{
    return e->attributeValue(QLatin1String(local));
}

bool hasAttr(const XmlNode *e, const char *local)
{
    return e->attribute(QLatin1String(local)) != nullptr;
}

bool isSimplePath(QString ref)
{
    ref = ref.trimmed();
    if (ref.startsWith(QLatin1String("current()/")))
        ref = ref.mid(10);
    static const QRegularExpression re(
        QStringLiteral("^\\s*(/?(@?[\\w.:-]+|\\.\\.|\\.)(/(@?[\\w.:-]+|\\.\\.|\\.))*)\\s*$"),
        QRegularExpression::UseUnicodePropertiesOption);
    return re.match(ref).hasMatch();
}

} // namespace

QString FormDefinition::resolvePath(const QString &ref, const QString &context)
{
    QString r = ref.trimmed();
    if (r.startsWith(QLatin1String("current()/")))
        r = r.mid(10);
    const QString full = r.startsWith(QLatin1Char('/')) ? r
                         : context.isEmpty()            ? QLatin1Char('/') + r
                                                        : context + QLatin1Char('/') + r;
    QStringList out;
    for (const QString &p : full.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (p == QLatin1String("."))
            continue;
        if (p == QLatin1String("..")) {
            if (!out.isEmpty())
                out.removeLast();
            continue;
        }
        out.push_back(p);
    }
    return QLatin1Char('/') + out.join(QLatin1Char('/'));
}

QString FormDefinition::schemaPathOf(const QString &ref, const QString &context)
{
    QStringList parts = resolvePath(ref, context).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (QString &p : parts) {
        const qsizetype bracket = p.indexOf(QLatin1Char('['));
        if (bracket >= 0)
            p.truncate(bracket);
        const qsizetype colon = p.indexOf(QLatin1Char(':'));
        if (colon >= 0 && !p.startsWith(QLatin1Char('@')))
            p = p.mid(colon + 1);
    }
    return QLatin1Char('/') + parts.join(QLatin1Char('/'));
}

class FormParser
{
    Q_DECLARE_TR_FUNCTIONS(FormParser)
public:
    FormParser(FormDefinition &def, const FormDefinition::LoadOptions &options)
        : m_def(def)
        , m_options(options)
    {}

    void parse(const QByteArray &xml);

private:
    [[noreturn]] void fail(const XmlNode *at, const QString &message)
    {
        ParseFailure f;
        if (at) {
            f.error.line = at->line();
            f.error.column = at->column();
        }
        f.error.message = message;
        throw f;
    }

    /// Something ODK clients tolerate: noted, and the form loads.
    void warn(const XmlNode *at, const QString &message)
    {
        m_def.warnings << (at ? tr("line %1: %2").arg(at->line()).arg(message) : message);
    }

    static QString describe(const XmlNode *e)
    {
        return QLatin1Char('<') + e->qualifiedName() + QLatin1Char('>');
    }

    std::shared_ptr<xpath::Expression> compile(const XmlNode *at, const QString &source,
                                               const QString &what)
    {
        xpath::Expression::CompileError err;
        auto e = xpath::Expression::compile(source, m_resolver, &err);
        if (!e)
            fail(at, tr("%1: %2 \"%3\": %4").arg(describe(at), what, source, err.message));
        return std::make_shared<xpath::Expression>(std::move(*e));
    }

    void collectNamespaces(const XmlNode *e)
    {
        for (const auto &[prefix, uri] : e->namespaceDeclarations()) {
            if (!prefix.isEmpty() && !m_def.namespaces.contains(prefix))
                m_def.namespaces.insert(prefix, uri);
        }
    }

    void parseItext(const XmlNode *itext);
    RichText richTextOf(const XmlNode *e);
    TextSource textSource(const XmlNode *e);
    TextSource messageSource(const XmlNode *bindElement, const char *attribute);
    void parseSecondaryInstance(const XmlNode *instance);
    void collectRepeatPaths(const XmlNode *e, const QString &context);
    void buildSchema(const XmlNode *primaryRoot);
    int addSchema(const XmlNode *e, int parent, const QString &parentPath);
    void mergeSchema(const XmlNode *e, int index);
    void parseBind(const XmlNode *b);
    void parseAction(const XmlNode *a, bool inModel, int controlSchema);
    void parseBody(const XmlNode *body);
    int parseControl(const XmlNode *e, int parentControl, const QString &context);
    void parseItemset(Control &c, const XmlNode *itemset);
    void ensureMeta();
    void finish();
    int schemaForRef(const XmlNode *at, const QString &ref, const QString &context,
                     const QString &what);

    FormDefinition &m_def;
    const FormDefinition::LoadOptions &m_options;
    std::unique_ptr<XmlDocument> m_doc;
    xpath::Expression::PrefixResolver m_resolver;
    QHash<QString, QString> m_bindIds; ///< bind id -> nodeset path
    QSet<QString> m_repeatPaths;       ///< local paths of repeats
    const XmlNode *m_primaryRoot = nullptr;
    QString m_rootPath; ///< evaluation context of top-level binds and body refs
};

void FormParser::parse(const QByteArray &xml)
{
    XmlError xmlError;
    XmlDocument::ParseOptions po;
    po.keepComments = false;
    po.keepProcessingInstructions = false;
    m_doc = XmlDocument::parse(xml, po, &xmlError);
    if (!m_doc) {
        ParseFailure f;
        f.error.line = xmlError.line;
        f.error.column = xmlError.column;
        f.error.message = xmlError.message;
        throw f;
    }
    const XmlNode *root = m_doc->documentElement();
    if (root->localName() != QLatin1String("html"))
        fail(root, tr("the root element must be <h:html>, not %1").arg(describe(root)));
    collectNamespaces(root);
    m_resolver = [this](const QString &prefix) -> std::optional<QString> {
        auto it = m_def.namespaces.constFind(prefix);
        if (it != m_def.namespaces.constEnd())
            return *it;
        // Prefixes the ODK tools use without always declaring them.
        if (prefix == QLatin1String("jr"))
            return kJrNs;
        if (prefix == QLatin1String("orx"))
            return kOrxNs;
        if (prefix == QLatin1String("odk"))
            return kOdkNs;
        if (prefix == QLatin1String("xml"))
            return QStringLiteral("http://www.w3.org/XML/1998/namespace");
        return std::nullopt;
    };

    const XmlNode *head = nullptr;
    const XmlNode *body = nullptr;
    for (const auto &c : root->children()) {
        if (!c->isElement())
            continue;
        if (c->localName() == QLatin1String("head") && !head) {
            if (body)
                fail(body, tr("<h:body> must come after <h:head> and its <model>"));
            head = c.get();
        } else if (c->localName() == QLatin1String("body") && !body) {
            body = c.get();
        }
    }
    if (!head && root->firstChildElement(QStringLiteral("model")))
        head = root; // very old forms put <model> straight under <html>
    if (!head)
        fail(root, tr("the form has no <h:head>"));
    collectNamespaces(head);
    const XmlNode *model = nullptr;
    for (const auto &c : head->children()) {
        if (!c->isElement())
            continue;
        if (c->localName() == QLatin1String("title"))
            m_def.title = c->stringValue().trimmed();
        else if (c->localName() == QLatin1String("model") && !model)
            model = c.get();
    }
    if (!model)
        fail(head, tr("the form has no <model> in <h:head>"));
    collectNamespaces(model);
    for (const auto &a : model->attributes()) {
        if (a->localName() != QLatin1String("entities-version"))
            continue;
        // Entity declarations: this engine reads the spec versions 2022.1 to 2025.1.
        const int year = a->value().section(QLatin1Char('.'), 0, 0).toInt();
        if (year < 2022 || year > 2025)
            fail(model, tr("unsupported: entities spec version %1 (supported: 2022.1 to 2025.1)")
                            .arg(a->value()));
    }

    // Instances: the first is the primary one.
    const XmlNode *primary = nullptr;
    for (const auto &c : model->children()) {
        if (!c->isElement() || c->localName() != QLatin1String("instance"))
            continue;
        if (!primary) {
            primary = c.get();
            continue;
        }
        parseSecondaryInstance(c.get());
    }
    if (!primary)
        fail(model, tr("the <model> has no <instance>"));
    if (primary->childElementCount() != 1)
        fail(primary, tr("the primary <instance> must hold exactly one root element, it holds %n",
                         nullptr, primary->childElementCount()));
    m_primaryRoot = primary->firstChildElement();
    collectNamespaces(m_primaryRoot);
    m_def.formId = attr(m_primaryRoot, "id");
    m_def.version = attr(m_primaryRoot, "version");
    if (m_def.formId.isEmpty()) {
        // Older forms name themselves by the instance's namespace, as JavaRosa accepts.
        m_def.formId =
            m_primaryRoot->namespaceUri() != kXformsNs ? m_primaryRoot->namespaceUri() : QString();
        if (m_def.formId.isEmpty())
            m_def.formId = m_primaryRoot->localName();
    }
    m_rootPath = QLatin1Char('/') + m_primaryRoot->localName();

    for (const auto &c : model->children()) {
        if (c->isElement() && c->localName() == QLatin1String("itext"))
            parseItext(c.get());
    }
    for (const auto &c : model->children()) {
        if (c->isElement() && c->localName() == QLatin1String("bind") && hasAttr(c.get(), "id"))
            m_bindIds.insert(attr(c.get(), "id"),
                             FormDefinition::resolvePath(attr(c.get(), "nodeset"), m_rootPath));
    }
    if (body)
        collectRepeatPaths(body, m_rootPath);
    buildSchema(m_primaryRoot);

    for (const auto &c : model->children()) {
        if (!c->isElement())
            continue;
        const QString n = c->localName();
        if (n == QLatin1String("bind"))
            parseBind(c.get());
        else if (n == QLatin1String("send"))
            fail(c.get(), tr("unsupported: <send> actions (a CommCare extension)"));
        else if (n == QLatin1String("submission")) {
            m_def.submission.action = attr(c.get(), "action");
            m_def.submission.method = attr(c.get(), "method");
            m_def.submission.base64RsaPublicKey = attr(c.get(), "base64RsaPublicKey");
            m_def.submission.orxAutoSend = attr(c.get(), "auto-send");
            m_def.submission.orxAutoDelete = attr(c.get(), "auto-delete");
        }
    }
    for (const auto &c : model->children()) {
        if (!c->isElement())
            continue;
        const QString n = c->localName();
        if (n == QLatin1String("setvalue") || n == QLatin1String("setgeopoint") ||
            n == QLatin1String("action"))
            parseAction(c.get(), true, -1);
    }
    if (body)
        parseBody(body);
    ensureMeta();
    finish();
}

void FormParser::parseSecondaryInstance(const XmlNode *instance)
{
    SecondaryInstance si;
    si.id = attr(instance, "id");
    si.src = attr(instance, "src");
    if (si.id.isEmpty())
        fail(instance, tr("a secondary <instance> needs an id attribute"));
    for (const auto &other : m_def.secondaryInstances) {
        if (other.id == si.id)
            fail(instance, tr("two instances have the id '%1'").arg(si.id));
    }
    if (si.src == QLatin1String("jr://instance/last-saved")) {
        // The last saved filling of this form; before any, the blank form (as Collect does).
        const XmlNode *primary = instance->parent()->firstChildElement(QStringLiteral("instance"));
        si.doc = std::make_unique<XmlDocument>();
        if (primary && primary->firstChildElement())
            si.doc->appendChild(primary->firstChildElement()->clone());
        else
            fail(instance, tr("instance '%1': there is no primary instance to copy").arg(si.id));
    } else if (!si.src.isEmpty()) {
        ExternalDataError err;
        si.doc = loadExternalInstance(
            si.src, {m_options.mediaDir, m_options.media ? &*m_options.media : nullptr}, &err);
        if (!si.doc && err.missing && m_options.allowMissingMedia) {
            // Not there (a draft waiting for its files, a server-supplied list): an empty
            // instance, and reading it says the file is missing.
            si.doc = std::make_unique<XmlDocument>();
            auto root = std::make_unique<XmlNode>(XmlNode::Kind::Element);
            root->setName(QStringLiteral("root"));
            si.doc->appendChild(std::move(root));
            si.missing = err.message;
            m_def.missingMedia.append(si.src.mid(si.src.lastIndexOf(QLatin1Char('/')) + 1));
            warn(instance, tr("instance '%1': %2").arg(si.id, err.message));
        } else if (!si.doc) {
            fail(instance, tr("instance '%1': %2").arg(si.id, err.message));
        }
    } else {
        si.doc = std::make_unique<XmlDocument>();
        for (const auto &c : instance->children()) {
            if (c->isElement()) {
                auto copy = c->clone();
                si.doc->appendChild(std::move(copy));
            }
        }
        if (!si.doc->documentElement())
            fail(instance, tr("instance '%1' is empty").arg(si.id));
    }
    m_def.secondaryInstances.push_back(std::move(si));
}

RichText FormParser::richTextOf(const XmlNode *e)
{
    RichText out;
    for (const auto &c : e->children()) {
        if (c->kind() == XmlNode::Kind::Text) {
            if (!out.empty() && !out.back().expr)
                out.back().text += c->value();
            else
                out.push_back({c->value(), nullptr});
        } else if (c->isElement() && c->localName() == QLatin1String("output")) {
            QString v = attr(c.get(), "value");
            if (v.isEmpty())
                v = attr(c.get(), "ref");
            if (v.trimmed().isEmpty())
                fail(c.get(), tr("<output> needs a value attribute"));
            out.push_back({QString(), compile(c.get(), v, QStringLiteral("value"))});
        } else if (c->isElement()) {
            // Markup inside labels (e.g. <h:span>) is kept as its text.
            RichText inner = richTextOf(c.get());
            out.insert(out.end(), inner.begin(), inner.end());
        }
    }
    return out;
}

void FormParser::parseItext(const XmlNode *itext)
{
    for (const auto &t : itext->children()) {
        if (!t->isElement() || t->localName() != QLatin1String("translation"))
            continue;
        Translation tr_;
        tr_.lang = attr(t.get(), "lang");
        const QString def = attr(t.get(), "default");
        // Present makes it the default, even empty (default=""), as JavaRosa reads it.
        tr_.isDefault = hasAttr(t.get(), "default") && def.trimmed() != QLatin1String("false()");
        if (tr_.lang.isEmpty()) {
            warn(t.get(), tr("a <translation> without a lang attribute is taken as the language "
                             "'default'"));
            tr_.lang = QStringLiteral("default");
        }
        for (const auto &text : t->children()) {
            if (!text->isElement() || text->localName() != QLatin1String("text"))
                continue;
            const QString id = attr(text.get(), "id");
            if (id.isEmpty())
                fail(text.get(), tr("<text> needs an id attribute"));
            ItextEntry &entry = tr_.entries[id];
            for (const auto &v : text->children()) {
                if (!v->isElement() || v->localName() != QLatin1String("value"))
                    continue;
                QString form = attr(v.get(), "form");
                if (form == QLatin1String("long"))
                    form.clear();
                entry.setForm(form, richTextOf(v.get()));
            }
        }
        if (tr_.isDefault && m_def.defaultLanguage.isEmpty())
            m_def.defaultLanguage = tr_.lang;
        m_def.translations.push_back(std::move(tr_));
    }
    if (m_def.defaultLanguage.isEmpty() && !m_def.translations.empty())
        m_def.defaultLanguage = m_def.translations.front().lang;
}

TextSource FormParser::textSource(const XmlNode *e)
{
    TextSource ts;
    const QString ref = attr(e, "ref");
    if (!ref.isEmpty()) {
        static const QRegularExpression re(
            QStringLiteral("^\\s*jr:itext\\(\\s*['\"]([^'\"]*)['\"]\\s*\\)\\s*$"));
        const auto m = re.match(ref);
        if (!m.hasMatch())
            fail(e, tr("unsupported: %1 ref=\"%2\" (only jr:itext('id') is supported here)")
                        .arg(describe(e), ref));
        ts.itextId = m.captured(1);
        bool found = m_def.translations.empty();
        for (const Translation &t : m_def.translations)
            found = found || t.entries.contains(ts.itextId);
        // Enketo and ODK Web Forms load such a form; the text is then empty.
        if (!found)
            warn(e, tr("%1 refers to itext id '%2', which no <translation> defines: it is "
                       "shown empty")
                        .arg(describe(e), ts.itextId));
        return ts;
    }
    ts.inline_ = richTextOf(e);
    return ts;
}

TextSource FormParser::messageSource(const XmlNode *bindElement, const char *attribute)
{
    TextSource ts;
    const QString v = attr(bindElement, attribute);
    if (v.isEmpty())
        return ts;
    static const QRegularExpression re(
        QStringLiteral("^\\s*jr:itext\\(\\s*['\"]([^'\"]*)['\"]\\s*\\)\\s*$"));
    const auto m = re.match(v);
    if (m.hasMatch())
        ts.itextId = m.captured(1);
    else
        ts.inline_.push_back({v, nullptr});
    return ts;
}

void FormParser::collectRepeatPaths(const XmlNode *e, const QString &context)
{
    for (const auto &c : e->children()) {
        if (!c->isElement())
            continue;
        QString ctx = context;
        const QString n = c->localName();
        if (n == QLatin1String("repeat") || n == QLatin1String("group")) {
            QString ref = attr(c.get(), "nodeset");
            if (ref.isEmpty())
                ref = attr(c.get(), "ref");
            if (ref.isEmpty() && hasAttr(c.get(), "bind"))
                ref = m_bindIds.value(attr(c.get(), "bind"));
            if (!ref.isEmpty()) {
                if (!isSimplePath(ref))
                    fail(c.get(), tr("unsupported: %1 with a computed reference \"%2\"")
                                      .arg(describe(c.get()), ref));
                ctx = FormDefinition::resolvePath(ref, context);
                if (n == QLatin1String("repeat") &&
                    FormDefinition::schemaPathOf(ctx, QString()).count(QLatin1Char('/')) < 2)
                    fail(c.get(), tr("a <repeat> cannot repeat the primary instance's root "
                                     "element (%1)")
                                      .arg(ref));
                if (n == QLatin1String("repeat"))
                    m_repeatPaths.insert(FormDefinition::schemaPathOf(ctx, QString()));
            } else if (n == QLatin1String("repeat")) {
                fail(c.get(), tr("<repeat> needs a nodeset attribute"));
            }
        }
        collectRepeatPaths(c.get(), ctx);
    }
}

int FormParser::addSchema(const XmlNode *e, int parent, const QString &parentPath)
{
    SchemaNode s;
    s.parent = parent;
    s.name = e->localName();
    s.prefix = e->prefix();
    s.namespaceUri = e->namespaceUri();
    s.isAttribute = e->kind() == XmlNode::Kind::Attribute;
    s.path = parentPath + (s.isAttribute ? QStringLiteral("/@") : QStringLiteral("/")) + s.name;
    s.depth = parent < 0 ? 0 : m_def.schema[static_cast<std::size_t>(parent)].depth + 1;
    s.isRepeat = !s.isAttribute && m_repeatPaths.contains(s.path);
    s.enclosingRepeat =
        parent < 0 ? -1 : m_def.schema[static_cast<std::size_t>(parent)].enclosingRepeat;
    const int index = static_cast<int>(m_def.schema.size());
    if (s.isRepeat)
        s.enclosingRepeat = index;
    m_def.schema.push_back(s);
    m_def.m_pathIndex.insert(s.path, index);
    if (parent >= 0)
        m_def.schema[static_cast<std::size_t>(parent)].children.push_back(index);
    if (s.isAttribute)
        return index;
    for (const auto &a : e->attributes()) {
        if (a->namespaceUri() == kJrNs && a->localName() == QLatin1String("template"))
            continue;
        addSchema(a.get(), index, s.path);
    }
    // Each child name once, in the order names first appear: for repeats the template
    // (jr:template, or the first instance). Children are grouped by name in one pass, so an
    // element with thousands of children costs time linear in them.
    std::vector<QString> names;
    QHash<QString, std::vector<const XmlNode *>> byName;
    for (const auto &c : e->children()) {
        if (!c->isElement())
            continue;
        auto &same = byName[c->localName()];
        if (same.empty())
            names.push_back(c->localName());
        same.push_back(c.get());
    }
    for (const QString &name : names) {
        const std::vector<const XmlNode *> &same = byName[name];
        const XmlNode *templ = same.front();
        if (m_repeatPaths.contains(s.path + QLatin1Char('/') + name)) {
            const auto marked = std::find_if(same.begin(), same.end(), [](const XmlNode *o) {
                return o->attribute(QStringLiteral("template")) != nullptr;
            });
            if (marked != same.end())
                templ = *marked;
        }
        const int child = addSchema(templ, index, s.path);
        // The other instances of a repeat may hold nodes its template lacks (an entity's
        // update attributes beside the template's create): the schema has them all.
        for (const XmlNode *o : same) {
            if (o != templ)
                mergeSchema(o, child);
        }
    }
    return index;
}

void FormParser::mergeSchema(const XmlNode *e, int index)
{
    const QString path = m_def.schema[static_cast<std::size_t>(index)].path;
    const auto childNamed = [this, index](const QString &name, bool attribute) {
        for (int c : m_def.schema[static_cast<std::size_t>(index)].children) {
            const SchemaNode &cs = m_def.schema[static_cast<std::size_t>(c)];
            if (cs.isAttribute == attribute && cs.name == name)
                return c;
        }
        return -1;
    };
    for (const auto &a : e->attributes()) {
        if (a->namespaceUri() == kJrNs && a->localName() == QLatin1String("template"))
            continue;
        if (childNamed(a->localName(), true) < 0)
            addSchema(a.get(), index, path);
    }
    for (const auto &c : e->children()) {
        if (!c->isElement())
            continue;
        const int existing = childNamed(c->localName(), false);
        if (existing < 0)
            addSchema(c.get(), index, path);
        else
            mergeSchema(c.get(), existing);
    }
}

namespace {

/// Sets schema indices on a live subtree by matching names against the schema.
void assignSchema(XmlNode *node, int schemaIndex, const std::vector<SchemaNode> &schema)
{
    node->schemaIndex = schemaIndex;
    if (schemaIndex < 0)
        return;
    const SchemaNode &s = schema[static_cast<std::size_t>(schemaIndex)];
    auto find = [&](const QString &name, bool attribute) {
        for (int c : s.children) {
            const SchemaNode &cs = schema[static_cast<std::size_t>(c)];
            if (cs.isAttribute == attribute && cs.name == name)
                return c;
        }
        return -1;
    };
    for (const auto &a : node->attributes())
        a->schemaIndex = find(a->localName(), true);
    for (const auto &c : node->children()) {
        if (c->isElement())
            assignSchema(c.get(), find(c->localName(), false), schema);
    }
}

std::unique_ptr<XmlNode> stripTemplates(const XmlNode *e)
{
    auto copy = std::make_unique<XmlNode>(XmlNode::Kind::Element);
    copy->setName(e->localName(), e->prefix(), e->namespaceUri());
    copy->setPosition(e->line(), e->column());
    copy->namespaceDeclarations() = e->namespaceDeclarations();
    for (const auto &a : e->attributes()) {
        if (a->namespaceUri() == kJrNs && a->localName() == QLatin1String("template"))
            continue;
        copy->appendAttribute(a->clone());
    }
    bool hasElements = false;
    for (const auto &c : e->children())
        hasElements = hasElements || c->isElement();
    for (const auto &c : e->children()) {
        if (c->isElement()) {
            if (c->attribute(QStringLiteral("template")) &&
                c->attribute(QStringLiteral("template"))->namespaceUri() == kJrNs)
                continue;
            copy->appendChild(stripTemplates(c.get()));
        } else if (c->kind() == XmlNode::Kind::Text && !hasElements &&
                   !c->value().trimmed().isEmpty()) {
            copy->appendChild(c->clone());
        }
    }
    return copy;
}

} // namespace

void FormParser::buildSchema(const XmlNode *primaryRoot)
{
    addSchema(primaryRoot, -1, QString());
    // Initial instance: the primary instance without jr:template copies.
    m_def.initialInstance = std::make_unique<XmlDocument>();
    m_def.initialInstance->appendChild(stripTemplates(primaryRoot));
    assignSchema(m_def.initialInstance->documentElement(), 0, m_def.schema);
    // A template for each repeat, to add instances.
    for (std::size_t i = 0; i < m_def.schema.size(); ++i) {
        if (!m_def.schema[i].isRepeat)
            continue;
        RepeatInfo info;
        info.schema = static_cast<int>(i);
        // Find the template element in the source: walk the path.
        const QStringList steps = m_def.schema[i].path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        const XmlNode *cur = primaryRoot;
        for (qsizetype s = 1; s < steps.size() && cur; ++s) {
            const XmlNode *next = nullptr;
            for (const auto &c : cur->children()) {
                if (!c->isElement() || c->localName() != steps[s])
                    continue;
                if (!next)
                    next = c.get();
                if (s == steps.size() - 1 && c->attribute(QStringLiteral("template"))) {
                    next = c.get();
                    break;
                }
            }
            cur = next;
        }
        if (!cur)
            continue;
        info.templ = stripTemplates(cur);
        // A template holds the defaults of one new instance; nested repeats start with one.
        assignSchema(info.templ.get(), static_cast<int>(i), m_def.schema);
        m_def.schema[i].repeat = static_cast<int>(m_def.repeats.size());
        m_def.repeats.push_back(std::move(info));
    }
}

int FormParser::schemaForRef(const XmlNode *at, const QString &ref, const QString &context,
                             const QString &what)
{
    if (!isSimplePath(ref))
        fail(at, tr("unsupported: %1 %2=\"%3\" is not a plain path").arg(describe(at), what, ref));
    const QString path = FormDefinition::schemaPathOf(ref, context);
    const int s = m_def.schemaForPath(path);
    if (s < 0) // as JavaRosa does: what refers to nothing is left out, with a warning
        warn(at, tr("%1 %2=\"%3\" refers to %4, which is not in the primary instance; it is "
                    "ignored")
                     .arg(describe(at), what, ref, path));
    return s;
}

namespace {

std::optional<DataType> parseType(QString t)
{
    const qsizetype colon = t.indexOf(QLatin1Char(':'));
    const QString prefix = colon >= 0 ? t.left(colon) : QString();
    if (colon >= 0)
        t = t.mid(colon + 1);
    static const QHash<QString, DataType> types = {
        {QStringLiteral("string"), DataType::String},
        {QStringLiteral("int"), DataType::Int},
        {QStringLiteral("integer"), DataType::Int},
        {QStringLiteral("long"), DataType::Int},
        {QStringLiteral("short"), DataType::Int},
        {QStringLiteral("decimal"), DataType::Decimal},
        {QStringLiteral("double"), DataType::Decimal},
        {QStringLiteral("float"), DataType::Decimal},
        {QStringLiteral("date"), DataType::Date},
        {QStringLiteral("time"), DataType::Time},
        {QStringLiteral("dateTime"), DataType::DateTime},
        {QStringLiteral("select1"), DataType::Select1},
        {QStringLiteral("select"), DataType::Select},
        {QStringLiteral("geopoint"), DataType::Geopoint},
        {QStringLiteral("geotrace"), DataType::Geotrace},
        {QStringLiteral("geoshape"), DataType::Geoshape},
        {QStringLiteral("binary"), DataType::Binary},
        {QStringLiteral("base64Binary"), DataType::Binary},
        {QStringLiteral("barcode"), DataType::Barcode},
        {QStringLiteral("boolean"), DataType::Boolean},
        {QStringLiteral("rank"), DataType::Rank},
        {QStringLiteral("intent"), DataType::Intent},
    };
    auto it = types.constFind(t);
    if (it == types.constEnd()) {
        // Written in other cases by some tools ("datetime", "Date"): the same types.
        for (auto k = types.constBegin(); k != types.constEnd(); ++k) {
            if (k.key().compare(t, Qt::CaseInsensitive) == 0)
                return *k;
        }
        return std::nullopt;
    }
    return *it;
}

} // namespace

void FormParser::parseBind(const XmlNode *b)
{
    QString nodeset = attr(b, "nodeset");
    if (nodeset.isEmpty())
        nodeset = attr(b, "ref");
    if (nodeset.isEmpty()) {
        warn(b, tr("a <bind> without a nodeset is ignored"));
        return;
    }
    const int schemaIndex = schemaForRef(b, nodeset, m_rootPath, QStringLiteral("nodeset"));
    if (schemaIndex < 0)
        return;
    if (hasAttr(b, "id"))
        m_bindIds.insert(attr(b, "id"), FormDefinition::resolvePath(nodeset, m_rootPath));
    SchemaNode &s = m_def.schema[static_cast<std::size_t>(schemaIndex)];
    if (s.bind < 0) {
        s.bind = static_cast<int>(m_def.binds.size());
        Bind nb;
        nb.schema = schemaIndex;
        nb.line = b->line();
        nb.column = b->column();
        nb.nodeset = nodeset;
        m_def.binds.push_back(std::move(nb));
    }
    Bind &bind = m_def.binds[static_cast<std::size_t>(s.bind)];
    if (hasAttr(b, "type")) {
        bind.typeName = attr(b, "type");
        const auto t = parseType(bind.typeName);
        if (!t)
            warn(b, tr("the data type '%1' on the bind for %2 is not an XForms type; the answer "
                       "is kept as text")
                        .arg(bind.typeName, nodeset));
        bind.type = t.value_or(DataType::String);
    }
    auto expr = [&](const char *name, std::shared_ptr<xpath::Expression> &slot) {
        const XmlNode *a = b->attribute(QLatin1String(name));
        if (!a || a->namespaceUri() == kJrNs)
            return;
        if (a->value().trimmed().isEmpty())
            return;
        slot = compile(b, a->value(),
                       tr("the %1 expression for %2").arg(QLatin1String(name), nodeset));
    };
    expr("relevant", bind.relevant);
    expr("required", bind.required);
    expr("readonly", bind.readonly);
    expr("constraint", bind.constraint);
    expr("calculate", bind.calculate);
    if (hasAttr(b, "constraintMsg"))
        bind.constraintMsg = messageSource(b, "constraintMsg");
    if (hasAttr(b, "requiredMsg"))
        bind.requiredMsg = messageSource(b, "requiredMsg");
    if (hasAttr(b, "preload")) {
        bind.preload = attr(b, "preload");
        bind.preloadParams = attr(b, "preloadParams");
    }
    if (hasAttr(b, "saveIncomplete"))
        bind.saveIncomplete = attr(b, "saveIncomplete").trimmed() == QLatin1String("true()");
    // orx:max-pixels: images are scaled down to this longest side before they are kept.
    if (hasAttr(b, "max-pixels"))
        bind.maxPixels = std::max(0, attr(b, "max-pixels").trimmed().toInt());
}

void FormParser::parseAction(const XmlNode *a, bool inModel, int controlSchema)
{
    const QString n = a->localName();
    if (n == QLatin1String("action")) {
        fail(a, tr("unsupported: <action> blocks (use setvalue with an event attribute)"));
    }
    Action action;
    if (n == QLatin1String("setgeopoint")) {
        if (a->namespaceUri() != kOdkNs)
            fail(a, tr("%1 must be in the ODK namespace (%2), write it as odk:setgeopoint")
                        .arg(describe(a), kOdkNs));
        action.kind = Action::Kind::SetGeopoint;
    }
    const QStringList events =
        attr(a, "event").split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    if (events.isEmpty())
        fail(a, tr("%1 needs an event attribute").arg(describe(a)));
    QStringList unknown;
    for (const QString &ev : events) {
        if (ev == QLatin1String("odk-instance-first-load") || ev == QLatin1String("xforms-ready"))
            action.events.push_back(ActionEvent::InstanceFirstLoad);
        else if (ev == QLatin1String("odk-instance-load"))
            action.events.push_back(ActionEvent::InstanceLoad);
        else if (ev == QLatin1String("odk-new-repeat") || ev == QLatin1String("jr-insert")) {
            if (inModel && events.size() == 1) // as JavaRosa (Enketo takes it)
                fail(a, tr("the odk-new-repeat event belongs in the body, inside the <repeat> it "
                           "reacts to, not in the <model>"));
            action.events.push_back(ActionEvent::NewRepeat);
        } else if (ev == QLatin1String("xforms-value-changed")) {
            if (inModel || controlSchema < 0)
                fail(a, tr("the xforms-value-changed event belongs inside the control whose "
                           "value it watches, not in the <model>"));
            action.events.push_back(ActionEvent::ValueChanged);
        } else {
            unknown << ev;
        }
    }
    // Unknown events beside known ones are ignored (as Enketo does); an action that reacts
    // to no known event at all is an error (as JavaRosa says).
    if (action.events.empty())
        fail(a, tr("unsupported: event '%1' on %2 (supported: odk-instance-first-load, "
                   "odk-instance-load, odk-new-repeat, xforms-value-changed)")
                    .arg(unknown.join(QStringLiteral(", ")), describe(a)));
    if (!unknown.isEmpty())
        qCDebug(lcForm) << "ignoring events" << unknown << "on" << describe(a);
    QString ref = attr(a, "ref");
    if (ref.isEmpty() && hasAttr(a, "bind"))
        ref = m_bindIds.value(attr(a, "bind"));
    if (ref.isEmpty())
        fail(a, tr("%1 needs a ref attribute").arg(describe(a)));
    const QString contextPath = controlSchema >= 0
                                    ? m_def.schema[static_cast<std::size_t>(controlSchema)].path
                                    : m_rootPath;
    action.target = schemaForRef(a, ref, contextPath, QStringLiteral("ref"));
    if (action.target < 0)
        return;
    action.ref = compile(a, ref, QStringLiteral("ref"));
    action.trigger = controlSchema;
    if (inModel) // with odk-instance-first-load: also each new instance of the target's repeat
        action.trigger = m_def.schema[static_cast<std::size_t>(action.target)].enclosingRepeat;
    if (hasAttr(a, "value") && !attr(a, "value").trimmed().isEmpty())
        action.value = compile(a, attr(a, "value"), QStringLiteral("value"));
    else if (!hasAttr(a, "value"))
        action.literal = a->stringValue();
    m_def.actions.push_back(std::move(action));
}

void FormParser::parseBody(const XmlNode *body)
{
    for (const auto &c : body->children()) {
        if (!c->isElement())
            continue;
        if (c->localName() == QLatin1String("setvalue") ||
            c->localName() == QLatin1String("setgeopoint")) {
            parseAction(c.get(), false, -1);
            continue;
        }
        const int idx = parseControl(c.get(), -1, m_rootPath);
        if (idx >= 0)
            m_def.bodyControls.push_back(idx);
    }
}

int FormParser::parseControl(const XmlNode *e, int parentControl, const QString &context)
{
    const QString n = e->localName();
    static const QHash<QString, Control::Kind> kinds = {
        {QStringLiteral("input"), Control::Kind::Input},
        {QStringLiteral("select1"), Control::Kind::Select1},
        {QStringLiteral("select"), Control::Kind::Select},
        {QStringLiteral("trigger"), Control::Kind::Trigger},
        {QStringLiteral("upload"), Control::Kind::Upload},
        {QStringLiteral("range"), Control::Kind::Range},
        {QStringLiteral("rank"), Control::Kind::Rank},
        {QStringLiteral("group"), Control::Kind::Group},
        {QStringLiteral("repeat"), Control::Kind::Repeat},
    };
    if (n == QLatin1String("label") || n == QLatin1String("hint"))
        return -1; // group labels are handled by the group
    if (n == QLatin1String("setvalue") || n == QLatin1String("setgeopoint")) {
        fail(e,
             tr("%1 directly in the body needs an enclosing control or repeat").arg(describe(e)));
    }
    auto kit = kinds.constFind(n);
    if (kit == kinds.constEnd()) {
        if (e->namespaceUri() != kXformsNs && e->namespaceUri() != kOdkNs)
            return -1; // presentation markup (e.g. xhtml) carries no questions
        warn(e, tr("the body element %1 is not an XForms control; it is skipped").arg(describe(e)));
        return -1;
    }
    if (*kit == Control::Kind::Upload && hasAttr(e, "imageDimensionScaledMax")) {
        static const QRegularExpression dim(QStringLiteral("^\\s*\\d+\\s*(px)?\\s*$"));
        if (!dim.match(attr(e, "imageDimensionScaledMax")).hasMatch())
            fail(e, tr("%1 jr:imageDimensionScaledMax=\"%2\" is not a size in pixels (e.g. 800px)")
                        .arg(describe(e), attr(e, "imageDimensionScaledMax")));
    }

    const int index = static_cast<int>(m_def.controls.size());
    m_def.controls.emplace_back();
    {
        Control &c = m_def.controls.back();
        c.kind = *kit;
        c.line = e->line();
        c.column = e->column();
        c.parent = parentControl;
        c.appearance = attr(e, "appearance");
        c.mediatype = attr(e, "mediatype");
        c.fieldList = c.kind == Control::Kind::Group &&
                      c.appearance.split(QLatin1Char(' ')).contains(QStringLiteral("field-list"));
    }
    const bool isRepeat = *kit == Control::Kind::Repeat;
    QString ref = attr(e, isRepeat ? "nodeset" : "ref");
    if (ref.isEmpty() && isRepeat)
        ref = attr(e, "ref");
    if (ref.isEmpty() && hasAttr(e, "bind")) {
        ref = m_bindIds.value(attr(e, "bind"));
        if (ref.isEmpty())
            fail(e, tr("%1 bind=\"%2\" names no <bind id>").arg(describe(e), attr(e, "bind")));
    }
    QString myContext = context;
    int schema = -1;
    if (!ref.isEmpty()) {
        schema = schemaForRef(e, ref, context, QLatin1String(isRepeat ? "nodeset" : "ref"));
        if (schema < 0 && *kit != Control::Kind::Group) {
            m_def.controls.pop_back(); // a question for no node: left out (warned)
            return -1;
        }
        if (schema >= 0)
            myContext = m_def.schema[static_cast<std::size_t>(schema)].path;
    } else if (*kit != Control::Kind::Group) {
        fail(e, tr("%1 needs a ref attribute").arg(describe(e)));
    }
    m_def.controls[static_cast<std::size_t>(index)].schema = schema;
    m_def.controls[static_cast<std::size_t>(index)].ref = ref;
    if (schema >= 0 && *kit != Control::Kind::Group) {
        SchemaNode &sn = m_def.schema[static_cast<std::size_t>(schema)];
        if (sn.control < 0)
            sn.control = index;
    }
    if (*kit == Control::Kind::Repeat) {
        Control &c = m_def.controls[static_cast<std::size_t>(index)];
        const XmlNode *countAttr = nullptr;
        for (const auto &a : e->attributes()) {
            if (a->localName() == QLatin1String("count") && a->namespaceUri() == kJrNs)
                countAttr = a.get();
            if (a->localName() == QLatin1String("noAddRemove") && a->namespaceUri() == kJrNs)
                c.noAddRemove = a->value().trimmed() != QLatin1String("false()");
        }
        if (countAttr && !countAttr->value().trimmed().isEmpty()) {
            auto expr = compile(e, countAttr->value(), QStringLiteral("jr:count"));
            m_def.controls[static_cast<std::size_t>(index)].count = expr;
        }
        const int rep = m_def.schema[static_cast<std::size_t>(schema)].repeat;
        if (rep >= 0)
            m_def.repeats[static_cast<std::size_t>(rep)].control = index;
    }
    if (*kit == Control::Kind::Range) {
        bool ok1 = false;
        bool ok2 = false;
        bool ok3 = false;
        const double start = attr(e, "start").toDouble(&ok1);
        const double end = attr(e, "end").toDouble(&ok2);
        const double step = attr(e, "step").toDouble(&ok3);
        if (!ok1 || !ok2 || !ok3 || step <= 0 || std::isnan(start) || std::isnan(end) ||
            std::isinf(start) || std::isinf(end) || std::fabs(end - start) < step)
            fail(e, tr("<range> needs numeric start, end and step, with a positive step not "
                       "larger than end - start (start=\"%1\" end=\"%2\" step=\"%3\")")
                        .arg(attr(e, "start"), attr(e, "end"), attr(e, "step")));
        // ODK loads a step that does not divide the range: its last value is then short of
        // the end.
        if (std::fabs(std::remainder(end - start, step)) > 1e-9 * std::max(1.0, step))
            warn(e, tr("<range> step %1 does not divide %2 to %3: the end cannot be chosen")
                        .arg(attr(e, "step"), attr(e, "start"), attr(e, "end")));
        Control &c = m_def.controls[static_cast<std::size_t>(index)];
        c.rangeStart = start;
        c.rangeEnd = end;
        c.rangeStep = step;
    }
    for (const auto &child : e->children()) {
        if (!child->isElement())
            continue;
        const QString cn = child->localName();
        if (cn == QLatin1String("label")) {
            TextSource ts = textSource(child.get());
            m_def.controls[static_cast<std::size_t>(index)].label = std::move(ts);
        } else if (cn == QLatin1String("hint")) {
            TextSource ts = textSource(child.get());
            m_def.controls[static_cast<std::size_t>(index)].hint = std::move(ts);
        } else if (cn == QLatin1String("item")) {
            Item item;
            const XmlNode *v = child->firstChildElement(QStringLiteral("value"));
            if (!v)
                fail(child.get(), tr("<item> needs a <value>"));
            item.value = v->stringValue().trimmed();
            if (item.value.contains(QLatin1Char(' ')) && *kit == Control::Kind::Select)
                warn(v, tr("choice value '%1' contains a space: as a multiple-choice answer it "
                           "reads as several values")
                            .arg(item.value));
            if (const XmlNode *l = child->firstChildElement(QStringLiteral("label")))
                item.label = textSource(l);
            m_def.controls[static_cast<std::size_t>(index)].items.push_back(std::move(item));
        } else if (cn == QLatin1String("itemset")) {
            parseItemset(m_def.controls[static_cast<std::size_t>(index)], child.get());
        } else if (cn == QLatin1String("setvalue") || cn == QLatin1String("setgeopoint")) {
            parseAction(child.get(), false, schema);
        } else if (*kit == Control::Kind::Group || *kit == Control::Kind::Repeat) {
            const int ci = parseControl(child.get(), index, myContext);
            if (ci >= 0)
                m_def.controls[static_cast<std::size_t>(index)].children.push_back(ci);
        } else if (cn == QLatin1String("value") || cn == QLatin1String("help") ||
                   cn == QLatin1String("alert")) {
            continue;
        } else {
            // Elements other tools add inside controls (e.g. <tag>) carry no data here.
            qCDebug(lcForm) << "ignoring" << describe(child.get()) << "inside" << describe(e);
        }
    }
    Control &c = m_def.controls[static_cast<std::size_t>(index)];
    if (c.kind == Control::Kind::Select1 || c.kind == Control::Kind::Select ||
        c.kind == Control::Kind::Rank) {
        if (c.items.empty() && !c.itemset) // as JavaRosa: "has no choices"
            fail(e,
                 tr("%1 for %2 has no choices (no <item> and no <itemset>)").arg(describe(e), ref));
        const QString r = attr(e, "randomize").trimmed();
        c.randomize = r == QLatin1String("true()") || r == QLatin1String("true");
        if (hasAttr(e, "seed"))
            c.seed = compile(e, attr(e, "seed"), QStringLiteral("seed"));
    }
    return index;
}

void FormParser::parseItemset(Control &c, const XmlNode *itemset)
{
    Itemset is;
    const QString nodeset = attr(itemset, "nodeset");
    if (nodeset.isEmpty())
        fail(itemset, tr("<itemset> needs a nodeset attribute"));
    is.nodeset = compile(itemset, nodeset, QStringLiteral("nodeset"));
    const XmlNode *value = itemset->firstChildElement(QStringLiteral("value"));
    const XmlNode *label = itemset->firstChildElement(QStringLiteral("label"));
    if (!value || attr(value, "ref").isEmpty())
        fail(itemset, tr("<itemset> needs <value ref=\"…\"/>"));
    if (!label || attr(label, "ref").isEmpty())
        fail(itemset, tr("<itemset> needs <label ref=\"…\"/>"));
    is.valueRef = compile(value, attr(value, "ref"), QStringLiteral("ref"));
    const QString lref = attr(label, "ref").trimmed();
    static const QRegularExpression itextRe(QStringLiteral("^jr:itext\\((.*)\\)$"));
    const auto m = itextRe.match(lref);
    if (m.hasMatch())
        is.labelItextRef = compile(label, m.captured(1), QStringLiteral("ref"));
    else
        is.labelRef = compile(label, lref, QStringLiteral("ref"));
    c.itemset = std::move(is);
}

void FormParser::ensureMeta()
{
    // Every submission carries meta/instanceID; add it when the form lacks it.
    XmlNode *root = m_def.initialInstance->documentElement();
    int meta = -1;
    for (int c : m_def.schema[0].children) {
        if (m_def.schema[static_cast<std::size_t>(c)].name == QLatin1String("meta"))
            meta = c;
    }
    auto addChild = [&](int parentSchema, XmlNode *parentNode, const QString &name,
                        const QString &prefix, const QString &uri) {
        SchemaNode s;
        s.parent = parentSchema;
        s.name = name;
        s.prefix = prefix;
        s.namespaceUri = uri;
        s.path =
            m_def.schema[static_cast<std::size_t>(parentSchema)].path + QLatin1Char('/') + name;
        s.depth = m_def.schema[static_cast<std::size_t>(parentSchema)].depth + 1;
        const int idx = static_cast<int>(m_def.schema.size());
        m_def.schema.push_back(s);
        m_def.schema[static_cast<std::size_t>(parentSchema)].children.push_back(idx);
        m_def.m_pathIndex.insert(s.path, idx);
        auto node = std::make_unique<XmlNode>(XmlNode::Kind::Element);
        node->setName(name, prefix, uri);
        node->schemaIndex = idx;
        parentNode->appendChild(std::move(node));
        return idx;
    };
    XmlNode *metaNode = nullptr;
    if (meta < 0) {
        meta = addChild(0, root, QStringLiteral("meta"), QStringLiteral("orx"), kOrxNs);
        metaNode = root->children().back().get();
    } else {
        for (const auto &c : root->children()) {
            if (c->schemaIndex == meta)
                metaNode = c.get();
        }
    }
    const SchemaNode &ms = m_def.schema[static_cast<std::size_t>(meta)];
    for (int c : ms.children) {
        const QString &name = m_def.schema[static_cast<std::size_t>(c)].name;
        if (name == QLatin1String("instanceID"))
            m_def.instanceIdSchema = c;
        else if (name == QLatin1String("instanceName"))
            m_def.instanceNameSchema = c;
        else if (name == QLatin1String("deprecatedID"))
            m_def.deprecatedIdSchema = c;
    }
    if (m_def.instanceIdSchema < 0 && metaNode) {
        m_def.instanceIdSchema =
            addChild(meta, metaNode, QStringLiteral("instanceID"), ms.prefix, ms.namespaceUri);
    }
}

void FormParser::finish()
{
    // A date question whose default is a moment ("2025-12-21T23:30:05") holds its day, as
    // the ODK engines store it: the submission then carries a date where the form says date.
    std::function<void(XmlNode *)> dayOnly = [&](XmlNode *n) {
        if (n->schemaIndex >= 0) {
            const int b = m_def.schema[static_cast<std::size_t>(n->schemaIndex)].bind;
            if (b >= 0 && m_def.binds[static_cast<std::size_t>(b)].type == DataType::Date) {
                const QString v = n->stringValue().trimmed();
                if (v.size() > 10 && v[10] == QLatin1Char('T') &&
                    QDate::fromString(v.left(10), Qt::ISODate).isValid())
                    n->setText(v.left(10));
            }
        }
        for (const auto &c : n->children()) {
            if (c->isElement())
                dayOnly(c.get());
        }
    };
    dayOnly(m_def.initialInstance->documentElement());
    for (RepeatInfo &r : m_def.repeats) {
        if (r.templ)
            dayOnly(r.templ.get());
    }
    // Number the shared read-only documents now: sessions on several threads then only
    // read the order (ensureOrder() writes when a document is dirty).
    for (SecondaryInstance &si : m_def.secondaryInstances)
        si.doc->ensureOrder();
    m_def.initialInstance->ensureOrder();
    QString cycleError;
    const int cycleAt = analyseDependencies(m_def, &cycleError);
    if (cycleAt >= 0) {
        const SchemaNode &s = m_def.schema[static_cast<std::size_t>(cycleAt)];
        const Bind &b = m_def.binds[static_cast<std::size_t>(s.bind)];
        FormError e;
        e.line = b.line;
        e.column = b.column;
        e.message = cycleError;
        throw ParseFailure{e};
    }
}

std::shared_ptr<const FormDefinition>
FormDefinition::load(const QByteArray &xml, const LoadOptions &options, FormError *error)
{
    auto def = std::make_shared<FormDefinition>();
    FormParser parser(*def, options);
    try {
        parser.parse(xml);
    } catch (const ParseFailure &f) {
        if (error)
            *error = f.error;
        return nullptr;
    }
    return def;
}

std::shared_ptr<const FormDefinition>
FormDefinition::loadFile(const QString &path, const LoadOptions &options, FormError *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error) {
            error->line = 0;
            error->column = 0;
            error->message = tr("cannot read the form: %1").arg(f.errorString());
        }
        return nullptr;
    }
    LoadOptions opts = options;
    if (opts.mediaDir.isEmpty()) {
        const QFileInfo fi(path);
        const QString beside = fi.dir().filePath(fi.completeBaseName() + QStringLiteral("-media"));
        if (QFileInfo(beside).isDir())
            opts.mediaDir = beside;
        else
            opts.mediaDir = fi.dir().path();
    }
    return load(f.readAll(), opts, error);
}

std::vector<FormDefinition::MediaReference> FormDefinition::mediaReferences() const
{
    std::map<QString, QString> found; // name -> type; sorted, one entry per name
    auto fileName = [](const QString &uri) {
        return uri.mid(uri.lastIndexOf(QLatin1Char('/')) + 1);
    };
    for (const SecondaryInstance &si : secondaryInstances) {
        if (si.src.startsWith(QLatin1String("jr://file/")) ||
            si.src.startsWith(QLatin1String("jr://file-csv/")))
            found.emplace(fileName(si.src), QStringLiteral("file"));
    }
    for (const Translation &t : translations) {
        for (auto it = t.entries.cbegin(); it != t.entries.cend(); ++it) {
            for (const auto &[formName, text] : it->forms) {
                const bool image =
                    formName == QLatin1String("image") || formName == QLatin1String("big-image");
                if (!image && formName != QLatin1String("audio") &&
                    formName != QLatin1String("video"))
                    continue;
                QString uri;
                for (const TextSegment &segment : text) {
                    if (!segment.expr)
                        uri += segment.text;
                }
                uri = uri.trimmed();
                if (uri.startsWith(QLatin1String("jr://")) && !fileName(uri).isEmpty())
                    found.emplace(fileName(uri), image ? QStringLiteral("image") : formName);
            }
        }
    }
    std::vector<MediaReference> out;
    out.reserve(found.size());
    for (const auto &[name, type] : found)
        out.push_back({name, type});
    return out;
}

QString FormDefinition::typeNameOf(const Control &c) const
{
    if (c.kind == Control::Kind::Trigger)
        return QStringLiteral("trigger");
    if (c.schema < 0)
        return QStringLiteral("group");
    const int b = schema[static_cast<std::size_t>(c.schema)].bind;
    if (b >= 0 && !binds[static_cast<std::size_t>(b)].typeName.isEmpty())
        return dataTypeName(binds[static_cast<std::size_t>(b)].type);
    switch (c.kind) {
    case Control::Kind::Select1:
        return QStringLiteral("select1");
    case Control::Kind::Select:
        return QStringLiteral("select");
    case Control::Kind::Rank:
        return QStringLiteral("rank");
    case Control::Kind::Upload:
        return QStringLiteral("binary");
    default:
        return QStringLiteral("string");
    }
}

QString controlKindName(Control::Kind k)
{
    switch (k) {
    case Control::Kind::Input:
        return QStringLiteral("input");
    case Control::Kind::Select1:
        return QStringLiteral("select1");
    case Control::Kind::Select:
        return QStringLiteral("select");
    case Control::Kind::Trigger:
        return QStringLiteral("trigger");
    case Control::Kind::Upload:
        return QStringLiteral("upload");
    case Control::Kind::Range:
        return QStringLiteral("range");
    case Control::Kind::Rank:
        return QStringLiteral("rank");
    case Control::Kind::Group:
        return QStringLiteral("group");
    case Control::Kind::Repeat:
        return QStringLiteral("repeat");
    }
    return QString();
}

QStringList FormDefinition::languages() const
{
    QStringList out;
    for (const Translation &t : translations)
        out.push_back(t.lang);
    return out;
}

QString FormDefinition::languageFor(const QStringList &languages, const QString &preferred,
                                    const QString &appCode)
{
    if (!preferred.isEmpty() && languages.contains(preferred))
        return preferred;
    const QString base = appCode.left(2).toLower();
    for (const QString &l : languages) {
        const QString lower = l.toLower();
        if (lower.contains(QLatin1Char('(') + base) || lower == base ||
            (base == QLatin1String("zh") &&
             (l.contains(QStringLiteral("中文")) || lower.contains(QLatin1String("chinese")))) ||
            (base == QLatin1String("en") && lower.contains(QLatin1String("english"))))
            return l;
    }
    return QString();
}

int FormDefinition::questionCount() const
{
    int n = 0;
    for (const Control &c : controls)
        n += (c.kind != Control::Kind::Group && c.kind != Control::Kind::Repeat) ? 1 : 0;
    return n;
}

int FormDefinition::groupCount() const
{
    int n = 0;
    for (const Control &c : controls)
        n += c.kind == Control::Kind::Group ? 1 : 0;
    return n;
}

const SecondaryInstance *FormDefinition::secondary(const QString &id) const
{
    for (const SecondaryInstance &s : secondaryInstances) {
        if (s.id == id)
            return &s;
    }
    return nullptr;
}

QString dataTypeName(DataType t)
{
    switch (t) {
    case DataType::String:
        return QStringLiteral("string");
    case DataType::Int:
        return QStringLiteral("int");
    case DataType::Decimal:
        return QStringLiteral("decimal");
    case DataType::Date:
        return QStringLiteral("date");
    case DataType::Time:
        return QStringLiteral("time");
    case DataType::DateTime:
        return QStringLiteral("dateTime");
    case DataType::Select1:
        return QStringLiteral("select1");
    case DataType::Select:
        return QStringLiteral("select");
    case DataType::Geopoint:
        return QStringLiteral("geopoint");
    case DataType::Geotrace:
        return QStringLiteral("geotrace");
    case DataType::Geoshape:
        return QStringLiteral("geoshape");
    case DataType::Binary:
        return QStringLiteral("binary");
    case DataType::Barcode:
        return QStringLiteral("barcode");
    case DataType::Boolean:
        return QStringLiteral("boolean");
    case DataType::Rank:
        return QStringLiteral("rank");
    case DataType::Intent:
        return QStringLiteral("intent");
    }
    return QString();
}

} // namespace survey::form
