// SPDX-License-Identifier: GPL-3.0-or-later
// A household carbon baseline: each household's kgCO2 a year by source, as the form's
// calculations give them, summarised per household and per person, overall and by group;
// extrapolated to the city from its number of households per group; and forecast under
// scenarios (see forecast.h).
#pragma once

#include "forecast.h"
#include "stats.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace survey::analysis {

/// The households as a table: one row per household, one column per source.
struct HouseholdTable
{
    QStringList sources;         ///< column names, in the order of `values`' columns
    std::vector<double> values;  ///< kgCO2 a year, row-major: households × sources
    std::vector<double> persons; ///< people in each household; NaN when not answered
    std::vector<int> group;      ///< index into `groups`; -1 when the household has none
    QStringList groups;          ///< the grouping answers (districts), sorted

    qsizetype size() const { return qsizetype(persons.size()); }
    /// Appends a household; `bySource` is keyed by `sources`, a missing source is 0.
    void append(const QMap<QString, double> &bySource, double persons, const QString &group);
    double total(qsizetype row) const;
};

struct Summary
{
    int count = 0;
    double mean = 0;
    double median = 0;
    Interval ci95; ///< of the mean: the percentile bootstrap
};

/// The city's households in a year, in tCO2, with the bootstrap interval.
struct CityFigure
{
    double tCO2 = 0;
    Interval ci95;
};

struct ForecastPoint
{
    QString scenario;
    int year = 0;
    double tCO2 = 0;
    Interval ci95;
    double perHousehold = 0; ///< kgCO2 a year of the mean household that year
};

/// How many households the city has: per group, or one number for the whole city.
struct CityHouseholds
{
    QMap<QString, double> byGroup;
    std::optional<double> total;
    bool isEmpty() const { return byGroup.isEmpty() && !total; }
};

struct BaselineOptions
{
    std::uint32_t seed = 20261205;
    int resamples = 2000;
    CityHouseholds households; ///< empty: no extrapolation and no forecast
    ForecastModel model;       ///< its sources name the table's columns
};

struct Baseline
{
    Summary perHousehold;
    Summary perPerson;              ///< households with one person or more
    QMap<QString, double> bySource; ///< mean kgCO2 a year per household
    QMap<QString, Summary> byGroup; ///< per household, households with a group
    std::optional<CityFigure> city;
    std::vector<ForecastPoint> forecast; ///< scenarios in order, years ascending
    QStringList warnings;                ///< what the figures leave out, and why
};

/// The baseline of the households; nothing when there are none. Every interval comes from
/// one stratified bootstrap that repeats for a seed: resample b draws, from its own
/// generator (resampleSeed(seed, b)), n_g households with replacement in each stratum in
/// turn (the groups sorted, then the households without a group). With per-group
/// households the city is Σ N_g × mean_g; with a total, N × mean. The resamples run on as
/// many threads as the machine has.
std::optional<Baseline> computeBaseline(const HouseholdTable &households,
                                        const BaselineOptions &options);

} // namespace survey::analysis
