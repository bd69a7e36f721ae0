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

QString formLanguageFor(const QStringList &languages, const QString &preferred,
                        const QString &appCode)
{
    if (!preferred.isEmpty() && languages.contains(preferred))
        return preferred;
    const QString base = appCode.left(2).toLower();
    for (const QString &l : languages) {
        const QString lower = l.toLower();
        if (lower.contains(QLatin1Char('(') + base) || lower == base ||
            (base == QLatin1String("zh") &&
             (l.contains(QStringLiteral("中文")) || lower.contains(QLatin1String("chinese")))) ||
            (base == QLatin1String("en") && lower.contains(QLatin1String("english"))))
            return l;
    }
    return QString();
}

} // namespace survey::app
