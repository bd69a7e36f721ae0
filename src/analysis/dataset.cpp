// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset.h"

#include "formdefinition.h"
#include "formsession.h"

#include <QDate>
#include <QXmlStreamReader>

#include <cmath>
#include <limits>

namespace survey::analysis {

using form::Control;
using form::DataType;
using form::FormDefinition;

QString Question::label(int language) const
{
    const QString text = labels.value(language);
    return text.isEmpty() ? name : text;
}

QString Question::choiceLabel(const QString &value, int language) const
{
    for (const Choice &c : choices) {
        if (c.value == value) {
            const QString text = c.labels.value(language);
            return text.isEmpty() ? value : text;
        }
    }
    return value;
}

int Dataset::languageFor(const QString &appCode) const
{
    const QString name = FormDefinition::languageFor(languages, {}, appCode);
    return std::max(0, int(languages.indexOf(name)));
}

namespace {

/// What the analysis makes of a node: nothing (notes, media, meta, text calculations), or
/// a kind of question.
std::optional<QuestionKind> kindOf(const FormDefinition &def, const form::SchemaNode &node)
{
    const form::Bind *bind = node.bind >= 0 ? &def.binds[std::size_t(node.bind)] : nullptr;
    const DataType type = bind ? bind->type : DataType::String;
    if (node.control < 0) {
        // Not asked: numeric calculations (the emissions a form works out) only.
        if (bind && bind->calculate && (type == DataType::Int || type == DataType::Decimal))
            return QuestionKind::Number;
        return std::nullopt;
    }
    const Control &c = def.controls[std::size_t(node.control)];
    switch (c.kind) {
    case Control::Kind::Select1:
        return QuestionKind::SelectOne;
    case Control::Kind::Select:
        return QuestionKind::SelectMultiple;
    case Control::Kind::Range:
        return QuestionKind::Number;
    case Control::Kind::Upload:
        return QuestionKind::Text; // counted when answered
    case Control::Kind::Input:
        break;
    default:
        return std::nullopt;
    }
    switch (type) {
    case DataType::Int:
    case DataType::Decimal:
        return QuestionKind::Number;
    case DataType::Date:
    case DataType::DateTime:
        return QuestionKind::Date;
    case DataType::Geopoint:
        return QuestionKind::Location;
    case DataType::Select1:
        return QuestionKind::SelectOne;
    case DataType::Select:
        return QuestionKind::SelectMultiple;
    default:
        break;
    }
    // A read-only text with nothing to compute is a note: nothing to count.
    if (bind && bind->readonly && !bind->calculate &&
        bind->readonly->source().simplified() == QLatin1String("true()"))
        return std::nullopt;
    return QuestionKind::Text;
}

/// Each question's labels and choices in every language.
void labelQuestions(const std::shared_ptr<const FormDefinition> &def,
                    std::vector<Question> &questions)
{
    form::FormSession session(def);
    const QStringList languages = def->languages();
    const int count = std::max(1, int(languages.size()));
    for (int l = 0; l < count; ++l) {
        if (!languages.isEmpty())
            session.setLanguage(languages.at(l));
        for (Question &q : questions) {
            const int schema = def->schemaForPath(q.path);
            const int control = def->schema[std::size_t(schema)].control;
            if (control < 0) {
                q.labels.append(QString());
                continue;
            }
            q.labels.append(session.label(control, nullptr));
            const Control &c = def->controls[std::size_t(control)];
            if (q.kind != QuestionKind::SelectOne && q.kind != QuestionKind::SelectMultiple)
                continue;
            std::vector<form::FormSession::Choice> choices;
            if (c.itemset) {
                choices = session.choices(control, nullptr);
            } else {
                for (const form::Item &item : c.items)
                    choices.push_back({item.value, session.text(item.label, nullptr).trimmed()});
            }
            for (const auto &choice : choices) {
                auto at = std::find_if(q.choices.begin(), q.choices.end(),
                                       [&](const Choice &c) { return c.value == choice.value; });
                if (at == q.choices.end()) {
                    q.choices.push_back({choice.value, {}});
                    at = q.choices.end() - 1;
                }
                while (at->labels.size() < l)
                    at->labels.append(QString());
                at->labels.append(choice.label);
            }
        }
    }
}

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
const qint64 kEpochDay = QDate(1970, 1, 1).toJulianDay();

/// Reads submissions into the columns.
class Reader
{
public:
    Reader(const FormDefinition &def, Dataset &out)
        : m_def(def)
        , m_out(out)
    {
        m_columnOf.assign(def.schema.size(), -1);
        for (std::size_t q = 0; q < out.questions.size(); ++q)
            m_columnOf[std::size_t(def.schemaForPath(out.questions[q].path))] = int(q);
        m_pools.resize(out.questions.size());
        for (const auto &node : def.schema) {
            if (node.parent < 0 && !node.isAttribute)
                m_root = int(&node - def.schema.data());
        }
    }

    void read(const SubmissionInput &input)
    {
        const int row = int(m_out.submissions.size());
        std::vector<qsizetype> sizes;
        sizes.reserve(m_out.columns.size());
        for (std::size_t q = 0; q < m_out.columns.size(); ++q) {
            Column &c = m_out.columns[q];
            sizes.push_back(c.size());
            if (!m_out.questions[q].inRepeat)
                addEntry(q, row);
        }
        QString error;
        if (!parse(input.xml, row, &error)) {
            for (std::size_t q = 0; q < m_out.columns.size(); ++q)
                truncate(m_out.columns[q], sizes[q]);
            m_out.problems.append(Dataset::tr("%1: the submission cannot be read (%2); it is "
                                              "left out.")
                                      .arg(input.instanceId, error));
            return;
        }
        m_out.submissions.push_back(
            {input.instanceId, input.submitter, input.reviewState, input.submittedAt});
    }

private:
    bool parse(const QByteArray &xml, int row, QString *error)
    {
        QXmlStreamReader reader(xml);
        std::vector<int> stack; // schema indices; -1 inside elements the form lacks
        QString text;
        while (!reader.atEnd()) {
            switch (reader.readNext()) {
            case QXmlStreamReader::StartElement: {
                const int parent = stack.empty() ? -2 : stack.back();
                int schema = -1;
                if (parent == -2) {
                    schema = m_def.schema[std::size_t(m_root)].name == reader.name() ? m_root : -1;
                    if (schema < 0) {
                        *error = Dataset::tr("its root element is <%1>, not the form's <%2>")
                                     .arg(reader.name(), m_def.schema[std::size_t(m_root)].name);
                        return false;
                    }
                } else if (parent >= 0) {
                    for (int child : m_def.schema[std::size_t(parent)].children) {
                        const auto &node = m_def.schema[std::size_t(child)];
                        if (!node.isAttribute && node.name == reader.name()) {
                            schema = child;
                            break;
                        }
                    }
                }
                stack.push_back(schema);
                text.clear();
                break;
            }
            case QXmlStreamReader::Characters:
                if (!stack.empty() && stack.back() >= 0 &&
                    m_columnOf[std::size_t(stack.back())] >= 0)
                    text += reader.text();
                break;
            case QXmlStreamReader::EndElement: {
                const int schema = stack.back();
                stack.pop_back();
                if (schema >= 0 && m_columnOf[std::size_t(schema)] >= 0) {
                    const auto q = std::size_t(m_columnOf[std::size_t(schema)]);
                    if (m_out.questions[q].inRepeat)
                        addEntry(q, row);
                    set(q, text.trimmed());
                }
                text.clear();
                break;
            }
            default:
                break;
            }
        }
        if (reader.hasError()) {
            *error = Dataset::tr("line %1: %2").arg(reader.lineNumber()).arg(reader.errorString());
            return false;
        }
        return true;
    }

    void addEntry(std::size_t q, int row)
    {
        Column &c = m_out.columns[q];
        if (m_out.questions[q].inRepeat)
            c.row.push_back(row);
        switch (m_out.questions[q].kind) {
        case QuestionKind::Number:
        case QuestionKind::Date:
            c.number.push_back(kNone);
            break;
        case QuestionKind::Location:
            c.number.push_back(kNone);
            c.second.push_back(kNone);
            break;
        default:
            c.code.push_back(-1);
            break;
        }
    }

    static void truncate(Column &c, qsizetype size)
    {
        const auto n = std::size_t(size);
        if (c.row.size() > n)
            c.row.resize(n);
        if (!c.code.empty())
            c.code.resize(n);
        if (!c.number.empty())
            c.number.resize(n);
        if (!c.second.empty())
            c.second.resize(n);
    }

    /// Sets the column's last entry from the answer's text.
    void set(std::size_t q, const QString &text)
    {
        if (text.isEmpty())
            return;
        Column &c = m_out.columns[q];
        bool ok = true;
        switch (m_out.questions[q].kind) {
        case QuestionKind::Number: {
            const double v = text.toDouble(&ok);
            c.number.back() = ok && std::isfinite(v) ? v : kNone;
            ok = ok && std::isfinite(v);
            break;
        }
        case QuestionKind::Date: {
            const QDate date = QDate::fromString(text.left(10), Qt::ISODate);
            ok = date.isValid();
            c.number.back() = ok ? double(date.toJulianDay() - kEpochDay) : kNone;
            break;
        }
        case QuestionKind::Location: {
            const QStringList parts = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            bool latOk = false, lonOk = false;
            const double lat = parts.value(0).toDouble(&latOk);
            const double lon = parts.value(1).toDouble(&lonOk);
            ok = latOk && lonOk && std::abs(lat) <= 90 && std::abs(lon) <= 180;
            c.number.back() = ok ? lat : kNone;
            c.second.back() = ok ? lon : kNone;
            break;
        }
        case QuestionKind::Text:
            c.code.back() = 0;
            break;
        case QuestionKind::SelectOne:
        case QuestionKind::SelectMultiple: {
            const QString value =
                m_out.questions[q].kind == QuestionKind::SelectMultiple ? text.simplified() : text;
            auto &pool = m_pools[q];
            auto at = pool.constFind(value);
            if (at == pool.constEnd()) {
                at = pool.insert(value, int(c.pool.size()));
                c.pool.append(value);
            }
            c.code.back() = at.value();
            break;
        }
        }
        if (!ok)
            ++c.unreadable;
    }

    const FormDefinition &m_def;
    Dataset &m_out;
    int m_root = 0;
    std::vector<int> m_columnOf; ///< per schema node
    std::vector<QHash<QString, int>> m_pools;
};

} // namespace

Dataset Dataset::build(const std::shared_ptr<const FormDefinition> &form,
                       const std::vector<SubmissionInput> &inputs)
{
    Dataset out;
    out.formId = form->formId;
    out.title = form->title;
    out.languages = form->languages();
    for (const form::SchemaNode &node : form->schema) {
        if (!node.children.empty() || node.isAttribute || node.isRepeat ||
            node.path.contains(QLatin1String("/meta/")))
            continue;
        const auto kind = kindOf(*form, node);
        if (!kind)
            continue;
        Question q;
        q.path = node.path;
        q.name = node.name;
        q.kind = *kind;
        q.calculated = node.control < 0;
        q.inRepeat = node.enclosingRepeat >= 0;
        q.type = node.control >= 0 ? form->typeNameOf(form->controls[std::size_t(node.control)])
                                   : form->binds[std::size_t(node.bind)].typeName;
        out.m_index.insert(q.path, int(out.questions.size()));
        out.questions.push_back(std::move(q));
    }
    labelQuestions(form, out.questions);
    out.columns.resize(out.questions.size());
    out.submissions.reserve(inputs.size());
    // Rows in the order of their instanceIDs, whatever order they come in: the bootstrap
    // draws rows by position, so its intervals repeat for the same submissions.
    std::vector<const SubmissionInput *> ordered;
    ordered.reserve(inputs.size());
    for (const SubmissionInput &input : inputs)
        ordered.push_back(&input);
    std::sort(ordered.begin(), ordered.end(),
              [](const SubmissionInput *a, const SubmissionInput *b) {
                  return a->instanceId < b->instanceId;
              });
    Reader reader(*form, out);
    for (const SubmissionInput *input : ordered)
        reader.read(*input);
    return out;
}

} // namespace survey::analysis
