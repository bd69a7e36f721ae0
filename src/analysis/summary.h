// SPDX-License-Identifier: GPL-3.0-or-later
// A fitting summary of any question, for any form: counts and shares for selects, a
// histogram and statistics for numbers, counts per day for dates, points for locations, the
// number answered for text. Filters choose the submissions; a select-one question groups
// them.
#pragma once

#include "dataset.h"

#include <QDate>
#include <QPointF>

#include <map>
#include <vector>

namespace survey::analysis {

/// Which submissions count: all of them by default.
struct Filter
{
    bool approvedOnly = false;
    QDate from; ///< submitted on or after (invalid: no bound)
    QDate to;   ///< submitted on or before
    QString submitter;
    /// Select-one questions (index) and the value each must have.
    std::vector<std::pair<int, QString>> equals;
};

/// One flag per row of the data set: whether the filter keeps it.
using Rows = std::vector<char>;
Rows rowsMatching(const Dataset &data, const Filter &filter);
int countRows(const Rows &rows);

struct Count
{
    QString value;
    int count = 0;
    double share = 0; ///< of the answers (selects multiple: of those who answered)
};

struct NumberStats
{
    int count = 0;
    double min = 0;
    double max = 0;
    double mean = 0;
    double median = 0;
};

struct Bin
{
    double from = 0; ///< from ≤ v < to; the last bin holds its upper edge too
    double to = 0;
    int count = 0;
};

struct QuestionSummary
{
    int question = -1;
    int answered = 0;          ///< answers (in a repeat: entries answered)
    int missing = 0;           ///< kept submissions (or entries) without an answer
    int unreadable = 0;        ///< answered with something not a number, date or location
    std::vector<Count> counts; ///< selects: the form's choices in order, then others
    NumberStats stats;         ///< numbers
    std::vector<Bin> histogram;
    std::vector<std::pair<QDate, int>> perDay; ///< dates, ascending
    std::vector<QPointF> points;               ///< locations: x longitude, y latitude
};

QuestionSummary summarise(const Dataset &data, int question, const Rows &rows);

/// The kept rows split by a select-one question's answer: the form's choices in order,
/// then other values, then "" for no answer; groups without rows are left out.
std::vector<std::pair<QString, Rows>> groupRows(const Dataset &data, int question,
                                                const Rows &rows);

/// Bins of a "nice" width (1, 2, 2.5 or 5 × 10^k) covering the values, about
/// log2(n) + 1 of them (at most 20). Integers get widths of 1 or more.
std::vector<Bin> histogram(const std::vector<double> &values, bool integers);

/// Submissions per day by review state ("" for unreviewed), days ascending.
std::vector<std::pair<QDate, std::map<QString, int>>> progressPerDay(const Dataset &data,
                                                                     const Rows &rows);

} // namespace survey::analysis
