// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "account.h"
#include "formcontroller.h"
#include "preferences.h"
#include "recordsmodel.h"
#include "review.h"
#include "sync.h"
#include "worker.h"

#include <QHash>
#include <QObject>
#include <QQmlEngine>
#include <QUrl>
#include <QVariantList>

#include <memory>

namespace survey::app {

class Dashboard;

/// What QML talks to: the device's forms and records, sending, settings and the language
/// (the account is Account's, sending Sync's, the settings Preferences', positioning
/// Positioning's).
/// Lives on the GUI thread; the store works on the Worker thread, and
/// everything here is updated from their answers (nothing here waits for them).
class Backend : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool ready READ ready NOTIFY readyChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QVariantList forms READ forms NOTIFY formsChanged)
    /// Every language the device's forms have (their itext names), for the settings.
    Q_PROPERTY(QStringList formLanguages READ formLanguages NOTIFY formsChanged)
    Q_PROPERTY(int readyCount READ readyCount NOTIFY countsChanged)
    Q_PROPERTY(QString version READ version CONSTANT)
    /// A camera to take photos and scan codes with (Qt Multimedia and a camera present).
    Q_PROPERTY(bool cameraAvailable READ cameraAvailable NOTIFY cameraAvailableChanged)
    /// Barcodes can be read from pictures and the camera (this build has a reader).
    Q_PROPERTY(bool barcodeSupported READ barcodeSupported CONSTANT)
    /// Drafts and returned records not finalized yet (Sign out warns about them).
    Q_PROPERTY(int draftCount READ draftCount NOTIFY countsChanged)
    /// Where "Add form" looks first: the folder of the last form file added, else Documents.
    Q_PROPERTY(QUrl formFolder READ formFolder WRITE setFormFolder NOTIFY formFolderChanged)

public:
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
    QVariantList forms() const { return m_forms; }
    QStringList formLanguages() const;
    int readyCount() const { return m_readyCount; }
    int draftCount() const { return m_draftCount; }
    QString version() const;
    /// Looked for on first use (a photo or barcode question): Qt Multimedia's start-up is
    /// not paid by people who never take a photo.
    bool cameraAvailable();
    bool barcodeSupported() const;
    /// Where the camera writes a new photo (in the data folder, not shared storage; the
    /// file is removed once the record keeps its copy).
    Q_INVOKABLE QString newCaptureFile() const;
    Worker &worker() { return m_worker; }
    /// Who the device sends as (QML's Account singleton).
    Account *account() const { return m_account; }
    /// Sending and receiving (QML's Sync singleton).
    Sync *sending() const { return m_sync; }
    /// The person's settings (QML's Preferences singleton).
    Preferences *preferences() const { return m_preferences; }
    /// The supervisor's workspace (QML's Review singleton).
    Review *review() const { return m_review; }
    Dashboard *dashboard() const { return m_dashboard; }
    /// Keeps a setting in the store (on the worker thread; a failure is told).
    void saveSetting(const QString &key, const QString &value);

    /// Adds a form from a file on this device (desktop; forms without a server): an XForm
    /// (.xml), or an XLSForm (.xlsx) converted here first. What happened is told as a notice.
    Q_INVOKABLE void addFormFile(const QString &pathOrUrl);
    QUrl formFolder() const { return m_formFolder; }
    void setFormFolder(const QUrl &folder);
    Q_INVOKABLE void refresh();
    /// A new filling of a form (its current version).
    Q_INVOKABLE survey::app::FormController *newRecord(const QString &formId);
    /// Reopens a draft, or a returned record (as its correction); recordOpened() follows.
    Q_INVOKABLE void openRecord(const QString &instanceId);

Q_SIGNALS:
    void readyChanged();
    void errorChanged();
    void formsChanged();
    void countsChanged();
    /// A message for the person (a toast), in the current language.
    void notice(const QString &text);
    /// A record was finalized (auto-send may go).
    void recordQueued();
    void recordOpened(survey::app::FormController *controller);
    void cameraAvailableChanged();
    void formFolderChanged();

private:
    void setError(const QString &text);
    void loadLists();

    Worker m_worker;
    QUrl m_formFolder;
    Account *m_account;
    Sync *m_sync;
    Preferences *m_preferences;
    Review *m_review;
    Dashboard *m_dashboard;
    bool m_ready = false;
    QString m_error;
    QVariantList m_forms;
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
    QString m_dataDir;
    bool m_cameraAvailable = false;
    bool m_watchingCameras = false;
    void watchCameras();
    static Backend *s_instance;
};

} // namespace survey::app
