// SPDX-License-Identifier: GPL-3.0-or-later
// CSV cells as spreadsheets read them safely: used by the server's exports and the
// analysis's figures.
#pragma once

#include <QString>

namespace survey::form {

/// Whether a spreadsheet would take `value` for a formula: it starts with '=', '+', '-', '@',
/// a tab or a carriage return and is not a number or a list of numbers (a negative decimal,
/// a geopoint "-1.29 36.82 1700 5", a geotrace), which stay as they are for analysis.
bool formulaLike(const QString &value);

/// One CSV cell: quoted when needed; a formula-like text gets a leading apostrophe, so a
/// spreadsheet shows it as text instead of running it (CSV injection).
QString csvField(const QString &text);

} // namespace survey::form
