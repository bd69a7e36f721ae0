// SPDX-License-Identifier: GPL-3.0-or-later
// Column headers as XLSForm writers spell them ("list name", "Label::English (en)",
// "jr:constraintMsg", "media::image::zh") reduced to one key and a language.
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace survey::xlsform {

enum class SheetKind { Survey, Choices, Settings, ExternalChoices, Entities, Osm };

struct Column
{
    QString raw;      // as written
    QString key;      // "type", "label", "bind::relevant", "control::appearance", "media::image"…
    QString language; // for translatable keys; empty without one
    bool translated = false;
};

/// Normalises one sheet's header. Empty header cells give an empty key. A header that is a
/// second name for a column already seen sets `clash` to both headers.
QList<Column> normaliseHeader(SheetKind sheet, const QStringList &header,
                              std::pair<QString, QString> *clash);

/// True for the keys whose values are text for people, one per language.
bool isTranslatable(const QString &key);

} // namespace survey::xlsform
