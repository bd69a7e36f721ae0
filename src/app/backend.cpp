// SPDX-License-Identifier: GPL-3.0-or-later
#include "backend.h"

#include "applocale.h"
#include "autosender.h"
#include "barcode.h"
#include "dashboard.h"
#include "formcontroller.h"
#include "formdefinition.h"
#include "formsession.h"
#include "store.h"
#include "xlsform.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QLoggingCategory>
#include <QPointer>
#include <QStandardPaths>
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
    , m_sync(new Sync(this))
    , m_preferences(new Preferences(this))
    , m_review(nullptr)
    , m_dashboard(nullptr)
{
    s_instance = this;
    m_formFolder =
        QUrl::fromLocalFile(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation));
    // A password to send with (signed in, restored, typed): the sync client is made with
    // it; a sign-in or a send that waited for it sends at once.
    connect(m_account, &Account::ready, this, [this](bool sendNow) {
        m_sync->prepare([this, sendNow] {
            if (sendNow)
                m_sync->sync();
        });
    });
    connect(m_account, &Account::signedOut, m_sync, &Sync::stop);
    m_review = new Review(this); // follows the others' signals
    m_dashboard = new Dashboard(this);
    // Form titles in the new language.
    connect(m_preferences, &Preferences::languageChanged, this, &Backend::loadLists);
}

Backend::~Backend()
{
    m_sync->shutdown(); // its worker-thread objects go there, before the worker stops
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
    m_dataDir = dataDir;
    m_preferences->setEngine(engine);
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
                const QString role = s->setting(Account::kRoleKey);
                const QString language =
                    s->setting(Preferences::kLanguageKey, QStringLiteral("zh_CN"));
                const QString autoSend =
                    s->setting(Preferences::kAutoSendKey, QStringLiteral("off"));
                const qreal scale =
                    s->setting(Preferences::kTextScaleKey, QStringLiteral("1")).toDouble();
                const QString formLanguage = s->setting(Preferences::kFormLanguageKey);
                onThreadOf(this, [=, this] {
                    if (!self)
                        return;
                    m_preferences->restore(language, autoSend, scale, formLanguage);
                    m_ready = true;
                    Q_EMIT readyChanged();
                    loadLists();
                    // The password from the keystore, for sending later (asked for
                    // when it cannot be had).
                    m_account->restore(server, user, configured, role);
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

void Backend::setFormFolder(const QUrl &folder)
{
    if (folder == m_formFolder)
        return;
    m_formFolder = folder;
    Q_EMIT formFolderChanged();
}

void Backend::addFormFile(const QString &pathOrUrl)
{
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    setFormFolder(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
    QPointer<Backend> self(this);
    m_worker.post([self, this, path](store::Store *s) {
        QString message;
        QFile f(path);
        const QFileInfo fi(path);
        if (!s) {
            message = tr("The data folder is not open.");
        } else if (fi.size() > xlsform::ReadLimits{}.maxInputBytes) {
            message = tr("%1 is too large to be a form.").arg(fi.fileName());
        } else if (!f.open(QIODevice::ReadOnly)) {
            message = tr("Cannot read %1: %2").arg(path, f.errorString());
        } else {
            QByteArray xml = f.readAll();
            QStringList warnings;
            bool converted = true;
            if (fi.suffix().compare(QLatin1String("xlsx"), Qt::CaseInsensitive) == 0 ||
                xlsform::looksLikeZip(xml)) {
                // An XLSForm: converted on the device, as the server would.
                xlsform::Options options;
                options.fallbackId = fi.completeBaseName();
                const xlsform::Conversion c = xlsform::convertXlsx(xml, options);
                warnings = c.warningTexts();
                converted = c.ok;
                if (c.ok)
                    xml = c.xform;
                else
                    message = tr("%1 is not a form that can be used: %2")
                                  .arg(fi.fileName(), c.errorText());
            }
            if (converted) {
                // Media beside the form, in FORM-media/, as the form engine looks for them.
                const QDir mediaDir(
                    fi.dir().filePath(fi.completeBaseName() + QStringLiteral("-media")));
                std::vector<std::pair<QString, QByteArray>> media;
                for (const QString &name : mediaDir.entryList(QDir::Files, QDir::Name)) {
                    QFile m(mediaDir.filePath(name));
                    if (m.open(QIODevice::ReadOnly))
                        media.emplace_back(name, m.readAll());
                }
                store::StoreError e;
                const auto added = s->addForm(xml, media, QString(), &e);
                message = added ? tr("Form added: %1").arg(added->title) : e.message;
                if (added && !warnings.isEmpty())
                    message +=
                        u'\n' +
                        tr("%n warning(s) from the spreadsheet:", nullptr, int(warnings.size())) +
                        u'\n' + warnings.join(u'\n');
            }
        }
        onThreadOf(this, [self, this, message] {
            if (!self)
                return;
            Q_EMIT notice(message);
            loadLists();
        });
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
        // A record being corrected shows the reviewer's flags (kept with it until sent).
        const bool correcting =
            record &&
            (record->state == store::RecordState::Returned ||
             (record->state == store::RecordState::Draft && !record->deprecatedId.isEmpty()));
        QHash<QString, QString> flags;
        if (correcting) {
            for (const auto &f : record->flags)
                flags.insert(f.path, f.note);
        }
        const bool returned = record && record->state == store::RecordState::Returned;
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
            controller->setFlags(flags);
            if (sent)
                controller->setReadOnly(); // what was sent is read, never changed here
            else if (!returned || !controller->goToFirstFlag())
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

} // namespace survey::app
