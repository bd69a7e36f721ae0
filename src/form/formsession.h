// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "formdefinition.h"

#include <QCoreApplication>
#include <QHash>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

namespace survey::form {

/// One filling of a form: the live instance, per-node relevance/required/readonly/validity,
/// incremental recomputation, repeats, navigation, languages and serialization.
class FormSession
{
    Q_DECLARE_TR_FUNCTIONS(FormSession)
public:
    /// What the host knows about the device and the person (for preloads and meta).
    struct Properties
    {
        QString deviceId; ///< "scheme:id", e.g. "collect:abc123"
        QString userId;
        QString username;
        QString email;
        QString phoneNumber;
        QString simSerial;
        QString subscriberId; ///< "imsi:…"
        /// Milliseconds since the epoch; the system clock when unset.
        std::function<qint64()> clock;
        /// The device's location as "lat lon altitude accuracy" for odk:setgeopoint;
        /// empty (or unset) when there is no fix.
        std::function<QString()> location;
    };

    /// Problems and prompts point into the live instance: they are valid until the next
    /// change to its structure (a repeat instance added or removed, a jr:count applied,
    /// loadInstance). Keep `ref` paths, not nodes, across such changes.
    struct Problem
    {
        /// Error: an expression of the form could not be evaluated for this node; what it
        /// decides (the answer of a calculation, whether the question shows, is required or
        /// allowed, how many entries a repeat has, its choices) is unknown, so the filling
        /// cannot be finalized until the form is fixed.
        enum class Kind { Required, Constraint, Type, UnknownRef, Error };
        Kind kind = Kind::Required;
        QString ref; ///< "/data/hh/member[2]/name"
        XmlNode *node = nullptr;
        QString message;
    };
    static QString kindName(Problem::Kind kind);

    struct Choice
    {
        QString value;
        QString label;
    };

    /// A stop in the form, as Collect shows them one screen at a time.
    struct Prompt
    {
        enum class Kind { Question, FieldList, RepeatPrompt, End };
        Kind kind = Kind::End;
        int control = -1;        ///< the question, field-list group or repeat
        XmlNode *node = nullptr; ///< the bound node (the parent, for a repeat prompt)
        std::vector<std::pair<int, XmlNode *>> questions; ///< field-list: its questions
    };

    explicit FormSession(std::shared_ptr<const FormDefinition> definition,
                         Properties properties = {});
    ~FormSession();
    FormSession(const FormSession &) = delete;
    FormSession &operator=(const FormSession &) = delete;

    const FormDefinition &definition() const { return *m_def; }
    XmlDocument &instance() { return *m_doc; }
    const XmlDocument &instance() const { return *m_doc; }
    XmlNode *root() const { return m_doc->documentElement(); }

    /// A new, empty filling: preloads, odk-instance-first-load actions, all computations.
    void start();
    /// Reopens saved instance XML (a draft to resume or a submission to edit).
    bool loadInstance(const QByteArray &xml, QString *error);
    /// Starts an edit of a finalized submission: new instanceID, deprecatedID = the old one.
    void beginEdit();

    // ---- answers ---------------------------------------------------------------------
    /// The node at an absolute path with 1-based positions ("/data/hh/member[2]/name");
    /// `create` adds repeat instances as needed. Null with `error` set when impossible.
    XmlNode *resolve(const QString &path, bool create, QString *error);
    /// Sets an answer; checks it against the node's type (and choices). Returns an empty
    /// string on success, or the reason it was refused (the value is then left alone).
    QString setValue(XmlNode *node, const QString &value);
    QString value(const QString &path) const;
    /// Positional path of a live node ("/data/hh/member[2]/name").
    QString pathOf(const XmlNode *node) const;

    // ---- repeats ---------------------------------------------------------------------
    std::vector<XmlNode *> repeatInstances(XmlNode *parent, int repeatSchema) const;
    XmlNode *addRepeat(XmlNode *parent, int repeatSchema);
    bool removeRepeat(XmlNode *instance);
    bool canAddRemove(int repeatSchema) const;

    // ---- state -----------------------------------------------------------------------
    bool isRelevant(const XmlNode *node) const;
    bool isRequired(const XmlNode *node) const;
    bool isReadonly(const XmlNode *node) const;
    bool isConstraintSatisfied(const XmlNode *node) const;
    /// Every required-but-empty and constraint-failing relevant answer, in form order.
    std::vector<Problem> validate() const;
    /// The problem with one answer, if any.
    std::optional<Problem> check(XmlNode *node) const;

    // ---- languages and text ------------------------------------------------------------
    QStringList languages() const { return m_def->languages(); }
    QString language() const { return m_language; }
    bool setLanguage(const QString &language);
    QString text(const TextSource &source, const XmlNode *context,
                 const QString &form = QString()) const;
    QString label(int control, const XmlNode *node) const;
    QString hint(int control, const XmlNode *node) const;
    std::vector<Choice> choices(int control, XmlNode *node) const;

    // ---- navigation ------------------------------------------------------------------
    std::vector<Prompt> prompts() const;
    int currentIndex() const { return m_index; }
    Prompt current() const;
    bool next();
    bool previous();
    bool jumpTo(int index);

    // ---- output ----------------------------------------------------------------------
    /// Fills end-of-form metadata (timeEnd, end preloads) before sending.
    void finalize();
    /// Instance XML. `forSubmission` leaves out non-relevant nodes as OpenRosa servers
    /// expect; drafts keep everything so that they resume exactly.
    QByteArray toXml(bool forSubmission = true) const;
    QString instanceId() const;
    /// meta/instanceName as calculated for this filling (empty when the form has none).
    QString instanceName() const;
    /// The relevant answers of file questions (photos, audio, files, the audit log): the
    /// files that must go with the record.
    struct FileAnswer
    {
        QString ref;
        QString name;
    };
    std::vector<FileAnswer> fileAnswers() const;
    /// Their file names, once each.
    static QStringList fileNames(const std::vector<FileAnswer> &answers);

    /// Why the last repeat instance could not be added (the session's size limit), if so.
    QString limitMessage() const { return m_limitMessage; }

    /// Number of bind evaluations so far (for tests and benchmarks).
    quint64 evaluationCount() const { return m_evaluations; }

private:
    class Env;
    friend class Env;

    void rebuildLive();
    void initStates(XmlNode *node);
    void runPreloads(bool start);
    void runActions(ActionEvent event, XmlNode *scope, int trigger);
    void recomputeAll(bool applyCounts = true);
    /// A changed value: `node` null means every instance of `schema` (or its structure).
    struct Change
    {
        int schema;
        XmlNode *node;
        bool self = false; ///< also evaluate the node's own calculate and states
    };
    void recompute(std::vector<Change> changed);
    XmlNode *readerScope(int source, const XmlNode *node, int reader) const;
    XmlNode *createInstance(XmlNode *parent, int repeatSchema);
    std::vector<Change> takeFreshInstances();
    void settleNewInstances();
    bool isLive(const XmlNode *node, int schema) const;
    bool evaluateCalculate(int schema, XmlNode *node);
    void evaluateProps(int schema, XmlNode *node);
    void refreshInherited(XmlNode *node, bool noteFlips = true);
    /// Whether any expression reads the value of nodes of this schema.
    bool hasReaders(int schema) const;
    bool adjustCounts(int repeatSchema);
    std::vector<Change> applyAction(const Action &a, XmlNode *context);
    void assignValue(XmlNode *node, const QString &value);
    XmlNode *insertRepeat(XmlNode *parent, int repeatSchema);
    XmlNode *liveNode(int schema, XmlNode *scope) const;
    void collectPrompts(int control, XmlNode *scope, std::vector<Prompt> &out) const;
    QString typeError(XmlNode *node, const QString &value) const;
    QString defaultMessage(Problem::Kind kind) const;
    xpath::Context context(XmlNode *node) const;
    qint64 now() const;
    const Bind *bindOf(const XmlNode *node) const;
    void addLive(XmlNode *node);

    /// What an expression decides for a node, for the message when it cannot be evaluated.
    enum class Role { Calculate, Relevant, Required, Readonly, Constraint, Count, Choices, Action };
    struct EvalFailure
    {
        QString expression;
        QString reason;
        QString ref; ///< where to report it; empty: the node's own path
    };
    /// Evaluates `e` for `node`; on failure notes it on the node (see Problem::Kind::Error)
    /// and returns nothing; on success forgets an earlier failure of the same role.
    std::optional<xpath::Value> evaluateFor(const xpath::Expression &e, XmlNode *node, Role role,
                                            const xpath::Context &ctx,
                                            const QString &ref = {}) const;
    /// Forgets the failures noted on `subtree` and below (it is being removed).
    void forgetFailures(const XmlNode *subtree);
    QString failureMessage(Role role, const EvalFailure &f) const;

    std::shared_ptr<const FormDefinition> m_def;
    Properties m_props;
    std::unique_ptr<Env> m_env;
    std::unique_ptr<XmlDocument> m_doc;
    std::vector<std::vector<XmlNode *>> m_live; ///< per schema, live nodes
    QString m_language;
    int m_languageIndex = -1;
    int m_defaultLanguageIndex = -1;
    int m_index = 0;
    quint64 m_evaluations = 0;
    /// Expressions that could not be evaluated, by node and role; nodes carry kEvalFailed.
    /// The node, what the expression decides for it, and which expression (a node can have
    /// several counts or actions failing at once).
    using FailureKey = std::tuple<const XmlNode *, Role, const xpath::Expression *>;
    mutable std::map<FailureKey, EvalFailure> m_failures;
    bool m_recomputing = false;
    std::size_t m_nodeCount = 0;
    QString m_limitMessage;
    /// Instances added and not yet settled, with the removal count when they were made.
    std::vector<std::pair<XmlNode *, quint64>> m_fresh;
    quint64 m_removals = 0; ///< instances removed so far: a pointer check is needed only then
    std::vector<Change> m_pendingChanges;    ///< action changes made during a recomputation
    std::vector<bool> m_valueChangedTrigger; ///< by schema: has xforms-value-changed actions
    std::vector<Change> m_relevanceFlips;    ///< nodes whose relevance changed, for their readers
};

} // namespace survey::form
