// SPDX-License-Identifier: GPL-3.0-or-later
// A fast, strict reader of submission instances (UTF-8 XML) for the analysis, which reads
// thousands of them before the first frame: elements and their text only, in one pass,
// with no tree and no QString. It refuses a DTD (so no entity can expand), mismatched or
// unclosed tags, unknown entities, a second root, and text outside the root. Attributes,
// comments and processing instructions are skipped; CDATA is text.
#pragma once

#include <QByteArrayView>
#include <QString>

#include <string>
#include <string_view>

namespace survey::analysis {

class InstanceEvents
{
public:
    virtual ~InstanceEvents() = default;
    /// An element starts (its local name, without a prefix).
    virtual void start(std::string_view localName) = 0;
    /// It ends, with its own text (entities and CDATA decoded; child elements' text not
    /// included).
    virtual void end(std::string_view text) = 0;
};

/// Reads the document, calling `events` for each element; false with `error` (where and
/// what) when it is not well-formed in the ways above. Linear in the input's size; elements
/// nest at most `maxDepth` deep.
bool scanInstance(QByteArrayView xml, InstanceEvents &events, QString *error, int maxDepth = 256);

} // namespace survey::analysis
