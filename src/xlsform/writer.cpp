// SPDX-License-Identifier: GPL-3.0-or-later
// Form → XForm: the itext (labels in each language), the primary instance, the secondary
// instances (choice lists, files), the binds with their actions, and the body.
#include "writer.h"

#include "builder.h"
#include "references.h"
#include "xmlout.h"

#include <QRegularExpression>
#include <QSet>

#include <functional>

namespace survey::xlsform {

namespace {

bool isDict(const Translated &t)
{
    for (auto it = t.begin(); it != t.end(); ++it)
        if (!it.key().isEmpty() && !it.value().isEmpty())
            return true;
    return false;
}

QString mediaPrefix(const QString &kind)
{
    if (kind == QLatin1String("audio"))
        return QStringLiteral("jr://audio/");
    if (kind == QLatin1String("video"))
        return QStringLiteral("jr://video/");
    return QStringLiteral("jr://images/");
}

/// Content for a label or value: text and <output value="…"/> pieces.
struct Piece
{
    bool output = false;
    QString text;
};
using Content = QList<Piece>;

/// One <text id> of the itext: its values by form ("" for the text itself).
struct TextEntry
{
    QString id;
    QList<std::pair<QString, Content>> values;
};

struct Translation
{
    QString lang;
    QList<TextEntry> texts;
    QHash<QString, int> index;

    TextEntry &entry(const QString &id)
    {
        const auto it = index.constFind(id);
        if (it != index.constEnd())
            return texts[*it];
        index.insert(id, int(texts.size()));
        texts.append(TextEntry{id, {}});
        return texts.last();
    }
};

struct SecondaryInstance
{
    QString id;
    QString src; // empty for a choice list written inline
    QString kind;
    QString context;
    int listIndex = -1;
};

class Writer
{
public:
    Writer(const Form &form, const QString &fallbackId, QList<Message> *warnings);
    WriteResult write();

private:
    // Text
    Content content(const QString &text, const Element *context, bool absolute) const;
    void fillNode(XmlNode &node, const Content &c) const;
    Translated languages(const Translated &t) const;
    void addText(const QString &lang, const QString &id, const QString &form, const Content &c);
    void collectItext();
    void collectElementItext(const Element &e);
    bool labelUsesItext(const Element &e) const;
    bool hintUsesItext(const Element &e) const;
    bool listUsesItext(const ChoiceList &list) const;
    bool listNeedsItext(const ChoiceList &list) const;
    mutable QHash<QString, bool> m_listItext;

    // Instances
    void collectInstances(const Element &e);
    void addInstance(const SecondaryInstance &instance);
    void writePrimary(XmlNode &parent, const Element &e, int mode);

    // Binds and body
    void writeBinds(XmlNode &model, const Element &e);
    void writeBody(XmlNode &parent, const Element &e);
    void writeControl(XmlNode &parent, const Element &e);
    void writeLabelAndHint(XmlNode &control, const Element &e);
    void writeItems(XmlNode &control, const Element &e);
    void collectRepeatActions(const Element &e, QList<const Element *> *out) const;
    QString resolve(const QString &text, const Element *context, int flags = 0);

    const Form &m_form;
    QString m_fallbackId;
    QList<Message> *m_warnings;
    References m_refs;
    QString m_defaultLang;
    QList<Translation> m_itext;
    QHash<QString, int> m_langIndex;
    QList<SecondaryInstance> m_instances;
    bool m_lastSaved = false;
    QSet<int> m_searchLists;
    QHash<QString, int> m_listIndex;
    QHash<const Element *, QList<const Element *>> m_triggered; // trigger → targets
    Element m_meta, m_instanceId, m_instanceName;
    // Entities: where each goes, and stand-ins for meta/entity/@attribute to resolve from.
    struct EntityPlace
    {
        const EntityDeclaration *declaration;
        std::unique_ptr<Element> meta, entity, leaf;
    };
    std::vector<EntityPlace> m_entityPlaces;
    const EntityPlace *entityIn(const Element *container) const;
    void writeEntityInstance(XmlNode &parent, const EntityDeclaration &d) const;
    void writeEntityBinds(XmlNode &model, const EntityPlace &place);
};

Writer::Writer(const Form &form, const QString &fallbackId, QList<Message> *warnings)
    : m_form(form)
    , m_fallbackId(fallbackId)
    , m_warnings(warnings)
    , m_refs(*form.root)
{
    m_defaultLang = form.settings.defaultLanguage.isEmpty() ? QStringLiteral("default")
                                                            : form.settings.defaultLanguage;
    m_meta.name = QStringLiteral("meta");
    m_meta.kind = Kind::Group;
    m_meta.parent = form.root.get();
    m_instanceId.name = QStringLiteral("instanceID");
    m_instanceId.parent = &m_meta;
    m_instanceName.name = QStringLiteral("instanceName");
    m_instanceName.parent = &m_meta;
    if (!form.settings.omitInstanceId)
        m_refs.addExtra(QStringLiteral("instanceID"), &m_instanceId);
    if (!form.settings.instanceName.isEmpty())
        m_refs.addExtra(QStringLiteral("instanceName"), &m_instanceName);
    for (qsizetype i = 0; i < form.choiceLists.size(); ++i)
        m_listIndex.insert(form.choiceLists.at(i).name, int(i));
    for (const EntityDeclaration &d : form.entities) {
        EntityPlace place{&d, std::make_unique<Element>(), std::make_unique<Element>(),
                          std::make_unique<Element>()};
        place.meta->name = QStringLiteral("meta");
        place.meta->kind = Kind::Group;
        place.meta->parent = d.container;
        place.entity->name = QStringLiteral("entity");
        place.entity->kind = Kind::Group;
        place.entity->parent = place.meta.get();
        place.leaf->name = QStringLiteral("label");
        place.leaf->parent = place.entity.get();
        m_entityPlaces.push_back(std::move(place));
    }
}

const Writer::EntityPlace *Writer::entityIn(const Element *container) const
{
    for (const EntityPlace &p : m_entityPlaces)
        if (p.declaration->container == container)
            return &p;
    return nullptr;
}

void Writer::writeEntityInstance(XmlNode &parent, const EntityDeclaration &d) const
{
    XmlNode &entity = parent.add(QStringLiteral("entity"));
    entity.attr(QStringLiteral("dataset"), d.dataset);
    if (d.entityId.isEmpty() || !d.createIf.isEmpty())
        entity.attr(QStringLiteral("create"), QStringLiteral("1"));
    if (!d.entityId.isEmpty()) {
        entity.attr(QStringLiteral("update"), QStringLiteral("1"));
        entity.attr(QStringLiteral("baseVersion"), QString());
        entity.attr(QStringLiteral("trunkVersion"), QString());
        entity.attr(QStringLiteral("branchId"), QString());
    }
    entity.attr(QStringLiteral("id"), QString());
    if (!d.label.isEmpty())
        entity.add(QStringLiteral("label"));
}

void Writer::writeEntityBinds(XmlNode &model, const EntityPlace &place)
{
    const EntityDeclaration &d = *place.declaration;
    const QString p = place.entity->path();
    const Element *leaf = place.leaf.get();
    const auto bind = [&](const QString &node, const QString &calculate) -> XmlNode & {
        XmlNode &b = model.add(QStringLiteral("bind"));
        b.attr(QStringLiteral("nodeset"), p + node);
        if (!calculate.isEmpty())
            b.attr(QStringLiteral("calculate"), calculate);
        b.attr(QStringLiteral("readonly"), QStringLiteral("true()"));
        b.attr(QStringLiteral("type"), QStringLiteral("string"));
        return b;
    };
    if (!d.createIf.isEmpty())
        bind(QStringLiteral("/@create"), resolve(d.createIf, leaf));
    if (!d.updateIf.isEmpty())
        bind(QStringLiteral("/@update"), resolve(d.updateIf, leaf));
    if (!d.entityId.isEmpty()) {
        for (const auto &[attr, field] :
             {std::pair{QStringLiteral("baseVersion"), QStringLiteral("__version")},
              std::pair{QStringLiteral("trunkVersion"), QStringLiteral("__trunkVersion")},
              std::pair{QStringLiteral("branchId"), QStringLiteral("__branchId")}})
            bind(QStringLiteral("/@") + attr,
                 resolve(QStringLiteral("instance('%1')/root/item[name=%2]/%3")
                             .arg(d.dataset, d.entityId, field),
                         leaf));
        bind(QStringLiteral("/@id"), QString())
            .attr(QStringLiteral("calculate"), resolve(d.entityId, leaf));
    } else {
        bind(QStringLiteral("/@id"), QString());
        model.add(QStringLiteral("setvalue"))
            .attr(QStringLiteral("ref"), p + QStringLiteral("/@id"))
            .attr(QStringLiteral("event"), QStringLiteral("odk-instance-first-load"))
            .attr(QStringLiteral("value"), QStringLiteral("uuid()"));
    }
    if (!d.label.isEmpty())
        bind(QStringLiteral("/label"), resolve(d.label, leaf));
}

QString Writer::resolve(const QString &text, const Element *context, int flags)
{
    return m_refs.resolve(text, context, flags);
}

// ----------------------------------------------------------------------------- text

/// The length of an instance('id')/path[predicate]… expression at `at`, or 0 when there is
/// none: the path runs to the first space outside a predicate.
qsizetype instanceExpressionLength(const QString &text, qsizetype at)
{
    static const QRegularExpression start(
        QStringLiteral("\\Ginstance\\(\\s*(['\"])[^'\"]*\\1\\s*\\)"));
    const auto m = start.match(text, at, QRegularExpression::NormalMatch,
                               QRegularExpression::AnchorAtOffsetMatchOption);
    if (!m.hasMatch())
        return 0;
    qsizetype i = at + m.capturedLength(0);
    int depth = 0;
    for (; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'[')
            ++depth;
        else if (c == u']')
            depth = std::max(0, depth - 1);
        else if (c.isSpace() && depth == 0)
            break;
    }
    return i - at;
}

Content Writer::content(const QString &text, const Element *context, bool absolute) const
{
    Content out;
    const int flags = absolute ? References::Absolute : References::None;
    QString plain;
    for (qsizetype at = 0; at < text.size();) {
        if (text.at(at) == u'i') {
            if (const qsizetype length = instanceExpressionLength(text, at)) {
                if (!plain.isEmpty())
                    out.append(Piece{false, std::exchange(plain, QString())});
                out.append(Piece{true, m_refs.resolve(text.mid(at, length), context, flags)});
                at += length;
                continue;
            }
        } else if (text.at(at) == u'$' && text.mid(at, 2) == QLatin1String("${")) {
            const qsizetype end = text.indexOf(u'}', at);
            if (end > 0) {
                if (!plain.isEmpty())
                    out.append(Piece{false, std::exchange(plain, QString())});
                out.append(Piece{true, m_refs.resolve(text.mid(at, end - at + 1), context, flags)});
                at = end + 1;
                continue;
            }
        }
        plain += text.at(at);
        ++at;
    }
    if (!plain.isEmpty() || out.isEmpty())
        out.append(Piece{false, plain});
    return out;
}

void Writer::fillNode(XmlNode &node, const Content &pieces) const
{
    Content c;
    for (const Piece &p : pieces) {
        if (!p.output && p.text.isEmpty())
            continue;
        if (!p.output && !c.isEmpty() && !c.last().output)
            c.last().text += p.text;
        else
            c.append(p);
    }
    // As pyxform writes mixed content: a space before leading text and after the end when
    // there is more than one piece.
    for (qsizetype i = 0; i < c.size(); ++i) {
        const Piece &p = c.at(i);
        if (p.output) {
            node.add(QStringLiteral("output")).attr(QStringLiteral("value"), p.text);
        } else {
            QString text = p.text;
            if (c.size() > 1 && i == 0)
                text.prepend(u' ');
            node.addText(text);
        }
    }
    if (c.size() > 1)
        node.addText(QStringLiteral(" "));
}

Translated Writer::languages(const Translated &t) const
{
    Translated out;
    for (auto it = t.begin(); it != t.end(); ++it) {
        if (it.value().isEmpty())
            continue;
        if (it.key().isEmpty()) {
            if (!t.contains(m_defaultLang) || t.value(m_defaultLang).isEmpty())
                out.insert(m_defaultLang, it.value());
        } else {
            out.insert(it.key(), it.value());
        }
    }
    return out;
}

void Writer::addText(const QString &lang, const QString &id, const QString &form, const Content &c)
{
    if (!m_langIndex.contains(lang)) {
        m_langIndex.insert(lang, int(m_itext.size()));
        m_itext.append(Translation{lang, {}, {}});
    }
    m_itext[m_langIndex.value(lang)].entry(id).values.append({form, c});
}

bool Writer::labelUsesItext(const Element &e) const
{
    return isDict(e.label) || e.hasMedia();
}

bool Writer::hintUsesItext(const Element &e) const
{
    return isDict(e.hint) || hasText(e.guidance);
}

bool Writer::listUsesItext(const ChoiceList &list) const
{
    // Asked for every question using the list: worked out once a list.
    if (const auto known = m_listItext.constFind(list.name); known != m_listItext.constEnd())
        return *known;
    const bool uses = listNeedsItext(list);
    m_listItext.insert(list.name, uses);
    return uses;
}

bool Writer::listNeedsItext(const ChoiceList &list) const
{
    for (const Choice &c : list.choices) {
        if (isDict(c.label))
            return true;
        for (const Translated &m : c.media)
            if (hasText(m))
                return true;
        for (const QString &l : c.label)
            if (l.contains(QLatin1String("${")))
                return true;
    }
    return false;
}

void Writer::collectItext()
{
    for (const ChoiceList &list : m_form.choiceLists) {
        if (!listUsesItext(list))
            continue;
        for (qsizetype i = 0; i < list.choices.size(); ++i) {
            const Choice &c = list.choices.at(i);
            const QString id = QStringLiteral("%1-%2").arg(list.name).arg(i);
            const Translated labels = languages(c.label);
            for (auto it = labels.begin(); it != labels.end(); ++it)
                addText(it.key(), id, QString(), content(it.value(), nullptr, true));
            for (auto m = c.media.begin(); m != c.media.end(); ++m) {
                const Translated files = languages(m.value());
                for (auto it = files.begin(); it != files.end(); ++it) {
                    Content value = content(it.value(), nullptr, true);
                    value.prepend(Piece{false, mediaPrefix(m.key())});
                    addText(it.key(), id, m.key(), value);
                }
            }
            if (labels.isEmpty() && c.media.isEmpty())
                addText(m_defaultLang, id, QString(), Content{Piece{false, QString()}});
        }
    }
    collectElementItext(*m_form.root);
    // Every language gets every text: what one lacks is "-".
    QList<std::pair<QString, QSet<QString>>> ids; // id → its non-media forms, first-seen order
    QHash<QString, int> idIndex;
    for (const Translation &t : std::as_const(m_itext)) {
        for (const TextEntry &entry : t.texts) {
            if (!idIndex.contains(entry.id)) {
                idIndex.insert(entry.id, int(ids.size()));
                ids.append({entry.id, {}});
            }
            for (const auto &[form, value] : entry.values)
                if (form.isEmpty() || form == QLatin1String("guidance"))
                    ids[idIndex.value(entry.id)].second.insert(form);
        }
    }
    for (Translation &t : m_itext) {
        for (const auto &[id, forms] : std::as_const(ids)) {
            if (forms.isEmpty())
                continue; // media alone: a language without it shows none
            TextEntry &entry = t.entry(id);
            for (const QString &form : {QString(), QStringLiteral("guidance")}) {
                if (!forms.contains(form))
                    continue;
                bool present = false;
                for (const auto &v : entry.values)
                    present = present || v.first == form;
                if (!present)
                    entry.values.append({form, Content{Piece{false, QStringLiteral("-")}}});
            }
        }
    }
}

void Writer::collectElementItext(const Element &e)
{
    for (const auto &child : e.children) {
        const Element &c = *child;
        const QString base = c.path();
        const auto addAll = [&](const Translated &t, const QString &suffix, const QString &form) {
            const Translated values = languages(t);
            for (auto it = values.begin(); it != values.end(); ++it)
                addText(it.key(), base + suffix, form, content(it.value(), &c, false));
        };
        const auto message = [&](const Translated &t, const QString &suffix) {
            if (isDict(t) || t.value(QString()).contains(QLatin1String("${")))
                addAll(t, suffix, QString());
        };
        message(c.constraintMessage, QStringLiteral(":jr:constraintMsg"));
        message(c.requiredMessage, QStringLiteral(":jr:requiredMsg"));
        message(c.noAppErrorString, QStringLiteral(":jr:noAppErrorString"));
        if (labelUsesItext(c))
            addAll(c.label, QStringLiteral(":label"), QString());
        if (hintUsesItext(c)) {
            addAll(c.hint, QStringLiteral(":hint"), QString());
            addAll(c.guidance, QStringLiteral(":hint"), QStringLiteral("guidance"));
        }
        for (auto m = c.media.begin(); m != c.media.end(); ++m) {
            const Translated files = languages(m.value());
            for (auto it = files.begin(); it != files.end(); ++it) {
                Content value = content(it.value(), &c, false);
                value.prepend(Piece{false, mediaPrefix(m.key())});
                addText(it.key(), base + QStringLiteral(":label"), m.key(), value);
            }
        }
        if (c.isContainer())
            collectElementItext(c);
    }
}

} // namespace
} // namespace survey::xlsform

namespace survey::xlsform {
namespace {

// ----------------------------------------------------------------------------- instances

QString fileStem(const QString &file)
{
    const qsizetype dot = file.indexOf(u'.');
    return dot < 0 ? file : file.left(dot);
}

QString contextText(const Element &e)
{
    if (!e.parent || e.parent->kind == Kind::Survey)
        return QStringLiteral("survey");
    return QStringLiteral("[type: %1, name: %2]")
        .arg(e.parent->kind == Kind::Repeat ? QStringLiteral("repeat") : QStringLiteral("group"),
             e.parent->name);
}

void Writer::addInstance(const SecondaryInstance &instance)
{
    for (const SecondaryInstance &i : std::as_const(m_instances)) {
        if (i.id != instance.id)
            continue;
        if (i.src == instance.src)
            return;
        fail(Place{},
             XlsForm::tr(
                 "Two secondary instances would have the id '%1': %2 (%3) and %4 (%5). Rename the "
                 "file, list or question so that each instance has its own name.")
                 .arg(instance.id, i.src.isEmpty() ? XlsForm::tr("the choice list") : i.src, i.kind,
                      instance.src.isEmpty() ? XlsForm::tr("the choice list") : instance.src,
                      instance.kind));
    }
    m_instances.append(instance);
}

void Writer::collectInstances(const Element &e)
{
    static const QRegularExpression pulldata(QStringLiteral("pulldata\\s*\\(\\s*([^,)]*?)\\s*,"));
    for (const auto &child : e.children) {
        const Element &c = *child;
        QStringList expressions;
        for (const auto &[name, value] : c.bind)
            expressions.append(value);
        expressions.append(c.choiceFilter);
        expressions.append(c.defaultValue);
        for (const QString &x : std::as_const(expressions)) {
            if (x.contains(QLatin1String("${last-saved#")))
                m_lastSaved = true;
            auto it = pulldata.globalMatch(x);
            while (it.hasNext()) {
                QString id = it.next().captured(1);
                id.remove(u'\'').remove(u'"');
                id = id.trimmed();
                if (!id.isEmpty())
                    addInstance(SecondaryInstance{id,
                                                  QStringLiteral("jr://file-csv/%1.csv").arg(id),
                                                  QStringLiteral("pulldata"), contextText(c), -1});
            }
        }
        if (!c.itemsetFile.isEmpty()) {
            const QString stem = fileStem(c.itemsetFile);
            const QString src = c.itemsetFile.endsWith(QLatin1String(".csv"))
                                    ? QStringLiteral("jr://file-csv/") + c.itemsetFile
                                    : QStringLiteral("jr://file/") + c.itemsetFile;
            addInstance(SecondaryInstance{stem, src, QStringLiteral("file"), contextText(c), -1});
        }
        if (c.kind == Kind::ExternalXml)
            addInstance(SecondaryInstance{c.name, QStringLiteral("jr://file/%1.xml").arg(c.name),
                                          QStringLiteral("external"), contextText(c), -1});
        if (c.kind == Kind::ExternalCsv)
            addInstance(SecondaryInstance{c.name,
                                          QStringLiteral("jr://file-csv/%1.csv").arg(c.name),
                                          QStringLiteral("external"), contextText(c), -1});
        if (c.isContainer())
            collectInstances(c);
    }
}

/// Repeats in the primary instance: a template (jr:template="") then the first entry.
enum Mode { Normal, Template, Copy };

void Writer::writePrimary(XmlNode &parent, const Element &e, int mode)
{
    for (const auto &child : e.children) {
        const Element &c = *child;
        if (c.kind == Kind::ExternalCsv || c.kind == Kind::ExternalXml || c.inMeta)
            continue;
        const auto node = [&](XmlNode &into, bool templateCopy) -> XmlNode & {
            XmlNode &n = into.add(c.name);
            if (templateCopy)
                n.attr(QStringLiteral("jr:template"), QString());
            for (const auto &[name, value] : c.instanceAttributes)
                n.attr(name, resolve(value, &c));
            return n;
        };
        const auto withEntity = [&](XmlNode &n) {
            if (const EntityPlace *place = entityIn(&c))
                writeEntityInstance(n.add(QStringLiteral("meta")), *place->declaration);
        };
        if (c.kind == Kind::Repeat) {
            if (mode == Normal || mode == Template) {
                XmlNode &n = node(parent, true);
                writePrimary(n, c, Template);
                withEntity(n);
            }
            if (mode == Normal || mode == Copy) {
                XmlNode &n = node(parent, false);
                writePrimary(n, c, Copy);
                withEntity(n);
            }
        } else if (c.kind == Kind::Group) {
            XmlNode &n = node(parent, false);
            writePrimary(n, c, Normal); // a group starts afresh: its repeats get a template
            withEntity(n);
        } else {
            XmlNode &n = node(parent, false);
            if (!c.defaultValue.isEmpty() && !isDynamicDefault(c.defaultValue, c.type)) {
                QString value = c.defaultValue;
                if (c.type == QLatin1String("image") && !value.startsWith(QLatin1String("jr://")))
                    value.prepend(QStringLiteral("jr://images/"));
                n.addText(value);
            }
        }
    }
}

// ----------------------------------------------------------------------------- binds

void Writer::writeBinds(XmlNode &model, const Element &e)
{
    for (const auto &child : e.children) {
        const Element &c = *child;
        if (c.kind == Kind::ExternalCsv || c.kind == Kind::ExternalXml) {
            continue;
        }
        const QString path =
            c.inMeta ? m_form.root->path() + QStringLiteral("/meta/") + c.name : c.path();
        const bool container = c.kind == Kind::Group || c.kind == Kind::Repeat;
        if (!container || !c.bind.isEmpty()) {
            XmlNode &bind = model.add(QStringLiteral("bind"));
            bind.attr(QStringLiteral("nodeset"), path);
            if (!container)
                bind.attr(QStringLiteral("type"), c.bindType);
            if (!c.preload.isEmpty()) {
                bind.attr(QStringLiteral("jr:preload"), c.preload);
                bind.attr(QStringLiteral("jr:preloadParams"), c.preloadParams);
            }
            const bool triggered = !c.triggers.isEmpty();
            for (const auto &[name, value] : c.bind) {
                if (name == QLatin1String("calculate") && triggered)
                    continue; // computed when the trigger changes, in the trigger's control
                bind.attr(name, resolve(value, &c));
            }
            const auto message = [&](const Translated &t, const QString &attr) {
                if (!hasText(t))
                    return;
                if (isDict(t) || t.value(QString()).contains(QLatin1String("${")))
                    bind.attr(attr, QStringLiteral("jr:itext('%1:%2')").arg(c.path(), attr));
                else
                    bind.attr(attr, t.value(QString()));
            };
            message(c.constraintMessage, QStringLiteral("jr:constraintMsg"));
            message(c.requiredMessage, QStringLiteral("jr:requiredMsg"));
            message(c.noAppErrorString, QStringLiteral("jr:noAppErrorString"));
            const auto &p = c.parameters;
            if (c.type.startsWith(QLatin1String("geo")) &&
                p.contains(QStringLiteral("allow-mock-accuracy")))
                bind.attr(QStringLiteral("odk:allow-mock-accuracy"),
                          p.value(QStringLiteral("allow-mock-accuracy")));
            if (c.type == QLatin1String("image") && p.contains(QStringLiteral("max-pixels")))
                bind.attr(QStringLiteral("orx:max-pixels"), p.value(QStringLiteral("max-pixels")));
            if (c.type == QLatin1String("audio") && p.contains(QStringLiteral("quality")))
                bind.attr(QStringLiteral("odk:quality"), p.value(QStringLiteral("quality")));
            if (c.type == QLatin1String("audit"))
                for (auto it = p.begin(); it != p.end(); ++it)
                    bind.attr(QStringLiteral("odk:") + it.key(), it.value());
            if (!c.saveTo.isEmpty()) {
                const QString property =
                    c.saveTo.contains(u'#') ? c.saveTo.section(u'#', 1) : c.saveTo;
                bind.attr(QStringLiteral("entities:saveto"), property);
            }
        }
        if (!c.defaultValue.isEmpty() && isDynamicDefault(c.defaultValue, c.type))
            model.add(QStringLiteral("setvalue"))
                .attr(QStringLiteral("ref"), path)
                .attr(QStringLiteral("event"), QStringLiteral("odk-instance-first-load"))
                .attr(QStringLiteral("value"), resolve(c.defaultValue, &c));
        if (c.type == QLatin1String("start-geopoint"))
            model.add(QStringLiteral("odk:setgeopoint"))
                .attr(QStringLiteral("ref"), path)
                .attr(QStringLiteral("event"), QStringLiteral("odk-instance-first-load"));
        if (c.type == QLatin1String("background-audio")) {
            XmlNode &record = model.add(QStringLiteral("odk:recordaudio"));
            record.attr(QStringLiteral("ref"), path)
                .attr(QStringLiteral("event"), QStringLiteral("odk-instance-load"));
            if (c.parameters.contains(QStringLiteral("quality")))
                record.attr(QStringLiteral("odk:quality"),
                            c.parameters.value(QStringLiteral("quality")));
        }
        if (container) {
            writeBinds(model, c);
            if (const EntityPlace *place = entityIn(&c))
                writeEntityBinds(model, *place);
        }
    }
}

} // namespace
} // namespace survey::xlsform

namespace survey::xlsform {
namespace {

// ----------------------------------------------------------------------------- body

/// <itemset nodeset="…"><value ref="…"/><label ref="…"/></itemset> into `control`.
void addItemset(XmlNode &control, const QString &nodeset, const QString &valueRef,
                const QString &labelRef)
{
    XmlNode &itemset = control.add(QStringLiteral("itemset"));
    itemset.attr(QStringLiteral("nodeset"), nodeset);
    itemset.add(QStringLiteral("value")).attr(QStringLiteral("ref"), valueRef);
    itemset.add(QStringLiteral("label")).attr(QStringLiteral("ref"), labelRef);
}

QString controlTag(const Element &e)
{
    switch (e.kind) {
    case Kind::Select1:
        return e.type == QLatin1String("select_one_external") ? QStringLiteral("input")
                                                              : QStringLiteral("select1");
    case Kind::Select:
        return QStringLiteral("select");
    case Kind::Rank:
        return QStringLiteral("odk:rank");
    case Kind::Range:
        return QStringLiteral("range");
    case Kind::Upload:
        return QStringLiteral("upload");
    case Kind::Trigger:
        return QStringLiteral("trigger");
    default:
        return QStringLiteral("input");
    }
}

void Writer::writeLabelAndHint(XmlNode &control, const Element &e)
{
    const bool labelItext = labelUsesItext(e);
    const bool hintItext = hintUsesItext(e);
    const bool hasLabel = hasText(e.label) || labelItext;
    const bool hasHint = hasText(e.hint) || hasText(e.guidance);
    if (hasLabel) {
        XmlNode &label = control.add(QStringLiteral("label"));
        if (labelItext)
            label.attr(QStringLiteral("ref"), QStringLiteral("jr:itext('%1:label')").arg(e.path()));
        else
            fillNode(label, content(e.label.value(QString(), e.label.first()), &e, false));
    } else if (hasHint) {
        control.add(QStringLiteral("label"));
    }
    if (hasHint) {
        XmlNode &hint = control.add(QStringLiteral("hint"));
        if (hintItext)
            hint.attr(QStringLiteral("ref"), QStringLiteral("jr:itext('%1:hint')").arg(e.path()));
        else
            fillNode(hint, content(e.hint.value(QString(), e.hint.first()), &e, false));
    }
}

void Writer::writeItems(XmlNode &control, const Element &e)
{
    const QMap<QString, QString> &p = e.parameters;
    QString nodeset;
    QString valueRef = QStringLiteral("name");
    QString labelRef = QStringLiteral("label");
    if (!e.itemsetFile.isEmpty()) {
        nodeset = QStringLiteral("instance('%1')/root/item").arg(fileStem(e.itemsetFile));
        if (e.itemsetFile.endsWith(QLatin1String(".geojson"))) {
            valueRef = QStringLiteral("id");
            labelRef = QStringLiteral("title");
        }
        valueRef = p.value(QStringLiteral("value"), valueRef);
        labelRef = p.value(QStringLiteral("label"), labelRef);
    } else if (e.listName.startsWith(QLatin1String("${"))) {
        // Choices from the answers in a repeat: the repeat's entries, valued by the question.
        const QString name = e.listName.mid(2, e.listName.size() - 3);
        const Element *target = m_refs.find(name);
        if (!target)
            fail(Place{QStringLiteral("survey"), e.row, QStringLiteral("type")},
                 XlsForm::tr("The reference ${%1} names no question.").arg(name));
        // Answers in the repeat this question is in are read from the repeat's parent, so
        // that every entry of it is a choice.
        QString path = m_refs.path(target, &e);
        const Element *repeat = e.repeatAncestor();
        if (repeat && target->parent && target->parent->repeatAncestor() == repeat &&
            !(repeat->parent && repeat->parent->repeatAncestor())) {
            int steps = 0;
            for (const Element *x = e.parent; x && x != repeat; x = x->parent)
                ++steps;
            QStringList rest;
            for (const Element *x = target; x != repeat->parent; x = x->parent)
                rest.prepend(x->name);
            path = QStringList(steps + 2, QStringLiteral("..")).join(u'/') + u'/' + rest.join(u'/');
        }
        const qsizetype slash = path.lastIndexOf(u'/');
        nodeset = path.left(slash);
        valueRef = labelRef = target->name;
        if (e.choiceFilter.isEmpty()) {
            nodeset += QStringLiteral("[./%1 != '']").arg(target->name);
        } else {
            QString filter = resolve(e.choiceFilter, &e, References::ChoiceFilter);
            filter.replace(QStringLiteral("current()/") + nodeset, QStringLiteral("."));
            filter.replace(nodeset, QStringLiteral("."));
            nodeset += u'[' + filter + u']';
        }
        addItemset(control, nodeset, valueRef, labelRef);
        return;
    } else {
        const int index = m_listIndex.value(e.listName, -1);
        if (index < 0)
            return;
        const ChoiceList &list = m_form.choiceLists.at(index);
        if (e.usesSearch()) {
            const bool itext = listUsesItext(list);
            for (qsizetype i = 0; i < list.choices.size(); ++i) {
                const Choice &c = list.choices.at(i);
                XmlNode &item = control.add(QStringLiteral("item"));
                XmlNode &label = item.add(QStringLiteral("label"));
                if (itext)
                    label.attr(QStringLiteral("ref"),
                               QStringLiteral("jr:itext('%1-%2')").arg(list.name).arg(i));
                else
                    fillNode(label, content(c.label.value(QString()), nullptr, true));
                item.addTextElement(QStringLiteral("value"), c.name);
            }
            return;
        }
        nodeset = QStringLiteral("instance('%1')/root/item").arg(list.name);
        if (listUsesItext(list))
            labelRef = QStringLiteral("jr:itext(itextId)");
    }
    if (!e.choiceFilter.isEmpty())
        nodeset += u'[' + resolve(e.choiceFilter, &e, References::ChoiceFilter) + u']';
    if (p.value(QStringLiteral("randomize")) == QLatin1String("true")) {
        const QString seed = p.value(QStringLiteral("seed"));
        nodeset =
            seed.isEmpty()
                ? QStringLiteral("randomize(%1)").arg(nodeset)
                : QStringLiteral("randomize(%1, %2)").arg(nodeset, resolve(seed, &e).trimmed());
    }
    addItemset(control, nodeset, valueRef, labelRef);
}

void Writer::writeControl(XmlNode &parent, const Element &e)
{
    XmlNode &control = parent.add(controlTag(e));
    control.attr(QStringLiteral("ref"), e.path());
    if (!e.mediatype.isEmpty())
        control.attr(QStringLiteral("mediatype"), e.mediatype);
    const QMap<QString, QString> &p = e.parameters;
    if (e.kind == Kind::Range) {
        control.attr(QStringLiteral("start"),
                     p.value(QStringLiteral("start"), QStringLiteral("1")));
        control.attr(QStringLiteral("end"), p.value(QStringLiteral("end"), QStringLiteral("10")));
        control.attr(QStringLiteral("step"), p.value(QStringLiteral("step"), QStringLiteral("1")));
        if (p.contains(QStringLiteral("tick_interval")))
            control.attr(QStringLiteral("odk:tick-interval"),
                         p.value(QStringLiteral("tick_interval")));
        if (p.contains(QStringLiteral("placeholder")))
            control.attr(QStringLiteral("odk:placeholder"), p.value(QStringLiteral("placeholder")));
    }
    if (e.type == QLatin1String("select_one_external")) {
        QString query = QStringLiteral("instance('%1')/root/item").arg(e.listName);
        if (!e.choiceFilter.isEmpty())
            query += u'[' + resolve(e.choiceFilter, &e, References::ChoiceFilter) + u']';
        control.attr(QStringLiteral("query"), query);
    }
    for (const auto &[name, value] : e.control)
        control.attr(name, resolve(value, &e));
    if (e.type == QLatin1String("text") && p.contains(QStringLiteral("rows")))
        control.attr(QStringLiteral("rows"), p.value(QStringLiteral("rows")));
    if (e.type == QLatin1String("geopoint")) {
        if (p.contains(QStringLiteral("capture-accuracy")))
            control.attr(QStringLiteral("accuracyThreshold"),
                         p.value(QStringLiteral("capture-accuracy")));
        if (p.contains(QStringLiteral("warning-accuracy")))
            control.attr(QStringLiteral("unacceptableAccuracyThreshold"),
                         p.value(QStringLiteral("warning-accuracy")));
    }
    if ((e.type == QLatin1String("geoshape") || e.type == QLatin1String("geotrace")) &&
        p.contains(QStringLiteral("incremental")))
        control.attr(QStringLiteral("incremental"), QStringLiteral("true"));
    if (e.type == QLatin1String("image") && p.contains(QStringLiteral("app"))) {
        const QString appearance = e.controlValue(QStringLiteral("appearance"));
        if (appearance.isEmpty() || appearance == QLatin1String("annotate"))
            control.attr(QStringLiteral("intent"), p.value(QStringLiteral("app")));
    }
    writeLabelAndHint(control, e);
    if (e.type == QLatin1String("osm") && !e.listName.isEmpty()) {
        // The OpenStreetMap tags to ask for, from the osm sheet.
        for (const ChoiceList &list : m_form.osmLists) {
            if (list.name != e.listName)
                continue;
            for (const Choice &tag : list.choices) {
                XmlNode &node = control.add(QStringLiteral("tag"));
                node.attr(QStringLiteral("key"), tag.name);
                if (!tag.label.value(QString()).isEmpty())
                    node.addTextElement(QStringLiteral("label"), tag.label.value(QString()));
            }
        }
    }
    if (e.kind == Kind::Select1 && e.type != QLatin1String("select_one_external"))
        writeItems(control, e);
    else if (e.kind == Kind::Select || e.kind == Kind::Rank)
        writeItems(control, e);
    if (e.kind == Kind::Range && p.contains(QStringLiteral("tick_labelset"))) {
        addItemset(control,
                   QStringLiteral("instance('%1')/root/item")
                       .arg(p.value(QStringLiteral("tick_labelset"))),
                   QStringLiteral("name"), QStringLiteral("label"));
    }
    if (e.type.startsWith(QLatin1String("geo")) &&
        p.contains(QStringLiteral("reference-geometry"))) {
        const QString ref = p.value(QStringLiteral("reference-geometry"));
        QString nodeset;
        QString valueRef = QStringLiteral("name"), labelRef = QStringLiteral("label");
        QString filter = e.choiceFilter.isEmpty()
                             ? QString()
                             : resolve(e.choiceFilter, &e, References::ChoiceFilter);
        if (ref.startsWith(QLatin1String("${"))) {
            // A repeat's entries: references into it are relative to each entry.
            nodeset = resolve(ref, nullptr).trimmed();
            valueRef = labelRef = QStringLiteral("geometry");
            filter.replace(QStringLiteral("current()/") + nodeset, QStringLiteral("."));
            filter.replace(nodeset, QStringLiteral("."));
        } else {
            nodeset = QStringLiteral("instance('%1')/root/item").arg(ref);
        }
        if (!filter.isEmpty())
            nodeset += u'[' + filter + u']';
        addItemset(control, nodeset, valueRef, labelRef);
    }
    // Questions recalculated when this one changes.
    for (const Element *target : m_triggered.value(&e)) {
        if (target->type == QLatin1String("background-geopoint")) {
            control.add(QStringLiteral("odk:setgeopoint"))
                .attr(QStringLiteral("ref"), target->path())
                .attr(QStringLiteral("event"), QStringLiteral("xforms-value-changed"));
            continue;
        }
        XmlNode &set = control.add(QStringLiteral("setvalue"));
        set.attr(QStringLiteral("ref"), target->path())
            .attr(QStringLiteral("event"), QStringLiteral("xforms-value-changed"));
        const QString calculation = target->bindValue(QStringLiteral("calculate"));
        if (!calculation.isEmpty())
            set.attr(QStringLiteral("value"), resolve(calculation, &e));
    }
}

void Writer::collectRepeatActions(const Element &e, QList<const Element *> *out) const
{
    for (const auto &c : e.children) {
        if (c->kind == Kind::Repeat)
            continue;
        if (!c->isContainer() && !c->defaultValue.isEmpty() &&
            isDynamicDefault(c->defaultValue, c->type))
            out->append(c.get());
        if (c->isContainer())
            collectRepeatActions(*c, out);
    }
}

void Writer::writeBody(XmlNode &parent, const Element &e)
{
    for (const auto &child : e.children) {
        const Element &c = *child;
        if (c.kind == Kind::Group) {
            XmlNode &group = parent.add(QStringLiteral("group"));
            group.attr(QStringLiteral("ref"), c.path());
            for (const auto &[name, value] : c.control)
                group.attr(name, resolve(value, &c));
            if (hasText(c.label) || labelUsesItext(c)) {
                XmlNode &label = group.add(QStringLiteral("label"));
                if (labelUsesItext(c))
                    label.attr(QStringLiteral("ref"),
                               QStringLiteral("jr:itext('%1:label')").arg(c.path()));
                else
                    fillNode(label, content(c.label.value(QString(), c.label.first()), &c, false));
            }
            writeBody(group, c);
        } else if (c.kind == Kind::Repeat) {
            XmlNode &group = parent.add(QStringLiteral("group"));
            group.attr(QStringLiteral("ref"), c.path());
            XmlNode &label = group.add(QStringLiteral("label"));
            if (labelUsesItext(c))
                label.attr(QStringLiteral("ref"),
                           QStringLiteral("jr:itext('%1:label')").arg(c.path()));
            else if (hasText(c.label))
                fillNode(label, content(c.label.value(QString(), c.label.first()), &c, false));
            XmlNode &repeat = group.add(QStringLiteral("repeat"));
            repeat.attr(QStringLiteral("nodeset"), c.path());
            for (const auto &[name, value] : c.control)
                repeat.attr(name, resolve(value, &c));
            if (!c.repeatCount.isEmpty())
                repeat.attr(QStringLiteral("jr:count"), resolve(c.repeatCount, &c));
            writeBody(repeat, c);
            QList<const Element *> actions;
            collectRepeatActions(c, &actions);
            for (const Element *a : std::as_const(actions))
                repeat.add(QStringLiteral("setvalue"))
                    .attr(QStringLiteral("ref"), a->path())
                    .attr(QStringLiteral("event"), QStringLiteral("odk-new-repeat"))
                    .attr(QStringLiteral("value"), resolve(a->defaultValue, a));
            // New entries of the repeat get new entity ids.
            for (const EntityPlace &place : m_entityPlaces) {
                const EntityDeclaration &d = *place.declaration;
                if (d.entityId.isEmpty() && d.container && d.container->repeatAncestor() == &c)
                    repeat.add(QStringLiteral("setvalue"))
                        .attr(QStringLiteral("ref"), place.entity->path() + QStringLiteral("/@id"))
                        .attr(QStringLiteral("event"), QStringLiteral("odk-new-repeat"))
                        .attr(QStringLiteral("value"), QStringLiteral("uuid()"));
            }
        } else if (c.hasControl()) {
            writeControl(parent, c);
        }
    }
}

QString languageWarning(const QList<Translation> &itext)
{
    static const QRegularExpression code(
        QStringLiteral("\\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\\)\\s*$"));
    QStringList bad;
    for (const Translation &t : itext)
        if (t.lang != QLatin1String("default") && !code.match(t.lang).hasMatch())
            bad.append(t.lang);
    if (bad.isEmpty())
        return {};
    return XlsForm::tr("These languages have no code a program can read: %1. Write a language as "
                       "'Name (code)', for example 'English (en)' or '中文 (zh)'.")
        .arg(bad.join(QLatin1String(", ")));
}

void indexTriggers(const Element &e, const References &refs,
                   QHash<const Element *, QList<const Element *>> *out)
{
    for (const auto &c : e.children) {
        for (const QString &name : c->triggers)
            if (const Element *source = refs.find(name))
                (*out)[source].append(c.get());
        indexTriggers(*c, refs, out);
    }
}

WriteResult Writer::write()
{
    const Settings &s = m_form.settings;
    WriteResult result;
    result.formId = s.formId.isEmpty() ? m_fallbackId : s.formId;
    result.title = s.hasTitle ? s.formTitle : result.formId;
    result.version = s.version;
    indexTriggers(*m_form.root, m_refs, &m_triggered);

    collectItext();
    collectInstances(*m_form.root);
    if (m_lastSaved)
        addInstance(SecondaryInstance{QStringLiteral("__last-saved"),
                                      QStringLiteral("jr://instance/last-saved"),
                                      QStringLiteral("last-saved"), QString(), -1});
    QSet<QString> searchLists, otherLists;
    std::function<void(const Element &)> lists = [&](const Element &e) {
        for (const auto &c : e.children) {
            if ((c->kind == Kind::Select1 || c->kind == Kind::Select || c->kind == Kind::Rank) &&
                c->itemsetFile.isEmpty()) {
                if (c->usesSearch())
                    searchLists.insert(c->listName);
                else
                    otherLists.insert(c->listName);
            }
            lists(*c);
        }
    };
    lists(*m_form.root);
    for (qsizetype i = 0; i < m_form.choiceLists.size(); ++i) {
        const QString &name = m_form.choiceLists.at(i).name;
        if (searchLists.contains(name) && !otherLists.contains(name))
            continue;
        addInstance(SecondaryInstance{name, QString(), QStringLiteral("choice"),
                                      QStringLiteral("survey"), int(i)});
    }

    XmlNode html(QStringLiteral("h:html"));
    html.setBudget(kMaxXFormChars);
    html.attr(QStringLiteral("xmlns"), QStringLiteral("http://www.w3.org/2002/xforms"))
        .attr(QStringLiteral("xmlns:h"), QStringLiteral("http://www.w3.org/1999/xhtml"))
        .attr(QStringLiteral("xmlns:ev"), QStringLiteral("http://www.w3.org/2001/xml-events"))
        .attr(QStringLiteral("xmlns:xsd"), QStringLiteral("http://www.w3.org/2001/XMLSchema"))
        .attr(QStringLiteral("xmlns:jr"), QStringLiteral("http://openrosa.org/javarosa"))
        .attr(QStringLiteral("xmlns:orx"), QStringLiteral("http://openrosa.org/xforms"))
        .attr(QStringLiteral("xmlns:odk"), QStringLiteral("http://www.opendatakit.org/xforms"));
    for (const QString &ns : s.namespaces.split(u' ', Qt::SkipEmptyParts)) {
        const QString prefix = ns.section(u'=', 0, 0);
        QString uri = ns.section(u'=', 1);
        uri.remove(u'"').remove(u'\'');
        if (!prefix.isEmpty() && !html.hasAttribute(QStringLiteral("xmlns:") + prefix))
            html.attr(QStringLiteral("xmlns:") + prefix, uri);
    }
    if (!m_form.entities.isEmpty())
        html.attr(QStringLiteral("xmlns:entities"),
                  QStringLiteral("http://www.opendatakit.org/xforms/entities"));
    XmlNode &head = html.add(QStringLiteral("h:head"));
    head.addTextElement(QStringLiteral("h:title"), result.title);
    XmlNode &model = head.add(QStringLiteral("model"));
    model.attr(QStringLiteral("odk:xforms-version"), QStringLiteral("1.0.0"));
    if (!m_form.entities.isEmpty()) {
        bool inRepeat = m_form.entities.size() > 1;
        for (const EntityDeclaration &d : m_form.entities)
            inRepeat = inRepeat || (d.container && d.container->repeatAncestor());
        model.attr(QStringLiteral("entities:entities-version"),
                   inRepeat ? QStringLiteral("2025.1.0") : QStringLiteral("2024.1.0"));
    }
    if (!s.submissionUrl.isEmpty() || !s.publicKey.isEmpty() || !s.autoSend.isEmpty() ||
        !s.autoDelete.isEmpty() || !s.clientEditable.isEmpty()) {
        XmlNode &submission = model.add(QStringLiteral("submission"));
        if (!s.submissionUrl.isEmpty())
            submission.attr(QStringLiteral("action"), s.submissionUrl)
                .attr(QStringLiteral("method"), QStringLiteral("post"));
        if (!s.publicKey.isEmpty())
            submission.attr(QStringLiteral("base64RsaPublicKey"), s.publicKey);
        if (!s.autoSend.isEmpty())
            submission.attr(QStringLiteral("orx:auto-send"), s.autoSend);
        if (!s.autoDelete.isEmpty())
            submission.attr(QStringLiteral("orx:auto-delete"), s.autoDelete);
        if (!s.clientEditable.isEmpty())
            submission.attr(QStringLiteral("odk:client-editable"), s.clientEditable);
    }
    if (!m_itext.isEmpty()) {
        XmlNode &itext = model.add(QStringLiteral("itext"));
        for (const Translation &t : std::as_const(m_itext)) {
            XmlNode &translation = itext.add(QStringLiteral("translation"));
            translation.attr(QStringLiteral("lang"), t.lang);
            if (t.lang == m_defaultLang)
                translation.attr(QStringLiteral("default"), QStringLiteral("true()"));
            for (const TextEntry &entry : t.texts) {
                XmlNode &text = translation.add(QStringLiteral("text"));
                text.attr(QStringLiteral("id"), entry.id);
                for (const auto &[form, value] : entry.values) {
                    XmlNode &v = text.add(QStringLiteral("value"));
                    if (!form.isEmpty())
                        v.attr(QStringLiteral("form"), form);
                    fillNode(v, value);
                }
            }
        }
    }
    XmlNode &primary = model.add(QStringLiteral("instance"));
    XmlNode &root = primary.add(m_form.root->name);
    for (const auto &[name, value] : s.rootAttributes)
        root.attr(name, value);
    root.attr(QStringLiteral("id"), result.formId);
    if (!s.instanceXmlns.isEmpty())
        root.attr(QStringLiteral("xmlns"), s.instanceXmlns);
    if (!s.version.isEmpty())
        root.attr(QStringLiteral("version"), s.version);
    if (!s.prefix.isEmpty())
        root.attr(QStringLiteral("odk:prefix"), s.prefix);
    if (!s.delimiter.isEmpty())
        root.attr(QStringLiteral("odk:delimiter"), s.delimiter);
    writePrimary(root, *m_form.root, Normal);
    QList<const Element *> audits;
    std::function<void(const Element &)> findAudits = [&](const Element &e) {
        for (const auto &c : e.children) {
            if (c->inMeta)
                audits.append(c.get());
            findAudits(*c);
        }
    };
    findAudits(*m_form.root);
    const EntityPlace *rootEntity = entityIn(m_form.root.get());
    if (!audits.isEmpty() || !s.omitInstanceId || !s.instanceName.isEmpty() || rootEntity) {
        XmlNode &meta = root.add(QStringLiteral("meta"));
        if (rootEntity)
            writeEntityInstance(meta, *rootEntity->declaration);
        for (const Element *a : std::as_const(audits))
            meta.add(a->name);
        if (!s.omitInstanceId)
            meta.add(QStringLiteral("instanceID"));
        if (!s.instanceName.isEmpty())
            meta.add(QStringLiteral("instanceName"));
    }
    for (const SecondaryInstance &i : std::as_const(m_instances)) {
        XmlNode &instance = model.add(QStringLiteral("instance"));
        instance.attr(QStringLiteral("id"), i.id);
        if (!i.src.isEmpty()) {
            instance.attr(QStringLiteral("src"), i.src);
            continue;
        }
        const ChoiceList &list = m_form.choiceLists.at(i.listIndex);
        const bool itext = listUsesItext(list);
        XmlNode &listRoot = instance.add(QStringLiteral("root"));
        for (qsizetype n = 0; n < list.choices.size(); ++n) {
            const Choice &c = list.choices.at(n);
            XmlNode &item = listRoot.add(QStringLiteral("item"));
            if (itext)
                item.addTextElement(QStringLiteral("itextId"),
                                    QStringLiteral("%1-%2").arg(list.name).arg(n));
            item.addTextElement(QStringLiteral("name"), c.name);
            if (!itext && !c.label.value(QString()).isEmpty())
                item.addTextElement(QStringLiteral("label"), c.label.value(QString()));
            for (const auto &[key, value] : c.extra)
                if (!value.isEmpty())
                    item.addTextElement(key, value);
        }
    }
    writeBinds(model, *m_form.root);
    if (rootEntity)
        writeEntityBinds(model, *rootEntity);
    if (!s.omitInstanceId) {
        XmlNode &bind = model.add(QStringLiteral("bind"));
        bind.attr(QStringLiteral("nodeset"), m_instanceId.path())
            .attr(QStringLiteral("type"), QStringLiteral("string"))
            .attr(QStringLiteral("readonly"), QStringLiteral("true()"))
            .attr(QStringLiteral("jr:preload"),
                  s.instanceId.isEmpty() ? QStringLiteral("uid") : s.instanceId);
    }
    if (!s.instanceName.isEmpty())
        model.add(QStringLiteral("bind"))
            .attr(QStringLiteral("nodeset"), m_instanceName.path())
            .attr(QStringLiteral("type"), QStringLiteral("string"))
            .attr(QStringLiteral("calculate"), resolve(s.instanceName, nullptr));
    XmlNode &body = html.add(QStringLiteral("h:body"));
    if (!s.style.isEmpty())
        body.attr(QStringLiteral("class"), s.style);
    writeBody(body, *m_form.root);
    const QString languages = languageWarning(m_itext);
    if (!languages.isEmpty())
        m_warnings->append(Message{Place{}, languages});
    result.xml = html.serialize();
    return result;
}

} // namespace

WriteResult writeXForm(const Form &form, const QString &fallbackId, QList<Message> *warnings)
{
    return Writer(form, fallbackId, warnings).write();
}

} // namespace survey::xlsform
