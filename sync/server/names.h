// SPDX-License-Identifier: GPL-3.0-or-later
// Names that come from outside (instanceIDs, attachment and media file names) are checked
// here, once, at intake; files and archive entries are never named after them unchecked.
#pragma once

#include <QString>

#include <cstddef>

namespace survey::server {

/// Longest instanceID taken (`uuid:` and a UUID is 41 characters).
inline constexpr int kMaxInstanceIdLength = 200;
/// Longest file name taken, in UTF-8 bytes (what common file systems allow).
inline constexpr int kMaxFileNameBytes = 255;
/// Most files one submission request may carry besides its XML.
inline constexpr std::size_t kMaxAttachmentParts = 1000;

/// An instanceID (or deprecatedID): printable characters, no '/', '\\' or control
/// characters, not empty, at most kMaxInstanceIdLength characters, nothing around it.
bool validInstanceId(const QString &id);

/// One plain file name: a single path component, not '.', '..' or hidden, no '/', '\\',
/// NUL or other control characters, at most kMaxFileNameBytes bytes of UTF-8.
bool validFileName(const QString &name);

/// `text` as a safe archive or file name component: characters other than letters, digits,
/// '.', '-' and '_' become '_', a leading '.' too, and it is cut to 100 characters; empty
/// when nothing is left. For names already stored before intake checked them.
QString safeComponent(const QString &text);

/// `text` fit to quote in a message: control and format characters as \\uXXXX, at most
/// 100 characters.
QString printable(const QString &text);

} // namespace survey::server
