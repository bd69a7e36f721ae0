// SPDX-License-Identifier: GPL-3.0-or-later
#include "baseline.h"

namespace survey::analysis {

double Household::total() const
{
    double sum = 0;
    for (double v : bySource)
        sum += v;
    return sum;
}

namespace {

Summary summarise(const QList<double> &values, std::uint32_t seed, int resamples)
{
    Summary s;
    s.count = int(values.size());
    if (values.isEmpty())
        return s;
    s.mean = *mean(values);
    s.median = *median(values);
    s.ci95 = *bootstrap(values, Statistic::Mean, seed, resamples);
    return s;
}

} // namespace

std::optional<Baseline> computeBaseline(const QList<Household> &households, std::uint32_t seed,
                                        int resamples)
{
    if (households.isEmpty())
        return std::nullopt;
    Baseline b;
    QList<double> totals, perPerson;
    QMap<QString, QList<double>> groups;
    QMap<QString, double> sums;
    for (const Household &h : households) {
        const double total = h.total();
        totals.append(total);
        if (h.persons && *h.persons >= 1)
            perPerson.append(total / *h.persons);
        if (!h.group.isEmpty())
            groups[h.group].append(total);
        for (auto it = h.bySource.begin(); it != h.bySource.end(); ++it)
            sums[it.key()] += it.value();
    }
    b.perHousehold = summarise(totals, seed, resamples);
    b.perPerson = summarise(perPerson, seed + 1, resamples);
    // A household without a source's answer has none of it: the mean is over all of them.
    for (auto it = sums.begin(); it != sums.end(); ++it)
        b.bySource.insert(it.key(), it.value() / double(households.size()));
    std::uint32_t groupSeed = seed + 2;
    for (auto it = groups.begin(); it != groups.end(); ++it)
        b.byGroup.insert(it.key(), summarise(it.value(), groupSeed++, resamples));
    return b;
}

} // namespace survey::analysis
