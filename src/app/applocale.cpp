// SPDX-License-Identifier: GPL-3.0-or-later
#include "applocale.h"

namespace survey::app {

QLocale appLocale(const QString &language)
{
    if (language.startsWith(QLatin1String("zh")))
        return QLocale(QLocale::Chinese, QLocale::SimplifiedChineseScript, QLocale::China);
    const QLocale system = QLocale::system();
    if (system.language() == QLocale::English)
        return system;
    return QLocale(QLocale::English, QLocale::UnitedKingdom);
}

QString appLocaleName(const QString &language)
{
    return appLocale(language).name();
}

} // namespace survey::app
