// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "formposition.h"
#include "formsession.h"
#include "questionsmodel.h"

#include <QHash>
#include <QObject>
#include <QQmlEngine>
#include <QVariantList>

#include <functional>
#include <memory>

namespace survey::store {
class Store;
struct StoreError;
} // namespace survey::store

namespace survey::app {

class Backend;

/// One record being filled: the form session (on the GUI thread: it is fast and in
/// memory) and its autosave (on the worker thread: every change is written in its own
/// transaction; `saving` stays true until the store has confirmed each one).
class FormController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("opened through Backend.newRecord() or Backend.openRecord()")
    Q_PROPERTY(QString title READ title CONSTANT)
    Q_PROPERTY(QString instanceId READ instanceId NOTIFY instanceIdChanged)
    Q_PROPERTY(QString comment READ comment CONSTANT)
    Q_PROPERTY(int index READ index NOTIFY pageChanged)
    Q_PROPERTY(int count READ count NOTIFY pageChanged)
    Q_PROPERTY(PageKind pageKind READ pageKind NOTIFY pageChanged)
    Q_PROPERTY(QString pageLabel READ pageLabel NOTIFY pageChanged)
    Q_PROPERTY(QVariantList questions READ questions NOTIFY pageChanged)
    /// The same questions as a model whose rows survive answers (what the page shows).
    Q_PROPERTY(QAbstractItemModel *questionModel READ questionModel CONSTANT)
    Q_PROPERTY(QVariantList outline READ outline NOTIFY pageChanged)
    Q_PROPERTY(bool saving READ saving NOTIFY savingChanged)
    Q_PROPERTY(QString saveError READ saveError NOTIFY savingChanged)
    /// Whether an answer of this visit has been saved (the bar says "Saved" only then).
    Q_PROPERTY(bool savedAnswer READ savedAnswer NOTIFY savingChanged)
    Q_PROPERTY(QStringList formLanguages READ formLanguages CONSTANT)
    Q_PROPERTY(QString formLanguage READ formLanguage NOTIFY pageChanged)
    Q_PROPERTY(bool finalized READ finalized NOTIFY finalizedChanged)
    /// A sent record, opened to be read: no answer, file or entry can change.
    Q_PROPERTY(bool readOnly READ readOnly CONSTANT)
    /// The repeat instance the current page is in (its path), when it may be removed.
    Q_PROPERTY(QString removableRepeat READ removableRepeat NOTIFY pageChanged)
    /// On a repeat prompt: the path of the repeat ("/data/members/member", no position)
    /// and how many entries it has so far.
    Q_PROPERTY(QString repeatRef READ repeatRef NOTIFY pageChanged)
    Q_PROPERTY(int repeatCount READ repeatCount NOTIFY pageChanged)
    /// The repeat entries the page is in, outermost first, as its heading says them:
    /// "Household members: 2 of 3  ›  Vehicles: 1 of 2".
    Q_PROPERTY(QString repeatHeading READ repeatHeading NOTIFY pageChanged)
    /// How far through the form the page is (0 to 1), steady as questions appear.
    Q_PROPERTY(qreal progress READ progress NOTIFY pageChanged)
    /// Questions the reviewer flagged when sending the record back (a correction's).
    Q_PROPERTY(int flagCount READ flagCount CONSTANT)

public:
    /// What the current page is.
    enum class PageKind {
        Question,  ///< one question
        FieldList, ///< a group's questions on one page
        Repeat,    ///< a repeat's "Add a new …?"
        End,       ///< the end of the form (Finalize)
    };
    Q_ENUM(PageKind)

    /// `isNew`: a record to create in the store first; `comment`: a returned record's.
    FormController(Backend *backend, std::shared_ptr<const form::FormDefinition> def,
                   std::unique_ptr<form::FormSession> session, qint64 formRow, bool isNew,
                   QString comment, QObject *parent = nullptr);
    ~FormController() override;

    QString title() const;
    QString instanceId() const { return m_instanceId; }
    QString comment() const { return m_comment; }
    int index() const;
    int count() const;
    PageKind pageKind() const;
    QString pageLabel() const;
    QVariantList questions() const;
    QAbstractItemModel *questionModel() { return &m_questionModel; }
    QVariantList outline() const;
    bool saving() const { return m_pending > 0; }
    bool savedAnswer() const { return m_savedAnswer; }
    QString saveError() const { return m_saveError; }
    QStringList formLanguages() const;
    QString formLanguage() const;
    bool finalized() const { return m_finalized; }
    bool readOnly() const { return m_readOnly; }
    /// Makes this a sent record's view, before the page shows it.
    void setReadOnly() { m_readOnly = true; }
    /// Where the person was when they last left this record (kept in the store's settings
    /// under placeKey()), as written by the page changes: goes back there.
    void resumeAt(const QString &place);
    static QString placeKey(const QString &instanceId)
    {
        return QStringLiteral("place/") + instanceId;
    }
    QString removableRepeat() const;
    QString repeatRef() const;
    int repeatCount() const;
    QString repeatHeading() const;
    qreal progress() const;
    int flagCount() const { return int(m_flags.size()); }
    /// The reviewer's flags (question path → note), before the page shows the record.
    void setFlags(const QHash<QString, QString> &flags) { m_flags = flags; }
    /// The reviewer's note on the question at `ref` (or on a group holding it); "" if none.
    Q_INVOKABLE QString flagNote(const QString &ref) const;
    /// To the first page with a flagged question; false when there is none.
    bool goToFirstFlag();

    /// Sets an answer ("" clears it). Returns the reason when the value does not fit its
    /// type or choices (then nothing changes); saved at once otherwise.
    Q_INVOKABLE QString setAnswer(const QString &ref, const QString &value);
    /// A file answer (a photo from the camera or a file): scaled to the question's
    /// max-pixels when it is an image, kept with the record, and the answer set to its name.
    Q_INVOKABLE void attachFile(const QString &ref, const QString &pathOrUrl);
    /// A photo the camera just wrote: kept as attachFile() does, then the camera's file is
    /// removed.
    Q_INVOKABLE void attachCapture(const QString &ref, const QString &path);
    /// Reads a barcode from a picture (off the GUI thread) and, when there is one, makes its
    /// text the answer; barcodeRead() follows either way.
    Q_INVOKABLE void scanImage(const QString &ref, const QString &pathOrUrl);
    Q_INVOKABLE bool next();
    Q_INVOKABLE bool previous();
    Q_INVOKABLE bool jumpTo(int index);
    /// To a page from the finalize list: its messages show at once.
    Q_INVOKABLE bool jumpToProblem(int index);
    /// On a repeat prompt: adds an instance and goes to it.
    Q_INVOKABLE void addRepeat();
    /// Removes the repeat instance `ref` points into (the page asks first).
    Q_INVOKABLE bool removeRepeat(const QString &ref);
    Q_INVOKABLE void setFormLanguage(const QString &language);
    /// Where the form's media files are (images in labels are shown from there).
    void setMediaDir(const QString &dir);
    /// The language from the settings, or else the app's ("zh_CN" / "en"), when the form
    /// has it.
    void followAppLanguage(const QString &code);
    /// Every remaining problem: [{ref, label, message, index}] (index: the page to jump to).
    Q_INVOKABLE QVariantList problems();
    /// Checks everything; when nothing is left, finalizes the record (saved, queued).
    Q_INVOKABLE bool finalizeRecord();

Q_SIGNALS:
    void instanceIdChanged();
    void pageChanged();
    void savingChanged();
    void finalizedChanged();
    /// The store has confirmed the finalization.
    void finalizedSaved();
    /// scanImage() is done: `problem` is empty when the code became the answer.
    void barcodeRead(const QString &ref, const QString &problem);

private:
    void save();
    /// Runs `write` on the worker thread; `saving` until it is done, `saveError` if it failed.
    void persist(std::function<bool(store::Store *, store::StoreError *)> write,
                 bool refreshLists = false);
    void attach(const QString &ref, const QString &pathOrUrl, bool removeSource);
    /// After a move: the new page starts without required messages.
    bool moved(bool moved);
    /// The pages changed (an answer, a repeat, the language): read them again, once.
    void pagesChanged();
    const form::FormSession::Prompt &currentPrompt() const;
    QVariantMap questionMap(int control, void *node) const;
    /// A jr://images/NAME (or similar) as a file URL in the form's media; "" when absent.
    QString mediaUrl(const QString &uri) const;

    Backend *m_backend;
    std::shared_ptr<const form::FormDefinition> m_def;
    FormPosition m_position;
    std::unique_ptr<form::FormSession> m_session;
    /// The session's pages, read once per change (every property below reads them).
    std::vector<form::FormSession::Prompt> m_prompts;
    qint64 m_formRow;
    QString m_instanceId;
    QString m_comment;
    QString m_mediaDir;
    mutable QHash<QString, QString> m_mediaUrls; ///< media file name -> URL ("" if absent)
    QuestionsModel m_questionModel;
    int m_pending = 0;
    bool m_savedAnswer = false;
    QString m_saveError;
    QString m_listedName;
    bool m_readOnly = false;
    int m_rememberedIndex = -1; ///< the page last written as the place to come back to
    void rememberPlace();       ///< the record's name as the lists last had it
    bool m_finalized = false;
    QHash<QString, QString> m_flags; ///< question path → the reviewer's note
    /// Next was refused on this page: its required messages show too.
    bool m_showRequired = false;
};

} // namespace survey::app
