// SPDX-License-Identifier: GPL-3.0-or-later
// What each fuzz target does with one input; shared with tst_fuzzregressions, which replays
// every input the fuzzers ever crashed on.
#pragma once

#include "dataset.h"
#include "formsession.h"
#include "httphead.h"
#include "instancescan.h"
#include "xlsform.h"

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

/// Any bytes as an XLSForm: an .xlsx when they are a zip, else pyxform's markdown tables;
/// what converts must load in our engine.
inline void runXlsx(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const auto conversion = survey::xlsform::convertBytes(bytes, {});
    if (!conversion.ok)
        return;
    survey::form::FormError error;
    (void)survey::form::FormDefinition::load(conversion.xform, {}, &error);
}

/// Any bytes as a submission of a small form with one question of each kind the analysis
/// reads (and a repeat): scanned, then read into columns.
inline void runInstance(const std::uint8_t *data, std::size_t size)
{
    static const auto def = [] {
        survey::form::FormError error;
        return survey::form::FormDefinition::load(
            "<h:html xmlns=\"http://www.w3.org/2002/xforms\" "
            "xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:head><h:title>f</h:title><model>"
            "<instance><d id=\"f\"><s/><m/><n/><t/><g/><x/><r><k/></r></d></instance>"
            "<bind nodeset=\"/d/n\" type=\"decimal\"/><bind nodeset=\"/d/t\" type=\"date\"/>"
            "<bind nodeset=\"/d/g\" type=\"geopoint\"/><bind nodeset=\"/d/r/k\" type=\"int\"/>"
            "</model></h:head><h:body><select1 ref=\"/d/s\"><item><label>a</label><value>a"
            "</value></item></select1><select ref=\"/d/m\"><item><label>b</label><value>b"
            "</value></item></select><input ref=\"/d/n\"/><input ref=\"/d/t\"/>"
            "<input ref=\"/d/g\"/><input ref=\"/d/x\"/><repeat nodeset=\"/d/r\">"
            "<input ref=\"/d/r/k\"/></repeat></h:body></h:html>",
            {}, &error);
    }();
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const auto dataset =
        survey::analysis::Dataset::build(def, {{QStringLiteral("uuid:f"), {}, {}, {}, bytes}});
    (void)dataset.rowCount();
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

/// Bytes as they would reach the server's front: a request head, then (if it says so) a
/// chunked body. Besides not crashing: nothing is taken from beyond the input, and a chunked
/// body never decodes to more than it was.
inline bool runHttp(const std::uint8_t *data, std::size_t size)
{
    using namespace survey::server::http;
    const std::string_view in(reinterpret_cast<const char *>(data), size);
    HeadLimits limits;
    limits.maxHeadBytes = 4096; // small, so the fuzzer reaches the limits too
    limits.maxTargetBytes = 512;
    limits.maxHeaders = 20;
    Head head;
    const HeadResult r = parseHead(in, limits, &head);
    if (r.kind != HeadResult::Kind::Complete)
        return r.kind != HeadResult::Kind::Refused || (r.status >= 400 && !r.reason.empty());
    if (r.length > size || r.length > limits.maxHeadBytes)
        return false;
    (void)rebuildHead(head, 0);
    if (!head.chunked)
        return true;
    ChunkDecoder chunks;
    std::size_t decoded = 0;
    const std::string_view body = in.substr(r.length);
    // Fed in two pieces, as the network would.
    std::size_t used = chunks.feed(body.substr(0, body.size() / 2), [&](std::string_view d) {
        decoded += d.size();
        return true;
    });
    if (used == body.size() / 2)
        used += chunks.feed(body.substr(used), [&](std::string_view d) {
            decoded += d.size();
            return true;
        });
    return used <= body.size() && decoded <= body.size();
}

} // namespace survey::fuzz
