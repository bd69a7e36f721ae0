// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QTranslator>

namespace survey::app {

class Backend;

/// The person's settings (QML's Preferences singleton): the app's language (with Qt's own
/// words in it too), the language forms open in, automatic sending and the text size.
/// Kept in the device's store; read back when the app starts.
class Preferences : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// "zh_CN" or "en": the app and, where the form has it, the form language.
    Q_PROPERTY(QString language READ language NOTIFY languageChanged)
    /// The locale of the app's language, for dates and numbers in QML: Qt.locale(localeName).
    Q_PROPERTY(QString localeName READ localeName NOTIFY languageChanged)
    Q_PROPERTY(QString autoSend READ autoSend NOTIFY autoSendChanged)
    Q_PROPERTY(qreal textScale READ textScale WRITE setTextScale NOTIFY textScaleChanged)
    /// The language forms open in, when a form has it; "" follows the app's language.
    Q_PROPERTY(QString formLanguage READ formLanguage NOTIFY formLanguageChanged)

public:
    /// The store's settings that keep the preferences.
    static inline const QString kLanguageKey = QStringLiteral("language");
    static inline const QString kAutoSendKey = QStringLiteral("autoSend");
    static inline const QString kTextScaleKey = QStringLiteral("textScale");
    static inline const QString kFormLanguageKey = QStringLiteral("formLanguage");

    explicit Preferences(Backend *backend);
    ~Preferences() override;
    /// The backend's (QML's singleton).
    static Preferences *create(QQmlEngine *, QJSEngine *);

    QString language() const { return m_language; }
    QString localeName() const;
    QString autoSend() const { return m_autoSend; }
    qreal textScale() const { return m_textScale; }
    QString formLanguage() const { return m_formLanguage; }

    /// The engine whose texts follow the language; the translations go in at once.
    void setEngine(QQmlEngine *engine);
    /// The values the store kept (at start).
    void restore(const QString &language, const QString &autoSend, qreal textScale,
                 const QString &formLanguage);
    Q_INVOKABLE void setLanguage(const QString &code);
    Q_INVOKABLE void setAutoSend(const QString &mode);
    void setTextScale(qreal scale);
    Q_INVOKABLE void setFormLanguage(const QString &language);

Q_SIGNALS:
    void languageChanged();
    void autoSendChanged();
    void textScaleChanged();
    void formLanguageChanged();

private:
    void applyTranslator();

    Backend *m_backend;
    QQmlEngine *m_engine = nullptr;
    QTranslator m_translator;
    QTranslator m_qtTranslator; ///< Qt's own words (qt_zh_CN.qm)
    QString m_language = QStringLiteral("zh_CN");
    QString m_autoSend = QStringLiteral("off");
    QString m_formLanguage;
    qreal m_textScale = 1.0;
};

} // namespace survey::app
