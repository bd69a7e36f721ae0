// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset.h"

#include "formdefinition.h"
#include "formsession.h"
#include "instancescan.h"

#include <QDate>

#include <charconv>
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

std::string_view trimmed(std::string_view text)
{
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && space(text.back()))
        text.remove_suffix(1);
    return text;
}

/// A finite number from the whole of `text`, as XML Schema writes decimals.
bool toNumber(std::string_view text, double *out)
{
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty() &&
           std::isfinite(*out);
}

/// Days since 1970-01-01 of a date (or the date of a dateTime): YYYY-MM-DD first.
bool toDay(std::string_view text, double *out)
{
    if (text.size() < 10 || text[4] != '-' || text[7] != '-')
        return false;
    int parts[3] = {0, 0, 0};
    const std::pair<int, int> spans[3] = {{0, 4}, {5, 2}, {8, 2}};
    for (int i = 0; i < 3; ++i) {
        const auto [from, length] = spans[i];
        const auto [end, ec] =
            std::from_chars(text.data() + from, text.data() + from + length, parts[i]);
        if (ec != std::errc() || end != text.data() + from + length)
            return false;
    }
    const QDate date(parts[0], parts[1], parts[2]);
    if (!date.isValid() || (text.size() > 10 && text[10] != 'T'))
        return false;
    *out = double(date.toJulianDay() - kEpochDay);
    return true;
}

} // namespace

/// Reads submissions into the columns.
class DatasetBuilder::Reader : public InstanceEvents
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
            m_names.push_back(node.name.toUtf8());
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
        m_row = row;
        m_stack.clear();
        m_rootName.clear();
        QString error;
        const bool ok = scanInstance(input.xml, *this, &error);
        if (ok && !m_rootName.isEmpty())
            error = Dataset::tr("its root element is <%1>, not the form's <%2>")
                        .arg(m_rootName, m_def.schema[std::size_t(m_root)].name);
        if (!ok || !m_rootName.isEmpty()) {
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

    void start(std::string_view name) override
    {
        int schema = -1;
        if (m_stack.empty()) {
            if (std::string_view(m_names[std::size_t(m_root)]) == name)
                schema = m_root;
            else
                m_rootName = QString::fromUtf8(name.data(), qsizetype(name.size()));
        } else if (m_stack.back() >= 0) {
            for (int child : m_def.schema[std::size_t(m_stack.back())].children) {
                if (!m_def.schema[std::size_t(child)].isAttribute &&
                    std::string_view(m_names[std::size_t(child)]) == name) {
                    schema = child;
                    break;
                }
            }
        }
        m_stack.push_back(schema);
    }

    void end(std::string_view text) override
    {
        const int schema = m_stack.back();
        m_stack.pop_back();
        if (schema < 0 || m_columnOf[std::size_t(schema)] < 0)
            return;
        const auto q = std::size_t(m_columnOf[std::size_t(schema)]);
        if (m_out.questions[q].inRepeat)
            addEntry(q, m_row);
        set(q, trimmed(text));
    }

private:
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
    void set(std::size_t q, std::string_view text)
    {
        if (text.empty())
            return;
        Column &c = m_out.columns[q];
        bool ok = true;
        switch (m_out.questions[q].kind) {
        case QuestionKind::Number:
            ok = toNumber(text, &c.number.back());
            if (!ok)
                c.number.back() = kNone;
            break;
        case QuestionKind::Date:
            ok = toDay(text, &c.number.back());
            if (!ok)
                c.number.back() = kNone;
            break;
        case QuestionKind::Location: {
            const auto space = text.find_first_of(" \t\n\r");
            double lat = 0, lon = 0;
            ok = space != std::string_view::npos && toNumber(text.substr(0, space), &lat);
            if (ok) {
                std::string_view rest = trimmed(text.substr(space));
                rest = rest.substr(0, rest.find_first_of(" \t\n\r"));
                ok = toNumber(rest, &lon) && std::abs(lat) <= 90 && std::abs(lon) <= 180;
            }
            c.number.back() = ok ? lat : kNone;
            c.second.back() = ok ? lon : kNone;
            break;
        }
        case QuestionKind::Text:
            c.code.back() = 0;
            break;
        case QuestionKind::SelectOne:
        case QuestionKind::SelectMultiple: {
            QByteArray value(text.data(), qsizetype(text.size()));
            if (m_out.questions[q].kind == QuestionKind::SelectMultiple)
                value = value.simplified();
            auto &pool = m_pools[q];
            auto at = pool.constFind(value);
            if (at == pool.constEnd()) {
                at = pool.insert(value, int(c.pool.size()));
                c.pool.append(QString::fromUtf8(value));
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
    int m_row = 0;
    std::vector<int> m_columnOf;     ///< per schema node
    std::vector<QByteArray> m_names; ///< per schema node, UTF-8
    std::vector<QHash<QByteArray, int>> m_pools;
    std::vector<int> m_stack; ///< schema nodes of the open elements; -1: not the form's
    QString m_rootName;       ///< a root element that is not the form's
};

DatasetBuilder::DatasetBuilder(const std::shared_ptr<const FormDefinition> &form,
                               std::size_t expected)
    : m_form(form)
    , m_data(std::make_unique<Dataset>())
{
    Dataset &out = *m_data;
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
    out.submissions.reserve(expected);
    m_reader = std::make_unique<Reader>(*form, out);
}

DatasetBuilder::~DatasetBuilder() = default;

void DatasetBuilder::add(const SubmissionInput &input)
{
    Q_ASSERT(m_reader);
    m_reader->read(input);
}

Dataset DatasetBuilder::take()
{
    m_reader.reset();
    return std::move(*m_data);
}

Dataset Dataset::build(const std::shared_ptr<const FormDefinition> &form,
                       const std::vector<SubmissionInput> &inputs)
{
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
    DatasetBuilder builder(form, inputs.size());
    for (const SubmissionInput *input : ordered)
        builder.add(*input);
    return builder.take();
}

} // namespace survey::analysis
