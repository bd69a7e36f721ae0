// SPDX-License-Identifier: GPL-3.0-or-later
#include "backend.h"

#include "applocale.h"
#include "autosender.h"
#include "barcode.h"
#include "formcontroller.h"
#include "formdefinition.h"
#include "formsession.h"
#include "retrypolicy.h"
#include "store.h"
#include "syncclient.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QLoggingCategory>
#include <QPointer>
#include <QUrl>
#include <QXmlStreamReader>
#if SURVEY_HAVE_MULTIMEDIA
#include <QCameraDevice>
#include <QMediaDevices>
#endif

#include <cmath>

Q_LOGGING_CATEGORY(lcApp, "survey.app", QtInfoMsg)

namespace survey::app {

Backend *Backend::s_instance = nullptr;

namespace {

/// Settings keys in the store.
const QString kLanguage = QStringLiteral("language");
const QString kTextScale = QStringLiteral("textScale");
const QString kFormLanguage = QStringLiteral("formLanguage");

/// The itext languages a form declares, read without building the whole form.
QStringList itextLanguages(const QByteArray &xml)
{
    QStringList out;
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (reader.name() == QLatin1String("translation")) {
            const QString lang = reader.attributes().value(QLatin1String("lang")).toString();
            if (!lang.isEmpty() && !out.contains(lang))
                out << lang;
        } else if (reader.name() == QLatin1String("body")) {
            break; // itext lives in the head
        }
    }
    return out;
}

} // namespace

Backend::Backend(QObject *parent)
    : QObject(parent)
    , m_account(new Account(this))
{
    s_instance = this;
    // A password to send with (signed in, restored, typed): the sync client is made with
    // it; a sign-in or a send that waited for it sends at once.
    connect(m_account, &Account::ready, this, [this](bool sendNow) {
        ensureSyncClient([this, sendNow] {
            if (sendNow)
                sync();
        });
    });
    connect(m_account, &Account::signedOut, this, &Backend::dropSyncClient);
}

Backend::~Backend()
{
    // The sync objects belong to the worker thread: deleted there, before it stops.
    auto *client = m_client;
    auto *sender = m_autoSender;
    auto *network = m_network;
    m_worker.post([client, sender, network](store::Store *) {
        delete sender;
        delete client;
        delete network;
    });
    m_worker.drain();
    if (s_instance == this)
        s_instance = nullptr;
}

Backend *Backend::instance()
{
    return s_instance;
}

Backend *Backend::create(QQmlEngine *, QJSEngine *)
{
    // main() made it; QML must not delete it.
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

QString Backend::version() const
{
    return QCoreApplication::applicationVersion();
}

void Backend::start(const QString &dataDir, QQmlEngine *engine)
{
    m_engine = engine;
    m_dataDir = dataDir;
    applyTranslator();
    // Photos taken but never kept (the app stopped while the camera was open).
    QDir(dataDir + QStringLiteral("/captures")).removeRecursively();
    QPointer<Backend> self(this);
    m_worker.open(dataDir, [self, this](bool ok, QString error) {
        onThreadOf(this, [self, this, ok, error] {
            if (!self)
                return;
            if (!ok) {
                setError(error);
                return;
            }
            // Settings first (language, account), then the lists.
            m_worker.post([self, this](store::Store *s) {
                const QString server = s->setting(Account::kServerKey);
                const QString user = s->setting(Account::kUserKey);
                const bool configured = s->setting(Account::kConfiguredKey) == QLatin1String("yes");
                const QString language = s->setting(kLanguage, QStringLiteral("zh_CN"));
                const QString autoSend =
                    s->setting(QStringLiteral("autoSend"), QStringLiteral("off"));
                const qreal scale = s->setting(kTextScale, QStringLiteral("1")).toDouble();
                const QString formLanguage = s->setting(kFormLanguage);
                onThreadOf(this, [=, this] {
                    if (!self)
                        return;
                    m_autoSend = autoSend;
                    m_textScale = scale > 0 ? scale : 1.0;
                    m_formLanguage = formLanguage;
                    Q_EMIT formLanguageChanged();
                    Q_EMIT autoSendChanged();
                    Q_EMIT textScaleChanged();
                    if (language != m_language) {
                        m_language = language;
                        applyTranslator();
                        Q_EMIT languageChanged();
                    }
                    m_ready = true;
                    Q_EMIT readyChanged();
                    loadLists();
                    // The password from the keystore, for sending later (asked for
                    // when it cannot be had).
                    m_account->restore(server, user, configured);
                });
            });
        });
    });
}

void Backend::setError(const QString &text)
{
    m_error = text;
    Q_EMIT errorChanged();
}

void Backend::setStatus(const QString &text)
{
    m_syncStatus = text;
    Q_EMIT syncStatusChanged();
}

void Backend::saveSetting(const QString &key, const QString &value)
{
    QPointer<Backend> self(this);
    m_worker.post([self, this, key, value](store::Store *s) {
        store::StoreError e;
        if (s && !s->setSetting(key, value, &e))
            onThreadOf(this, [self, this, e] {
                if (self)
                    Q_EMIT notice(e.message);
            });
    });
}

void Backend::applyTranslator()
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

void Backend::setLanguage(const QString &code)
{
    if (code == m_language)
        return;
    m_language = code;
    applyTranslator();
    saveSetting(kLanguage, code);
    Q_EMIT languageChanged();
    loadLists(); // titles in the new language
}

void Backend::setTextScale(qreal scale)
{
    scale = std::clamp(scale, 0.8, 1.6);
    if (qFuzzyCompare(scale, m_textScale))
        return;
    m_textScale = scale;
    saveSetting(kTextScale, QString::number(scale));
    Q_EMIT textScaleChanged();
}

QStringList Backend::formLanguages() const
{
    QStringList out;
    for (const CachedForm &f : m_formCache) {
        for (const QString &l : f.languages) {
            if (!out.contains(l))
                out << l;
        }
    }
    out.sort();
    return out;
}

void Backend::setFormLanguage(const QString &language)
{
    if (language == m_formLanguage)
        return;
    m_formLanguage = language;
    saveSetting(kFormLanguage, language);
    Q_EMIT formLanguageChanged();
}

void Backend::setAutoSend(const QString &mode)
{
    m_autoSend = sync::AutoSender::modeName(sync::AutoSender::modeFromName(mode));
    Q_EMIT autoSendChanged();
    const QString name = m_autoSend;
    auto *sender = m_autoSender;
    m_worker.post([sender, name](store::Store *s) {
        if (sender)
            sender->setMode(sync::AutoSender::modeFromName(name));
        else if (s)
            s->setSetting(QStringLiteral("autoSend"), name, nullptr);
    });
}

void Backend::loadLists()
{
    QPointer<Backend> self(this);
    // A form version's bytes never change: only versions not cached yet are read.
    const QHash<QString, CachedForm> known = m_formCache;
    m_worker.post([self, this, known](store::Store *s) {
        if (!s)
            return;
        store::StoreError e;
        QVariantList forms;
        QHash<QString, CachedForm> cache;
        QHash<qint64, QString> titles;
        for (const auto &f : s->forms(false, &e)) {
            titles.insert(f.row, f.title);
            if (!f.current)
                continue;
            forms.append(QVariantMap{{QStringLiteral("formId"), f.formId},
                                     {QStringLiteral("title"), f.title},
                                     {QStringLiteral("version"), f.version}});
            const auto cached = known.constFind(f.formId);
            if (cached != known.cend() && cached->row == f.row)
                cache.insert(f.formId, *cached);
            else {
                QByteArray xml = s->formXml(f.row, nullptr).value_or(QByteArray());
                QStringList languages = itextLanguages(xml);
                cache.insert(f.formId, {f.row, std::move(xml), s->formMediaDir(f.row), f.title,
                                        std::move(languages)});
            }
        }
        QHash<QString, QString> errors;
        for (const auto &o : s->outbox(false, nullptr))
            errors.insert(o.instanceId, o.lastError);
        std::vector<RecordRow> rows;
        for (const auto &r : s->records(std::nullopt, &e)) {
            rows.push_back({r.instanceId, r.formId, titles.value(r.formRow, r.formId),
                            store::stateName(r.state), r.instanceName, r.updatedAt, r.reviewState,
                            r.comments.empty() ? QString() : r.comments.back().body,
                            errors.value(r.instanceId)});
        }
        onThreadOf(this, [self, this, forms, cache, rows = std::move(rows)]() mutable {
            if (!self)
                return;
            m_forms = forms;
            m_formCache = cache;
            const auto countOf = [&rows](auto pick) {
                return static_cast<int>(std::count_if(rows.begin(), rows.end(), pick));
            };
            m_readyCount =
                countOf([](const RecordRow &r) { return r.state == QLatin1String("finalized"); });
            m_draftCount = countOf([](const RecordRow &r) {
                return r.state == QLatin1String("draft") || r.state == QLatin1String("returned");
            });
            RecordsModel::setAll(std::move(rows));
            Q_EMIT formsChanged();
            Q_EMIT countsChanged();
        });
    });
}

void Backend::refresh()
{
    loadLists();
}

void Backend::dropSyncClient()
{
    auto *oldClient = std::exchange(m_client, nullptr);
    auto *oldSender = std::exchange(m_autoSender, nullptr);
    m_worker.post([oldClient, oldSender](store::Store *) {
        delete oldSender;
        delete oldClient;
    });
}

void Backend::addFormFile(const QString &pathOrUrl)
{
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    QPointer<Backend> self(this);
    m_worker.post([self, this, path](store::Store *s) {
        QString message;
        QFile f(path);
        if (!s) {
            message = tr("The data folder is not open.");
        } else if (!f.open(QIODevice::ReadOnly)) {
            message = tr("Cannot read %1: %2").arg(path, f.errorString());
        } else {
            // Media beside the form, in FORM-media/, as the form engine looks for them.
            const QFileInfo fi(path);
            const QDir mediaDir(
                fi.dir().filePath(fi.completeBaseName() + QStringLiteral("-media")));
            std::vector<std::pair<QString, QByteArray>> media;
            for (const QString &name : mediaDir.entryList(QDir::Files, QDir::Name)) {
                QFile m(mediaDir.filePath(name));
                if (m.open(QIODevice::ReadOnly))
                    media.emplace_back(name, m.readAll());
            }
            store::StoreError e;
            const auto added = s->addForm(f.readAll(), media, QString(), &e);
            message = added ? tr("Form added: %1").arg(added->title) : e.message;
        }
        onThreadOf(this, [self, this, message] {
            if (!self)
                return;
            Q_EMIT notice(message);
            loadLists();
        });
    });
}

void Backend::ensureSyncClient(std::function<void()> then)
{
    if (m_account->serverUrl().isEmpty()) {
        then();
        return;
    }
    const sync::ServerAccount account{QUrl(m_account->serverUrl()), m_account->userName(),
                                      m_account->password()};
    auto *oldClient = std::exchange(m_client, nullptr);
    auto *oldSender = std::exchange(m_autoSender, nullptr);
    QPointer<Backend> self(this);
    QObject *context = m_worker.context();
    m_worker.post([self, this, account, oldClient, oldSender, context,
                   then = std::move(then)](store::Store *s) {
        delete oldSender;
        delete oldClient;
        if (!s)
            return;
        auto *client = new sync::SyncClient(*s, account, context);
        if (!m_network)
            m_network = new sync::SystemNetworkState(context);
        auto *sender = new sync::AutoSender(*client, *s, *m_network, context);
        // Signals cross to the GUI thread queued.
        connect(client, &sync::SyncClient::progress, this,
                [self, this](int done, int total, qint64 bytes, qint64 bytesTotal) {
                    if (!self)
                        return;
                    m_syncProgress = bytesTotal > 0 ? qreal(bytes) / qreal(bytesTotal)
                                                    : (total > 0 ? qreal(done) / total : 0);
                    Q_EMIT syncProgressChanged();
                    setStatus(tr("Sending %1 of %2…").arg(std::min(done + 1, total)).arg(total));
                });
        connect(client, &sync::SyncClient::finished, this,
                [self, this](const sync::SyncSummary &summary) {
                    if (!self)
                        return;
                    m_syncing = false;
                    Q_EMIT syncingChanged();
                    //: Between the parts of the sending summary ("1 sent, 2 not sent")
                    const QString comma = tr(", ");
                    QString text = tr("%n sent", nullptr, summary.sent);
                    if (summary.failed > 0)
                        text += comma + tr("%n not sent", nullptr, summary.failed);
                    if (summary.returned > 0)
                        text += comma + tr("%n returned for correction", nullptr, summary.returned);
                    if (summary.signInFailed)
                        text = tr("The server refused the user name or password.");
                    setStatus(text);
                    loadLists();
                    if (summary.signInFailed)
                        m_account->refusedByServer();
                });
        connect(sender, &sync::AutoSender::started, this, [self, this] {
            if (!self)
                return;
            m_syncing = true;
            Q_EMIT syncingChanged();
        });
        connect(this, &Backend::recordQueued, sender, &sync::AutoSender::recordQueued);
        onThreadOf(this, [self, this, client, sender, then] {
            if (!self)
                return;
            m_client = client;
            m_autoSender = sender;
            then();
        });
    });
}

void Backend::sync()
{
    if (m_account->serverUrl().isEmpty()) {
        Q_EMIT notice(tr("No server is set up: sign in to a server in Settings to send."));
        return;
    }
    if (m_account->password().isEmpty()) {
        // Nothing to sign in with (the keystore could not give it): ask, then send.
        m_account->askBeforeSending();
        return;
    }
    if (!m_client) {
        ensureSyncClient([this] { sync(); });
        return;
    }
    m_syncing = true;
    m_syncProgress = 0;
    Q_EMIT syncingChanged();
    Q_EMIT syncProgressChanged();
    setStatus(tr("Connecting…"));
    auto *client = m_client;
    m_worker.post([client](store::Store *) { client->syncAll(); });
}

void Backend::cancelSync()
{
    auto *client = m_client;
    m_worker.post([client](store::Store *) {
        if (client)
            client->cancel();
    });
}

FormController *Backend::newRecord(const QString &formId)
{
    const auto cached = m_formCache.constFind(formId);
    if (cached == m_formCache.cend()) {
        Q_EMIT notice(tr("The form %1 is not on this device.").arg(formId));
        return nullptr;
    }
    form::FormDefinition::LoadOptions options;
    options.mediaDir = cached->mediaDir;
    form::FormError fe;
    const auto def = form::FormDefinition::load(cached->xml, options, &fe);
    if (!def) {
        Q_EMIT notice(tr("The form cannot be used (line %1): %2").arg(fe.line).arg(fe.message));
        return nullptr;
    }
    form::FormSession::Properties props;
    props.username = m_account->userName();
    props.deviceId = QStringLiteral("survey-collector:") + QSysInfo::machineUniqueId();
    auto session = std::make_unique<form::FormSession>(def, props);
    session->start();
    auto *controller =
        new FormController(this, def, std::move(session), cached->row, true, QString(), this);
    controller->setMediaDir(cached->mediaDir);
    QJSEngine::setObjectOwnership(controller, QJSEngine::JavaScriptOwnership);
    return controller;
}

void Backend::openRecord(const QString &instanceId)
{
    QPointer<Backend> self(this);
    m_worker.post([self, this, instanceId](store::Store *s) {
        if (!s)
            return;
        store::StoreError e;
        auto record = s->record(instanceId, &e);
        QString id = instanceId;
        QString comment;
        if (record && record->state == store::RecordState::Returned) {
            // Opened for correction: an edit with a new instanceID.
            comment = record->comments.empty() ? QString() : record->comments.back().body;
            const auto next = s->correct(instanceId, &e);
            if (next) {
                id = *next;
                record = s->record(id, &e);
            } else {
                record.reset();
            }
        } else if (record && record->state == store::RecordState::Finalized) {
            if (!s->reopen(instanceId, &e))
                record.reset();
        }
        if (record && !record->comments.empty())
            comment = record->comments.back().body;
        const auto xml = record ? s->recordXml(id, &e) : std::nullopt;
        const auto formXml = record ? s->formXml(record->formRow, &e) : std::nullopt;
        const QString mediaDir = record ? s->formMediaDir(record->formRow) : QString();
        const qint64 formRow = record ? record->formRow : 0;
        const QString place = s->setting(FormController::placeKey(id));
        const QString why = e.message;
        const bool ok = record && xml && formXml;
        const bool sent = record && record->state == store::RecordState::Sent;
        onThreadOf(this, [=, this] {
            if (!self)
                return;
            if (!ok) {
                Q_EMIT notice(why.isEmpty() ? tr("This record cannot be opened.") : why);
                return;
            }
            form::FormDefinition::LoadOptions options;
            options.mediaDir = mediaDir;
            form::FormError fe;
            const auto def = form::FormDefinition::load(*formXml, options, &fe);
            QString error;
            std::unique_ptr<form::FormSession> session;
            if (def) {
                session = std::make_unique<form::FormSession>(def);
                if (!session->loadInstance(*xml, &error))
                    session.reset();
            } else {
                error = fe.message;
            }
            if (!session) {
                Q_EMIT notice(tr("This record cannot be opened: %1").arg(error));
                return;
            }
            auto *controller =
                new FormController(this, def, std::move(session), formRow, false, comment, this);
            controller->setMediaDir(mediaDir);
            if (sent)
                controller->setReadOnly(); // what was sent is read, never changed here
            else
                controller->resumeAt(place); // where the person left it
            QJSEngine::setObjectOwnership(controller, QJSEngine::JavaScriptOwnership);
            loadLists();
            Q_EMIT recordOpened(controller);
        });
    });
}

bool Backend::barcodeSupported() const
{
    return barcodeReadingSupported();
}

bool Backend::cameraAvailable()
{
    if (!m_watchingCameras)
        watchCameras();
    return m_cameraAvailable;
}

void Backend::watchCameras()
{
    m_watchingCameras = true;
#if SURVEY_HAVE_MULTIMEDIA
    // Cameras come and go (a USB camera on a desktop).
    auto *devices = new QMediaDevices(this);
    const auto update = [this] {
        const bool available = !QMediaDevices::videoInputs().isEmpty();
        if (available == m_cameraAvailable)
            return;
        m_cameraAvailable = available;
        Q_EMIT cameraAvailableChanged();
    };
    connect(devices, &QMediaDevices::videoInputsChanged, this, update);
    update();
#endif
}

QString Backend::newCaptureFile() const
{
    const QString dir = m_dataDir + QStringLiteral("/captures");
    QDir().mkpath(dir);
    return dir + QStringLiteral("/photo-%1.jpg").arg(QDateTime::currentMSecsSinceEpoch());
}

QString Backend::localeName() const
{
    return appLocaleName(m_language);
}

void Backend::loadSyncLog()
{
    QPointer<Backend> self(this);
    m_worker.post([self, this](store::Store *s) {
        if (!s)
            return;
        const auto entries = s->syncLog(500, QString(), nullptr);
        onThreadOf(this, [self, this, entries] {
            if (!self)
                return;
            // Put into words here, in the language of the moment.
            QVariantList out;
            for (const auto &entry : entries)
                out.append(QVariantMap{{QStringLiteral("at"), entry.at.toLocalTime()},
                                       {QStringLiteral("instanceId"), entry.instanceId},
                                       {QStringLiteral("outcome"), entry.outcome},
                                       {QStringLiteral("text"), sync::logText(entry)},
                                       {QStringLiteral("name"), entry.instanceName},
                                       {QStringLiteral("formTitle"), entry.formTitle},
                                       {QStringLiteral("correction"), entry.correction}});
            m_syncLog = out;
            Q_EMIT syncLogChanged();
        });
    });
}

} // namespace survey::app
