// SPDX-License-Identifier: GPL-3.0-or-later
#include "formsession.h"

#include "xpathfunctions.h"

#include <QDate>
#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUuid>
#include <QXmlStreamWriter>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace survey::form {

namespace {

constexpr std::uint32_t kSelfRelevant = 1u << 0;
constexpr std::uint32_t kRelevant = 1u << 1;
constexpr std::uint32_t kRequired = 1u << 2;
constexpr std::uint32_t kSelfReadonly = 1u << 3;
constexpr std::uint32_t kReadonly = 1u << 4;
constexpr std::uint32_t kConstraintFailed = 1u << 5;
constexpr std::uint32_t kEvalFailed = 1u << 6; ///< an entry in m_failures is about this node

/// Limits that keep a hostile or mistaken form (a jr:count of a million, nested counts,
/// an answer for position 9999999) from exhausting the device's memory.
constexpr int kMaxRepeatPosition = 10000;
constexpr std::size_t kMaxInstanceNodes = 200000;

const QString kXformsNs = QStringLiteral("http://www.w3.org/2002/xforms");

void setBit(XmlNode *n, std::uint32_t bit, bool on)
{
    if (on)
        n->stateBits |= bit;
    else
        n->stateBits &= ~bit;
}

QString isoNow(qint64 ms)
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(ms, Qt::LocalTime);
    const int off = local.offsetFromUtc();
    const QChar sign = off < 0 ? QLatin1Char('-') : QLatin1Char('+');
    return local.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) +
           QStringLiteral("%1%2:%3")
               .arg(sign)
               .arg(std::abs(off) / 3600, 2, 10, QLatin1Char('0'))
               .arg((std::abs(off) % 3600) / 60, 2, 10, QLatin1Char('0'));
}

} // namespace

class FormSession::Env : public xpath::Environment
{
public:
    explicit Env(FormSession &s)
        : m_s(s)
    {}
    bool formMode() const override { return true; }
    XmlNode *absoluteRoot(const xpath::Context &) const override { return m_s.m_doc.get(); }
    XmlNode *instance(const QString &id) const override
    {
        const SecondaryInstance *si = m_s.m_def->secondary(id);
        if (si && !si->missing.isEmpty())
            throw xpath::EvalError{si->missing}; // its file was not there when loaded
        return si ? si->doc.get() : nullptr;
    }
    QString itext(const QString &id) const override
    {
        // Texts can hold outputs that call jr:itext() again: bound the nesting.
        const Reentry guard(m_depth);
        if (guard.tooDeep())
            return QString();
        TextSource ts;
        ts.itextId = id;
        return m_s.text(ts, nullptr);
    }
    QString choiceName(const QString &value, const QString &path, XmlNode *context) const override
    {
        const Reentry guard(m_depth);
        if (guard.tooDeep())
            return QString();
        // The path is data (a string); resolve it against the schema, not by parsing XPath.
        const QString contextPath =
            context && context->schemaIndex >= 0
                ? m_s.m_def->schema[static_cast<std::size_t>(context->schemaIndex)].path
                : QString();
        const int schema =
            m_s.m_def->schemaForPath(FormDefinition::schemaPathOf(path, contextPath));
        if (schema < 0)
            return QString();
        const int control = m_s.m_def->schema[static_cast<std::size_t>(schema)].control;
        if (control < 0)
            return QString();
        XmlNode *node = m_s.liveNode(schema, context);
        for (const Choice &c : m_s.choices(control, node)) {
            if (c.value == value)
                return c.label;
        }
        return QString();
    }
    qint64 nowMs() const override { return m_s.now(); }
    QString formVersion() const override { return m_s.m_def->version; }

private:
    struct Reentry
    {
        int &depth;
        explicit Reentry(int &d)
            : depth(d)
        {
            ++depth;
        }
        ~Reentry() { --depth; }
        bool tooDeep() const { return depth > 4; }
    };
    FormSession &m_s;
    mutable int m_depth = 0;
};

QString FormSession::kindName(Problem::Kind kind)
{
    switch (kind) {
    case Problem::Kind::Required:
        return QStringLiteral("required");
    case Problem::Kind::Constraint:
        return QStringLiteral("constraint");
    case Problem::Kind::Type:
        return QStringLiteral("type");
    case Problem::Kind::UnknownRef:
        return QStringLiteral("unknown-ref");
    case Problem::Kind::Error:
        return QStringLiteral("error");
    }
    return QString();
}

std::optional<xpath::Value> FormSession::evaluateFor(const xpath::Expression &e, XmlNode *node,
                                                     Role role, const xpath::Context &ctx,
                                                     const QString &ref) const
{
    const FailureKey key{node, role, &e};
    QString reason;
    try {
        xpath::Value v = e.evaluate(ctx);
        if (node && (node->stateBits & kEvalFailed))
            m_failures.erase(key);
        return v;
    } catch (const xpath::EvalError &err) {
        reason = err.message;
    } catch (const std::bad_alloc &) {
        reason = tr("it needs more memory than the device allows");
    } catch (const std::exception &err) { // e.g. a string doubled until it is too long
        reason = tr("it cannot be computed (%1)").arg(QString::fromLocal8Bit(err.what()));
    }
    if (node) {
        node->stateBits |= kEvalFailed;
        m_failures[key] = EvalFailure{e.source(), reason, ref};
    }
    return std::nullopt;
}

void FormSession::forgetFailures(const XmlNode *subtree)
{
    if (m_failures.empty())
        return;
    std::vector<const XmlNode *> stack{subtree};
    while (!stack.empty()) {
        const XmlNode *n = stack.back();
        stack.pop_back();
        if (n->stateBits & kEvalFailed) {
            for (auto it = m_failures.lower_bound({n, Role::Calculate, nullptr});
                 it != m_failures.end() && std::get<0>(it->first) == n;)
                it = m_failures.erase(it);
        }
        for (const auto &a : n->attributes())
            stack.push_back(a.get());
        for (const auto &c : n->children())
            stack.push_back(c.get());
    }
}

QString FormSession::failureMessage(Role role, const EvalFailure &f) const
{
    QString what;
    switch (role) {
    case Role::Calculate:
        what = tr("The calculation of this answer");
        break;
    case Role::Relevant:
        what = tr("The condition for showing this question");
        break;
    case Role::Required:
        what = tr("The condition that makes this question required");
        break;
    case Role::Readonly:
        what = tr("The condition that makes this question read-only");
        break;
    case Role::Constraint:
        what = tr("The rule that checks this answer");
        break;
    case Role::Count:
        what = tr("The number of entries of this repeat");
        break;
    case Role::Choices:
        what = tr("The list of choices of this question");
        break;
    case Role::Action:
        what = tr("A value the form sets here");
        break;
    }
    return tr("%1 could not be worked out: %2 (expression: %3). The form needs fixing; tell "
              "whoever made it.")
        .arg(what, f.reason, f.expression);
}

FormSession::FormSession(std::shared_ptr<const FormDefinition> definition, Properties properties)
    : m_def(std::move(definition))
    , m_props(std::move(properties))
    , m_env(std::make_unique<Env>(*this))
{
    const QStringList langs = m_def->languages();
    m_defaultLanguageIndex = static_cast<int>(langs.indexOf(m_def->defaultLanguage));
    m_languageIndex = m_defaultLanguageIndex;
    m_language = m_def->defaultLanguage;
    m_valueChangedTrigger.assign(m_def->schema.size(), false);
    for (const Action &a : m_def->actions) {
        if (a.trigger >= 0 && std::find(a.events.begin(), a.events.end(),
                                        ActionEvent::ValueChanged) != a.events.end())
            m_valueChangedTrigger[static_cast<std::size_t>(a.trigger)] = true;
    }
    m_failures.clear();
    m_doc = std::make_unique<XmlDocument>();
    m_doc->appendChild(m_def->initialInstance->documentElement()->clone());
    initStates(m_doc->documentElement());
    rebuildLive();
}

FormSession::~FormSession() = default;

qint64 FormSession::now() const
{
    return m_props.clock ? m_props.clock() : QDateTime::currentMSecsSinceEpoch();
}

xpath::Context FormSession::context(XmlNode *node) const
{
    xpath::Context c;
    c.node = node;
    c.current = node;
    c.env = m_env.get();
    return c;
}

const Bind *FormSession::bindOf(const XmlNode *node) const
{
    if (!node || node->schemaIndex < 0)
        return nullptr;
    const int b = m_def->schema[static_cast<std::size_t>(node->schemaIndex)].bind;
    return b < 0 ? nullptr : &m_def->binds[static_cast<std::size_t>(b)];
}

void FormSession::initStates(XmlNode *node)
{
    node->stateBits = kSelfRelevant | kRelevant;
    for (const auto &a : node->attributes())
        a->stateBits = kSelfRelevant | kRelevant;
    for (const auto &c : node->children()) {
        if (c->isElement())
            initStates(c.get());
    }
}

void FormSession::addLive(XmlNode *node)
{
    if (node->schemaIndex >= 0)
        m_live[static_cast<std::size_t>(node->schemaIndex)].push_back(node);
    for (const auto &a : node->attributes()) {
        if (a->schemaIndex >= 0)
            m_live[static_cast<std::size_t>(a->schemaIndex)].push_back(a.get());
    }
    for (const auto &c : node->children()) {
        if (c->isElement())
            addLive(c.get());
    }
}

void FormSession::rebuildLive()
{
    m_live.assign(m_def->schema.size(), {});
    addLive(m_doc->documentElement());
    m_nodeCount = 0;
    for (const auto &bucket : m_live)
        m_nodeCount += bucket.size();
}

bool FormSession::isLive(const XmlNode *node, int schema) const
{
    if (!node || schema < 0)
        return false;
    const auto &bucket = m_live[static_cast<std::size_t>(schema)];
    return std::find(bucket.begin(), bucket.end(), node) != bucket.end();
}

// ---- lifecycle -------------------------------------------------------------------------

void FormSession::start()
{
    runPreloads(true);
    recomputeAll();
    runActions(ActionEvent::InstanceFirstLoad, nullptr, -1);
    runActions(ActionEvent::InstanceLoad, nullptr, -1);
    recomputeAll();
}

void FormSession::runPreloads(bool start)
{
    for (const Bind &b : m_def->binds) {
        if (b.preload.isEmpty())
            continue;
        for (XmlNode *n : m_live[static_cast<std::size_t>(b.schema)]) {
            const bool empty = n->stringValue().isEmpty();
            QString v;
            if (b.preload == QLatin1String("uid")) {
                if (start && empty)
                    v = QStringLiteral("uuid:") +
                        QUuid::createUuid().toString(QUuid::WithoutBraces);
            } else if (b.preload == QLatin1String("timestamp")) {
                if (b.preloadParams == QLatin1String("start") && start && empty)
                    v = isoNow(now());
                else if (b.preloadParams == QLatin1String("end") && !start)
                    v = isoNow(now());
            } else if (b.preload == QLatin1String("date")) {
                if (start && empty &&
                    (b.preloadParams == QLatin1String("today") || b.preloadParams.isEmpty()))
                    v = QDateTime::fromMSecsSinceEpoch(now(), Qt::LocalTime)
                            .date()
                            .toString(QStringLiteral("yyyy-MM-dd"));
            } else if (b.preload == QLatin1String("property") && start && empty) {
                const QString p = b.preloadParams.toLower();
                if (p == QLatin1String("deviceid"))
                    v = m_props.deviceId;
                else if (p == QLatin1String("username"))
                    v = m_props.username;
                else if (p == QLatin1String("email"))
                    v = m_props.email;
                else if (p == QLatin1String("phonenumber") || p == QLatin1String("phone number"))
                    v = m_props.phoneNumber;
                else if (p == QLatin1String("simserial"))
                    v = m_props.simSerial;
                else if (p == QLatin1String("subscriberid"))
                    v = m_props.subscriberId;
                else if (p == QLatin1String("uri:userid") || p == QLatin1String("userid"))
                    v = m_props.userId;
            }
            if (!v.isEmpty())
                assignValue(n, v);
        }
    }
    // OpenRosa metadata filled by clients when the form has the fields.
    if (m_def->instanceIdSchema >= 0 && start) {
        for (XmlNode *n : m_live[static_cast<std::size_t>(m_def->instanceIdSchema)]) {
            if (n->stringValue().isEmpty())
                assignValue(n, QStringLiteral("uuid:") +
                                   QUuid::createUuid().toString(QUuid::WithoutBraces));
        }
    }
    const int meta = m_def->instanceIdSchema >= 0
                         ? m_def->schema[static_cast<std::size_t>(m_def->instanceIdSchema)].parent
                         : -1;
    if (meta < 0)
        return;
    for (int c : m_def->schema[static_cast<std::size_t>(meta)].children) {
        const QString &name = m_def->schema[static_cast<std::size_t>(c)].name;
        for (XmlNode *n : m_live[static_cast<std::size_t>(c)]) {
            const bool empty = n->stringValue().isEmpty();
            if (name == QLatin1String("timeStart") && start && empty)
                assignValue(n, isoNow(now()));
            else if (name == QLatin1String("timeEnd") && !start)
                assignValue(n, isoNow(now()));
            else if (name == QLatin1String("deviceID") && empty && !m_props.deviceId.isEmpty())
                assignValue(n, m_props.deviceId);
            else if (name == QLatin1String("userID") && empty && !m_props.userId.isEmpty())
                assignValue(n, m_props.userId);
            else if (name == QLatin1String("email") && empty && !m_props.email.isEmpty())
                assignValue(n, m_props.email);
            else if (name == QLatin1String("phoneNumber") && empty &&
                     !m_props.phoneNumber.isEmpty())
                assignValue(n, m_props.phoneNumber);
            else if (name == QLatin1String("simSerial") && empty && !m_props.simSerial.isEmpty())
                assignValue(n, m_props.simSerial);
            else if (name == QLatin1String("subscriberID") && empty &&
                     !m_props.subscriberId.isEmpty())
                assignValue(n, m_props.subscriberId);
        }
    }
}

void FormSession::runActions(ActionEvent event, XmlNode *scope, int trigger)
{
    const int scopeSchema = scope ? scope->schemaIndex : -1;
    const quint64 removals = m_removals;
    for (const Action &a : m_def->actions) {
        if (std::find(a.events.begin(), a.events.end(), event) == a.events.end())
            continue;
        if ((event == ActionEvent::ValueChanged || event == ActionEvent::NewRepeat) &&
            a.trigger != trigger)
            continue;
        // An earlier action's recomputation may have removed the scope (jr:count).
        if (scope && m_removals != removals && !isLive(scope, scopeSchema))
            return;
        std::vector<Change> changed = applyAction(a, scope);
        if (!changed.empty() && !m_recomputing)
            recompute(std::move(changed));
        else
            m_pendingChanges.insert(m_pendingChanges.end(), changed.begin(), changed.end());
    }
}

std::vector<FormSession::Change> FormSession::applyAction(const Action &a, XmlNode *context)
{
    std::vector<XmlNode *> targets;
    if (context) {
        const auto v = evaluateFor(*a.ref, context, Role::Action, this->context(context));
        if (v && v->isNodeSet())
            targets = v->nodes();
    } else {
        targets = m_live[static_cast<std::size_t>(a.target)];
    }
    std::vector<Change> changed;
    for (XmlNode *t : targets) {
        QString v = a.literal;
        if (a.kind == Action::Kind::SetGeopoint) {
            // The host's current fix; without one the question stays as it is.
            v = m_props.location ? m_props.location() : QString();
            if (v.isEmpty())
                continue;
        } else if (a.value) {
            // The value is computed in the context of the node it is set on (as JavaRosa's
            // setvalue does: value="../../age + 2" in a new repeat instance).
            const auto r = evaluateFor(*a.value, t, Role::Action, this->context(t));
            v = r ? r->toString() : QString();
        }
        if (t->stringValue() != v) {
            assignValue(t, v);
            if (t->schemaIndex >= 0)
                changed.push_back({t->schemaIndex, t});
        }
    }
    return changed;
}

bool FormSession::loadInstance(const QByteArray &xml, QString *error)
{
    XmlError xe;
    XmlDocument::ParseOptions po;
    po.keepComments = false;
    po.keepProcessingInstructions = false;
    auto saved = XmlDocument::parse(xml, po, &xe); // keeps answers made of spaces
    if (!saved) {
        if (error)
            *error = tr("the saved instance is not readable XML (%1:%2): %3")
                         .arg(xe.line)
                         .arg(xe.column)
                         .arg(xe.message);
        return false;
    }
    const XmlNode *sroot = saved->documentElement();
    const SchemaNode &rs = m_def->schema[0];
    if (sroot->localName() != rs.name) {
        if (error)
            *error = tr("the saved instance has root <%1> but the form expects <%2>")
                         .arg(sroot->localName(), rs.name);
        return false;
    }
    // Rebuild the live tree: the form's structure, the saved values and instances.
    std::function<void(XmlNode *, const XmlNode *)> merge = [&](XmlNode *live, const XmlNode *src) {
        // The saved node's attributes, exactly and in their order: a repeat instance made
        // from its template does not keep template attributes the saved one did not have.
        std::vector<std::unique_ptr<XmlNode>> had;
        while (!live->attributes().empty())
            had.push_back(live->takeAttribute(live->attributes().size() - 1));
        for (const auto &a : src->attributes()) {
            if (a->localName() == QLatin1String("template"))
                continue;
            const auto same = std::find_if(had.begin(), had.end(), [&a](const auto &h) {
                return h && h->localName() == a->localName();
            });
            if (same != had.end()) {
                (*same)->setValue(a->value());
                live->appendAttribute(std::move(*same));
            } else {
                live->appendAttribute(a->clone());
            }
        }
        for (const auto &h : had) {
            if (h)
                forgetFailures(h.get());
        }
        bool srcHasElements = false;
        for (const auto &c : src->children())
            srcHasElements = srcHasElements || c->isElement();
        bool liveHasElements = false;
        for (const auto &c : live->children())
            liveHasElements = liveHasElements || c->isElement();
        if (!liveHasElements && !srcHasElements) {
            live->setText(src->stringValue());
            return;
        }
        if (live->schemaIndex < 0)
            return;
        const SchemaNode &ls = m_def->schema[static_cast<std::size_t>(live->schemaIndex)];
        // Repeat instances: take exactly the saved ones.
        for (int childSchema : ls.children) {
            const SchemaNode &cs = m_def->schema[static_cast<std::size_t>(childSchema)];
            if (!cs.isRepeat)
                continue;
            for (int i = static_cast<int>(live->children().size()) - 1; i >= 0; --i) {
                if (live->children()[static_cast<std::size_t>(i)]->schemaIndex == childSchema) {
                    forgetFailures(live->children()[static_cast<std::size_t>(i)].get());
                    live->takeChild(static_cast<std::size_t>(i));
                }
            }
            for (const auto &sc : src->children()) {
                if (sc->isElement() && sc->localName() == cs.name) {
                    XmlNode *inst = insertRepeat(live, childSchema);
                    merge(inst, sc.get());
                }
            }
        }
        QHash<QString, int> nth; // same-named siblings (not repeats) pair up in order
        for (const auto &sc : src->children()) {
            if (!sc->isElement())
                continue;
            const int want = nth[sc->localName()]++;
            int matched = -1;
            for (int childSchema : ls.children) {
                const SchemaNode &cs = m_def->schema[static_cast<std::size_t>(childSchema)];
                if (!cs.isAttribute && cs.name == sc->localName())
                    matched = childSchema;
            }
            if (matched >= 0 && m_def->schema[static_cast<std::size_t>(matched)].isRepeat)
                continue;
            XmlNode *target = nullptr;
            int seen = 0;
            for (const auto &lc : live->children()) {
                if (lc->isElement() && lc->localName() == sc->localName() && seen++ == want) {
                    target = lc.get();
                    break;
                }
            }
            if (!target) {
                // Not in the form (e.g. deprecatedID, or data of an older version): keep it.
                auto copy = sc->clone();
                std::function<void(XmlNode *)> clear = [&](XmlNode *n) {
                    n->schemaIndex = -1;
                    n->stateBits = kSelfRelevant | kRelevant;
                    for (const auto &c : n->children())
                        clear(c.get());
                };
                clear(copy.get());
                live->appendChild(std::move(copy));
                continue;
            }
            merge(target, sc.get());
        }
    };
    m_failures.clear();
    m_doc = std::make_unique<XmlDocument>();
    m_doc->appendChild(m_def->initialInstance->documentElement()->clone());
    initStates(m_doc->documentElement());
    merge(m_doc->documentElement(), sroot);
    m_fresh.clear(); // reopened instances are not new: no odk-new-repeat
    initStates(m_doc->documentElement());
    rebuildLive();
    recomputeAll(false); // the saved repeat instances stand as they were
    runActions(ActionEvent::InstanceLoad, nullptr, -1);
    m_index = 0;
    return true;
}

void FormSession::beginEdit()
{
    const QString old = instanceId();
    XmlNode *idNode =
        m_def->instanceIdSchema >= 0
            ? (m_live[static_cast<std::size_t>(m_def->instanceIdSchema)].empty()
                   ? nullptr
                   : m_live[static_cast<std::size_t>(m_def->instanceIdSchema)].front())
            : nullptr;
    if (!idNode)
        return;
    XmlNode *meta = idNode->parent();
    XmlNode *dep = nullptr;
    for (const auto &c : meta->children()) {
        if (c->isElement() && c->localName() == QLatin1String("deprecatedID"))
            dep = c.get();
    }
    if (!dep) {
        auto n = std::make_unique<XmlNode>(XmlNode::Kind::Element);
        n->setName(QStringLiteral("deprecatedID"), idNode->prefix(), idNode->namespaceUri());
        n->schemaIndex = m_def->deprecatedIdSchema;
        n->stateBits = kSelfRelevant | kRelevant;
        dep = meta->appendChild(std::move(n));
        rebuildLive();
    }
    dep->setText(old);
    assignValue(idNode,
                QStringLiteral("uuid:") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    recompute({{m_def->instanceIdSchema, idNode}});
}

QString FormSession::instanceId() const
{
    if (m_def->instanceIdSchema < 0)
        return QString();
    const auto &nodes = m_live[static_cast<std::size_t>(m_def->instanceIdSchema)];
    return nodes.empty() ? QString() : nodes.front()->stringValue();
}

QStringList FormSession::fileNames(const std::vector<FileAnswer> &answers)
{
    QStringList out;
    for (const FileAnswer &a : answers) {
        if (!out.contains(a.name))
            out << a.name;
    }
    return out;
}

std::vector<FormSession::FileAnswer> FormSession::fileAnswers() const
{
    std::vector<FileAnswer> out;
    std::vector<const XmlNode *> stack{root()};
    while (!stack.empty()) {
        const XmlNode *n = stack.back();
        stack.pop_back();
        if (!isRelevant(n))
            continue;
        const Bind *b = bindOf(n);
        if (b && b->type == DataType::Binary) {
            const QString name = n->stringValue().trimmed();
            if (!name.isEmpty())
                out.push_back({pathOf(n), name});
        }
        const auto &children = n->children();
        for (auto c = children.rbegin(); c != children.rend(); ++c) { // document order
            if ((*c)->isElement())
                stack.push_back(c->get());
        }
    }
    return out;
}

QString FormSession::instanceName() const
{
    if (m_def->instanceNameSchema < 0)
        return QString();
    const auto &nodes = m_live[static_cast<std::size_t>(m_def->instanceNameSchema)];
    return nodes.empty() ? QString() : nodes.front()->stringValue();
}

// ---- recomputation ---------------------------------------------------------------------

void FormSession::assignValue(XmlNode *node, const QString &value)
{
    if (node->kind() == XmlNode::Kind::Attribute)
        node->setValue(value);
    else
        node->setText(value);
}

namespace {

QString normalizeComputed(const xpath::Value &v, DataType type)
{
    switch (type) {
    case DataType::Int: {
        const double d = v.toNumber();
        if (std::isnan(d) || std::isinf(d))
            return QString();
        return xpath::numberToString(std::trunc(d));
    }
    case DataType::Decimal: {
        const double d = v.toNumber();
        if (std::isnan(d) || std::isinf(d))
            return QString();
        return xpath::numberToString(d);
    }
    case DataType::Boolean:
        return v.type() == xpath::Value::Type::Boolean ? v.toString()
                                                       : QString(v.toBoolean() ? "true" : "false");
    case DataType::Date:
    case DataType::DateTime: {
        // A number (date arithmetic) is days since the epoch: store it as a date.
        if (v.type() != xpath::Value::Type::Number)
            return v.toString();
        const double d = v.rawNumber();
        if (std::isnan(d) || std::isinf(d) || std::fabs(d) > 1e7)
            return QString();
        if (type == DataType::Date)
            return QDate(1970, 1, 1)
                .addDays(static_cast<qint64>(std::floor(d)))
                .toString(QStringLiteral("yyyy-MM-dd"));
        return isoNow(static_cast<qint64>(std::llround(d * 86400000.0)));
    }
    default:
        // A number that is not one (NaN) is no answer, as the ODK engines write it.
        if (v.type() == xpath::Value::Type::Number && std::isnan(v.rawNumber()))
            return QString();
        return v.toString();
    }
}

/// A location as the ODK engines write it: altitude and accuracy as decimals ("30.0 5.0"),
/// points separated by ';'.
QString normalizeGeo(const QString &value)
{
    QStringList points;
    for (const QString &p : value.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        QStringList f = p.simplified().split(QLatin1Char(' '));
        for (qsizetype i = 2; i < f.size(); ++i) {
            if (!f[i].contains(QLatin1Char('.')) &&
                !f[i].contains(QLatin1Char('e'), Qt::CaseInsensitive))
                f[i] += QStringLiteral(".0");
        }
        points << f.join(QLatin1Char(' '));
    }
    return points.join(QLatin1Char(';'));
}

} // namespace

bool FormSession::evaluateCalculate(int schema, XmlNode *node)
{
    const Bind *b = bindOf(node);
    if (!b || !b->calculate)
        return false;
    // The instance ID is the submission's identity: once set it never changes, even when
    // the form computes it (older forms use calculate="concat('uuid:', uuid())").
    if (schema == m_def->instanceIdSchema && !node->stringValue().isEmpty())
        return false;
    ++m_evaluations;
    // A calculation that fails leaves the answer empty and says so (see validate()).
    const auto r = evaluateFor(*b->calculate, node, Role::Calculate, context(node));
    QString v = r ? normalizeComputed(*r, b->type) : QString();
    if (!v.isEmpty() && (b->type == DataType::Geopoint || b->type == DataType::Geotrace ||
                         b->type == DataType::Geoshape)) {
        // A location is one or it is no answer (the ODK engines store none); say why.
        const QString why = typeError(node, v);
        if (why.isEmpty()) {
            v = normalizeGeo(v);
        } else {
            node->stateBits |= kEvalFailed;
            m_failures[{node, Role::Calculate, b->calculate.get()}] =
                EvalFailure{b->calculate->source(), why, {}};
            v.clear();
        }
    }
    if (node->stringValue() == v)
        return false;
    assignValue(node, v);
    return true;
}

void FormSession::evaluateProps(int schema, XmlNode *node)
{
    (void)schema;
    const Bind *b = bindOf(node);
    if (!b)
        return;
    // A condition that fails counts as its default (shown, not required, not read-only) so
    // that the rest of the form stays usable, and is noted as a problem that blocks finalize.
    auto boolOf = [&](const std::shared_ptr<xpath::Expression> &e, bool fallback, Role role) {
        if (!e)
            return fallback;
        ++m_evaluations;
        const auto v = evaluateFor(*e, node, role, context(node));
        return v ? v->toBoolean() : fallback;
    };
    const bool selfRelevant = boolOf(b->relevant, true, Role::Relevant);
    // A calculate makes its node read-only, unless the bind says otherwise (XForms: readonly
    // defaults to true() when there is a calculate).
    const bool selfReadonly =
        b->readonly ? boolOf(b->readonly, false, Role::Readonly) : b->calculate != nullptr;
    const bool oldRelevantSelf = node->stateBits & kSelfRelevant;
    const bool oldReadonlySelf = node->stateBits & kSelfReadonly;
    setBit(node, kSelfRelevant, selfRelevant);
    setBit(node, kSelfReadonly, selfReadonly);
    setBit(node, kRequired, boolOf(b->required, false, Role::Required));
    bool failed = false;
    if (b->constraint && !node->stringValue().isEmpty())
        failed = !boolOf(b->constraint, true, Role::Constraint);
    else if (node->stateBits & kEvalFailed)
        m_failures.erase({node, Role::Constraint, b->constraint.get()}); // no answer: not checked
    setBit(node, kConstraintFailed, failed);
    if (oldRelevantSelf != selfRelevant || oldReadonlySelf != selfReadonly)
        refreshInherited(node);
}

bool FormSession::hasReaders(int schema) const
{
    const auto &d = m_def->dependents[static_cast<std::size_t>(schema)];
    return !d.calculates.empty() || !d.props.empty() || !d.counts.empty() ||
           !m_def->globalCalculates.empty() || !m_def->globalProps.empty() ||
           !m_def->globalCounts.empty();
}

void FormSession::refreshInherited(XmlNode *node, bool noteFlips)
{
    const XmlNode *p = node->parent();
    const bool parentRelevant =
        !p || p->kind() == XmlNode::Kind::Document || (p->stateBits & kRelevant);
    const bool parentReadonly =
        p && p->kind() != XmlNode::Kind::Document && (p->stateBits & kReadonly);
    // A node that is not relevant reads as empty in every expression (ODK: its answer does
    // not count), so a change of relevance is a change of value for its readers.
    const auto setRelevant = [&](XmlNode *n, bool relevant) {
        // (An empty node reads the same either way: its readers need not look again.)
        if (noteFlips && n->schemaIndex >= 0 && bool(n->stateBits & kRelevant) != relevant &&
            hasReaders(n->schemaIndex) && !n->stringValue().isEmpty())
            m_relevanceFlips.push_back({n->schemaIndex, n, false});
        setBit(n, kRelevant, relevant);
        setBit(n, XmlNode::kReadsEmpty, !relevant);
    };
    setRelevant(node, parentRelevant && (node->stateBits & kSelfRelevant));
    setBit(node, kReadonly, parentReadonly || (node->stateBits & kSelfReadonly));
    const bool relevant = node->stateBits & kRelevant;
    const bool readonly = node->stateBits & kReadonly;
    for (const auto &a : node->attributes()) {
        setRelevant(a.get(), relevant && (a->stateBits & kSelfRelevant));
        setBit(a.get(), kReadonly, readonly || (a->stateBits & kSelfReadonly));
    }
    for (const auto &c : node->children()) {
        if (c->isElement())
            refreshInherited(c.get(), noteFlips);
    }
}

bool FormSession::adjustCounts(int repeatSchema)
{
    const SchemaNode &rs = m_def->schema[static_cast<std::size_t>(repeatSchema)];
    const int rep = rs.repeat;
    if (rep < 0)
        return false;
    const int control = m_def->repeats[static_cast<std::size_t>(rep)].control;
    if (control < 0 || !m_def->controls[static_cast<std::size_t>(control)].count)
        return false;
    const auto &countExpr = m_def->controls[static_cast<std::size_t>(control)].count;
    bool changed = false;
    // jr:count is read from the repeat's own place, as its nodeset is (jr:count="../n"
    // means the n beside the repeat), where an instance may not exist yet: a stand-in.
    XmlNode standIn(XmlNode::Kind::Element);
    standIn.setName(rs.name);
    standIn.schemaIndex = repeatSchema;
    const std::vector<XmlNode *> parents = m_live[static_cast<std::size_t>(rs.parent)];
    for (XmlNode *parent : parents) {
        ++m_evaluations;
        standIn.setStandInParent(parent);
        const QString where = pathOf(parent) + QLatin1Char('/') + rs.name;
        const auto v = evaluateFor(*countExpr, parent, Role::Count, context(&standIn), where);
        // A count that cannot be computed changes nothing: the instances and their answers
        // stay, and the failure is a problem that blocks finalize.
        if (!v)
            continue;
        double want = v->toNumber();
        if (std::isnan(want) && !v->toString().trimmed().isEmpty()) {
            parent->stateBits |= kEvalFailed;
            m_failures[{parent, Role::Count, countExpr.get()}] =
                EvalFailure{countExpr->source(),
                            tr("its value '%1' is not a number").arg(v->toString()), where};
            continue;
        }
        if (std::isnan(want) || want < 0)
            want = 0;                   // not answered yet
        want = std::min(want, 10000.0); // a runaway count must not exhaust memory
        const auto target = static_cast<std::size_t>(want);
        std::vector<XmlNode *> have = repeatInstances(parent, repeatSchema);
        while (have.size() < target) {
            XmlNode *inst = createInstance(parent, repeatSchema);
            if (!inst)
                break; // the session's size limit: see limitMessage()
            have.push_back(inst);
            changed = true;
        }
        while (have.size() > target) {
            XmlNode *last = have.back();
            have.pop_back();
            forgetFailures(last);
            parent->takeChild(static_cast<std::size_t>(last->indexInParent()));
            ++m_removals;
            changed = true;
        }
    }
    if (changed)
        rebuildLive();
    return changed;
}

void FormSession::recomputeAll(bool applyCounts)
{
    m_recomputing = true;
    // jr:count is applied once per pass, as Collect does when the enumerator reaches the
    // repeat: a count computed from the repeat's own size (the "one more" pattern) grows by
    // one step, never in a loop.
    for (int pass = 0; pass < 2; ++pass) {
        for (int s : m_def->topoOrder) {
            for (XmlNode *n : m_live[static_cast<std::size_t>(s)])
                evaluateCalculate(s, n);
        }
        bool structural = false;
        if (pass == 0 && applyCounts) {
            for (const RepeatInfo &r : m_def->repeats)
                structural = adjustCounts(r.schema) || structural;
        }
        if (!structural)
            break;
    }
    for (std::size_t s = 0; s < m_def->schema.size(); ++s) {
        if (m_def->schema[s].bind < 0)
            continue;
        for (XmlNode *n : m_live[s])
            evaluateProps(static_cast<int>(s), n);
    }
    refreshInherited(m_doc->documentElement());
    m_recomputing = false;
    // Instances the counts created: their odk-new-repeat actions, and what those change;
    // and the readers of what turned out not to be relevant (it reads as empty).
    std::vector<Change> fresh = takeFreshInstances();
    fresh.insert(fresh.end(), m_relevanceFlips.begin(), m_relevanceFlips.end());
    m_relevanceFlips.clear();
    if (!fresh.empty())
        recompute(std::move(fresh));
}

namespace {

/// Where a reader must be re-evaluated: everywhere, or inside some repeat instances.
struct Scope
{
    bool all = false;
    std::vector<XmlNode *> roots;
    void add(XmlNode *root)
    {
        if (all)
            return;
        if (!root) {
            all = true;
            roots.clear();
            return;
        }
        if (std::find(roots.begin(), roots.end(), root) == roots.end())
            roots.push_back(root);
    }
};

void collectSchema(XmlNode *root, int schema, std::vector<XmlNode *> &out)
{
    if (root->schemaIndex == schema) {
        out.push_back(root);
        return;
    }
    for (const auto &a : root->attributes()) {
        if (a->schemaIndex == schema)
            out.push_back(a.get());
    }
    for (const auto &c : root->children()) {
        if (c->isElement())
            collectSchema(c.get(), schema, out);
    }
}

} // namespace

XmlNode *FormSession::readerScope(int source, const XmlNode *node, int reader) const
{
    // A change inside a repeat instance reaches a reader in the same repeat only within
    // that instance, unless the reader's expressions look across instances.
    if (!node)
        return nullptr;
    const auto &schema = m_def->schema;
    if (schema[static_cast<std::size_t>(source)].isRepeat ||
        m_def->nonLocalReads.count({source, reader}))
        return nullptr;
    for (int r = schema[static_cast<std::size_t>(reader)].enclosingRepeat; r >= 0;) {
        bool shared = false;
        for (int a = source; a >= 0; a = schema[static_cast<std::size_t>(a)].parent) {
            if (a == r) {
                shared = true;
                break;
            }
        }
        if (shared) {
            for (XmlNode *p = const_cast<XmlNode *>(node); p; p = p->parent()) {
                if (p->schemaIndex == r)
                    return p;
            }
            // The change stands above the reader's instances (a whole new instance of an
            // outer repeat): the instances under it are the ones affected.
            for (int a = r; a >= 0; a = schema[static_cast<std::size_t>(a)].parent) {
                if (a == node->schemaIndex)
                    return const_cast<XmlNode *>(node);
            }
            return nullptr;
        }
        const int parent = schema[static_cast<std::size_t>(r)].parent;
        r = parent >= 0 ? schema[static_cast<std::size_t>(parent)].enclosingRepeat : -1;
    }
    return nullptr;
}

void FormSession::recompute(std::vector<Change> changed)
{
    const bool outer = !m_recomputing;
    m_recomputing = true;
    const auto &topoPos = m_def->topoPosition;
    std::map<int, Scope> propsTodo;
    std::set<int> countsDone;
    std::vector<XmlNode *> nodes;
    auto nodesIn = [&](int schema, const Scope &scope) -> const std::vector<XmlNode *> & {
        if (scope.all)
            return m_live[static_cast<std::size_t>(schema)];
        nodes.clear();
        for (XmlNode *root : scope.roots)
            collectSchema(root, schema, nodes);
        return nodes;
    };
    // Calculates and counts settle in rounds, then the states (relevance, required, …) of
    // what they touched; a change of relevance changes what readers see, so it starts the
    // rounds again. A form whose relevance feeds on itself stops after kMaxRounds.
    constexpr int kMaxRounds = 64;
    int round = 0;
    for (;;) {
        for (int s : m_def->globalProps)
            propsTodo[s].all = true;
        for (; round < kMaxRounds && !changed.empty(); ++round) {
            std::map<std::pair<int, int>, Scope> calcQueue; // (topo position, schema)
            std::set<int> countTodo;
            auto schedule = [&](int source, XmlNode *node) {
                const auto &d = m_def->dependents[static_cast<std::size_t>(source)];
                for (int c : d.calculates)
                    calcQueue[{topoPos[static_cast<std::size_t>(c)], c}].add(
                        readerScope(source, node, c));
                for (int p : d.props)
                    propsTodo[p].add(readerScope(source, node, p));
                countTodo.insert(d.counts.begin(), d.counts.end());
            };
            for (const Change &c : changed) {
                if (c.self) {
                    const int b = m_def->schema[static_cast<std::size_t>(c.schema)].bind;
                    if (b >= 0 && m_def->binds[static_cast<std::size_t>(b)].calculate)
                        calcQueue[{topoPos[static_cast<std::size_t>(c.schema)], c.schema}].add(
                            c.node);
                    if (b >= 0)
                        propsTodo[c.schema].add(c.node);
                }
                schedule(c.schema, c.node);
            }
            for (int c : m_def->globalCalculates)
                calcQueue[{topoPos[static_cast<std::size_t>(c)], c}].all = true;
            countTodo.insert(m_def->globalCounts.begin(), m_def->globalCounts.end());
            changed.clear();
            while (!calcQueue.empty()) {
                const auto first = calcQueue.begin();
                const int s = first->first.second;
                const Scope scope = std::move(first->second);
                calcQueue.erase(first);
                const std::vector<XmlNode *> targets = nodesIn(s, scope);
                for (XmlNode *n : targets) {
                    if (!evaluateCalculate(s, n))
                        continue;
                    schedule(s, n);
                    // A value the form computed changed: its xforms-value-changed actions
                    // run as for an answer (as Enketo and ODK Web Forms do).
                    if (m_valueChangedTrigger[static_cast<std::size_t>(s)])
                        runActions(ActionEvent::ValueChanged, n, s);
                }
            }
            for (int r : countTodo) {
                if (!countsDone.insert(r).second)
                    continue;
                if (adjustCounts(r)) {
                    // Removed instances: readers of anything inside the repeat look again.
                    std::function<void(int)> mark = [&](int s) {
                        changed.push_back({s, nullptr, false});
                        for (int c : m_def->schema[static_cast<std::size_t>(s)].children)
                            mark(c);
                    };
                    mark(r);
                    // New instances: their own calculates, states and odk-new-repeat actions.
                    const std::vector<Change> fresh = takeFreshInstances();
                    changed.insert(changed.end(), fresh.begin(), fresh.end());
                }
            }
            changed.insert(changed.end(), m_pendingChanges.begin(), m_pendingChanges.end());
            m_pendingChanges.clear();
        }
        for (const auto &[s, scope] : propsTodo) {
            const std::vector<XmlNode *> targets = nodesIn(s, scope);
            for (XmlNode *n : targets)
                evaluateProps(s, n);
        }
        propsTodo.clear();
        changed.swap(m_relevanceFlips);
        m_relevanceFlips.clear();
        if (changed.empty() || round >= kMaxRounds)
            break;
        countsDone.clear();
    }
    if (outer)
        m_recomputing = false;
}

// ---- answers ---------------------------------------------------------------------------

QString FormSession::pathOf(const XmlNode *node) const
{
    QStringList parts;
    for (const XmlNode *n = node; n && n->kind() != XmlNode::Kind::Document; n = n->parent()) {
        QString step = n->kind() == XmlNode::Kind::Attribute ? QLatin1Char('@') + n->localName()
                                                             : n->localName();
        if (n->schemaIndex >= 0 &&
            m_def->schema[static_cast<std::size_t>(n->schemaIndex)].isRepeat && n->parent()) {
            int index = 0;
            for (const auto &s : n->parent()->children()) {
                if (s->schemaIndex == n->schemaIndex)
                    ++index;
                if (s.get() == n)
                    break;
            }
            step += QStringLiteral("[%1]").arg(index);
        }
        parts.prepend(step);
    }
    return QLatin1Char('/') + parts.join(QLatin1Char('/'));
}

XmlNode *FormSession::resolve(const QString &path, bool create, QString *error)
{
    static const QRegularExpression stepRe(QStringLiteral("^(@?)([^\\[\\]]+)(?:\\[(\\d+)\\])?$"));
    const QStringList steps = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    auto fail = [&](const QString &why) -> XmlNode * {
        if (error)
            *error = why;
        return nullptr;
    };
    if (!path.startsWith(QLatin1Char('/')) || steps.isEmpty())
        return fail(tr("'%1' is not an absolute instance path").arg(path));
    XmlNode *cur = m_doc.get();
    bool structureChanged = false;
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const auto m = stepRe.match(steps[i]);
        if (!m.hasMatch())
            return fail(tr("'%1' is not a valid step in %2").arg(steps[i], path));
        QString name = m.captured(2);
        const qsizetype colon = name.indexOf(QLatin1Char(':'));
        if (colon >= 0)
            name = name.mid(colon + 1);
        const int index = m.captured(3).isEmpty() ? 1 : m.captured(3).toInt();
        if (index < 1)
            return fail(tr("positions in %1 start at 1").arg(path));
        if (index > kMaxRepeatPosition)
            return fail(tr("position %1 in %2 is beyond the %3 repeat instances a form may have")
                            .arg(m.captured(3), path)
                            .arg(kMaxRepeatPosition));
        if (!m.captured(1).isEmpty()) {
            if (i != steps.size() - 1)
                return fail(tr("an attribute can only be the last step of %1").arg(path));
            XmlNode *a = cur->attribute(name);
            return a ? a : fail(tr("%1 does not exist in this form").arg(path));
        }
        std::vector<XmlNode *> matches;
        int schema = -1;
        for (const auto &c : cur->children()) {
            if (c->isElement() && c->localName() == name) {
                matches.push_back(c.get());
                schema = c->schemaIndex;
            }
        }
        if (schema < 0 && cur->kind() != XmlNode::Kind::Document && cur->schemaIndex >= 0) {
            for (int cs : m_def->schema[static_cast<std::size_t>(cur->schemaIndex)].children) {
                if (m_def->schema[static_cast<std::size_t>(cs)].name == name)
                    schema = cs;
            }
        }
        const bool isRepeat =
            schema >= 0 && m_def->schema[static_cast<std::size_t>(schema)].isRepeat;
        if (static_cast<std::size_t>(index) > matches.size()) {
            if (!isRepeat || !create)
                return fail(tr("%1 does not exist in this form").arg(path));
            if (!canAddRemove(schema))
                return fail(tr("%1: the repeat has %n instance(s) and its count is set by the form",
                               nullptr, static_cast<int>(matches.size()))
                                .arg(path));
            while (matches.size() < static_cast<std::size_t>(index)) {
                XmlNode *inst = createInstance(cur, schema);
                if (!inst)
                    return fail(m_limitMessage);
                matches.push_back(inst);
                structureChanged = true;
            }
        }
        cur = matches[static_cast<std::size_t>(index) - 1];
    }
    if (structureChanged)
        settleNewInstances();
    return cur;
}

QString FormSession::value(const QString &path) const
{
    QString err;
    XmlNode *n = const_cast<FormSession *>(this)->resolve(path, false, &err);
    return n ? n->stringValue() : QString();
}

QString FormSession::typeError(XmlNode *node, const QString &value) const
{
    const Bind *b = bindOf(node);
    if (!b || value.isEmpty())
        return QString();
    const QString v = value.trimmed();
    const int controlIndex =
        node->schemaIndex >= 0 ? m_def->schema[static_cast<std::size_t>(node->schemaIndex)].control
                               : -1;
    if (controlIndex >= 0 &&
        m_def->controls[static_cast<std::size_t>(controlIndex)].kind == Control::Kind::Range) {
        // A range answer lies between start and end, on a step.
        const Control &c = m_def->controls[static_cast<std::size_t>(controlIndex)];
        const double d = xpath::stringToNumber(v);
        const double lo = std::min(c.rangeStart, c.rangeEnd);
        const double hi = std::max(c.rangeStart, c.rangeEnd);
        const double steps = (d - c.rangeStart) / c.rangeStep;
        if (std::isnan(d) || d < lo || d > hi || std::fabs(steps - std::round(steps)) > 1e-9)
            return tr("'%1' is not a value of this range (%2 to %3 in steps of %4)")
                .arg(value, xpath::numberToString(c.rangeStart), xpath::numberToString(c.rangeEnd),
                     xpath::numberToString(c.rangeStep));
    }
    switch (b->type) {
    case DataType::Int: {
        static const QRegularExpression re(QStringLiteral("^[+-]?\\d{1,18}$"));
        if (!re.match(v).hasMatch())
            return tr("'%1' is not a whole number").arg(value);
        return QString();
    }
    case DataType::Decimal: {
        const double d = xpath::stringToNumber(v.startsWith(QLatin1Char('+')) ? v.mid(1) : v);
        if (std::isnan(d) || std::isinf(d))
            return tr("'%1' is not a number").arg(value);
        return QString();
    }
    case DataType::Date:
        if (!QDate::fromString(v, QStringLiteral("yyyy-MM-dd")).isValid())
            return tr("'%1' is not a date (YYYY-MM-DD)").arg(value);
        return QString();
    case DataType::Time: {
        static const QRegularExpression re(QStringLiteral(
            "^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d+)?)?(Z|[+-]\\d\\d(:?\\d\\d)?)?$"));
        if (!re.match(v).hasMatch())
            return tr("'%1' is not a time (HH:MM:SS)").arg(value);
        return QString();
    }
    case DataType::DateTime:
        if (std::isnan(xpath::isoToDays(v)) || v.size() <= 10)
            return tr("'%1' is not a date and time (YYYY-MM-DDTHH:MM:SS)").arg(value);
        return QString();
    case DataType::Boolean:
        if (v != QLatin1String("true") && v != QLatin1String("false") && v != QLatin1String("1") &&
            v != QLatin1String("0"))
            return tr("'%1' is not true or false").arg(value);
        return QString();
    case DataType::Geopoint:
    case DataType::Geotrace:
    case DataType::Geoshape: {
        const QStringList points = v.split(QLatin1Char(';'), Qt::SkipEmptyParts);
        if (b->type == DataType::Geopoint && points.size() != 1)
            return tr("'%1' is not a location (\"latitude longitude [altitude accuracy]\")")
                .arg(value);
        for (const QString &p : points) {
            const QStringList f = p.simplified().split(QLatin1Char(' '));
            bool ok = f.size() >= 2 && f.size() <= 4;
            for (qsizetype i = 0; ok && i < f.size(); ++i) {
                bool num = false;
                const double d = f[i].toDouble(&num);
                ok = num && (i != 0 || std::fabs(d) <= 90) && (i != 1 || std::fabs(d) <= 180);
            }
            if (!ok)
                return tr("'%1' is not a location (\"latitude longitude [altitude accuracy]\")")
                    .arg(p.trimmed());
        }
        if (b->type == DataType::Geoshape && points.size() < 4)
            return tr("a shape needs at least 4 points, the last equal to the first");
        if (b->type == DataType::Geotrace && points.size() < 2)
            return tr("a trace needs at least 2 points");
        return QString();
    }
    case DataType::Select1:
    case DataType::Select:
    case DataType::Rank: {
        const int control = node->schemaIndex >= 0
                                ? m_def->schema[static_cast<std::size_t>(node->schemaIndex)].control
                                : -1;
        if (control < 0)
            return QString();
        const std::vector<Choice> cs = choices(control, node);
        const QStringList picked =
            b->type == DataType::Select1
                ? QStringList{v}
                : v.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        for (const QString &p : picked) {
            const bool known =
                std::any_of(cs.begin(), cs.end(), [&](const Choice &c) { return c.value == p; });
            if (!known)
                return tr("'%1' is not one of the choices").arg(p);
        }
        return QString();
    }
    default:
        return QString();
    }
}

QString FormSession::setValue(XmlNode *node, const QString &value)
{
    if (!node || node->schemaIndex < 0)
        return tr("this node is not part of the form");
    const QString err = typeError(node, value);
    if (!err.isEmpty())
        return err;
    QString v = value;
    const Bind *b = bindOf(node);
    if (b && (b->type == DataType::Int || b->type == DataType::Decimal)) {
        v = v.trimmed();
        if (v.startsWith(QLatin1Char('+')))
            v = v.mid(1);
    }
    if (b && b->type == DataType::Int)
        v = QString::number(v.toLongLong());
    if (b && b->type == DataType::Select)
        v = v.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)
                .join(QLatin1Char(' '));
    if (b && (b->type == DataType::Geopoint || b->type == DataType::Geotrace ||
              b->type == DataType::Geoshape))
        v = normalizeGeo(v);
    if (node->stringValue() == v)
        return QString();
    assignValue(node, v);
    const int schema = node->schemaIndex;
    const quint64 removals = m_removals;
    recompute({{schema, node}});
    // The recomputation can remove the node (a jr:count that shrank): then no event.
    if (m_removals == removals || isLive(node, schema))
        runActions(ActionEvent::ValueChanged, node, schema);
    return QString();
}

// ---- repeats ---------------------------------------------------------------------------

std::vector<XmlNode *> FormSession::repeatInstances(XmlNode *parent, int repeatSchema) const
{
    std::vector<XmlNode *> out;
    if (!parent)
        return out;
    for (const auto &c : parent->children()) {
        if (c->schemaIndex == repeatSchema)
            out.push_back(c.get());
    }
    return out;
}

bool FormSession::canAddRemove(int repeatSchema) const
{
    const int rep = m_def->schema[static_cast<std::size_t>(repeatSchema)].repeat;
    if (rep < 0)
        return false;
    const int control = m_def->repeats[static_cast<std::size_t>(rep)].control;
    if (control < 0)
        return true;
    const Control &c = m_def->controls[static_cast<std::size_t>(control)];
    return !c.noAddRemove && !c.count;
}

XmlNode *FormSession::insertRepeat(XmlNode *parent, int repeatSchema)
{
    const SchemaNode &rs = m_def->schema[static_cast<std::size_t>(repeatSchema)];
    const RepeatInfo &info = m_def->repeats[static_cast<std::size_t>(rs.repeat)];
    std::size_t size = 0;
    std::function<void(const XmlNode *)> count = [&](const XmlNode *n) {
        size += 1 + n->attributes().size();
        for (const auto &c : n->children())
            if (c->isElement())
                count(c.get());
    };
    count(info.templ.get());
    if (m_nodeCount + size > kMaxInstanceNodes) {
        m_limitMessage = tr("the form would grow beyond %1 answers; no more repeat instances "
                            "were added")
                             .arg(kMaxInstanceNodes);
        return nullptr;
    }
    auto inst = info.templ->clone();
    initStates(inst.get());
    // After the last instance, or where the schema puts it among its siblings: look from
    // the end, where new instances usually go.
    const SchemaNode &ps = m_def->schema[static_cast<std::size_t>(rs.parent)];
    const auto order = [&](int s) {
        const auto it = std::find(ps.children.begin(), ps.children.end(), s);
        return it == ps.children.end() ? 1 << 30 : static_cast<int>(it - ps.children.begin());
    };
    const int mine = order(repeatSchema);
    std::size_t pos = 0;
    for (std::size_t i = parent->children().size(); i > 0; --i) {
        const XmlNode *c = parent->children()[i - 1].get();
        if (c->isElement() && order(c->schemaIndex) <= mine) {
            pos = i;
            break;
        }
    }
    XmlNode *raw = parent->insertChild(pos, std::move(inst));
    m_nodeCount += size;
    refreshInherited(raw, false); // all of it is new to its readers anyway
    m_fresh.emplace_back(raw, m_removals);
    return raw;
}

XmlNode *FormSession::createInstance(XmlNode *parent, int repeatSchema)
{
    XmlNode *inst = insertRepeat(parent, repeatSchema);
    if (!inst)
        return nullptr;
    addLive(inst);
    // odk-new-repeat as the instance appears, before any computation, so that each of
    // several instances made at once sees only those made before it.
    const bool wasRecomputing = m_recomputing;
    m_recomputing = true; // the actions' changes are collected, computed with the rest
    runActions(ActionEvent::NewRepeat, inst, repeatSchema);
    m_recomputing = wasRecomputing;
    return inst;
}

std::vector<FormSession::Change> FormSession::takeFreshInstances()
{
    std::vector<std::pair<XmlNode *, quint64>> fresh;
    fresh.swap(m_fresh);
    std::vector<Change> changed;
    for (const auto &entry : fresh) {
        XmlNode *inst = entry.first;
        const quint64 removalsThen = entry.second;
        const int schema = inst->schemaIndex;
        if (removalsThen != m_removals && !isLive(inst, schema))
            continue; // removed again before it settled
        // The repeat's node set changed; everything inside the instance is new: its own
        // calculates and states run there, and readers elsewhere see it.
        changed.push_back({schema, nullptr, false});
        std::function<void(int)> mark = [&](int s) {
            changed.push_back({s, inst, true});
            for (int c : m_def->schema[static_cast<std::size_t>(s)].children)
                mark(c);
        };
        for (int c : m_def->schema[static_cast<std::size_t>(schema)].children)
            mark(c);
        if (m_def->schema[static_cast<std::size_t>(schema)].bind >= 0)
            changed.push_back({schema, inst, true});
    }
    changed.insert(changed.end(), m_pendingChanges.begin(), m_pendingChanges.end());
    m_pendingChanges.clear();
    return changed;
}

void FormSession::settleNewInstances()
{
    std::vector<Change> changed = takeFreshInstances();
    if (!changed.empty())
        recompute(std::move(changed));
}

XmlNode *FormSession::addRepeat(XmlNode *parent, int repeatSchema)
{
    if (!parent || repeatSchema < 0 ||
        !m_def->schema[static_cast<std::size_t>(repeatSchema)].isRepeat)
        return nullptr;
    XmlNode *inst = createInstance(parent, repeatSchema);
    if (inst)
        settleNewInstances();
    return inst;
}

bool FormSession::removeRepeat(XmlNode *instance)
{
    if (!instance || instance->schemaIndex < 0 || !instance->parent() ||
        !m_def->schema[static_cast<std::size_t>(instance->schemaIndex)].isRepeat)
        return false;
    const int schema = instance->schemaIndex;
    XmlNode *parent = instance->parent();
    forgetFailures(instance);
    parent->takeChild(static_cast<std::size_t>(instance->indexInParent()));
    ++m_removals;
    rebuildLive();
    std::vector<Change> changed;
    std::function<void(int)> mark = [&](int s) {
        changed.push_back({s, nullptr, false});
        for (int c : m_def->schema[static_cast<std::size_t>(s)].children)
            mark(c);
    };
    mark(schema);
    recompute(changed);
    return true;
}

// ---- state -----------------------------------------------------------------------------

bool FormSession::isRelevant(const XmlNode *node) const
{
    return node && (node->stateBits & kRelevant);
}

bool FormSession::isRequired(const XmlNode *node) const
{
    return node && (node->stateBits & kRequired);
}

bool FormSession::isReadonly(const XmlNode *node) const
{
    return node && (node->stateBits & kReadonly);
}

bool FormSession::isConstraintSatisfied(const XmlNode *node) const
{
    return node && !(node->stateBits & kConstraintFailed);
}

QString FormSession::defaultMessage(Problem::Kind kind) const
{
    switch (kind) {
    case Problem::Kind::Required:
        return tr("This question requires an answer.");
    case Problem::Kind::Constraint:
        return tr("This answer is not allowed.");
    case Problem::Kind::Type:
        return tr("This answer has the wrong type.");
    case Problem::Kind::UnknownRef:
        return tr("This question does not exist in the form.");
    case Problem::Kind::Error:
        return tr("Part of the form could not be worked out.");
    }
    return QString();
}

std::optional<FormSession::Problem> FormSession::check(XmlNode *node) const
{
    const Bind *b = bindOf(node);
    if (!b || !isRelevant(node))
        return std::nullopt;
    Problem p;
    p.node = node;
    p.ref = pathOf(node);
    if (node->stringValue().isEmpty()) {
        if (!isRequired(node))
            return std::nullopt;
        p.kind = Problem::Kind::Required;
        p.message = text(b->requiredMsg, node);
    } else if (!isConstraintSatisfied(node)) {
        p.kind = Problem::Kind::Constraint;
        p.message = text(b->constraintMsg, node);
    } else {
        return std::nullopt;
    }
    if (p.message.isEmpty())
        p.message = defaultMessage(p.kind);
    return p;
}

std::vector<FormSession::Problem> FormSession::validate() const
{
    std::vector<Problem> out;
    // Expressions that failed for this node: each is a problem of its own.
    const auto failures = [&](XmlNode *n) {
        if (!(n->stateBits & kEvalFailed))
            return;
        for (auto it = m_failures.lower_bound({n, Role::Calculate, nullptr});
             it != m_failures.end() && std::get<0>(it->first) == n; ++it) {
            Problem p;
            p.kind = Problem::Kind::Error;
            p.node = n;
            p.ref = it->second.ref.isEmpty() ? pathOf(n) : it->second.ref;
            p.message = failureMessage(std::get<1>(it->first), it->second);
            out.push_back(std::move(p));
        }
    };
    std::function<void(XmlNode *)> walk = [&](XmlNode *n) {
        if (!isRelevant(n))
            return;
        // A choice list is worked out here too, so that one that cannot be is found even if
        // nobody opened its question.
        if (n->schemaIndex >= 0) {
            const int control = m_def->schema[static_cast<std::size_t>(n->schemaIndex)].control;
            if (control >= 0 && m_def->controls[static_cast<std::size_t>(control)].itemset)
                (void)choices(control, n);
        }
        if (auto p = check(n))
            out.push_back(*p);
        failures(n);
        for (const auto &a : n->attributes()) {
            if (auto p = check(a.get()))
                out.push_back(*p);
            failures(a.get());
        }
        for (const auto &c : n->children()) {
            if (c->isElement())
                walk(c.get());
        }
    };
    walk(m_doc->documentElement());
    return out;
}

// ---- text ------------------------------------------------------------------------------

bool FormSession::setLanguage(const QString &language)
{
    const QStringList langs = languages();
    const qsizetype i = langs.indexOf(language);
    if (i < 0)
        return false;
    m_languageIndex = static_cast<int>(i);
    m_language = language;
    // Calculates that read texts (jr:itext, jr:choice-name) follow the language.
    std::vector<Change> changed;
    for (int s : m_def->languageCalculates)
        changed.push_back({s, nullptr, true});
    if (!changed.empty())
        recompute(std::move(changed));
    return true;
}

QString FormSession::text(const TextSource &source, const XmlNode *context,
                          const QString &form) const
{
    const RichText *rich = &source.inline_;
    if (!source.itextId.isEmpty()) {
        rich = nullptr;
        auto lookup = [&](int lang) -> const RichText * {
            if (lang < 0 || lang >= static_cast<int>(m_def->translations.size()))
                return nullptr;
            const auto &entries = m_def->translations[static_cast<std::size_t>(lang)].entries;
            auto it = entries.constFind(source.itextId);
            if (it == entries.constEnd())
                return nullptr;
            const RichText *f = it->form(form);
            if (!f && form.isEmpty())
                f = it->form(QStringLiteral("short"));
            return f;
        };
        rich = lookup(m_languageIndex);
        if (!rich)
            rich = lookup(m_defaultLanguageIndex);
        if (!rich)
            return QString();
    }
    QString out;
    for (const TextSegment &seg : *rich) {
        if (!seg.expr) {
            out += seg.text;
            continue;
        }
        try {
            out +=
                seg.expr->evaluate(this->context(const_cast<XmlNode *>(context ? context : root())))
                    .toString();
        } catch (const xpath::EvalError &) {
        }
    }
    return out;
}

QString FormSession::label(int control, const XmlNode *node) const
{
    return text(m_def->controls[static_cast<std::size_t>(control)].label, node).trimmed();
}

QString FormSession::hint(int control, const XmlNode *node) const
{
    return text(m_def->controls[static_cast<std::size_t>(control)].hint, node).trimmed();
}

std::vector<FormSession::Choice> FormSession::choices(int control, XmlNode *node) const
{
    const Control &c = m_def->controls[static_cast<std::size_t>(control)];
    std::vector<Choice> out;
    if (!c.itemset) {
        out.reserve(c.items.size());
        for (const Item &item : c.items)
            out.push_back({item.value, text(item.label, node).trimmed()});
    } else {
        // A list that cannot be worked out is empty, and noted as the question's problem.
        const Itemset &is = *c.itemset;
        const auto items =
            evaluateFor(*is.nodeset, node, Role::Choices, context(node ? node : root()));
        if (items && items->isNodeSet()) {
            out.reserve(items->nodes().size());
            for (XmlNode *item : items->nodes()) {
                xpath::Context ic = context(item);
                ic.current = node;
                Choice ch;
                const auto value = evaluateFor(*is.valueRef, node, Role::Choices, ic);
                const auto label = is.labelRef
                                       ? evaluateFor(*is.labelRef, node, Role::Choices, ic)
                                       : evaluateFor(*is.labelItextRef, node, Role::Choices, ic);
                if (!value || !label) {
                    out.clear();
                    break;
                }
                ch.value = value->toString();
                if (is.labelRef) {
                    ch.label = label->toString();
                } else {
                    TextSource ts;
                    ts.itextId = label->toString();
                    ch.label = text(ts, node);
                }
                out.push_back(std::move(ch));
            }
        }
    }
    if (c.randomize && out.size() > 1) {
        std::optional<double> seed;
        if (c.seed) {
            if (const auto v =
                    evaluateFor(*c.seed, node, Role::Choices, context(node ? node : root())))
                seed = v->toNumber();
        }
        const std::vector<std::size_t> order = xpath::shuffledOrder(out.size(), seed, *m_env);
        std::vector<Choice> shuffled;
        shuffled.reserve(out.size());
        for (std::size_t i : order)
            shuffled.push_back(out[i]);
        out = std::move(shuffled);
    }
    return out;
}

// ---- navigation ------------------------------------------------------------------------

XmlNode *FormSession::liveNode(int schema, XmlNode *scope) const
{
    if (schema < 0)
        return nullptr;
    // Steps from the root to the schema node.
    std::vector<int> chain;
    for (int s = schema; s >= 0; s = m_def->schema[static_cast<std::size_t>(s)].parent)
        chain.push_back(s);
    std::reverse(chain.begin(), chain.end());
    // Start from the deepest ancestor of `scope` on the chain.
    XmlNode *cur = nullptr;
    std::size_t step = 0;
    for (XmlNode *p = scope; p && p->kind() != XmlNode::Kind::Document; p = p->parent()) {
        const auto it = std::find(chain.begin(), chain.end(), p->schemaIndex);
        if (it != chain.end()) {
            cur = p;
            step = static_cast<std::size_t>(it - chain.begin()) + 1;
            break;
        }
    }
    if (!cur) {
        cur = m_doc->documentElement();
        step = 1;
    }
    for (; step < chain.size() && cur; ++step) {
        XmlNode *next = nullptr;
        const SchemaNode &sn = m_def->schema[static_cast<std::size_t>(chain[step])];
        if (sn.isAttribute) {
            next = cur->attribute(sn.name);
        } else {
            for (const auto &c : cur->children()) {
                if (c->schemaIndex == chain[step]) {
                    next = c.get();
                    break;
                }
            }
        }
        cur = next;
    }
    return cur;
}

void FormSession::collectPrompts(int control, XmlNode *scope, std::vector<Prompt> &out) const
{
    const Control &c = m_def->controls[static_cast<std::size_t>(control)];
    XmlNode *node = c.schema >= 0 ? liveNode(c.schema, scope) : nullptr;
    switch (c.kind) {
    case Control::Kind::Group: {
        if (node && !isRelevant(node))
            return;
        if (c.fieldList) {
            Prompt p;
            p.kind = Prompt::Kind::FieldList;
            p.control = control;
            p.node = node;
            std::function<void(int, XmlNode *)> gather = [&](int ci, XmlNode *sc) {
                const Control &cc = m_def->controls[static_cast<std::size_t>(ci)];
                XmlNode *n = cc.schema >= 0 ? liveNode(cc.schema, sc) : nullptr;
                if (n && !isRelevant(n))
                    return;
                if (cc.kind == Control::Kind::Group) {
                    for (int k : cc.children)
                        gather(k, n ? n : sc);
                } else if (cc.kind != Control::Kind::Repeat && n) {
                    p.questions.emplace_back(ci, n);
                }
            };
            for (int k : c.children)
                gather(k, node ? node : scope);
            if (!p.questions.empty())
                out.push_back(std::move(p));
            return;
        }
        for (int k : c.children)
            collectPrompts(k, node ? node : scope, out);
        return;
    }
    case Control::Kind::Repeat: {
        const int rs = c.schema;
        XmlNode *parent = liveNode(m_def->schema[static_cast<std::size_t>(rs)].parent, scope);
        if (!parent || !isRelevant(parent))
            return;
        for (XmlNode *inst : repeatInstances(parent, rs)) {
            if (!isRelevant(inst))
                continue;
            for (int k : c.children)
                collectPrompts(k, inst, out);
        }
        if (canAddRemove(rs)) {
            Prompt p;
            p.kind = Prompt::Kind::RepeatPrompt;
            p.control = control;
            p.node = parent;
            out.push_back(std::move(p));
        }
        return;
    }
    default:
        if (!node || !isRelevant(node))
            return;
        Prompt p;
        p.kind = Prompt::Kind::Question;
        p.control = control;
        p.node = node;
        out.push_back(std::move(p));
    }
}

std::vector<FormSession::Prompt> FormSession::prompts() const
{
    std::vector<Prompt> out;
    for (int c : m_def->bodyControls)
        collectPrompts(c, m_doc->documentElement(), out);
    out.push_back(Prompt{});
    return out;
}

FormSession::Prompt FormSession::current() const
{
    const std::vector<Prompt> all = prompts();
    return all[static_cast<std::size_t>(std::clamp(m_index, 0, static_cast<int>(all.size()) - 1))];
}

bool FormSession::next()
{
    const int n = static_cast<int>(prompts().size());
    if (m_index + 1 >= n)
        return false;
    ++m_index;
    return true;
}

bool FormSession::previous()
{
    if (m_index <= 0)
        return false;
    --m_index;
    return true;
}

bool FormSession::jumpTo(int index)
{
    const int n = static_cast<int>(prompts().size());
    if (index < 0 || index >= n)
        return false;
    m_index = index;
    return true;
}

// ---- output ----------------------------------------------------------------------------

void FormSession::finalize()
{
    runPreloads(false);
    recomputeAll();
}

QByteArray FormSession::toXml(bool forSubmission) const
{
    QByteArray out;
    QXmlStreamWriter w(&out);
    w.setAutoFormatting(false);
    w.writeStartDocument();
    // Collect the prefixes in use so the root declares them all.
    QHash<QString, QString> prefixes;
    std::function<void(const XmlNode *)> scan = [&](const XmlNode *n) {
        if (forSubmission && !isRelevant(n))
            return;
        if (!n->prefix().isEmpty())
            prefixes.insert(n->prefix(), n->namespaceUri());
        for (const auto &a : n->attributes()) {
            if (!a->prefix().isEmpty() && a->prefix() != QLatin1String("xml"))
                prefixes.insert(a->prefix(), a->namespaceUri());
        }
        for (const auto &c : n->children()) {
            if (c->isElement())
                scan(c.get());
        }
    };
    const XmlNode *r = m_doc->documentElement();
    scan(r);
    std::function<void(const XmlNode *, bool)> write = [&](const XmlNode *n, bool isRoot) {
        if (forSubmission && !isRelevant(n))
            return;
        w.writeStartElement(n->qualifiedName());
        if (isRoot) {
            if (n->prefix().isEmpty() && !n->namespaceUri().isEmpty() &&
                n->namespaceUri() != kXformsNs)
                w.writeAttribute(QStringLiteral("xmlns"), n->namespaceUri());
            QStringList keys = prefixes.keys();
            keys.sort();
            for (const QString &p : keys)
                w.writeAttribute(QStringLiteral("xmlns:") + p, prefixes.value(p));
        }
        for (const auto &a : n->attributes())
            w.writeAttribute(a->qualifiedName(), a->value());
        for (const auto &c : n->children()) {
            if (c->isElement())
                write(c.get(), false);
            else if (c->kind() == XmlNode::Kind::Text)
                w.writeCharacters(c->value());
        }
        w.writeEndElement();
    };
    write(r, true);
    w.writeEndDocument();
    return out;
}

} // namespace survey::form
