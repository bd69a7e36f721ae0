// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers the store's source files share (store.cpp, reviewstore.cpp); not for other rooms.
#pragma once

#include "store.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QVariant>

#include <functional>

namespace survey::store::util {

/// Now, in UTC, as the store writes times (ISO 8601 with milliseconds).
QString now();
/// A string for a NOT NULL text column (a null QString would bind as NULL).
QVariant text(const QString &s);
StoreError makeError(StoreError::Kind kind, const QString &message);
/// Sets `error` (when given) and returns false.
bool fail(StoreError *error, StoreError::Kind kind, const QString &message);
/// One statement with bound values, reported through `report` on failure.
bool run(QSqlDatabase &db, const char *sql, const QVariantList &values, StoreError *e,
         const std::function<StoreError(const QSqlError &)> &report);
/// Question flags as the store keeps them (a JSON list), and back.
QByteArray flagsJson(const std::vector<ReviewFlag> &flags);
std::vector<ReviewFlag> flagsFrom(const QByteArray &json);
/// Writes `content` to `path` atomically (temporary file, fsync, rename).
bool saveFile(const QString &path, const QByteArray &content, QString *why);
/// A failed file write as the person should read it (disk full, read-only, other).
StoreError fileError(const QString &path, qint64 size, const QString &why);

} // namespace survey::store::util
