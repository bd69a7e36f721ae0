// SPDX-License-Identifier: GPL-3.0-or-later
#include "summary.h"

#include "stats.h"

#include <algorithm>
#include <cmath>

namespace survey::analysis {

Rows rowsMatching(const Dataset &data, const Filter &filter)
{
    Rows rows(std::size_t(data.rowCount()), 1);
    std::vector<std::pair<const Column *, int>> equals; // column, code wanted (-2: none)
    for (const auto &[question, value] : filter.equals) {
        const Column &c = data.columns[std::size_t(question)];
        equals.emplace_back(&c, c.pool.contains(value) ? int(c.pool.indexOf(value)) : -2);
    }
    for (qsizetype r = 0; r < data.rowCount(); ++r) {
        const Submission &s = data.submissions[std::size_t(r)];
        bool keep = !filter.approvedOnly || s.reviewState == QLatin1String("approved");
        if (keep && !filter.submitter.isEmpty())
            keep = s.submitter == filter.submitter;
        if (keep && (filter.from.isValid() || filter.to.isValid())) {
            const QDate day = s.submittedAt.date();
            keep = (!filter.from.isValid() || day >= filter.from) &&
                   (!filter.to.isValid() || day <= filter.to);
        }
        for (const auto &[column, code] : equals) {
            if (!keep)
                break;
            keep = column->code[std::size_t(r)] == code;
        }
        rows[std::size_t(r)] = keep ? 1 : 0;
    }
    return rows;
}

int countRows(const Rows &rows)
{
    return int(std::count(rows.begin(), rows.end(), 1));
}

std::vector<Bin> histogram(const std::vector<double> &values, bool integers)
{
    if (values.empty())
        return {};
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const double min = *lo, max = *hi;
    const int wanted = std::clamp(int(std::ceil(std::log2(double(values.size())))) + 1, 1, 20);
    double raw = (max - min) / wanted;
    if (raw <= 0)
        raw = integers ? 1.0 : std::max(std::abs(min), 1.0) / 10.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude * 10;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (m * magnitude >= raw * (1 - 1e-12)) {
            step = m * magnitude;
            break;
        }
    }
    if (integers)
        step = std::max(1.0, std::ceil(step));
    const double start = std::floor(min / step) * step;
    const int count = std::max(1, int(std::floor((max - start) / step)) + 1);
    std::vector<Bin> bins(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        bins[std::size_t(i)] = {start + i * step, start + (i + 1) * step, 0};
    for (double v : values) {
        const int at = std::clamp(int(std::floor((v - start) / step)), 0, count - 1);
        ++bins[std::size_t(at)].count;
    }
    return bins;
}

namespace {

void countSelects(const Question &q, const Column &c, const Rows &rows, QuestionSummary &out)
{
    std::vector<int> perPool(std::size_t(c.pool.size()), 0);
    for (qsizetype i = 0; i < c.size(); ++i) {
        if (!rows[std::size_t(c.rowOf(i))])
            continue;
        const qint32 code = c.code[std::size_t(i)];
        if (code < 0) {
            ++out.missing;
            continue;
        }
        ++out.answered;
        ++perPool[std::size_t(code)];
    }
    // Per value: a select multiple's answer counts once for each value it holds.
    std::map<QString, int> byValue;
    for (qsizetype p = 0; p < c.pool.size(); ++p) {
        if (perPool[std::size_t(p)] == 0)
            continue;
        if (q.kind == QuestionKind::SelectMultiple) {
            for (const QString &v : c.pool.at(p).split(QLatin1Char(' '), Qt::SkipEmptyParts))
                byValue[v] += perPool[std::size_t(p)];
        } else {
            byValue[c.pool.at(p)] += perPool[std::size_t(p)];
        }
    }
    auto add = [&](const QString &value, int count) {
        out.counts.push_back({value, count, out.answered > 0 ? double(count) / out.answered : 0.0});
    };
    for (const Choice &choice : q.choices) {
        const auto it = byValue.find(choice.value);
        add(choice.value, it == byValue.end() ? 0 : it->second);
        if (it != byValue.end())
            byValue.erase(it);
    }
    for (const auto &[value, count] : byValue)
        add(value, count);
}

} // namespace

QuestionSummary summarise(const Dataset &data, int question, const Rows &rows)
{
    QuestionSummary out;
    out.question = question;
    const Question &q = data.questions[std::size_t(question)];
    const Column &c = data.columns[std::size_t(question)];
    if (q.kind == QuestionKind::SelectOne || q.kind == QuestionKind::SelectMultiple) {
        countSelects(q, c, rows, out);
        return out;
    }
    if (q.kind == QuestionKind::Text) {
        for (qsizetype i = 0; i < c.size(); ++i) {
            if (rows[std::size_t(c.rowOf(i))])
                ++(c.code[std::size_t(i)] >= 0 ? out.answered : out.missing);
        }
        return out;
    }
    std::vector<double> values;
    std::map<qint64, int> days;
    for (qsizetype i = 0; i < c.size(); ++i) {
        if (!rows[std::size_t(c.rowOf(i))])
            continue;
        const double v = c.number[std::size_t(i)];
        if (std::isnan(v)) {
            ++out.missing;
            continue;
        }
        ++out.answered;
        if (q.kind == QuestionKind::Location)
            out.points.emplace_back(c.second[std::size_t(i)], v);
        else if (q.kind == QuestionKind::Date)
            ++days[qint64(v)];
        else
            values.push_back(v);
    }
    out.unreadable = c.unreadable;
    for (const auto &[day, count] : days)
        out.perDay.emplace_back(QDate(1970, 1, 1).addDays(day), count);
    if (!values.empty()) {
        const QList<double> list(values.begin(), values.end());
        const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
        out.stats = {int(values.size()), *lo, *hi, *mean(list), *median(list)};
        out.histogram = histogram(values, q.type == QLatin1String("int"));
    }
    return out;
}

std::vector<std::pair<QString, Rows>> groupRows(const Dataset &data, int question, const Rows &rows)
{
    const Question &q = data.questions[std::size_t(question)];
    const Column &c = data.columns[std::size_t(question)];
    QStringList order;
    for (const Choice &choice : q.choices)
        order.append(choice.value);
    QStringList others;
    for (const QString &value : c.pool) {
        if (!order.contains(value))
            others.append(value);
    }
    std::sort(others.begin(), others.end());
    order += others;
    order.append(QString());
    std::vector<Rows> groups(std::size_t(order.size()), Rows(rows.size(), 0));
    std::vector<int> groupOfCode;
    for (const QString &value : c.pool)
        groupOfCode.push_back(int(order.indexOf(value)));
    std::vector<int> sizes(groups.size(), 0);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (!rows[r])
            continue;
        const qint32 code = c.code[r];
        const auto g = std::size_t(code < 0 ? order.size() - 1 : groupOfCode[std::size_t(code)]);
        groups[g][r] = 1;
        ++sizes[g];
    }
    std::vector<std::pair<QString, Rows>> out;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        if (sizes[g] > 0)
            out.emplace_back(order.at(qsizetype(g)), std::move(groups[g]));
    }
    return out;
}

std::vector<std::pair<QDate, std::map<QString, int>>> progressPerDay(const Dataset &data,
                                                                     const Rows &rows)
{
    std::map<QDate, std::map<QString, int>> days;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (!rows[r])
            continue;
        const Submission &s = data.submissions[r];
        ++days[s.submittedAt.date()][s.reviewState];
    }
    return {days.begin(), days.end()};
}

} // namespace survey::analysis
