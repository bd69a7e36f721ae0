// SPDX-License-Identifier: GPL-3.0-or-later
#include "dependencies.h"

#include "formdefinition.h"
#include "xpathfunctions.h"

#include <QCoreApplication>

#include <algorithm>
#include <functional>

namespace survey::form {

namespace {

using xpath::Axis;
using xpath::Expr;
using xpath::FunctionId;
using xpath::NodeTest;

constexpr int kDocument = -2; ///< the document node above the primary instance's root

class Collector
{
public:
    Collector(const FormDefinition &def, StaticReferences &out, int base)
        : m_def(def)
        , m_out(out)
        , m_base(base)
        , m_repeat(base >= 0 ? def.schema[static_cast<std::size_t>(base)].enclosingRepeat : -1)
    {}

    void walk(const Expr &e, const std::vector<int> &ctx, int current, bool valueUse)
    {
        switch (e.kind) {
        case Expr::Kind::Path: {
            const std::vector<int> set = path(e, ctx, current);
            addFinal(set, valueUse);
            return;
        }
        case Expr::Kind::Filter: {
            const std::vector<int> set = filterStart(e, ctx, current);
            addFinal(set, valueUse);
            return;
        }
        case Expr::Kind::Function: {
            if (e.function == FunctionId::Current) {
                addFinal({current}, valueUse);
                return;
            }
            // These read which nodes there are, or their names, not their values.
            const bool structural =
                e.function == FunctionId::Count || e.function == FunctionId::Position ||
                e.function == FunctionId::Instance || e.function == FunctionId::LocalName ||
                e.function == FunctionId::Name || e.function == FunctionId::NamespaceUri ||
                e.function == FunctionId::CountNonEmpty;
            // indexed-repeat() names every instance of its repeats.
            const bool acrossInstances = e.function == FunctionId::IndexedRepeat;
            m_acrossInstances += acrossInstances ? 1 : 0;
            for (const auto &arg : e.operands)
                walk(*arg, ctx, current, !structural);
            m_acrossInstances -= acrossInstances ? 1 : 0;
            return;
        }
        default:
            for (const auto &op : e.operands)
                walk(*op, ctx, current, true);
            for (const auto &p : e.predicates)
                walk(*p, ctx, current, true);
            return;
        }
    }

private:
    const SchemaNode &node(int s) const { return m_def.schema[static_cast<std::size_t>(s)]; }

    void addFinal(const std::vector<int> &set, bool valueUse)
    {
        for (int s : set) {
            if (s < 0)
                continue;
            m_out.schemas.insert(s);
            // A group read as a value (its string-value) reads everything inside it.
            if (valueUse && !node(s).children.empty() && !node(s).isRepeat)
                addDescendants(s);
        }
    }

    void addDescendants(int s)
    {
        for (int c : node(s).children) {
            m_out.schemas.insert(c);
            addDescendants(c);
        }
    }

    bool matches(const NodeTest &t, int s, bool attributeAxis) const
    {
        if (s == kDocument)
            return t.kind == NodeTest::Kind::AnyNode;
        const SchemaNode &n = node(s);
        if (n.isAttribute != attributeAxis)
            return t.kind == NodeTest::Kind::AnyNode && !n.isAttribute;
        switch (t.kind) {
        case NodeTest::Kind::AnyNode:
        case NodeTest::Kind::AnyName:
            return true;
        case NodeTest::Kind::PrefixAny:
            return n.namespaceUri == t.namespaceUri;
        case NodeTest::Kind::Name:
            return n.name == t.localName;
        default:
            return false;
        }
    }

    std::vector<int> filterStart(const Expr &e, const std::vector<int> &ctx, int current)
    {
        // Filter expression: primary then predicates.
        const Expr &primary = *e.operands.front();
        std::vector<int> set = primarySet(primary, ctx, current);
        ++m_inPredicate;
        for (const auto &p : e.predicates)
            walk(*p, set, current, true);
        --m_inPredicate;
        return set;
    }

    std::vector<int> primarySet(const Expr &primary, const std::vector<int> &ctx, int current)
    {
        if (primary.kind == Expr::Kind::Function) {
            if (primary.function == FunctionId::Current)
                return {current};
            if (primary.function == FunctionId::Instance) {
                for (const auto &a : primary.operands)
                    walk(*a, ctx, current, true);
                return {}; // a secondary instance: nothing in the primary one
            }
            if (primary.function == FunctionId::Randomize && !primary.operands.empty()) {
                for (std::size_t i = 1; i < primary.operands.size(); ++i)
                    walk(*primary.operands[i], ctx, current, true);
                return setOf(*primary.operands[0], ctx, current);
            }
            walk(primary, ctx, current, true);
            return {};
        }
        if (primary.kind == Expr::Kind::Path || primary.kind == Expr::Kind::Filter ||
            primary.kind == Expr::Kind::Union)
            return setOf(primary, ctx, current);
        walk(primary, ctx, current, true); // a literal, number or operator: no node-set
        return {};
    }

    std::vector<int> setOf(const Expr &e, const std::vector<int> &ctx, int current)
    {
        if (e.kind == Expr::Kind::Path)
            return path(e, ctx, current);
        if (e.kind == Expr::Kind::Filter)
            return filterStart(e, ctx, current);
        if (e.kind == Expr::Kind::Union) {
            std::vector<int> a = setOf(*e.operands[0], ctx, current);
            const std::vector<int> b = setOf(*e.operands[1], ctx, current);
            a.insert(a.end(), b.begin(), b.end());
            return a;
        }
        return primarySet(e, ctx, current);
    }

    /// Whether an absolute path is narrowed to the context's own repeat instances: each
    /// step down to the context's repeat is a plain child step on its chain, and the
    /// repeat is not the last step (the evaluator's rule).
    bool absoluteStaysInInstance(const Expr &e) const
    {
        if (m_repeat < 0)
            return true;
        std::vector<int> chain;
        for (int s = m_repeat; s >= 0; s = node(s).parent)
            chain.push_back(s);
        std::reverse(chain.begin(), chain.end());
        if (e.steps.size() <= chain.size())
            return false;
        for (std::size_t i = 0; i < chain.size(); ++i) {
            const xpath::Step &step = e.steps[i];
            if (step.axis != Axis::Child || !step.predicates.empty() ||
                step.test.kind != NodeTest::Kind::Name ||
                step.test.localName != node(chain[i]).name)
                return false;
        }
        return true;
    }

    std::vector<int> path(const Expr &e, const std::vector<int> &ctx, int current)
    {
        std::vector<int> set;
        // Locality: does the path reach nodes of the context's repeat only through the
        // context's own instance?
        bool local = m_acrossInstances == 0;
        bool fromBase = false;
        if (!e.operands.empty()) {
            const Expr &p = *e.operands.front();
            const bool isCurrent =
                p.kind == Expr::Kind::Function && p.function == FunctionId::Current;
            const bool isInstance =
                p.kind == Expr::Kind::Function && p.function == FunctionId::Instance;
            fromBase = isCurrent && current == m_base;
            local = local && (fromBase || isInstance);
            set = primarySet(p, ctx, current);
        } else if (e.absolute) {
            local = local && absoluteStaysInInstance(e);
            set = {kDocument};
        } else {
            // Relative to the bind's own node only at the top of its expression: inside a
            // predicate the context is each candidate node.
            fromBase = m_inPredicate == 0 && ctx.size() == 1 && ctx.front() == m_base;
            local = local && fromBase;
            set = ctx;
        }
        if (fromBase && m_repeat >= 0) {
            int depth = node(m_base).depth;
            const int floor = node(m_repeat).depth;
            for (const xpath::Step &step : e.steps) {
                if (step.axis == Axis::Parent)
                    --depth;
                else if (step.axis == Axis::Child || step.axis == Axis::Attribute)
                    depth += step.test.kind == NodeTest::Kind::Text ? 0 : 1;
                else if (step.axis != Axis::Self)
                    local = false;
                if (depth < floor)
                    local = false;
            }
        }
        for (const xpath::Step &step : e.steps) {
            std::vector<int> next;
            auto add = [&](int s) {
                if (std::find(next.begin(), next.end(), s) == next.end())
                    next.push_back(s);
            };
            for (int s : set) {
                switch (step.axis) {
                case Axis::Child:
                case Axis::Attribute: {
                    const bool attrAxis = step.axis == Axis::Attribute;
                    if (step.test.kind == NodeTest::Kind::Text) {
                        add(s); // the element's own value
                        break;
                    }
                    if (s == kDocument) {
                        if (!attrAxis && matches(step.test, 0, false))
                            add(0);
                        break;
                    }
                    for (int c : node(s).children) {
                        if (matches(step.test, c, attrAxis))
                            add(c);
                    }
                    break;
                }
                case Axis::Self:
                    if (step.test.kind == NodeTest::Kind::Text || s == kDocument ||
                        matches(step.test, s, node(s).isAttribute))
                        add(s);
                    break;
                case Axis::Parent:
                    if (s >= 0)
                        add(node(s).parent >= 0 ? node(s).parent : kDocument);
                    break;
                case Axis::Ancestor:
                case Axis::AncestorOrSelf:
                    if (step.axis == Axis::AncestorOrSelf)
                        add(s);
                    for (int p = s >= 0 ? node(s).parent : -1; p >= 0; p = node(p).parent)
                        add(p);
                    break;
                case Axis::Descendant:
                case Axis::DescendantOrSelf: {
                    if (step.axis == Axis::DescendantOrSelf)
                        add(s);
                    std::function<void(int)> down = [&](int from) {
                        const std::vector<int> kids =
                            from == kDocument ? std::vector<int>{0} : node(from).children;
                        for (int c : kids) {
                            if (matches(step.test, c, false) ||
                                step.test.kind == NodeTest::Kind::Text)
                                add(c);
                            down(c);
                        }
                    };
                    down(s);
                    break;
                }
                default:
                    m_out.unknown = true;
                    break;
                }
            }
            // Stepping down into a repeat selects all its instances: adding or removing one
            // changes the set. Stepping up (..) reaches the context's own instance only.
            const bool down = step.axis == Axis::Child || step.axis == Axis::Descendant ||
                              step.axis == Axis::DescendantOrSelf;
            for (int s : next) {
                if (down && s >= 0 && node(s).isRepeat)
                    m_out.schemas.insert(s);
            }
            ++m_inPredicate;
            for (const auto &p : step.predicates)
                walk(*p, next, current, true);
            --m_inPredicate;
            set = std::move(next);
            if (!local) {
                for (int s : set) {
                    if (s >= 0)
                        markNonLocal(s);
                }
            }
        }
        return set;
    }

    void markNonLocal(int s)
    {
        m_out.nonLocal.insert(s);
        for (int c : node(s).children)
            markNonLocal(c);
    }

    const FormDefinition &m_def;
    StaticReferences &m_out;
    int m_base;
    int m_repeat;
    int m_acrossInstances = 0;
    int m_inPredicate = 0;
};

template<typename T> void pushUnique(std::vector<T> &v, T x)
{
    if (std::find(v.begin(), v.end(), x) == v.end())
        v.push_back(x);
}

} // namespace

StaticReferences staticReferences(const FormDefinition &def, const xpath::Expr &expr,
                                  int contextSchema)
{
    StaticReferences refs;
    Collector c(def, refs, contextSchema);
    c.walk(expr, {contextSchema}, contextSchema, true);
    return refs;
}

int analyseDependencies(FormDefinition &def, QString *cycleMessage)
{
    const std::size_t n = def.schema.size();
    def.dependents.assign(n, {});
    def.globalCalculates.clear();
    def.globalProps.clear();
    def.nonLocalReads.clear();
    def.languageCalculates.clear();
    def.globalCounts.clear();
    std::function<bool(const Expr &)> readsTexts = [&](const Expr &e) {
        if (e.kind == Expr::Kind::Function &&
            (e.function == FunctionId::Itext || e.function == FunctionId::ChoiceName))
            return true;
        for (const auto &op : e.operands)
            if (readsTexts(*op))
                return true;
        for (const auto &p : e.predicates)
            if (readsTexts(*p))
                return true;
        for (const auto &step : e.steps)
            for (const auto &p : step.predicates)
                if (readsTexts(*p))
                    return true;
        return false;
    };
    for (const Bind &b : def.binds) {
        const int s = b.schema;
        if (b.calculate) {
            if (readsTexts(*b.calculate->root()))
                def.languageCalculates.push_back(s);
            const StaticReferences r = staticReferences(def, *b.calculate->root(), s);
            for (int t : r.nonLocal)
                def.nonLocalReads.insert({t, s});
            if (r.unknown)
                pushUnique(def.globalCalculates, s);
            for (int t : r.schemas) {
                if (t != s)
                    pushUnique(def.dependents[static_cast<std::size_t>(t)].calculates, s);
                else
                    pushUnique(def.dependents[static_cast<std::size_t>(t)].props, s);
            }
        }
        for (const auto *e : {&b.relevant, &b.required, &b.readonly, &b.constraint}) {
            if (!*e)
                continue;
            const StaticReferences r = staticReferences(def, *(*e)->root(), s);
            for (int t : r.nonLocal)
                def.nonLocalReads.insert({t, s});
            if (r.unknown)
                pushUnique(def.globalProps, s);
            for (int t : r.schemas)
                pushUnique(def.dependents[static_cast<std::size_t>(t)].props, s);
        }
        pushUnique(def.dependents[static_cast<std::size_t>(s)].props, s);
    }
    for (const Control &c : def.controls) {
        if (c.kind != Control::Kind::Repeat || !c.count || c.schema < 0)
            continue;
        // Read from the repeat's own place (FormSession::adjustCounts).
        const StaticReferences r = staticReferences(def, *c.count->root(), c.schema);
        if (r.unknown)
            pushUnique(def.globalCounts, c.schema);
        for (int t : r.schemas)
            pushUnique(def.dependents[static_cast<std::size_t>(t)].counts, c.schema);
    }

    // Order the calculates (Kahn).
    std::vector<int> calcs;
    for (const Bind &b : def.binds) {
        if (b.calculate)
            calcs.push_back(b.schema);
    }
    {
        std::vector<int> indegree(n, 0);
        for (int t : calcs) {
            for (int s : def.dependents[static_cast<std::size_t>(t)].calculates)
                ++indegree[static_cast<std::size_t>(s)];
        }
        std::vector<int> queue;
        for (int s : calcs) {
            if (indegree[static_cast<std::size_t>(s)] == 0)
                queue.push_back(s);
        }
        def.topoOrder.clear();
        for (std::size_t qi = 0; qi < queue.size(); ++qi) {
            const int t = queue[qi];
            def.topoOrder.push_back(t);
            for (int s : def.dependents[static_cast<std::size_t>(t)].calculates) {
                if (--indegree[static_cast<std::size_t>(s)] == 0)
                    queue.push_back(s);
            }
        }
        def.topoPosition.assign(n, -1);
        for (std::size_t i = 0; i < def.topoOrder.size(); ++i)
            def.topoPosition[static_cast<std::size_t>(def.topoOrder[i])] = static_cast<int>(i);
    }

    // Cycles, as the ODK tools see them: a node whose calculate, relevant, required or
    // readonly reads itself, directly, through other such expressions, or through the
    // relevance its descendants inherit.
    std::vector<std::vector<int>> edges(n);
    std::vector<int> indegree(n, 0);
    auto addEdge = [&](int from, int to) {
        auto &e = edges[static_cast<std::size_t>(from)];
        if (std::find(e.begin(), e.end(), to) == e.end()) {
            e.push_back(to);
            ++indegree[static_cast<std::size_t>(to)];
        }
    };
    std::function<void(int, int)> inherit = [&](int from, int s) {
        for (int c : def.schema[static_cast<std::size_t>(s)].children) {
            addEdge(from, c);
            inherit(from, c);
        }
    };
    for (const Bind &b : def.binds) {
        for (const auto *e : {&b.calculate, &b.relevant, &b.required, &b.readonly}) {
            if (!*e)
                continue;
            const StaticReferences r = staticReferences(def, *(*e)->root(), b.schema);
            for (int t : r.schemas) {
                // The calculate of a question the person may answer (a control, and a readonly
                // of its own instead of the calculate's implied true()) may read its own node:
                // coalesce(., default) is a default they can change, as Enketo and ODK Web
                // Forms take it. A calculate that only reads itself (../a + 1) stays a cycle.
                if (e == &b.calculate && t == b.schema && b.readonly &&
                    def.schema[static_cast<std::size_t>(b.schema)].control >= 0)
                    continue;
                addEdge(t, b.schema);
            }
        }
        if (b.relevant)
            inherit(b.schema, b.schema);
    }
    std::vector<int> queue;
    for (std::size_t s = 0; s < n; ++s) {
        if (indegree[s] == 0)
            queue.push_back(static_cast<int>(s));
    }
    std::size_t done = 0;
    for (std::size_t qi = 0; qi < queue.size(); ++qi, ++done) {
        for (int s : edges[static_cast<std::size_t>(queue[qi])]) {
            if (--indegree[static_cast<std::size_t>(s)] == 0)
                queue.push_back(s);
        }
    }
    if (done == n)
        return -1;
    // Every node left has a predecessor that is left too: walk back until one repeats.
    std::vector<std::vector<int>> preds(n);
    for (std::size_t f = 0; f < n; ++f) {
        if (indegree[f] == 0)
            continue;
        for (int t : edges[f]) {
            if (indegree[static_cast<std::size_t>(t)] > 0)
                preds[static_cast<std::size_t>(t)].push_back(static_cast<int>(f));
        }
    }
    int cur = -1;
    for (std::size_t s = 0; s < n && cur < 0; ++s) {
        if (indegree[s] > 0)
            cur = static_cast<int>(s);
    }
    std::vector<int> trail;
    std::vector<int> seenAt(n, -1);
    while (cur >= 0 && seenAt[static_cast<std::size_t>(cur)] < 0) {
        seenAt[static_cast<std::size_t>(cur)] = static_cast<int>(trail.size());
        trail.push_back(cur);
        const auto &p = preds[static_cast<std::size_t>(cur)];
        cur = p.empty() ? -1 : p.front();
    }
    std::vector<int> cycle;
    if (cur >= 0)
        cycle.assign(trail.begin() + seenAt[static_cast<std::size_t>(cur)], trail.end());
    else
        cycle = trail;
    std::reverse(cycle.begin(), cycle.end());
    QStringList names;
    for (int s : cycle)
        names.push_back(def.schema[static_cast<std::size_t>(s)].path);
    names.push_back(names.front());
    if (cycleMessage)
        *cycleMessage =
            QCoreApplication::translate(
                "FormParser", "dependency cycle: %1 (each of these computes from the next)")
                .arg(names.join(QStringLiteral(" → ")));
    // Report at a node that has a bind, so the message has a line to point to.
    for (int s : cycle) {
        if (def.schema[static_cast<std::size_t>(s)].bind >= 0)
            return s;
    }
    return cycle.front();
}

} // namespace survey::form
