// SPDX-License-Identifier: GPL-3.0-or-later
// The submissions of one form as columns of answers: one column per question (and per
// numeric calculation), each answer with the row of its submission (a question in a
// repeat has one answer per entry). Questions carry their labels and choices in every
// language of the form.
#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace survey::form {
class FormDefinition;
}

namespace survey::analysis {

enum class QuestionKind { SelectOne, SelectMultiple, Number, Date, Location, Text };

struct Choice
{
    QString value;
    QStringList labels; ///< per language of the data set; empty strings when unlabelled
};

struct Question
{
    QString path; ///< without positions: /data/vehicles/vehicle/fuel
    QString name;
    QuestionKind kind = QuestionKind::Text;
    QString type;            ///< the form's type name (int, decimal, select1, date…)
    bool calculated = false; ///< a calculation's result, not asked
    bool inRepeat = false;
    QStringList labels; ///< per language; the name when the form gives none
    std::vector<Choice> choices;
    /// The choice's label in a language, else its value.
    QString choiceLabel(const QString &value, int language) const;
    QString label(int language) const;
};

/// A submission as the analysis reads it.
struct SubmissionInput
{
    QString instanceId;
    QString submitter;   ///< who collected it (an enumerator's name)
    QString reviewState; ///< received, approved, hasIssues, rejected, edited; "" unreviewed
    QDateTime submittedAt;
    QByteArray xml;
};

struct Submission
{
    QString instanceId;
    QString submitter;
    QString reviewState;
    QDateTime submittedAt;
};

/// One question's answers across submissions. Outside repeats, entry i is row i's answer;
/// in a repeat, one entry per repeat entry and `row` says whose it is.
struct Column
{
    std::vector<int> row; ///< repeats only
    /// Selects and text: the answer's index in `pool` (-1: unanswered). Text keeps only
    /// whether it was answered (0).
    std::vector<qint32> code;
    QStringList pool;
    /// Numbers: the value; dates: days since 1970-01-01; locations: the latitude, and
    /// `second` the longitude. NaN: unanswered (or not a number, counted in `unreadable`).
    std::vector<double> number;
    std::vector<double> second;
    int unreadable = 0; ///< answers that are not a number, date or location

    qsizetype size() const { return qsizetype(code.empty() ? number.size() : code.size()); }
    int rowOf(qsizetype entry) const { return row.empty() ? int(entry) : row[std::size_t(entry)]; }
};

class Dataset
{
    Q_DECLARE_TR_FUNCTIONS(Dataset)
public:
    /// Reads the submissions against the form (its newest version: answers at paths the
    /// form no longer has are left out). A submission whose XML cannot be read is left out
    /// and named in `problems`. Rows are in the order of the instanceIDs (so that resampling
    /// them repeats, whatever order the submissions come in).
    static Dataset build(const std::shared_ptr<const form::FormDefinition> &form,
                         const std::vector<SubmissionInput> &inputs);

    QString formId;
    QString title;
    QStringList languages; ///< the form's; one label per language in each question
    std::vector<Question> questions;
    std::vector<Column> columns; ///< one per question
    std::vector<Submission> submissions;
    QStringList problems;

    int questionIndex(const QString &path) const { return m_index.value(path, -1); }
    qsizetype rowCount() const { return qsizetype(submissions.size()); }
    /// Index of the language to show for the app's language ("zh_CN", "en"): the form's
    /// matching one, else its first.
    int languageFor(const QString &appCode) const;

private:
    friend class DatasetBuilder;
    QHash<QString, int> m_index;
};

/// Reads submissions into a data set one at a time, so that a large project's XML need not
/// be held all at once (the server reads its database so). Add them in the order of their
/// instanceIDs, as build() does, for the bootstrap to draw the same rows.
class DatasetBuilder
{
public:
    /// `expected`: how many submissions will be added (room is made for them).
    explicit DatasetBuilder(const std::shared_ptr<const form::FormDefinition> &form,
                            std::size_t expected = 0);
    ~DatasetBuilder();
    DatasetBuilder(const DatasetBuilder &) = delete;
    DatasetBuilder &operator=(const DatasetBuilder &) = delete;

    /// The next submission; not after take().
    void add(const SubmissionInput &input);
    /// The data set so far: its questions are there before any submission.
    const Dataset &data() const { return *m_data; }
    /// The data set; the builder is spent.
    Dataset take();

private:
    class Reader;
    std::shared_ptr<const form::FormDefinition> m_form;
    std::unique_ptr<Dataset> m_data;
    std::unique_ptr<Reader> m_reader;
};

} // namespace survey::analysis
