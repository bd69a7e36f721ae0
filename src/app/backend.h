// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "formcontroller.h"
#include "recordsmodel.h"
#include "worker.h"

#include <QHash>
#include <QObject>
#include <QQmlEngine>
#include <QTranslator>
#include <QVariantList>

#include <memory>

namespace survey::sync {
class SyncClient;
class AutoSender;
class SystemNetworkState;
} // namespace survey::sync

namespace survey::app {

/// What QML talks to: the device's forms and records, sending, settings and the language.
/// Lives on the GUI thread; the store and the sync client work on the Worker thread, and
/// everything here is updated from their answers (nothing here waits for them).
class Backend : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool ready READ ready NOTIFY readyChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(bool configured READ configured NOTIFY accountChanged)
    Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY accountChanged)
    Q_PROPERTY(QString userName READ userName NOTIFY accountChanged)
    Q_PROPERTY(QString language READ language NOTIFY languageChanged)
    /// The locale of the app's language, for dates and numbers in QML: Qt.locale(localeName).
    Q_PROPERTY(QString localeName READ localeName NOTIFY languageChanged)
    Q_PROPERTY(QString autoSend READ autoSend NOTIFY autoSendChanged)
    Q_PROPERTY(qreal textScale READ textScale WRITE setTextScale NOTIFY textScaleChanged)
    Q_PROPERTY(QVariantList forms READ forms NOTIFY formsChanged)
    /// Every language the device's forms have (their itext names), for the settings.
    Q_PROPERTY(QStringList formLanguages READ formLanguages NOTIFY formsChanged)
    /// The language forms open in, when a form has it; "" follows the app's language.
    Q_PROPERTY(QString formLanguage READ formLanguage NOTIFY formLanguageChanged)
    Q_PROPERTY(int readyCount READ readyCount NOTIFY countsChanged)
    Q_PROPERTY(bool syncing READ syncing NOTIFY syncingChanged)
    Q_PROPERTY(qreal syncProgress READ syncProgress NOTIFY syncProgressChanged)
    Q_PROPERTY(QString syncStatus READ syncStatus NOTIFY syncStatusChanged)
    Q_PROPERTY(QString version READ version CONSTANT)
    Q_PROPERTY(QVariantList syncLogEntries READ syncLogEntries NOTIFY syncLogChanged)
    /// A camera to take photos and scan codes with (Qt Multimedia and a camera present).
    Q_PROPERTY(bool cameraAvailable READ cameraAvailable NOTIFY cameraAvailableChanged)
    /// Barcodes can be read from pictures and the camera (this build has a reader).
    Q_PROPERTY(bool barcodeSupported READ barcodeSupported CONSTANT)
    /// Drafts and returned records not finalized yet (Sign out warns about them).
    Q_PROPERTY(int draftCount READ draftCount NOTIFY countsChanged)
    /// Why the app has no password to send with (None: it has one, or needs none).
    Q_PROPERTY(PasswordNeed passwordNeed READ passwordNeed NOTIFY passwordNeedChanged)

public:
    /// Why sending needs the person to type the password again.
    enum class PasswordNeed {
        None,            ///< the app has the password (or no server is set up)
        NoKeystore,      ///< the device has no password keystore to keep it between runs
        KeystoreRefused, ///< the keystore is locked or refused to give it
        NotSaved,        ///< the keystore has no password for this account (removed)
        ServerRefused,   ///< the server did not accept the password the app had
    };
    Q_ENUM(PasswordNeed)

    /// Made once, in main() (or a test); QML gets it through create().
    explicit Backend(QObject *parent);
    ~Backend() override;
    static Backend *create(QQmlEngine *engine, QJSEngine *);
    /// The one instance (made by main() before QML starts, handed to QML by create()).
    static Backend *instance();
    /// Opens the store in `dataDir` and loads settings, forms and records.
    void start(const QString &dataDir, QQmlEngine *engine);

    bool ready() const { return m_ready; }
    QString error() const { return m_error; }
    bool configured() const { return m_configured; }
    QString serverUrl() const { return m_serverUrl; }
    QString userName() const { return m_userName; }
    QString language() const { return m_language; }
    QString localeName() const;
    QString autoSend() const { return m_autoSend; }
    qreal textScale() const { return m_textScale; }
    void setTextScale(qreal scale);
    QVariantList forms() const { return m_forms; }
    QStringList formLanguages() const;
    QString formLanguage() const { return m_formLanguage; }
    Q_INVOKABLE void setFormLanguage(const QString &language);
    int readyCount() const { return m_readyCount; }
    int draftCount() const { return m_draftCount; }
    PasswordNeed passwordNeed() const { return m_passwordNeed; }
    /// The password typed when passwordRequested() asked for it: used for this run, kept in
    /// the keystore when the device has one, and a send that was waiting for it goes.
    Q_INVOKABLE void usePassword(const QString &password);
    bool syncing() const { return m_syncing; }
    qreal syncProgress() const { return m_syncProgress; }
    QString syncStatus() const { return m_syncStatus; }
    QString version() const;
    /// Looked for on first use (a photo or barcode question): Qt Multimedia's start-up is
    /// not paid by people who never take a photo.
    bool cameraAvailable();
    bool barcodeSupported() const;
    /// Where the camera writes a new photo (in the data folder, not shared storage; the
    /// file is removed once the record keeps its copy).
    Q_INVOKABLE QString newCaptureFile() const;
    Worker &worker() { return m_worker; }

    /// Signs in: the password goes to the system keystore; forms are pulled at once.
    Q_INVOKABLE void signIn(const QString &serverUrl, const QString &user, const QString &password);
    /// Works without a server: forms are added from files.
    Q_INVOKABLE void useWithoutServer();
    Q_INVOKABLE void signOut();
    /// "zh_CN" or "en": the app and, where the form has it, the form language.
    Q_INVOKABLE void setLanguage(const QString &code);
    Q_INVOKABLE void setAutoSend(const QString &mode);
    /// Adds a form from a file on this device (desktop; forms without a server).
    Q_INVOKABLE void addFormFile(const QString &pathOrUrl);
    /// Pull forms, send what is ready, pull returned records.
    Q_INVOKABLE void sync();
    Q_INVOKABLE void cancelSync();
    Q_INVOKABLE void refresh();
    /// A new filling of a form (its current version).
    Q_INVOKABLE survey::app::FormController *newRecord(const QString &formId);
    /// Reopens a draft, or a returned record (as its correction); recordOpened() follows.
    Q_INVOKABLE void openRecord(const QString &instanceId);
    /// Reloads the sync log (newest first) into syncLogEntries: [{at, instanceId, outcome,
    /// text, name, formTitle, correction}], in the current language; `name` is the
    /// record's as it is called now (a correction's entries and its original's alike).
    Q_INVOKABLE void loadSyncLog();
    QVariantList syncLogEntries() const { return m_syncLog; }

Q_SIGNALS:
    void readyChanged();
    void errorChanged();
    void accountChanged();
    void languageChanged();
    void autoSendChanged();
    void formLanguageChanged();
    void textScaleChanged();
    void formsChanged();
    void countsChanged();
    void syncingChanged();
    void syncProgressChanged();
    void syncStatusChanged();
    /// A message for the person (a toast), in the current language.
    void notice(const QString &text);
    /// A record was finalized (auto-send may go).
    void recordQueued();
    void recordOpened(survey::app::FormController *controller);
    void syncLogChanged();
    void cameraAvailableChanged();
    void passwordNeedChanged();
    /// The password must be typed (passwordNeed says why): the window asks for it.
    void passwordRequested();

private:
    void setError(const QString &text);
    void setStatus(const QString &text);
    void loadLists();
    void saveSetting(const QString &key, const QString &value);
    void applyTranslator();
    void ensureSyncClient(std::function<void()> then);
    /// The sync client and automatic sender go (sign out: nothing is sent any more).
    void dropSyncClient();
    void needPassword(PasswordNeed why);
    /// The password into the keystore (said plainly when the device cannot keep it).
    void keepPassword(const QString &password);

    Worker m_worker;
    QQmlEngine *m_engine = nullptr;
    QTranslator m_translator;
    QTranslator m_qtTranslator; ///< Qt's own words (qt_zh_CN.qm)
    bool m_ready = false;
    QString m_error;
    bool m_configured = false;
    QString m_serverUrl;
    QString m_userName;
    QString m_password; ///< for this session; kept in the keystore between sessions
    QString m_language = QStringLiteral("zh_CN");
    QString m_autoSend = QStringLiteral("off");
    QString m_formLanguage;
    qreal m_textScale = 1.0;
    QVariantList m_forms;
    QVariantList m_syncLog;
    struct CachedForm
    {
        qint64 row = 0;
        QByteArray xml;
        QString mediaDir;
        QString title;
        QStringList languages;
    };
    QHash<QString, CachedForm> m_formCache; ///< current version of each formID
    int m_readyCount = 0;
    int m_draftCount = 0;
    PasswordNeed m_passwordNeed = PasswordNeed::None;
    bool m_sendWhenPasswordGiven = false;
    bool m_keystoreUsable = true; ///< false once it answered that there is none
    bool m_syncing = false;
    qreal m_syncProgress = 0;
    QString m_syncStatus;
    // Worker-thread objects (created, used and deleted there).
    sync::SyncClient *m_client = nullptr;
    sync::AutoSender *m_autoSender = nullptr;
    sync::SystemNetworkState *m_network = nullptr;
    QString m_dataDir;
    bool m_cameraAvailable = false;
    bool m_watchingCameras = false;
    void watchCameras();
    static Backend *s_instance;
};

} // namespace survey::app
