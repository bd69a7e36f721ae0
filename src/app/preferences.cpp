// SPDX-License-Identifier: GPL-3.0-or-later
#include "preferences.h"

#include "applocale.h"
#include "autosender.h"
#include "backend.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>

#include <algorithm>

namespace survey::app {

Preferences::Preferences(Backend *backend)
    : QObject(backend)
    , m_backend(backend)
{}

Preferences::~Preferences()
{
    QCoreApplication::removeTranslator(&m_translator);
    QCoreApplication::removeTranslator(&m_qtTranslator);
}

Preferences *Preferences::create(QQmlEngine *, QJSEngine *)
{
    Preferences *preferences = Backend::instance()->preferences();
    QJSEngine::setObjectOwnership(preferences, QJSEngine::CppOwnership);
    return preferences;
}

QString Preferences::localeName() const
{
    return appLocaleName(m_language);
}

void Preferences::setEngine(QQmlEngine *engine)
{
    m_engine = engine;
    applyTranslator();
}

void Preferences::restore(const QString &language, const QString &autoSend, qreal textScale,
                          const QString &formLanguage)
{
    m_autoSend = autoSend;
    m_textScale = textScale > 0 ? textScale : 1.0;
    m_formLanguage = formLanguage;
    Q_EMIT formLanguageChanged();
    Q_EMIT autoSendChanged();
    Q_EMIT textScaleChanged();
    if (language != m_language) {
        m_language = language;
        applyTranslator();
        Q_EMIT languageChanged();
    }
}

void Preferences::applyTranslator()
{
    QCoreApplication::removeTranslator(&m_translator);
    QCoreApplication::removeTranslator(&m_qtTranslator);
    if (m_translator.load(QStringLiteral(":/i18n/survey_%1.qm").arg(m_language)))
        QCoreApplication::installTranslator(&m_translator);
    // Qt's own words (a dialog's Yes and No, the file picker) in the same language, from
    // Qt's translations (Debian: qt6-translations-l10n); English where there are none.
    if (m_language != QLatin1String("en") &&
        m_qtTranslator.load(QLocale(m_language), QStringLiteral("qt"), QStringLiteral("_"),
                            QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&m_qtTranslator);
    if (m_engine)
        m_engine->retranslate();
}

void Preferences::setLanguage(const QString &code)
{
    if (code == m_language)
        return;
    m_language = code;
    applyTranslator();
    m_backend->saveSetting(kLanguageKey, code);
    Q_EMIT languageChanged();
}

void Preferences::setTextScale(qreal scale)
{
    scale = std::clamp(scale, 0.8, 1.6);
    if (qFuzzyCompare(scale, m_textScale))
        return;
    m_textScale = scale;
    m_backend->saveSetting(kTextScaleKey, QString::number(scale));
    Q_EMIT textScaleChanged();
}

void Preferences::setFormLanguage(const QString &language)
{
    if (language == m_formLanguage)
        return;
    m_formLanguage = language;
    m_backend->saveSetting(kFormLanguageKey, language);
    Q_EMIT formLanguageChanged();
}

void Preferences::setAutoSend(const QString &mode)
{
    m_autoSend = sync::AutoSender::modeName(sync::AutoSender::modeFromName(mode));
    Q_EMIT autoSendChanged();
    m_backend->sending()->setAutoSendMode(m_autoSend);
}

} // namespace survey::app
