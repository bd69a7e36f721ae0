// SPDX-License-Identifier: GPL-3.0-or-later
// What each fuzz target does with one input; shared with tst_fuzzregressions, which replays
// every input the fuzzers ever crashed on.
#pragma once

#include "formsession.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace survey::fuzz {

inline void runXform(const std::uint8_t *data, std::size_t size)
{
    using namespace survey::form;
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    FormError error;
    auto def = FormDefinition::load(bytes, {}, &error);
    if (!def)
        return;
    FormSession session(def);
    session.start();
    for (const auto &p : session.prompts()) {
        if (p.control >= 0 && p.node) {
            (void)session.label(p.control, p.node);
            (void)session.choices(p.control, p.node);
        }
    }
    (void)session.validate();
    FormSession back(def);
    (void)back.loadInstance(session.toXml(false), nullptr);
}

inline void runXpath(const std::uint8_t *data, std::size_t size)
{
    using namespace survey::form;
    using namespace survey::form::xpath;
    static std::unique_ptr<XmlDocument> doc = [] {
        XmlError e;
        return XmlDocument::parse("<data id=\"f\"><a>1</a><b x=\"2\">text<!--c--><?pi v?></b>"
                                  "<r><n>3</n></r><r><n>2020-01-01</n></r><s>a b c</s></data>",
                                  &e);
    }();
    const QString src =
        QString::fromUtf8(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    Expression::CompileError error;
    const auto expr = Expression::compile(
        src,
        [](const QString &p) -> std::optional<QString> {
            if (p == QLatin1String("p"))
                return QStringLiteral("urn:p");
            return std::nullopt;
        },
        &error);
    if (!expr)
        return;
    Context ctx;
    ctx.node = doc->documentElement()->firstChildElement();
    try {
        const Value v = expr->evaluate(ctx);
        (void)v.toString();
        (void)v.toNumber();
    } catch (const EvalError &) {
    }
}

} // namespace survey::fuzz
