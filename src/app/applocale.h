// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

namespace survey::app {

/// The locale of the app's language ("zh_CN" or "en"), for numbers, dates and month names
/// the app writes itself. English follows the system's region when it is an English one
/// (en_US, en_AU…), else British forms. The process-wide default is left alone: Qt picks
/// its own translations by it.
QLocale appLocale(const QString &language);
/// The name of appLocale(language), for QML's Qt.locale().
QString appLocaleName(const QString &language);
/// The language to show a form in: `preferred` (the settings' form language) when the form
/// has it, else the one matching the app's (`appCode`, "zh_CN" or "en") by the names forms
/// use ("Chinese (zh)", "中文", "English (en)"…); "" when none matches.
QString formLanguageFor(const QStringList &languages, const QString &preferred,
                        const QString &appCode);

} // namespace survey::app
