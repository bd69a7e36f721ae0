// SPDX-License-Identifier: GPL-3.0-or-later
// survey-cli xpath: evaluate an XPath expression against any XML document.
#include "commands.h"

#include "xpath.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

namespace survey::cli {

using namespace survey::form;
using namespace survey::form::xpath;

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(XPathCommand)
};

/// XPath 1.0 plus the ODK rules: number() of an ISO date or dateTime string is days
/// since the epoch (no other string is affected: XPath gives those NaN).
class CliEnvironment : public Environment
{};

QString positionalPath(const XmlNode *node)
{
    if (node->kind() == XmlNode::Kind::Document)
        return QStringLiteral("/");
    QStringList parts;
    for (const XmlNode *n = node; n && n->kind() != XmlNode::Kind::Document; n = n->parent()) {
        if (n->kind() == XmlNode::Kind::Attribute) {
            parts.prepend(QLatin1Char('@') + n->qualifiedName());
            continue;
        }
        int index = 0;
        if (n->parent()) {
            for (const auto &s : n->parent()->children()) {
                if (s->kind() == n->kind())
                    ++index;
                if (s.get() == n)
                    break;
            }
        }
        QString test;
        switch (n->kind()) {
        case XmlNode::Kind::Element:
            test = QStringLiteral("*");
            break;
        case XmlNode::Kind::Text:
            test = QStringLiteral("text()");
            break;
        case XmlNode::Kind::Comment:
            test = QStringLiteral("comment()");
            break;
        default:
            test = QStringLiteral("processing-instruction()");
            break;
        }
        parts.prepend(QStringLiteral("%1[%2]").arg(test).arg(index));
    }
    return QLatin1Char('/') + parts.join(QLatin1Char('/'));
}

QJsonValue numberJson(double d)
{
    if (std::isnan(d))
        return QStringLiteral("NaN");
    if (std::isinf(d))
        return d > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (d == 0 && std::signbit(d))
        return QStringLiteral("-0");
    return d;
}

QJsonObject errorJson(const QString &message)
{
    return QJsonObject{{QStringLiteral("error"), message}};
}

struct Request
{
    QString expr;
    QString context = QStringLiteral("/");
    QHash<QString, QString> ns;
    QString type = QStringLiteral("any");
};

QJsonObject run(XmlDocument &doc, const Request &req)
{
    static const QStringList types = {QStringLiteral("any"), QStringLiteral("boolean"),
                                      QStringLiteral("number"), QStringLiteral("string"),
                                      QStringLiteral("nodeset")};
    if (!types.contains(req.type))
        return errorJson(Tr::tr("unknown result type '%1' (use any, boolean, number, string or "
                                "nodeset)")
                             .arg(req.type));
    const Expression::PrefixResolver resolver =
        [&req](const QString &prefix) -> std::optional<QString> {
        if (prefix == QLatin1String("xml"))
            return QStringLiteral("http://www.w3.org/XML/1998/namespace");
        auto it = req.ns.constFind(prefix);
        if (it == req.ns.constEnd())
            return std::nullopt;
        return *it;
    };
    CliEnvironment env;
    Context ctx;
    ctx.env = &env;
    ctx.node = &doc;
    if (req.context != QLatin1String("/")) {
        Expression::CompileError err;
        const auto ce = Expression::compile(req.context, resolver, &err);
        if (!ce)
            return errorJson(Tr::tr("context path: %1").arg(err.message));
        try {
            const Value v = ce->evaluate(ctx);
            if (!v.isNodeSet() || v.nodes().size() != 1)
                return errorJson(
                    Tr::tr("context path '%1' does not select exactly one node").arg(req.context));
            ctx.node = v.nodes().front();
        } catch (const EvalError &e) {
            return errorJson(Tr::tr("context path: %1").arg(e.message));
        }
    }
    ctx.current = ctx.node;
    Expression::CompileError err;
    const auto compiled = Expression::compile(req.expr, resolver, &err);
    if (!compiled)
        return errorJson(Tr::tr("at character %1: %2").arg(err.offset + 1).arg(err.message));
    Value v;
    try {
        v = compiled->evaluate(ctx);
    } catch (const EvalError &e) {
        return errorJson(e.message);
    }
    QJsonObject out;
    QString type = req.type;
    if (type == QLatin1String("any")) {
        switch (v.type()) {
        case Value::Type::Boolean:
            type = QStringLiteral("boolean");
            break;
        case Value::Type::Number:
            type = QStringLiteral("number");
            break;
        case Value::Type::NodeSet:
            type = QStringLiteral("nodeset");
            break;
        default:
            type = QStringLiteral("string");
        }
    }
    out.insert(QStringLiteral("type"), type);
    if (type == QLatin1String("boolean")) {
        out.insert(QStringLiteral("value"), v.toBoolean());
    } else if (type == QLatin1String("number")) {
        out.insert(QStringLiteral("value"), numberJson(v.toNumber(false)));
    } else if (type == QLatin1String("string")) {
        out.insert(QStringLiteral("value"), v.toString());
    } else {
        if (!v.isNodeSet())
            return errorJson(
                Tr::tr("the result is a %1, not a node-set").arg(Value::typeName(v.type())));
        NodeList nodes = v.nodes();
        sortDocumentOrder(nodes);
        QJsonArray paths;
        for (const XmlNode *n : nodes)
            paths.append(positionalPath(n));
        out.insert(QStringLiteral("value"), paths);
    }
    return out;
}

void printLine(const QJsonObject &o)
{
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact);
    std::fwrite(line.constData(), 1, static_cast<std::size_t>(line.size()), stdout);
    std::fputc('\n', stdout);
}

int usage()
{
    QTextStream(stderr) << Tr::tr(
        "usage: survey-cli xpath DOC.xml [--context PATH] [--ns PREFIX=URI]... "
        "[--type any|boolean|number|string|nodeset] (EXPR | --batch)\n");
    return 64;
}

} // namespace

int xpathCommand(const QStringList &args)
{
    QString docPath;
    Request base;
    bool batch = false;
    bool haveExpr = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        auto value = [&](QString &target) {
            if (i + 1 >= args.size())
                return false;
            target = args[++i];
            return true;
        };
        if (a == QLatin1String("--context")) {
            if (!value(base.context))
                return usage();
        } else if (a == QLatin1String("--type")) {
            if (!value(base.type))
                return usage();
        } else if (a == QLatin1String("--ns")) {
            QString spec;
            if (!value(spec))
                return usage();
            const qsizetype eq = spec.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return usage();
            base.ns.insert(spec.left(eq), spec.mid(eq + 1));
        } else if (a == QLatin1String("--batch")) {
            batch = true;
        } else if (docPath.isEmpty()) {
            docPath = a;
        } else if (!haveExpr) {
            base.expr = a;
            haveExpr = true;
        } else {
            return usage();
        }
    }
    if (docPath.isEmpty() || (!batch && !haveExpr))
        return usage();

    QFile file(docPath);
    if (!file.open(QIODevice::ReadOnly)) {
        printLine(errorJson(Tr::tr("cannot read %1: %2").arg(docPath, file.errorString())));
        return 1;
    }
    XmlError xmlError;
    auto doc = XmlDocument::parse(file.readAll(), &xmlError);
    if (!doc) {
        printLine(errorJson(QStringLiteral("%1:%2:%3: %4")
                                .arg(docPath)
                                .arg(xmlError.line)
                                .arg(xmlError.column)
                                .arg(xmlError.message)));
        return 1;
    }
    if (!batch) {
        const QJsonObject result = run(*doc, base);
        printLine(result);
        return result.contains(QStringLiteral("error")) ? 1 : 0;
    }
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty())
            continue;
        QJsonParseError perr;
        const QJsonDocument jd = QJsonDocument::fromJson(QByteArray::fromStdString(line), &perr);
        if (!jd.isObject()) {
            printLine(errorJson(Tr::tr("not a JSON object: %1").arg(perr.errorString())));
            continue;
        }
        const QJsonObject o = jd.object();
        Request req = base;
        if (!o.value(QStringLiteral("expr")).isString()) {
            printLine(errorJson(Tr::tr("\"expr\" is missing")));
            continue;
        }
        req.expr = o.value(QStringLiteral("expr")).toString();
        if (o.contains(QStringLiteral("context")))
            req.context = o.value(QStringLiteral("context")).toString();
        if (o.contains(QStringLiteral("type")))
            req.type = o.value(QStringLiteral("type")).toString();
        const QJsonObject ns = o.value(QStringLiteral("ns")).toObject();
        for (auto it = ns.begin(); it != ns.end(); ++it)
            req.ns.insert(it.key(), it.value().toString());
        printLine(run(*doc, req));
        std::fflush(stdout);
    }
    return 0;
}

} // namespace survey::cli
