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
} // namespace survey::app
