// SPDX-License-Identifier: GPL-3.0-or-later
// A household carbon baseline: each household's kgCO2 a year by source, as the form's
// calculations give them, summarised per household and per person, overall and by group.
#pragma once

#include "stats.h"

#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace survey::analysis {

struct Household
{
    QString group;                  // the grouping answer (a district); may be empty
    std::optional<double> persons;  // people in the household, when answered
    QMap<QString, double> bySource; // source name → kgCO2 a year
    double total() const;
};

struct Summary
{
    int count = 0;
    double mean = 0;
    double median = 0;
    Interval ci95; // of the mean: the percentile bootstrap
};

struct Baseline
{
    Summary perHousehold;
    Summary perPerson;              // households with one person or more
    QMap<QString, double> bySource; // mean kgCO2 a year per household
    QMap<QString, Summary> byGroup; // per household, households with a group
};

/// The baseline of the households. Intervals repeat for a seed: per household uses `seed`,
/// per person seed + 1, the groups seed + 2, seed + 3… in the groups' sorted order.
/// Nothing when there are no households.
std::optional<Baseline> computeBaseline(const QList<Household> &households, std::uint32_t seed,
                                        int resamples = 2000);

} // namespace survey::analysis
