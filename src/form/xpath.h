// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xpathvalue.h"

#include <QCoreApplication>
#include <QHash>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace survey::form::xpath {

enum class Axis : std::uint8_t {
    Child,
    Descendant,
    DescendantOrSelf,
    Parent,
    Ancestor,
    AncestorOrSelf,
    FollowingSibling,
    PrecedingSibling,
    Following,
    Preceding,
    Attribute,
    Self,
    Namespace
};

struct NodeTest
{
    enum class Kind : std::uint8_t {
        Name,      ///< QName: local name (and namespace when a prefix was given)
        AnyName,   ///< *
        PrefixAny, ///< prefix:*
        AnyNode,   ///< node()
        Text,      ///< text()
        Comment,   ///< comment()
        PI         ///< processing-instruction('target'?)
    };
    Kind kind = Kind::AnyNode;
    QString prefix;
    QString namespaceUri;
    QString localName; ///< also the target of processing-instruction('x')
};

enum class FunctionId : std::uint16_t;

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct Context;

struct Step
{
    Axis axis = Axis::Child;
    NodeTest test;
    std::vector<ExprPtr> predicates;
};

/// A compiled expression node. The tree is built once at load time and only read
/// afterwards; evaluation never parses.
struct Expr
{
    enum class Kind : std::uint8_t {
        Or,
        And,
        Equal,
        NotEqual,
        Less,
        LessEqual,
        Greater,
        GreaterEqual,
        Add,
        Subtract,
        Multiply,
        Divide,
        Modulo,
        Negate,
        Union,
        Literal,
        Number,
        Function,
        Path,  ///< [filter] ( '/' | '//' )? steps
        Filter ///< primary predicates
    };
    Kind kind;
    int offset = 0;                ///< character offset in the source, for messages
    std::vector<ExprPtr> operands; ///< operator operands, function arguments, filter primary
    QString text;                  ///< literal string; function name
    double number = 0;
    FunctionId function{};
    bool absolute = false; ///< Path starts at the root
    /// The value does not depend on the context node, position or size (only on the
    /// documents and current()): a predicate can compute it once for all candidates.
    bool contextFree = false;
    std::vector<Step> steps;         ///< Path steps
    std::vector<ExprPtr> predicates; ///< Filter predicates

    explicit Expr(Kind k)
        : kind(k)
    {}
};

/// Services a host (the form session, the CLI) gives to functions that need more than
/// the document: secondary instances, translations, the clock, randomness.
class Environment
{
public:
    virtual ~Environment() = default;
    /// instance('id'): the document element's parent of a secondary instance, or null.
    virtual XmlNode *instance(const QString &id) const;
    /// jr:choice-name(value, 'path'): the label, in the current language, of choice `value`
    /// of the question at `path` (resolved against `context`); empty when unknown.
    virtual QString choiceName(const QString &value, const QString &path, XmlNode *context) const;
    /// jr:itext('id') in the current language.
    virtual QString itext(const QString &id) const;
    /// Milliseconds since the epoch for now()/today(); fixed per evaluation round.
    virtual qint64 nowMs() const;
    /// version() (an Enketo extension): the form's version attribute.
    virtual QString formVersion() const { return QString(); }
    /// A random number in [0, 1).
    virtual double random() const;
    /// Whether absolute paths inside a repeat refer to the context's own repeat instance
    /// (ODK XForms), and whether unprefixed names match any namespace.
    virtual bool formMode() const { return false; }
    /// Whether plain strings holding dates convert to numbers as dates.
    virtual bool odkDateNumbers() const { return true; }
    /// The root node absolute paths start from. Forms: always the primary instance, even
    /// inside a predicate over a secondary instance. Default: the context node's document.
    virtual XmlNode *absoluteRoot(const Context &context) const;
};

struct Context
{
    XmlNode *node = nullptr;
    std::size_t position = 1;
    std::size_t size = 1;
    XmlNode *current = nullptr; ///< current(): the node the whole expression started on
    const Environment *env = nullptr;
    /// Forms: absolute paths through the current node's repeat instances mean those
    /// instances. indexed-repeat() turns this off for its arguments, which name all of them.
    bool contextualize = true;
};

/// Thrown for run-time errors (e.g. a node set asked of a number, a bad regex).
struct EvalError
{
    QString message;
};

/// A compiled XPath expression.
class Expression
{
    Q_DECLARE_TR_FUNCTIONS(Expression)
public:
    struct CompileError
    {
        int offset = 0;
        QString message;
    };
    /// Resolves a namespace prefix; return std::nullopt for an undeclared prefix.
    using PrefixResolver = std::function<std::optional<QString>(const QString &prefix)>;

    Expression() = default;
    Expression(Expression &&) noexcept = default;
    Expression &operator=(Expression &&) noexcept = default;

    static std::optional<Expression> compile(const QString &source, const PrefixResolver &resolver,
                                             CompileError *error);

    /// Evaluates; throws EvalError on a run-time error.
    Value evaluate(const Context &context) const;
    bool evaluateBoolean(const Context &context) const { return evaluate(context).toBoolean(); }
    QString evaluateString(const Context &context) const { return evaluate(context).toString(); }

    const QString &source() const { return m_source; }
    const Expr *root() const { return m_root.get(); }
    bool isValid() const { return m_root != nullptr; }

private:
    QString m_source;
    ExprPtr m_root;
};

/// Evaluates an AST node (used by Expression and the function library).
Value evaluate(const Expr &expr, const Context &context);

/// Sorts into document order and removes duplicates.
void sortDocumentOrder(NodeList &nodes);

/// The name of a function as written in forms, for messages.
QString functionName(FunctionId id);

} // namespace survey::form::xpath
