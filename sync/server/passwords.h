// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace survey::server {

/// Argon2id (libsodium crypto_pwhash_str, interactive limits): a self-describing string.
QString hashPassword(const QString &password);
bool verifyPassword(const QString &password, const QString &hash);

} // namespace survey::server
