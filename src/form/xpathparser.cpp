// SPDX-License-Identifier: GPL-3.0-or-later
// XPath 1.0 lexer and recursive-descent parser (W3C REC xpath-19991116, §3 and §3.7).
#include "xpath.h"
#include "xpathfunctions.h"

namespace survey::form::xpath {

namespace {

enum class Tok : std::uint8_t {
    End,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    DotDot,
    At,
    Comma,
    ColonColon,
    Slash,
    DoubleSlash,
    Pipe,
    Plus,
    Minus,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Star, ///< multiply operator
    And,
    Or,
    Mod,
    Div,
    NameTest, ///< name, prefix:name, prefix:*, *
    NodeType, ///< comment, text, processing-instruction, node (followed by '(')
    FunctionName,
    AxisName,
    Literal,
    Number,
    Variable
};

struct Token
{
    Tok type = Tok::End;
    int offset = 0;
    QString text; ///< name (qualified), literal content
    double number = 0;
};

class Lexer
{
    Q_DECLARE_TR_FUNCTIONS(Expression)
public:
    explicit Lexer(const QString &src)
        : m_src(src)
    {}

    bool run(std::vector<Token> &out, Expression::CompileError *error)
    {
        for (;;) {
            skipSpace();
            Token t;
            t.offset = m_pos;
            if (m_pos >= m_src.size()) {
                t.type = Tok::End;
                out.push_back(t);
                return true;
            }
            const QChar c = m_src[m_pos];
            const QChar next = m_pos + 1 < m_src.size() ? m_src[m_pos + 1] : QChar();
            const bool operatorContext = !out.empty() && !precedesOperand(out.back().type);
            switch (c.unicode()) {
            case '(':
                t.type = Tok::LParen;
                ++m_pos;
                break;
            case ')':
                t.type = Tok::RParen;
                ++m_pos;
                break;
            case '[':
                t.type = Tok::LBracket;
                ++m_pos;
                break;
            case ']':
                t.type = Tok::RBracket;
                ++m_pos;
                break;
            case '@':
                t.type = Tok::At;
                ++m_pos;
                break;
            case ',':
                t.type = Tok::Comma;
                ++m_pos;
                break;
            case '|':
                t.type = Tok::Pipe;
                ++m_pos;
                break;
            case '+':
                t.type = Tok::Plus;
                ++m_pos;
                break;
            case '-':
                t.type = Tok::Minus;
                ++m_pos;
                break;
            case '=':
                t.type = Tok::Equal;
                ++m_pos;
                break;
            case '!':
                if (next != QLatin1Char('=')) {
                    return fail(error, m_pos, tr("'!' must be followed by '='"));
                }
                t.type = Tok::NotEqual;
                m_pos += 2;
                break;
            case '<':
                t.type = next == QLatin1Char('=') ? Tok::LessEqual : Tok::Less;
                m_pos += t.type == Tok::LessEqual ? 2 : 1;
                break;
            case '>':
                t.type = next == QLatin1Char('=') ? Tok::GreaterEqual : Tok::Greater;
                m_pos += t.type == Tok::GreaterEqual ? 2 : 1;
                break;
            case '/':
                t.type = next == QLatin1Char('/') ? Tok::DoubleSlash : Tok::Slash;
                m_pos += t.type == Tok::DoubleSlash ? 2 : 1;
                break;
            case ':':
                if (next != QLatin1Char(':'))
                    return fail(error, m_pos, tr("unexpected ':'"));
                t.type = Tok::ColonColon;
                m_pos += 2;
                break;
            case '"':
            case '\'': {
                const int end = m_src.indexOf(c, m_pos + 1);
                if (end < 0)
                    return fail(error, m_pos, tr("unterminated string literal"));
                t.type = Tok::Literal;
                t.text = m_src.mid(m_pos + 1, end - m_pos - 1);
                m_pos = end + 1;
                break;
            }
            case '*':
                ++m_pos;
                t.type = operatorContext ? Tok::Star : Tok::NameTest;
                t.text = QStringLiteral("*");
                break;
            case '$': {
                ++m_pos;
                const QString name = readQName();
                if (name.isEmpty())
                    return fail(error, t.offset, tr("'$' must be followed by a variable name"));
                t.type = Tok::Variable;
                t.text = name;
                break;
            }
            case '.':
                if (next.isDigit()) {
                    if (!readNumber(t))
                        return fail(error, t.offset, tr("malformed number"));
                } else if (next == QLatin1Char('.')) {
                    t.type = Tok::DotDot;
                    m_pos += 2;
                } else {
                    t.type = Tok::Dot;
                    ++m_pos;
                }
                break;
            default:
                if (c.isDigit()) {
                    if (!readNumber(t))
                        return fail(error, t.offset, tr("malformed number"));
                } else if (isNameStart(c)) {
                    if (!readName(t, operatorContext, error))
                        return false;
                } else {
                    return fail(error, m_pos, tr("unexpected character '%1'").arg(c));
                }
            }
            out.push_back(std::move(t));
        }
    }

private:
    // XPath 1.0 §3.7: after these tokens (or at the start) '*' is a name test and an
    // NCName is a name, otherwise they are operators.
    static bool precedesOperand(Tok t)
    {
        switch (t) {
        case Tok::At:
        case Tok::ColonColon:
        case Tok::LParen:
        case Tok::LBracket:
        case Tok::Comma:
        case Tok::Slash:
        case Tok::DoubleSlash:
        case Tok::Pipe:
        case Tok::Plus:
        case Tok::Minus:
        case Tok::Equal:
        case Tok::NotEqual:
        case Tok::Less:
        case Tok::LessEqual:
        case Tok::Greater:
        case Tok::GreaterEqual:
        case Tok::Star:
        case Tok::And:
        case Tok::Or:
        case Tok::Mod:
        case Tok::Div:
            return true;
        default:
            return false;
        }
    }

    static bool isNameStart(QChar c) { return c.isLetter() || c == QLatin1Char('_'); }
    static bool isNameChar(QChar c)
    {
        return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-') ||
               c == QLatin1Char('.') || c.isMark() || c.category() == QChar::Letter_Modifier;
    }

    void skipSpace()
    {
        while (m_pos < m_src.size()) {
            const ushort u = m_src[m_pos].unicode();
            if (u == ' ' || u == '\t' || u == '\n' || u == '\r')
                ++m_pos;
            else
                break;
        }
    }

    QString readNCName()
    {
        const int start = m_pos;
        if (m_pos < m_src.size() && isNameStart(m_src[m_pos])) {
            ++m_pos;
            while (m_pos < m_src.size() && isNameChar(m_src[m_pos]))
                ++m_pos;
        }
        return m_src.mid(start, m_pos - start);
    }

    QString readQName()
    {
        QString name = readNCName();
        if (name.isEmpty())
            return name;
        if (m_pos + 1 < m_src.size() && m_src[m_pos] == QLatin1Char(':') &&
            isNameStart(m_src[m_pos + 1])) {
            ++m_pos;
            name += QLatin1Char(':') + readNCName();
        }
        return name;
    }

    bool readNumber(Token &t)
    {
        const int start = m_pos;
        while (m_pos < m_src.size() && m_src[m_pos].isDigit() && m_src[m_pos].unicode() < 128)
            ++m_pos;
        if (m_pos < m_src.size() && m_src[m_pos] == QLatin1Char('.')) {
            ++m_pos;
            while (m_pos < m_src.size() && m_src[m_pos].isDigit() && m_src[m_pos].unicode() < 128)
                ++m_pos;
        }
        t.type = Tok::Number;
        t.number = stringToNumber(QStringView(m_src).mid(start, m_pos - start));
        return !std::isnan(t.number);
    }

    int peekNonSpace(int from) const
    {
        while (from < m_src.size() && m_src[from].isSpace())
            ++from;
        return from;
    }

    bool readName(Token &t, bool operatorContext, Expression::CompileError *error)
    {
        const int start = m_pos;
        QString ncname = readNCName();
        if (operatorContext) {
            static const std::pair<const char *, Tok> ops[] = {
                {"and", Tok::And}, {"or", Tok::Or}, {"mod", Tok::Mod}, {"div", Tok::Div}};
            for (const auto &[word, type] : ops) {
                if (ncname == QLatin1String(word)) {
                    t.type = type;
                    return true;
                }
            }
            return fail(error, start, tr("expected an operator but found '%1'").arg(ncname));
        }
        QString name = ncname;
        bool prefixedStar = false;
        if (m_pos + 1 < m_src.size() && m_src[m_pos] == QLatin1Char(':') &&
            m_src[m_pos + 1] != QLatin1Char(':')) {
            if (m_src[m_pos + 1] == QLatin1Char('*')) {
                m_pos += 2;
                name += QStringLiteral(":*");
                prefixedStar = true;
            } else if (isNameStart(m_src[m_pos + 1])) {
                ++m_pos;
                name += QLatin1Char(':') + readNCName();
            } else {
                return fail(error, m_pos, tr("a name must follow the prefix '%1:'").arg(ncname));
            }
        }
        t.text = name;
        const int after = peekNonSpace(m_pos);
        const QChar la = after < m_src.size() ? m_src[after] : QChar();
        if (!prefixedStar && la == QLatin1Char('(')) {
            static const char *nodeTypes[] = {"comment", "text", "processing-instruction", "node"};
            for (const char *nt : nodeTypes) {
                if (name == QLatin1String(nt)) {
                    t.type = Tok::NodeType;
                    return true;
                }
            }
            t.type = Tok::FunctionName;
            return true;
        }
        if (!prefixedStar && name == ncname && la == QLatin1Char(':') && after + 1 < m_src.size() &&
            m_src[after + 1] == QLatin1Char(':')) {
            t.type = Tok::AxisName;
            return true;
        }
        t.type = Tok::NameTest;
        return true;
    }

    static bool fail(Expression::CompileError *error, int offset, const QString &message)
    {
        if (error) {
            error->offset = offset;
            error->message = message;
        }
        return false;
    }

    const QString &m_src;
    int m_pos = 0;
};

class Parser
{
    Q_DECLARE_TR_FUNCTIONS(Expression)
public:
    Parser(std::vector<Token> tokens, const Expression::PrefixResolver &resolver)
        : m_tokens(std::move(tokens))
        , m_resolver(resolver)
    {}

    ExprPtr parse()
    {
        ExprPtr e = parseOr();
        if (e && peek().type != Tok::End) {
            error(tr("unexpected %1 after the end of the expression").arg(describe(peek())));
            return nullptr;
        }
        return e;
    }

    Expression::CompileError m_error;

private:
    static constexpr int kMaxDepth = 200;
    static constexpr int kMaxChain = 1000;

    const Token &peek(std::size_t ahead = 0) const
    {
        const std::size_t i = std::min(m_pos + ahead, m_tokens.size() - 1);
        return m_tokens[i];
    }
    const Token &take() { return m_tokens[std::min(m_pos++, m_tokens.size() - 1)]; }
    bool accept(Tok t)
    {
        if (peek().type != t)
            return false;
        ++m_pos;
        return true;
    }

    std::nullptr_t error(const QString &message)
    {
        if (m_error.message.isEmpty()) {
            m_error.offset = peek().offset;
            m_error.message = message;
        }
        return nullptr;
    }

    QString describe(const Token &t) const
    {
        switch (t.type) {
        case Tok::End:
            return tr("end of expression");
        case Tok::Literal:
            return tr("string '%1'").arg(t.text);
        case Tok::Number:
            return tr("number %1").arg(numberToString(t.number));
        case Tok::NameTest:
        case Tok::FunctionName:
        case Tok::AxisName:
        case Tok::NodeType:
        case Tok::Variable:
            return QStringLiteral("'%1'").arg(t.text);
        default:
            return QStringLiteral("'%1'").arg(m_source->mid(t.offset, 1));
        }
    }

public:
    const QString *m_source = nullptr;

private:
    struct DepthGuard
    {
        int &depth;
        explicit DepthGuard(int &d)
            : depth(d)
        {
            ++depth;
        }
        ~DepthGuard() { --depth; }
    };

    ExprPtr binary(Expr::Kind kind, ExprPtr lhs, ExprPtr rhs, int offset)
    {
        auto e = std::make_unique<Expr>(kind);
        e->offset = offset;
        e->operands.push_back(std::move(lhs));
        e->operands.push_back(std::move(rhs));
        return e;
    }

    template<typename Next>
    ExprPtr parseLeftAssoc(Next next, std::initializer_list<std::pair<Tok, Expr::Kind>> ops)
    {
        ExprPtr lhs = (this->*next)();
        if (!lhs)
            return nullptr;
        // Each operator adds a level to the tree: bound the chain as nesting is bounded.
        for (int chain = 0;; ++chain) {
            if (chain > kMaxChain)
                return error(tr("the expression has too many operators in a row (more than %1)")
                                 .arg(kMaxChain));
            const Token &t = peek();
            const Expr::Kind *kind = nullptr;
            for (const auto &op : ops) {
                if (op.first == t.type)
                    kind = &op.second;
            }
            if (!kind)
                return lhs;
            const int offset = t.offset;
            take();
            ExprPtr rhs = (this->*next)();
            if (!rhs)
                return nullptr;
            lhs = binary(*kind, std::move(lhs), std::move(rhs), offset);
        }
    }

    ExprPtr parseOr()
    {
        DepthGuard guard(m_depth);
        if (m_depth > kMaxDepth)
            return error(tr("the expression is nested too deeply"));
        return parseLeftAssoc(&Parser::parseAnd, {{Tok::Or, Expr::Kind::Or}});
    }
    ExprPtr parseAnd()
    {
        return parseLeftAssoc(&Parser::parseEquality, {{Tok::And, Expr::Kind::And}});
    }
    ExprPtr parseEquality()
    {
        return parseLeftAssoc(&Parser::parseRelational, {{Tok::Equal, Expr::Kind::Equal},
                                                         {Tok::NotEqual, Expr::Kind::NotEqual}});
    }
    ExprPtr parseRelational()
    {
        return parseLeftAssoc(&Parser::parseAdditive,
                              {{Tok::Less, Expr::Kind::Less},
                               {Tok::LessEqual, Expr::Kind::LessEqual},
                               {Tok::Greater, Expr::Kind::Greater},
                               {Tok::GreaterEqual, Expr::Kind::GreaterEqual}});
    }
    ExprPtr parseAdditive()
    {
        return parseLeftAssoc(&Parser::parseMultiplicative,
                              {{Tok::Plus, Expr::Kind::Add}, {Tok::Minus, Expr::Kind::Subtract}});
    }
    ExprPtr parseMultiplicative()
    {
        return parseLeftAssoc(&Parser::parseUnary, {{Tok::Star, Expr::Kind::Multiply},
                                                    {Tok::Div, Expr::Kind::Divide},
                                                    {Tok::Mod, Expr::Kind::Modulo}});
    }
    ExprPtr parseUnary()
    {
        if (peek().type == Tok::Minus) {
            DepthGuard guard(m_depth);
            if (m_depth > kMaxDepth)
                return error(tr("the expression is nested too deeply"));
            const int offset = take().offset;
            ExprPtr operand = parseUnary();
            if (!operand)
                return nullptr;
            auto e = std::make_unique<Expr>(Expr::Kind::Negate);
            e->offset = offset;
            e->operands.push_back(std::move(operand));
            return e;
        }
        return parseUnion();
    }
    ExprPtr parseUnion()
    {
        return parseLeftAssoc(&Parser::parsePathExpr, {{Tok::Pipe, Expr::Kind::Union}});
    }

    static bool startsStep(Tok t)
    {
        return t == Tok::NameTest || t == Tok::NodeType || t == Tok::AxisName || t == Tok::At ||
               t == Tok::Dot || t == Tok::DotDot;
    }

    ExprPtr parsePathExpr()
    {
        const Token &t = peek();
        const int offset = t.offset;
        if (t.type == Tok::Literal || t.type == Tok::Number || t.type == Tok::LParen ||
            t.type == Tok::FunctionName || t.type == Tok::Variable) {
            ExprPtr primary = parseFilter();
            if (!primary)
                return nullptr;
            if (peek().type != Tok::Slash && peek().type != Tok::DoubleSlash)
                return primary;
            auto path = std::make_unique<Expr>(Expr::Kind::Path);
            path->offset = offset;
            path->operands.push_back(std::move(primary));
            if (!parseRelativeSteps(*path, true))
                return nullptr;
            return path;
        }
        auto path = std::make_unique<Expr>(Expr::Kind::Path);
        path->offset = offset;
        if (t.type == Tok::Slash) {
            take();
            path->absolute = true;
            if (!startsStep(peek().type))
                return path; // '/' alone: the root node
            if (!parseRelativeSteps(*path, false))
                return nullptr;
            return path;
        }
        if (t.type == Tok::DoubleSlash) {
            path->absolute = true;
            if (!parseRelativeSteps(*path, true))
                return nullptr;
            return path;
        }
        if (!startsStep(t.type)) {
            if (t.type == Tok::End)
                return error(tr("the expression ends where a value was expected"));
            return error(tr("expected a value but found %1").arg(describe(t)));
        }
        if (!parseRelativeSteps(*path, false))
            return nullptr;
        return path;
    }

    // Parses ('/' | '//')? Step (('/' | '//') Step)*; `leadingSeparator` says a separator
    // is pending at the current token.
    bool parseRelativeSteps(Expr &path, bool leadingSeparator)
    {
        bool first = true;
        for (;;) {
            if (!first || leadingSeparator) {
                if (accept(Tok::DoubleSlash)) {
                    Step s;
                    s.axis = Axis::DescendantOrSelf;
                    s.test.kind = NodeTest::Kind::AnyNode;
                    path.steps.push_back(std::move(s));
                } else if (!accept(Tok::Slash)) {
                    return true;
                }
                if (!startsStep(peek().type)) {
                    error(tr("a location step must follow '/', found %1").arg(describe(peek())));
                    return false;
                }
            }
            first = false;
            Step step;
            if (!parseStep(step))
                return false;
            path.steps.push_back(std::move(step));
            if (peek().type != Tok::Slash && peek().type != Tok::DoubleSlash)
                return true;
        }
    }

    bool parseStep(Step &step)
    {
        if (accept(Tok::Dot)) {
            step.axis = Axis::Self;
            step.test.kind = NodeTest::Kind::AnyNode;
            return true;
        }
        if (accept(Tok::DotDot)) {
            step.axis = Axis::Parent;
            step.test.kind = NodeTest::Kind::AnyNode;
            return true;
        }
        step.axis = Axis::Child;
        if (accept(Tok::At)) {
            step.axis = Axis::Attribute;
        } else if (peek().type == Tok::AxisName) {
            const Token &a = take();
            static const std::pair<const char *, Axis> axes[] = {
                {"child", Axis::Child},
                {"descendant", Axis::Descendant},
                {"descendant-or-self", Axis::DescendantOrSelf},
                {"parent", Axis::Parent},
                {"ancestor", Axis::Ancestor},
                {"ancestor-or-self", Axis::AncestorOrSelf},
                {"following-sibling", Axis::FollowingSibling},
                {"preceding-sibling", Axis::PrecedingSibling},
                {"following", Axis::Following},
                {"preceding", Axis::Preceding},
                {"attribute", Axis::Attribute},
                {"self", Axis::Self},
                {"namespace", Axis::Namespace}};
            bool found = false;
            for (const auto &[name, axis] : axes) {
                if (a.text == QLatin1String(name)) {
                    step.axis = axis;
                    found = true;
                }
            }
            if (!found) {
                m_pos--;
                error(tr("unknown axis '%1'").arg(a.text));
                return false;
            }
            take(); // '::'
        }
        if (!parseNodeTest(step.test))
            return false;
        while (peek().type == Tok::LBracket) {
            ExprPtr p = parsePredicate();
            if (!p)
                return false;
            step.predicates.push_back(std::move(p));
        }
        return true;
    }

    bool parseNodeTest(NodeTest &test)
    {
        const Token &t = peek();
        if (t.type == Tok::NodeType) {
            take();
            if (!accept(Tok::LParen)) {
                error(tr("expected '('"));
                return false;
            }
            if (t.text == QLatin1String("node")) {
                test.kind = NodeTest::Kind::AnyNode;
            } else if (t.text == QLatin1String("text")) {
                test.kind = NodeTest::Kind::Text;
            } else if (t.text == QLatin1String("comment")) {
                test.kind = NodeTest::Kind::Comment;
            } else {
                test.kind = NodeTest::Kind::PI;
                if (peek().type == Tok::Literal)
                    test.localName = take().text;
            }
            if (!accept(Tok::RParen)) {
                error(tr("expected ')' to close %1()").arg(t.text));
                return false;
            }
            return true;
        }
        if (t.type != Tok::NameTest) {
            error(tr("expected a node test but found %1").arg(describe(t)));
            return false;
        }
        take();
        if (t.text == QLatin1String("*")) {
            test.kind = NodeTest::Kind::AnyName;
            return true;
        }
        const int colon = t.text.indexOf(QLatin1Char(':'));
        if (colon < 0) {
            test.kind = NodeTest::Kind::Name;
            test.localName = internName(t.text);
            return true;
        }
        test.prefix = t.text.left(colon);
        const QString local = t.text.mid(colon + 1);
        std::optional<QString> uri = m_resolver ? m_resolver(test.prefix) : std::nullopt;
        if (!uri) {
            m_pos--;
            error(tr("namespace prefix '%1' is not declared").arg(test.prefix));
            return false;
        }
        test.namespaceUri = internName(*uri);
        if (local == QLatin1String("*")) {
            test.kind = NodeTest::Kind::PrefixAny;
        } else {
            test.kind = NodeTest::Kind::Name;
            test.localName = internName(local);
        }
        return true;
    }

    ExprPtr parsePredicate()
    {
        take(); // '['
        ExprPtr e = parseOr();
        if (!e)
            return nullptr;
        if (!accept(Tok::RBracket))
            return error(tr("expected ']' to close the predicate, found %1").arg(describe(peek())));
        return e;
    }

    ExprPtr parseFilter()
    {
        const int offset = peek().offset;
        ExprPtr primary = parsePrimary();
        if (!primary)
            return nullptr;
        if (peek().type != Tok::LBracket)
            return primary;
        auto f = std::make_unique<Expr>(Expr::Kind::Filter);
        f->offset = offset;
        f->operands.push_back(std::move(primary));
        while (peek().type == Tok::LBracket) {
            ExprPtr p = parsePredicate();
            if (!p)
                return nullptr;
            f->predicates.push_back(std::move(p));
        }
        return f;
    }

    ExprPtr parsePrimary()
    {
        const Token &t = take();
        switch (t.type) {
        case Tok::Literal: {
            auto e = std::make_unique<Expr>(Expr::Kind::Literal);
            e->offset = t.offset;
            e->text = t.text;
            return e;
        }
        case Tok::Number: {
            auto e = std::make_unique<Expr>(Expr::Kind::Number);
            e->offset = t.offset;
            e->number = t.number;
            return e;
        }
        case Tok::Variable:
            m_pos--;
            return error(tr("variable references ($%1) are not supported in forms").arg(t.text));
        case Tok::LParen: {
            ExprPtr inner = parseOr();
            if (!inner)
                return nullptr;
            if (!accept(Tok::RParen))
                return error(tr("expected ')' but found %1").arg(describe(peek())));
            return inner;
        }
        case Tok::FunctionName: {
            auto e = std::make_unique<Expr>(Expr::Kind::Function);
            e->offset = t.offset;
            e->text = t.text;
            take(); // '('
            if (!accept(Tok::RParen)) {
                for (;;) {
                    ExprPtr arg = parseOr();
                    if (!arg)
                        return nullptr;
                    e->operands.push_back(std::move(arg));
                    if (accept(Tok::RParen))
                        break;
                    if (!accept(Tok::Comma))
                        return error(tr("expected ',' or ')' in the arguments of %1(), found %2")
                                         .arg(t.text, describe(peek())));
                }
            }
            const FunctionInfo *info = findFunction(t.text);
            if (!info) {
                m_error.offset = t.offset;
                m_error.message = tr("unknown function: %1()").arg(t.text);
                return nullptr;
            }
            const int n = static_cast<int>(e->operands.size());
            if (n < info->minArgs || (info->maxArgs >= 0 && n > info->maxArgs)) {
                m_error.offset = t.offset;
                m_error.message =
                    info->minArgs == info->maxArgs
                        ? tr("%1() takes %n argument(s), not %2", nullptr, info->minArgs)
                              .arg(t.text)
                              .arg(n)
                        : tr("%1() cannot take %n argument(s)", nullptr, n).arg(t.text);
                return nullptr;
            }
            e->function = info->id;
            return e;
        }
        default:
            m_pos--;
            return error(tr("expected a value but found %1").arg(describe(t)));
        }
    }

    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
    int m_depth = 0;
    const Expression::PrefixResolver &m_resolver;
};

// Post-order: see Expr::contextFree. The tree depth is bounded before this runs.
bool markContextFree(Expr &e)
{
    bool free = true;
    for (auto &op : e.operands)
        free = markContextFree(*op) && free;
    for (auto &p : e.predicates)
        markContextFree(*p);
    for (Step &s : e.steps) {
        for (auto &p : s.predicates)
            markContextFree(*p);
    }
    switch (e.kind) {
    case Expr::Kind::Path:
        // Relative steps read the context node; absolute ones start at the root.
        free = e.operands.empty() ? e.absolute : free;
        break;
    case Expr::Kind::Function:
        switch (e.function) {
        case FunctionId::Position:
        case FunctionId::Last:
        case FunctionId::Lang:
        case FunctionId::Once:
        case FunctionId::ChoiceName:
        case FunctionId::Random:
        case FunctionId::Randomize:
        case FunctionId::Uuid:
            free = e.function == FunctionId::Position && !e.operands.empty() ? free : false;
            break;
        case FunctionId::String:
        case FunctionId::StringLength:
        case FunctionId::NormalizeSpace:
        case FunctionId::Number:
        case FunctionId::LocalName:
        case FunctionId::NamespaceUri:
        case FunctionId::Name:
            free = free && !e.operands.empty();
            break;
        default:
            break;
        }
        break;
    default:
        break;
    }
    e.contextFree = free;
    return free;
}

} // namespace

std::optional<Expression> Expression::compile(const QString &source, const PrefixResolver &resolver,
                                              CompileError *error)
{
    std::vector<Token> tokens;
    Lexer lexer(source);
    if (!lexer.run(tokens, error))
        return std::nullopt;
    Parser parser(std::move(tokens), resolver);
    parser.m_source = &source;
    ExprPtr root = parser.parse();
    if (!root) {
        if (error)
            *error = parser.m_error;
        return std::nullopt;
    }
    // Evaluation recurses along the tree: refuse trees deeper than the stack can take.
    constexpr int kMaxTreeDepth = 1000;
    std::vector<std::pair<const Expr *, int>> stack{{root.get(), 1}};
    while (!stack.empty()) {
        const auto [e, depth] = stack.back();
        stack.pop_back();
        if (depth > kMaxTreeDepth) {
            if (error) {
                error->offset = e->offset;
                error->message = tr("the expression is nested too deeply (more than %1 levels)")
                                     .arg(kMaxTreeDepth);
            }
            return std::nullopt;
        }
        for (const auto &op : e->operands)
            stack.emplace_back(op.get(), depth + 1);
        for (const auto &p : e->predicates)
            stack.emplace_back(p.get(), depth + 1);
        for (const Step &step : e->steps) {
            for (const auto &p : step.predicates)
                stack.emplace_back(p.get(), depth + 1);
        }
    }
    markContextFree(*root);
    Expression e;
    e.m_source = source;
    e.m_root = std::move(root);
    return e;
}

} // namespace survey::form::xpath
