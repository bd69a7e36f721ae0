// SPDX-License-Identifier: GPL-3.0-or-later
#include "formcontroller.h"

#include "applocale.h"
#include "backend.h"
#include "barcode.h"
#include "formdefinition.h"
#include "formoutline.h"
#include "formsession.h"
#include "questionwidget.h"
#include "store.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QPointer>
#include <QThreadPool>
#include <QUrl>
#include <algorithm>

namespace survey::app {

using form::Control;
using form::FormSession;
using form::XmlNode;

namespace {} // namespace

FormController::FormController(Backend *backend, std::shared_ptr<const form::FormDefinition> def,
                               std::unique_ptr<form::FormSession> session, qint64 formRow,
                               bool isNew, QString comment, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_def(std::move(def))
    , m_position(*m_def)
    , m_session(std::move(session))
    , m_formRow(formRow)
    , m_instanceId(m_session->instanceId())
    , m_comment(std::move(comment))
{
    m_prompts = m_session->prompts();
    // The page's model follows every change (the page binds to it, not to `questions`).
    connect(this, &FormController::pageChanged, this,
            [this] { m_questionModel.update(questions()); });
    connect(this, &FormController::pageChanged, this, &FormController::rememberPlace);
    const Preferences *preferences = backend->preferences();
    followAppLanguage(preferences->language());
    m_questionModel.update(questions());
    connect(preferences, &Preferences::languageChanged, this, [this] {
        followAppLanguage(m_backend->preferences()->language());
        Q_EMIT pageChanged(); // the app's own words on the page (headings, dates)
    });
    connect(preferences, &Preferences::formLanguageChanged, this,
            [this] { followAppLanguage(m_backend->preferences()->language()); });
    m_listedName = m_session->instanceName();
    if (!isNew)
        return;
    // The new record exists in the store before its first answer is saved (the worker
    // runs jobs in order).
    const QByteArray xml = m_session->toXml(false);
    const QString id = m_instanceId;
    const QString name = m_listedName;
    persist(
        [xml, id, name, formRow](store::Store *s, store::StoreError *e) {
            return s->createDraft(formRow, id, xml, name, e).has_value();
        },
        true);
}

FormController::~FormController() = default;

void FormController::setMediaDir(const QString &dir)
{
    m_mediaDir = dir;
    m_mediaUrls.clear();
    m_questionModel.update(questions());
}

QString FormController::title() const
{
    return m_def->title;
}

void FormController::pagesChanged()
{
    m_prompts = m_session->prompts();
    Q_EMIT pageChanged();
}

const FormSession::Prompt &FormController::currentPrompt() const
{
    // prompts() always ends with the End page, so the list is never empty.
    const int last = static_cast<int>(m_prompts.size()) - 1;
    return m_prompts[static_cast<std::size_t>(std::clamp(m_session->currentIndex(), 0, last))];
}

int FormController::index() const
{
    return m_session->currentIndex();
}

int FormController::count() const
{
    return static_cast<int>(m_prompts.size());
}

FormController::PageKind FormController::pageKind() const
{
    switch (currentPrompt().kind) {
    case FormSession::Prompt::Kind::Question:
        return PageKind::Question;
    case FormSession::Prompt::Kind::FieldList:
        return PageKind::FieldList;
    case FormSession::Prompt::Kind::RepeatPrompt:
        return PageKind::Repeat;
    case FormSession::Prompt::Kind::End:
        break;
    }
    return PageKind::End;
}

QString FormController::pageLabel() const
{
    const auto &p = currentPrompt();
    return m_position.label(*m_session, p.control, p.node);
}

QString FormController::repeatHeading() const
{
    QStringList texts;
    for (const QVariant &place :
         m_position.repeatPlaces(*m_session, FormPosition::pageNode(currentPrompt())))
        texts << place.toMap().value(QStringLiteral("text")).toString();
    return texts.join(QStringLiteral("  ›  "));
}

qreal FormController::progress() const
{
    const auto &p = currentPrompt();
    if (p.kind == FormSession::Prompt::Kind::End)
        return 1;
    return std::max(0.0, m_position.progress(p.control));
}

QString FormController::mediaUrl(const QString &uri) const
{
    const QString name = uri.trimmed().section(QLatin1Char('/'), -1, -1);
    if (name.isEmpty() || m_mediaDir.isEmpty())
        return QString();
    // Looked up on the disk once per file, not at every answer (the page is rebuilt each time).
    const auto known = m_mediaUrls.constFind(name);
    if (known != m_mediaUrls.cend())
        return *known;
    const QString file = QDir(m_mediaDir).filePath(name);
    const QString url = QFileInfo::exists(file) ? QUrl::fromLocalFile(file).toString() : QString();
    m_mediaUrls.insert(name, url);
    return url;
}

QVariantMap FormController::questionMap(int control, void *nodePtr) const
{
    auto *node = static_cast<XmlNode *>(nodePtr);
    const Control &c = m_def->controls[static_cast<std::size_t>(control)];
    QVariantList choices;
    if (c.kind == Control::Kind::Select1 || c.kind == Control::Kind::Select ||
        c.kind == Control::Kind::Rank) {
        // Pictures of the form's own choices (pictorial answers for people who read
        // little), by value: the session may have shuffled them.
        QHash<QString, QString> images;
        for (const form::Item &item : c.items) {
            const QString image =
                mediaUrl(m_session->text(item.label, node, QStringLiteral("image")));
            if (!image.isEmpty())
                images.insert(item.value, image);
        }
        for (const auto &choice : m_session->choices(control, node))
            choices.append(QVariantMap{{QStringLiteral("value"), choice.value},
                                       {QStringLiteral("label"), choice.label},
                                       {QStringLiteral("image"), images.value(choice.value)}});
    }
    QString problem;
    if (const auto p = m_session->check(node);
        p && (m_showRequired || p->kind != FormSession::Problem::Kind::Required))
        problem = p->message;
    // A label's image (jr://images/NAME, in the form's language) from the form's media.
    const QString image = mediaUrl(m_session->text(c.label, node, QStringLiteral("image")));
    const QString type = m_def->typeNameOf(c);
    const bool readonly = node && m_session->isReadonly(node);
    return QVariantMap{
        {QStringLiteral("ref"), m_session->pathOf(node)},
        {QStringLiteral("control"), form::controlKindName(c.kind)},
        {QStringLiteral("type"), type},
        {QStringLiteral("widget"), static_cast<int>(QuestionWidget::of(c, type, readonly))},
        {QStringLiteral("appearance"), c.appearance},
        {QStringLiteral("mediatype"), c.mediatype},
        {QStringLiteral("label"), m_session->label(control, node)},
        {QStringLiteral("hint"), m_session->hint(control, node)},
        {QStringLiteral("guidance"),
         m_session->text(c.hint, node, QStringLiteral("guidance")).trimmed()},
        {QStringLiteral("image"), image},
        {QStringLiteral("value"), node ? node->stringValue() : QString()},
        {QStringLiteral("choices"), choices},
        {QStringLiteral("required"), node && m_session->isRequired(node)},
        {QStringLiteral("readonly"), readonly},
        {QStringLiteral("problem"), problem},
        {QStringLiteral("flag"), node ? flagNote(m_session->pathOf(node)) : QString()},
        {QStringLiteral("rangeStart"), c.rangeStart},
        {QStringLiteral("rangeEnd"), c.rangeEnd},
        {QStringLiteral("rangeStep"), c.rangeStep}};
}

QVariantList FormController::questions() const
{
    QVariantList out;
    const auto &p = currentPrompt();
    if (p.kind == FormSession::Prompt::Kind::Question)
        out.append(questionMap(p.control, p.node));
    else if (p.kind == FormSession::Prompt::Kind::FieldList)
        for (const auto &[control, node] : p.questions)
            out.append(questionMap(control, node));
    return out;
}

QVariantList FormController::outline() const
{
    QVariantList rows = outlineRows(*m_session, m_position, m_prompts,
                                    appLocale(m_backend->preferences()->language()));
    if (m_flags.isEmpty())
        return rows;
    for (QVariant &row : rows) {
        QVariantMap map = row.toMap();
        map.insert(QStringLiteral("flag"), flagNote(map.value(QStringLiteral("ref")).toString()));
        row = map;
    }
    return rows;
}

QString FormController::flagNote(const QString &ref) const
{
    if (ref.isEmpty() || m_flags.isEmpty())
        return QString();
    // The question's own flag, or the nearest group's (a whole repeat entry flagged).
    for (QString path = ref; !path.isEmpty(); path.truncate(path.lastIndexOf(QLatin1Char('/')))) {
        const auto it = m_flags.constFind(path);
        if (it != m_flags.constEnd())
            return it->isEmpty() ? tr("Check this answer") : *it;
    }
    return QString();
}

bool FormController::goToFirstFlag()
{
    for (std::size_t i = 0; i < m_prompts.size(); ++i) {
        const auto &p = m_prompts[i];
        std::vector<const XmlNode *> nodes;
        if (p.kind == FormSession::Prompt::Kind::FieldList) {
            for (const auto &q : p.questions)
                nodes.push_back(q.second);
        } else if (p.kind == FormSession::Prompt::Kind::Question) {
            nodes.push_back(p.node);
        }
        for (const XmlNode *n : nodes) {
            if (n && !flagNote(m_session->pathOf(n)).isEmpty())
                return i == std::size_t(index()) || jumpTo(static_cast<int>(i));
        }
    }
    return false;
}

QString FormController::removableRepeat() const
{
    const auto &p = currentPrompt();
    const XmlNode *node = FormPosition::pageNode(p);
    if (p.kind == FormSession::Prompt::Kind::RepeatPrompt ||
        p.kind == FormSession::Prompt::Kind::End)
        return QString();
    for (const XmlNode *n = node; n; n = n->parent()) {
        if (n->schemaIndex < 0)
            continue;
        const auto &schema = m_def->schema[static_cast<std::size_t>(n->schemaIndex)];
        if (schema.isRepeat)
            return m_session->canAddRemove(n->schemaIndex) ? m_session->pathOf(n) : QString();
    }
    return QString();
}

QString FormController::repeatRef() const
{
    const auto &p = currentPrompt();
    if (p.kind != FormSession::Prompt::Kind::RepeatPrompt || !p.node)
        return QString();
    const int schema = m_def->controls[static_cast<std::size_t>(p.control)].schema;
    return m_session->pathOf(p.node) + QLatin1Char('/') +
           m_def->schema[static_cast<std::size_t>(schema)].name;
}

int FormController::repeatCount() const
{
    return m_position.entryCount(currentPrompt());
}

QStringList FormController::formLanguages() const
{
    return m_session->languages();
}

QString FormController::formLanguage() const
{
    return m_session->language();
}

void FormController::save()
{
    if (m_readOnly)
        return;
    // Each change is its own durable transaction, in order, on the worker thread.
    const QByteArray xml = m_session->toXml(false);
    const QString id = m_instanceId;
    const QString name = m_session->instanceName();
    // The record's name comes from its answers (instance_name): when an answer changes it,
    // the lists show the new name once it is saved.
    const bool renamed = name != m_listedName;
    m_listedName = name;
    m_savedAnswer = true; // "Saving…" until the store confirms, then "Saved"
    persist([xml, id, name](store::Store *s,
                            store::StoreError *e) { return s->saveDraft(id, xml, name, e); },
            renamed);
}

void FormController::persist(std::function<bool(store::Store *, store::StoreError *)> write,
                             bool refreshLists)
{
    // `saving` stays true until the store has confirmed every write.
    ++m_pending;
    Q_EMIT savingChanged();
    QPointer<FormController> self(this); // checked on the GUI thread only
    m_backend->worker().post([self, write = std::move(write), refreshLists](store::Store *s) {
        store::StoreError e;
        const bool ok = s && write(s, &e);
        const QString why = s ? e.message : tr("The data folder is not open.");
        onThreadOf(Backend::instance(), [self, ok, why, refreshLists] {
            if (refreshLists)
                Backend::instance()->refresh();
            if (!self)
                return;
            --self->m_pending;
            self->m_saveError = ok ? QString() : why;
            Q_EMIT self->savingChanged();
        });
    });
}

QString FormController::setAnswer(const QString &ref, const QString &value)
{
    if (m_readOnly)
        return tr("This record was sent: it can be read, not changed.");
    if (m_finalized)
        return tr("This record is finalized; reopen it to change answers.");
    QString why;
    XmlNode *node = m_session->resolve(ref, false, &why);
    if (!node)
        return why;
    if (node->stringValue() == value)
        return QString();
    why = m_session->setValue(node, value);
    if (!why.isEmpty())
        return why;
    save();
    pagesChanged(); // relevance, calculations, counts and outputs may have changed
    return QString();
}

void FormController::attachFile(const QString &ref, const QString &pathOrUrl)
{
    if (m_readOnly)
        return;
    attach(ref, pathOrUrl, false);
}

void FormController::attachCapture(const QString &ref, const QString &path)
{
    if (m_readOnly)
        return;
    attach(ref, path, true);
}

void FormController::attach(const QString &ref, const QString &pathOrUrl, bool removeSource)
{
    QString why;
    XmlNode *node = m_session->resolve(ref, false, &why);
    if (!node || node->schemaIndex < 0) {
        Q_EMIT m_backend->notice(why);
        return;
    }
    const int bind = m_def->schema[static_cast<std::size_t>(node->schemaIndex)].bind;
    const int maxPixels = bind >= 0 ? m_def->binds[static_cast<std::size_t>(bind)].maxPixels : 0;
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    const QFileInfo info(path);
    // A name of its own per answer, so that a retaken photo never overwrites another one.
    const QString stem = QStringLiteral("%1-%2")
                             .arg(info.completeBaseName().left(40))
                             .arg(QDateTime::currentMSecsSinceEpoch());
    const QString suffix = info.suffix().isEmpty() ? QStringLiteral("bin") : info.suffix();
    const QString id = m_instanceId;
    ++m_pending;
    Q_EMIT savingChanged();
    QPointer<FormController> self(this);
    // Read, scaled and stored on the worker thread; the answer follows once it is kept.
    m_backend->worker().post([self, id, path, stem, suffix, maxPixels, ref,
                              removeSource](store::Store *s) {
        QFile f(path);
        QString error;
        QString name = stem + QLatin1Char('.') + suffix;
        bool ok = false;
        if (!s) {
            error = tr("The data folder is not open.");
        } else if (!f.open(QIODevice::ReadOnly)) {
            error = tr("Cannot read %1: %2").arg(path, f.errorString());
        } else {
            QByteArray bytes = f.readAll();
            f.close();
            // Turned upright as the camera meant it (its EXIF orientation), then scaled.
            QBuffer in(&bytes);
            QImageReader reader(&in);
            reader.setAutoTransform(true);
            const QSize size = reader.size();
            if (maxPixels > 0 && size.isValid() &&
                std::max(size.width(), size.height()) > maxPixels) {
                const QImage image = reader.read();
                if (!image.isNull()) {
                    QByteArray scaled;
                    QBuffer out(&scaled);
                    out.open(QIODevice::WriteOnly);
                    image
                        .scaled(maxPixels, maxPixels, Qt::KeepAspectRatio, Qt::SmoothTransformation)
                        .save(&out, "JPEG", 90);
                    bytes = scaled;
                    name = stem + QStringLiteral(".jpg");
                }
            }
            store::StoreError e;
            ok = s->putAttachment(id, name, bytes, &e);
            error = e.message;
            // The camera's own file goes once the record has its copy (never before).
            if (ok && removeSource)
                QFile::remove(path);
        }
        onThreadOf(Backend::instance(), [self, ok, error, name, ref] {
            if (!self)
                return;
            --self->m_pending;
            Q_EMIT self->savingChanged();
            if (!ok) {
                Q_EMIT self->m_backend->notice(error);
                return;
            }
            self->setAnswer(ref, name);
        });
    });
}

void FormController::scanImage(const QString &ref, const QString &pathOrUrl)
{
    if (m_readOnly)
        return;
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    QPointer<FormController> self(this); // checked on the GUI thread only
    QThreadPool::globalInstance()->start([self, ref, path] {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        const QImage image = reader.read();
        QString problem;
        BarcodeResult result;
        if (image.isNull())
            problem = tr("Cannot read the picture %1: %2").arg(path, reader.errorString());
        else if (result = readBarcode(image); result.text.isEmpty())
            problem = tr("No barcode or QR code was found in this picture. Take it again "
                         "closer and sharper, or type the code.");
        onThreadOf(Backend::instance(), [self, ref, problem, result] {
            if (!self)
                return;
            QString why = problem;
            if (why.isEmpty())
                why = self->setAnswer(ref, result.text);
            Q_EMIT self->barcodeRead(ref, why);
        });
    });
}

bool FormController::next()
{
    // Forward only from a page without problems (as ODK Collect does): a broken rule or a
    // missing required answer keeps the person here, with the message beside the question.
    // The outline still jumps anywhere, and finalizing lists whatever is left.
    const auto &p = currentPrompt();
    std::vector<XmlNode *> nodes;
    if (p.kind == FormSession::Prompt::Kind::Question)
        nodes.push_back(p.node);
    for (const auto &q : p.questions)
        nodes.push_back(q.second);
    // Only what the person can change holds them here: a read-only note or calculation
    // with a problem is left to the finalize check.
    const bool blocked = std::any_of(nodes.begin(), nodes.end(), [this](XmlNode *n) {
        return n && !m_session->isReadonly(n) && m_session->check(n).has_value();
    });
    if (blocked) {
        m_showRequired = true;
        Q_EMIT pageChanged();
        return false;
    }
    return moved(m_session->next());
}

void FormController::rememberPlace()
{
    // A page is remembered by its question's path (its position moves as relevance shows
    // and hides pages), and its position as a fallback.
    if (m_readOnly || m_session->currentIndex() == m_rememberedIndex)
        return;
    m_rememberedIndex = m_session->currentIndex();
    const auto &p = currentPrompt();
    const QString place = QString::number(m_rememberedIndex) + QLatin1Char('\t') +
                          (p.node ? m_session->pathOf(p.node) : QString()) + QLatin1Char('\t') +
                          QString::number(p.control);
    const QString key = placeKey(m_instanceId);
    m_backend->worker().post([key, place](store::Store *s) {
        store::StoreError e;
        if (s)
            s->setSetting(key, place, &e); // a place not kept only means starting at the top
    });
}

void FormController::resumeAt(const QString &place)
{
    const QStringList parts = place.split(QLatin1Char('\t'));
    if (parts.size() != 3)
        return;
    int target = -1;
    for (std::size_t i = 0; i < m_prompts.size() && !parts[1].isEmpty(); ++i) {
        if (m_prompts[i].node && m_prompts[i].control == parts[2].toInt() &&
            m_session->pathOf(m_prompts[i].node) == parts[1]) {
            target = static_cast<int>(i);
            break;
        }
    }
    if (target < 0)
        target = std::min(parts[0].toInt(), count() - 1);
    if (target > 0)
        jumpTo(target);
}

bool FormController::moved(bool moved)
{
    if (moved) {
        m_showRequired = false;
        Q_EMIT pageChanged();
    }
    return moved;
}

bool FormController::previous()
{
    return moved(m_session->previous());
}

bool FormController::jumpTo(int target)
{
    return moved(m_session->jumpTo(target));
}

bool FormController::jumpToProblem(int target)
{
    if (!m_session->jumpTo(target))
        return false;
    // Sent here to fix it: the page shows its messages, required ones included.
    m_showRequired = true;
    Q_EMIT pageChanged();
    return true;
}

void FormController::addRepeat()
{
    if (m_readOnly)
        return;
    const auto &p = currentPrompt();
    if (p.kind != FormSession::Prompt::Kind::RepeatPrompt)
        return;
    const int repeatSchema = m_def->controls[static_cast<std::size_t>(p.control)].schema;
    if (!m_session->addRepeat(p.node, repeatSchema))
        return;
    save();
    // The new instance's first page takes the place of the repeat prompt (which now
    // follows it): the current index already shows it.
    m_showRequired = false;
    pagesChanged();
}

bool FormController::removeRepeat(const QString &ref)
{
    if (m_readOnly)
        return false;
    QString why;
    XmlNode *node = m_session->resolve(ref, false, &why);
    // The repeat instance is the nearest ancestor the schema marks as a repeat.
    for (XmlNode *n = node; n; n = n->parent()) {
        if (n->schemaIndex >= 0 &&
            m_def->schema[static_cast<std::size_t>(n->schemaIndex)].isRepeat) {
            if (!m_session->removeRepeat(n))
                return false;
            m_prompts = m_session->prompts();
            m_session->jumpTo(std::min(m_session->currentIndex(), count() - 1));
            m_showRequired = false;
            save();
            Q_EMIT pageChanged();
            return true;
        }
    }
    return false;
}

void FormController::setFormLanguage(const QString &language)
{
    if (m_session->setLanguage(language))
        pagesChanged();
}

void FormController::followAppLanguage(const QString &code)
{
    const QString match = form::FormDefinition::languageFor(
        m_session->languages(), m_backend->preferences()->formLanguage(), code);
    if (!match.isEmpty())
        setFormLanguage(match);
}

QVariantList FormController::problems()
{
    // Each problem with its question's label and the page that shows it.
    const auto &all = m_prompts;
    QVariantList out;
    for (const FormSession::Problem &p : m_session->validate()) {
        int page = -1;
        QString label;
        for (std::size_t i = 0; i < all.size() && page < 0; ++i) {
            if (all[i].node == p.node && all[i].control >= 0) {
                page = static_cast<int>(i);
                label = m_session->label(all[i].control, p.node);
            }
            for (const auto &[control, node] : all[i].questions) {
                if (node == p.node && page < 0) {
                    page = static_cast<int>(i);
                    label = m_session->label(control, node);
                }
            }
        }
        out.append(QVariantMap{{QStringLiteral("ref"), p.ref},
                               {QStringLiteral("label"), label},
                               {QStringLiteral("message"), p.message},
                               {QStringLiteral("index"), page}});
    }
    return out;
}

bool FormController::finalizeRecord()
{
    if (m_readOnly)
        return false;
    m_session->finalize();
    if (!m_session->validate().empty())
        return false;
    m_finalized = true;
    Q_EMIT finalizedChanged();
    ++m_pending;
    Q_EMIT savingChanged();
    const QByteArray xml = m_session->toXml(true);
    const QString id = m_instanceId;
    // The store refuses, naming it, while a file an answer names is not kept with the record.
    const QStringList files = FormSession::fileNames(m_session->fileAnswers());
    QPointer<FormController> self(this);
    m_backend->worker().post([self, xml, id, files](store::Store *s) {
        store::StoreError e;
        const bool ok = s && s->finalize(id, xml, files, &e);
        const QString why = e.message;
        onThreadOf(Backend::instance(), [self, ok, why] {
            Backend *backend = Backend::instance();
            backend->refresh();
            if (ok)
                Q_EMIT backend->recordQueued();
            if (!self)
                return;
            --self->m_pending;
            self->m_saveError = ok ? QString() : why;
            if (!ok) {
                self->m_finalized = false;
                Q_EMIT self->finalizedChanged();
            }
            Q_EMIT self->savingChanged();
            if (ok)
                Q_EMIT self->finalizedSaved();
        });
    });
    return true;
}

} // namespace survey::app
