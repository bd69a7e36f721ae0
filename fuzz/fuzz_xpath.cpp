// SPDX-License-Identifier: GPL-3.0-or-later
// Any text as an XPath expression, compiled and evaluated against a small document.
#include "xpath.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace survey::form;
    using namespace survey::form::xpath;
    static std::unique_ptr<XmlDocument> doc = [] {
        XmlError e;
        return XmlDocument::parse(
            "<data id=\"f\"><a>1</a><b x=\"2\">text<!--c--><?pi v?></b>"
            "<r><n>3</n></r><r><n>2020-01-01</n></r><s>a b c</s></data>",
            &e);
    }();
    const QString src = QString::fromUtf8(reinterpret_cast<const char *>(data),
                                          static_cast<qsizetype>(size));
    Expression::CompileError error;
    const auto expr = Expression::compile(
        src, [](const QString &p) -> std::optional<QString> {
            if (p == QLatin1String("p"))
                return QStringLiteral("urn:p");
            return std::nullopt;
        },
        &error);
    if (!expr)
        return 0;
    Context ctx;
    ctx.node = doc->documentElement()->firstChildElement();
    try {
        const Value v = expr->evaluate(ctx);
        (void)v.toString();
        (void)v.toNumber();
    } catch (const EvalError &) {
    }
    return 0;
}
