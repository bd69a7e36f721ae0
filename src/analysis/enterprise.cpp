// SPDX-License-Identifier: GPL-3.0-or-later
#include "enterprise.h"

#include <cmath>

namespace survey::analysis {

namespace {

/// Whether the row's answer to the service's question means interest.
class Interest
{
public:
    Interest(const Dataset &data, const EnterpriseSpec::Service &service)
        : m_column(data.columns[std::size_t(data.questionIndex(service.field))])
    {
        const bool multiple = data.questions[std::size_t(data.questionIndex(service.field))].kind ==
                              QuestionKind::SelectMultiple;
        for (const QString &answer : m_column.pool) {
            const QStringList chosen =
                multiple ? answer.split(QLatin1Char(' '), Qt::SkipEmptyParts) : QStringList{answer};
            m_interested.push_back(std::any_of(chosen.begin(), chosen.end(), [&](const QString &v) {
                return service.values.contains(v);
            }));
        }
    }
    bool operator()(std::size_t row) const
    {
        const qint32 code = m_column.code[row];
        return code >= 0 && m_interested[std::size_t(code)];
    }

private:
    const Column &m_column;
    std::vector<bool> m_interested;
};

} // namespace

EnterpriseDemand enterpriseDemand(const Dataset &data, const EnterpriseSpec &spec, const Rows &rows)
{
    EnterpriseDemand out;
    out.count = countRows(rows);
    std::vector<Interest> interest;
    for (const auto &service : spec.services)
        interest.emplace_back(data, service);
    std::vector<char> any(rows.size(), 0);
    std::vector<std::vector<std::pair<QString, Rows>>> breakdowns;
    for (const QString &by : spec.by)
        breakdowns.push_back(groupRows(data, data.questionIndex(by), rows));
    for (std::size_t s = 0; s < interest.size(); ++s) {
        ServiceDemand d;
        d.name = spec.services.at(qsizetype(s)).name;
        for (std::size_t r = 0; r < rows.size(); ++r) {
            if (rows[r] && interest[s](r)) {
                ++d.interested;
                any[r] = 1;
            }
        }
        d.share = out.count > 0 ? double(d.interested) / out.count : 0.0;
        for (const auto &groups : breakdowns) {
            std::vector<std::pair<QString, std::pair<int, int>>> cells;
            for (const auto &[value, groupRows] : groups) {
                int yes = 0;
                for (std::size_t r = 0; r < groupRows.size(); ++r)
                    yes += groupRows[r] && interest[s](r) ? 1 : 0;
                cells.push_back({value, {yes, countRows(groupRows)}});
            }
            d.by.push_back(std::move(cells));
        }
        out.services.push_back(std::move(d));
    }
    out.interestedAny = countRows(any);
    if (!spec.willingnessToPay.isEmpty())
        out.willingnessToPay = summarise(data, data.questionIndex(spec.willingnessToPay), rows);
    if (!spec.energySpend.isEmpty()) {
        const int q = data.questionIndex(spec.energySpend);
        out.energySpend = summarise(data, q, rows);
        const Column &spend = data.columns[std::size_t(q)];
        for (std::size_t r = 0; r < rows.size(); ++r) {
            if (!rows[r] || std::isnan(spend.number[r]))
                continue;
            out.totalSpend += spend.number[r];
            if (any[r])
                out.estimatedSavings += spend.number[r] * spec.savingsShare;
        }
    }
    return out;
}

} // namespace survey::analysis
