// SPDX-License-Identifier: GPL-3.0-or-later
// Any bytes as a form: load, and when it loads, start a session, walk and serialize it.
#include "formsession.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace survey::form;
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    FormError error;
    auto def = FormDefinition::load(bytes, {}, &error);
    if (!def)
        return 0;
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
    return 0;
}
