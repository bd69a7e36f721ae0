// SPDX-License-Identifier: GPL-3.0-or-later
// XPath 1.0 evaluation (W3C REC xpath-19991116 §2–§3.5) with the ODK XForms rules for
// absolute paths inside repeats.
#include "xpath.h"
#include "xpathfunctions.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>
#include <optional>

namespace survey::form::xpath {

XmlNode *Environment::instance(const QString &) const
{
    return nullptr;
}

QString Environment::choiceName(const QString &, const QString &, XmlNode *) const
{
    return QString();
}

QString Environment::itext(const QString &id) const
{
    return id;
}

qint64 Environment::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

XmlNode *Environment::absoluteRoot(const Context &context) const
{
    return context.node ? context.node->root() : nullptr;
}

double Environment::random() const
{
    return QRandomGenerator::global()->generateDouble();
}

namespace {

// Work budget of one top-level evaluation. XPath lets a short expression do exponential
// work (nested predicates over //): past the budget the evaluation stops with an error
// instead of freezing the device.
constexpr qint64 kWorkBudget = 2'000'000;
thread_local qint64 t_workLeft = kWorkBudget;

void charge(qint64 units)
{
    t_workLeft -= units;
    if (t_workLeft < 0) {
        t_workLeft = 0;
        throw EvalError{Expression::tr("the expression needs too much work (more than %1 node "
                                       "visits); simplify it")
                            .arg(kWorkBudget)};
    }
}

} // namespace

Value Expression::evaluate(const Context &context) const
{
    if (!m_root)
        return Value();
    // The budget covers the outermost evaluation and everything it starts (labels and
    // choices reached through jr:itext() or jr:choice-name() evaluate other expressions).
    thread_local int depth = 0;
    struct Depth
    {
        int &d;
        ~Depth() { --d; }
    } guard{++depth};
    if (depth == 1)
        t_workLeft = kWorkBudget;
    return xpath::evaluate(*m_root, context);
}

namespace {

const Environment &defaultEnvironment()
{
    static const Environment env;
    return env;
}

bool documentOrderLess(XmlNode *a, XmlNode *b)
{
    if (a == b)
        return false;
    XmlNode *ra = a->root();
    XmlNode *rb = b->root();
    if (ra != rb)
        return ra < rb; // unrelated trees: any stable order
    return a->order() < b->order();
}

void ensureOrdered(const NodeList &nodes)
{
    XmlNode *lastRoot = nullptr;
    for (XmlNode *n : nodes) {
        XmlNode *r = n->root();
        if (r == lastRoot)
            continue;
        lastRoot = r;
        if (r->kind() == XmlNode::Kind::Document)
            static_cast<XmlDocument *>(r)->ensureOrder();
    }
}

bool matches(const NodeTest &test, const XmlNode *node, Axis axis, bool formMode)
{
    const XmlNode::Kind principal =
        axis == Axis::Attribute ? XmlNode::Kind::Attribute : XmlNode::Kind::Element;
    switch (test.kind) {
    case NodeTest::Kind::AnyNode:
        return true;
    case NodeTest::Kind::Text:
        return node->kind() == XmlNode::Kind::Text;
    case NodeTest::Kind::Comment:
        return node->kind() == XmlNode::Kind::Comment;
    case NodeTest::Kind::PI:
        return node->kind() == XmlNode::Kind::ProcessingInstruction &&
               (test.localName.isEmpty() || test.localName == node->localName());
    case NodeTest::Kind::AnyName:
        return node->kind() == principal;
    case NodeTest::Kind::PrefixAny:
        return node->kind() == principal && sameName(node->namespaceUri(), test.namespaceUri);
    case NodeTest::Kind::Name:
        if (node->kind() != principal || !sameName(node->localName(), test.localName))
            return false;
        if (test.prefix.isEmpty()) {
            // XPath 1.0: an unprefixed name is in no namespace. Forms write instance
            // paths without prefixes whatever the instance's default namespace is.
            return formMode || node->namespaceUri().isEmpty();
        }
        return sameName(node->namespaceUri(), test.namespaceUri);
    }
    return false;
}

bool isReverseAxis(Axis a)
{
    return a == Axis::Ancestor || a == Axis::AncestorOrSelf || a == Axis::Preceding ||
           a == Axis::PrecedingSibling || a == Axis::Parent;
}

// Appends the nodes on `axis` from `node` that pass `test`, in axis order.
void collectAxis(XmlNode *node, const Step &step, bool formMode, NodeList &out)
{
    const NodeTest &test = step.test;
    auto add = [&](XmlNode *n) {
        if (matches(test, n, step.axis, formMode))
            out.push_back(n);
    };
    auto descend = [&](XmlNode *from) {
        // Pre-order over descendants, iteratively.
        std::vector<std::pair<XmlNode *, std::size_t>> stack;
        stack.emplace_back(from, 0);
        while (!stack.empty()) {
            auto &[n, i] = stack.back();
            if (i >= n->children().size()) {
                stack.pop_back();
                continue;
            }
            XmlNode *c = n->children()[i++].get();
            add(c);
            if (!c->children().empty())
                stack.emplace_back(c, 0);
        }
    };
    switch (step.axis) {
    case Axis::Child:
        if (test.kind == NodeTest::Kind::Name) {
            for (const auto &c : node->children()) {
                if (matches(test, c.get(), step.axis, formMode))
                    out.push_back(c.get());
            }
        } else {
            for (const auto &c : node->children())
                add(c.get());
        }
        break;
    case Axis::Descendant:
        descend(node);
        break;
    case Axis::DescendantOrSelf:
        add(node);
        descend(node);
        break;
    case Axis::Parent:
        if (node->parent())
            add(node->parent());
        break;
    case Axis::Ancestor:
        for (XmlNode *p = node->parent(); p; p = p->parent())
            add(p);
        break;
    case Axis::AncestorOrSelf:
        for (XmlNode *p = node; p; p = p->parent())
            add(p);
        break;
    case Axis::FollowingSibling:
    case Axis::PrecedingSibling: {
        if (!node->parent() || node->kind() == XmlNode::Kind::Attribute)
            break;
        const auto &sib = node->parent()->children();
        const int idx = node->indexInParent();
        if (step.axis == Axis::FollowingSibling) {
            for (std::size_t i = static_cast<std::size_t>(idx) + 1; i < sib.size(); ++i)
                add(sib[i].get());
        } else {
            for (int i = idx - 1; i >= 0; --i)
                add(sib[static_cast<std::size_t>(i)].get());
        }
        break;
    }
    case Axis::Following: {
        // Everything after the node in document order except its descendants.
        XmlNode *n = node;
        if (n->kind() == XmlNode::Kind::Attribute)
            n = n->parent();
        for (; n && n->parent(); n = n->parent()) {
            const auto &sib = n->parent()->children();
            const int idx = n->kind() == XmlNode::Kind::Attribute ? -1 : n->indexInParent();
            for (std::size_t i = static_cast<std::size_t>(idx + 1); i < sib.size(); ++i) {
                add(sib[i].get());
                descend(sib[i].get());
            }
        }
        // For an attribute, its element's descendants follow it too.
        if (node->kind() == XmlNode::Kind::Attribute) {
            NodeList inner;
            Step s;
            s.axis = Axis::Descendant;
            s.test = test;
            collectAxis(node->parent(), s, formMode, inner);
            out.insert(out.begin(), inner.begin(), inner.end());
        }
        break;
    }
    case Axis::Preceding: {
        // Everything before the node in document order except its ancestors, reversed.
        XmlNode *n = node->kind() == XmlNode::Kind::Attribute ? node->parent() : node;
        for (; n && n->parent(); n = n->parent()) {
            const auto &sib = n->parent()->children();
            const int idx = n->indexInParent();
            for (int i = idx - 1; i >= 0; --i) {
                XmlNode *s = sib[static_cast<std::size_t>(i)].get();
                NodeList sub;
                Step d;
                d.axis = Axis::DescendantOrSelf;
                d.test = test;
                collectAxis(s, d, formMode, sub);
                out.insert(out.end(), sub.rbegin(), sub.rend());
            }
        }
        break;
    }
    case Axis::Attribute:
        for (const auto &a : node->attributes())
            add(a.get());
        break;
    case Axis::Self:
        add(node);
        break;
    case Axis::Namespace:
        break; // namespace nodes are not modelled
    }
}

bool compareValues(Expr::Kind op, const Value &a, const Value &b, bool odkDates);

Value evalPredicateFilter(const std::vector<ExprPtr> &predicates, NodeList nodes,
                          const Context &outer)
{
    for (const auto &pred : predicates) {
        NodeList kept;
        const std::size_t size = nodes.size();
        charge(static_cast<qint64>(size));
        // A constant number predicate ([1], [last()] is not constant) needs no loop.
        if (pred->kind == Expr::Kind::Number) {
            const double want = pred->number;
            if (want >= 1 && want <= static_cast<double>(size) && want == std::floor(want))
                kept.push_back(nodes[static_cast<std::size_t>(want) - 1]);
            nodes = std::move(kept);
            continue;
        }
        Context c;
        c.size = size;
        c.current = outer.current;
        c.env = outer.env;
        c.contextualize = outer.contextualize;
        if (pred->contextFree) {
            // The same value for every candidate: compute it once.
            c.node = size ? nodes.front() : outer.node;
            const Value v = evaluate(*pred, c);
            if (v.type() == Value::Type::Number) {
                const double want = v.rawNumber();
                if (want >= 1 && want <= static_cast<double>(size) && want == std::floor(want))
                    kept.push_back(nodes[static_cast<std::size_t>(want) - 1]);
            } else if (v.toBoolean()) {
                kept = std::move(nodes);
            }
            nodes = std::move(kept);
            continue;
        }
        // A comparison with one side independent of the candidate (the choice-filter
        // shape: [parent = current()/../answer]): that side is computed once.
        const bool comparison =
            pred->kind >= Expr::Kind::Equal && pred->kind <= Expr::Kind::GreaterEqual;
        int fixedSide = -1;
        if (comparison) {
            if (pred->operands[1]->contextFree)
                fixedSide = 1;
            else if (pred->operands[0]->contextFree)
                fixedSide = 0;
        }
        Value fixed;
        if (fixedSide >= 0) {
            c.node = size ? nodes.front() : outer.node;
            fixed = evaluate(*pred->operands[static_cast<std::size_t>(fixedSide)], c);
        }
        const bool odkDates = outer.env && outer.env->odkDateNumbers();
        // The varying side is most often a child of the candidate (`name`, `parent`):
        // compare each such child's value directly, without building node-sets. XPath's
        // node-set comparison is "some node compares true", which this loop is.
        const Expr *varying = fixedSide >= 0
                                  ? pred->operands[static_cast<std::size_t>(1 - fixedSide)].get()
                                  : nullptr;
        const bool childOfCandidate =
            varying && varying->kind == Expr::Kind::Path && varying->operands.empty() &&
            !varying->absolute && varying->steps.size() == 1 &&
            varying->steps[0].axis == Axis::Child && varying->steps[0].predicates.empty() &&
            varying->steps[0].test.kind == NodeTest::Kind::Name;
        const bool formMode = outer.env && outer.env->formMode();
        // Equality with a string or a single node compares strings (XPath 1.0 §3.4).
        std::optional<QString> fixedString;
        if ((pred->kind == Expr::Kind::Equal || pred->kind == Expr::Kind::NotEqual) &&
            (fixed.type() == Value::Type::String ||
             (fixed.isNodeSet() && fixed.nodes().size() == 1)))
            fixedString = fixed.toString();
        for (std::size_t i = 0; i < size; ++i) {
            c.node = nodes[i];
            c.position = i + 1;
            bool keep = false;
            if (childOfCandidate && fixedString) {
                // String (in)equality against one fixed string: no values built at all.
                const NodeTest &t = varying->steps[0].test;
                for (const auto &child : nodes[i]->children()) {
                    if (matches(t, child.get(), Axis::Child, formMode) &&
                        (child->expressionValue() == *fixedString) ==
                            (pred->kind == Expr::Kind::Equal)) {
                        keep = true;
                        break;
                    }
                }
            } else if (childOfCandidate && fixed.type() != Value::Type::Boolean) {
                const NodeTest &t = varying->steps[0].test;
                for (const auto &child : nodes[i]->children()) {
                    if (!matches(t, child.get(), Axis::Child, formMode))
                        continue;
                    const Value v = Value::string(child->expressionValue());
                    if (fixedSide == 1 ? compareValues(pred->kind, v, fixed, odkDates)
                                       : compareValues(pred->kind, fixed, v, odkDates)) {
                        keep = true;
                        break;
                    }
                }
            } else if (fixedSide >= 0) {
                const Value other =
                    evaluate(*pred->operands[static_cast<std::size_t>(1 - fixedSide)], c);
                keep = fixedSide == 1 ? compareValues(pred->kind, other, fixed, odkDates)
                                      : compareValues(pred->kind, fixed, other, odkDates);
            } else {
                const Value v = evaluate(*pred, c);
                keep = v.type() == Value::Type::Number ? v.rawNumber() == static_cast<double>(i + 1)
                                                       : v.toBoolean();
            }
            if (keep)
                kept.push_back(nodes[i]);
        }
        nodes = std::move(kept);
    }
    return Value::nodeSet(std::move(nodes));
}

NodeList applyStep(const NodeList &input, const Step &step, const Context &ctx, bool formMode)
{
    NodeList result;
    charge(static_cast<qint64>(input.size()));
    if (step.predicates.empty()) {
        for (XmlNode *n : input) {
            const std::size_t from = result.size();
            collectAxis(n, step, formMode, result);
            charge(static_cast<qint64>(result.size() - from));
            if (isReverseAxis(step.axis))
                std::reverse(result.begin() + static_cast<std::ptrdiff_t>(from), result.end());
        }
        if (input.size() > 1)
            sortDocumentOrder(result);
        return result;
    }
    NodeList axisNodes;
    for (XmlNode *n : input) {
        axisNodes.clear();
        collectAxis(n, step, formMode, axisNodes);
        charge(static_cast<qint64>(axisNodes.size()));
        if (!step.predicates.empty()) {
            Value filtered = evalPredicateFilter(step.predicates, std::move(axisNodes), ctx);
            axisNodes = std::move(filtered.nodes());
        }
        if (isReverseAxis(step.axis))
            std::reverse(axisNodes.begin(), axisNodes.end());
        result.insert(result.end(), axisNodes.begin(), axisNodes.end());
    }
    const bool mayNeedSort =
        input.size() > 1 || (step.axis == Axis::Following && !input.empty() &&
                             input.front()->kind() == XmlNode::Kind::Attribute);
    if (mayNeedSort)
        sortDocumentOrder(result);
    return result;
}

Value evalPath(const Expr &e, const Context &ctx)
{
    const bool formMode = ctx.env && ctx.env->formMode();
    NodeList nodes;
    std::size_t firstStep = 0;
    if (!e.operands.empty()) {
        Value start = evaluate(*e.operands.front(), ctx);
        if (!start.isNodeSet())
            throw EvalError{Expression::tr("'/' can only follow a node-set, not a %1")
                                .arg(Value::typeName(start.type()))};
        nodes = std::move(start.nodes());
        if (!start.inDocumentOrder())
            sortDocumentOrder(nodes);
    } else if (e.absolute) {
        XmlNode *root =
            ctx.env ? ctx.env->absoluteRoot(ctx) : (ctx.node ? ctx.node->root() : nullptr);
        if (root)
            nodes.push_back(root);
        // ODK XForms: inside a repeat, an absolute path through the current node's own
        // repeat ancestors means its instances (all steps but the last).
        XmlNode *anchor = formMode && ctx.contextualize ? ctx.current : nullptr;
        if (anchor && root && anchor->root() == root && root->kind() == XmlNode::Kind::Document) {
            std::vector<XmlNode *> chain;
            for (XmlNode *p = anchor; p && p != root; p = p->parent()) {
                if (p->kind() == XmlNode::Kind::Element)
                    chain.push_back(p);
            }
            std::reverse(chain.begin(), chain.end());
            const std::size_t limit = e.steps.empty() ? 0 : e.steps.size() - 1;
            while (firstStep < limit && firstStep < chain.size()) {
                const Step &s = e.steps[firstStep];
                if (s.axis != Axis::Child || !s.predicates.empty() ||
                    !matches(s.test, chain[firstStep], s.axis, true))
                    break;
                nodes.assign(1, chain[firstStep]);
                ++firstStep;
            }
        }
    } else if (ctx.node) {
        nodes.push_back(ctx.node);
    }
    for (std::size_t i = firstStep; i < e.steps.size() && !nodes.empty(); ++i)
        nodes = applyStep(nodes, e.steps[i], ctx, formMode);
    return Value::nodeSet(std::move(nodes));
}

bool compareValues(Expr::Kind op, const Value &a, const Value &b, bool odkDates);

bool compareAtoms(Expr::Kind op, const Value &a, const Value &b, bool odkDates)
{
    using T = Value::Type;
    if (op == Expr::Kind::Equal || op == Expr::Kind::NotEqual) {
        bool eq;
        if (a.type() == T::Boolean || b.type() == T::Boolean) {
            eq = a.toBoolean() == b.toBoolean();
        } else if (a.type() == T::Number || b.type() == T::Number) {
            eq = a.toNumber(odkDates) == b.toNumber(odkDates);
        } else if (a.type() == T::Date || b.type() == T::Date) {
            const double x = a.toNumber(true);
            const double y = b.toNumber(true);
            eq = (std::isnan(x) || std::isnan(y)) ? a.toString() == b.toString() : x == y;
        } else {
            eq = a.toString() == b.toString();
        }
        return op == Expr::Kind::Equal ? eq : !eq;
    }
    const double x = a.toNumber(odkDates);
    const double y = b.toNumber(odkDates);
    switch (op) {
    case Expr::Kind::Less:
        return x < y;
    case Expr::Kind::LessEqual:
        return x <= y;
    case Expr::Kind::Greater:
        return x > y;
    case Expr::Kind::GreaterEqual:
        return x >= y;
    default:
        return false;
    }
}

bool compareValues(Expr::Kind op, const Value &a, const Value &b, bool odkDates)
{
    using T = Value::Type;
    if (a.isNodeSet() && b.isNodeSet()) {
        if (a.nodes().empty() || b.nodes().empty())
            return false;
        if (op == Expr::Kind::Equal || op == Expr::Kind::NotEqual) {
            // String comparison of every pair, without building values.
            const bool want = op == Expr::Kind::Equal;
            if (b.nodes().size() == 1) {
                const QString r = b.nodes().front()->expressionValue();
                for (XmlNode *n : a.nodes()) {
                    if ((n->expressionValue() == r) == want)
                        return true;
                }
                return false;
            }
        }
        std::vector<Value> right;
        right.reserve(b.nodes().size());
        for (XmlNode *n : b.nodes())
            right.push_back(Value::string(n->expressionValue()));
        for (XmlNode *n : a.nodes()) {
            const Value l = Value::string(n->expressionValue());
            for (const Value &r : right) {
                if (compareAtoms(op, l, r, odkDates))
                    return true;
            }
        }
        return false;
    }
    if (a.isNodeSet() || b.isNodeSet()) {
        const bool leftIsSet = a.isNodeSet();
        const Value &set = leftIsSet ? a : b;
        const Value &other = leftIsSet ? b : a;
        if (other.type() == T::Boolean) {
            const Value sb = Value::boolean(set.toBoolean());
            return leftIsSet ? compareAtoms(op, sb, other, odkDates)
                             : compareAtoms(op, other, sb, odkDates);
        }
        for (XmlNode *n : set.nodes()) {
            const Value s = Value::string(n->expressionValue());
            if (leftIsSet ? compareAtoms(op, s, other, odkDates)
                          : compareAtoms(op, other, s, odkDates))
                return true;
        }
        return false;
    }
    return compareAtoms(op, a, b, odkDates);
}

double xpathMod(double a, double b)
{
    // XPath 1.0 mod: truncating remainder with the sign of the dividend (like fmod).
    return std::fmod(a, b);
}

} // namespace

void sortDocumentOrder(NodeList &nodes)
{
    if (nodes.size() < 2)
        return;
    ensureOrdered(nodes);
    std::sort(nodes.begin(), nodes.end(), documentOrderLess);
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
}

Value evaluate(const Expr &e, const Context &ctxIn)
{
    Context ctx = ctxIn;
    if (!ctx.env)
        ctx.env = &defaultEnvironment();
    if (!ctx.current)
        ctx.current = ctx.node;
    const bool odkDates = ctx.env->odkDateNumbers();
    switch (e.kind) {
    case Expr::Kind::Or:
        return Value::boolean(evaluate(*e.operands[0], ctx).toBoolean() ||
                              evaluate(*e.operands[1], ctx).toBoolean());
    case Expr::Kind::And:
        return Value::boolean(evaluate(*e.operands[0], ctx).toBoolean() &&
                              evaluate(*e.operands[1], ctx).toBoolean());
    case Expr::Kind::Equal:
    case Expr::Kind::NotEqual:
    case Expr::Kind::Less:
    case Expr::Kind::LessEqual:
    case Expr::Kind::Greater:
    case Expr::Kind::GreaterEqual:
        return Value::boolean(compareValues(e.kind, evaluate(*e.operands[0], ctx),
                                            evaluate(*e.operands[1], ctx), odkDates));
    case Expr::Kind::Add:
    case Expr::Kind::Subtract:
    case Expr::Kind::Multiply:
    case Expr::Kind::Divide:
    case Expr::Kind::Modulo: {
        const double a = evaluate(*e.operands[0], ctx).toNumber(odkDates);
        const double b = evaluate(*e.operands[1], ctx).toNumber(odkDates);
        switch (e.kind) {
        case Expr::Kind::Add:
            return Value::number(a + b);
        case Expr::Kind::Subtract:
            return Value::number(a - b);
        case Expr::Kind::Multiply:
            return Value::number(a * b);
        case Expr::Kind::Divide:
            return Value::number(a / b);
        default:
            return Value::number(xpathMod(a, b));
        }
    }
    case Expr::Kind::Negate:
        return Value::number(-evaluate(*e.operands[0], ctx).toNumber(odkDates));
    case Expr::Kind::Union: {
        Value a = evaluate(*e.operands[0], ctx);
        Value b = evaluate(*e.operands[1], ctx);
        if (!a.isNodeSet() || !b.isNodeSet())
            throw EvalError{Expression::tr("'|' joins node-sets only, not a %1")
                                .arg(Value::typeName(a.isNodeSet() ? b.type() : a.type()))};
        NodeList all = std::move(a.nodes());
        all.insert(all.end(), b.nodes().begin(), b.nodes().end());
        sortDocumentOrder(all);
        return Value::nodeSet(std::move(all));
    }
    case Expr::Kind::Literal:
        return Value::string(e.text);
    case Expr::Kind::Number:
        return Value::number(e.number);
    case Expr::Kind::Function:
        return callFunction(e, ctx);
    case Expr::Kind::Path:
        return evalPath(e, ctx);
    case Expr::Kind::Filter: {
        Value v = evaluate(*e.operands[0], ctx);
        if (!v.isNodeSet())
            throw EvalError{Expression::tr("a predicate can only filter a node-set, not a %1")
                                .arg(Value::typeName(v.type()))};
        NodeList nodes = std::move(v.nodes());
        const bool ordered = v.inDocumentOrder();
        // Predicates on a filter expression count in document order (child axis order).
        Value out = evalPredicateFilter(e.predicates, std::move(nodes), ctx);
        return Value::nodeSet(std::move(out.nodes()), ordered);
    }
    }
    return Value();
}

} // namespace survey::form::xpath
