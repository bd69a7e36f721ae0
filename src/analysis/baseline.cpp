// SPDX-License-Identifier: GPL-3.0-or-later
#include "baseline.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>

namespace survey::analysis {

void HouseholdTable::append(const QMap<QString, double> &bySource, double people,
                            const QString &groupName)
{
    for (const QString &source : std::as_const(sources))
        values.push_back(bySource.value(source, 0.0));
    persons.push_back(people);
    if (groupName.isEmpty()) {
        group.push_back(-1);
        return;
    }
    auto at = std::lower_bound(groups.begin(), groups.end(), groupName);
    const int index = int(at - groups.begin());
    if (at == groups.end() || *at != groupName) {
        groups.insert(at, groupName);
        for (int &g : group) {
            if (g >= index)
                ++g;
        }
    }
    group.push_back(index);
}

double HouseholdTable::total(qsizetype row) const
{
    const auto width = qsizetype(sources.size());
    double sum = 0;
    for (qsizetype s = 0; s < width; ++s)
        sum += values[std::size_t(row * width + s)];
    return sum;
}

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Analysis", text);
}

Interval percentiles(std::vector<double> results)
{
    if (results.empty())
        return {};
    std::sort(results.begin(), results.end());
    const QList<double> sorted(results.begin(), results.end());
    return {quantileOfSorted(sorted, 0.025), quantileOfSorted(sorted, 0.975)};
}

Summary summarise(const std::vector<double> &values)
{
    Summary s;
    s.count = int(values.size());
    if (values.empty())
        return s;
    const QList<double> list(values.begin(), values.end());
    s.mean = *mean(list);
    s.median = *median(list);
    return s;
}

/// The forecast's coefficients: per scenario and year, the factor of each source and of
/// the households, so that a year's city figure is hf · Σ_s a_s · mean_s over groups.
struct Coefficients
{
    struct Point
    {
        int scenario = 0;
        int year = 0;
        QList<double> sources;
        double households = 1;
    };
    std::vector<Point> points;

    /// The factors in the order of the table's sources (a source the model lacks: 1).
    Coefficients(const ForecastModel &model, const QStringList &tableSources)
    {
        for (int s = 0; s < model.scenarios.size(); ++s) {
            for (int year : model.years) {
                const QList<double> factors = sourceFactors(model, model.scenarios.at(s), year);
                QList<double> inTable;
                for (const QString &name : tableSources) {
                    const auto at =
                        std::find_if(model.sources.begin(), model.sources.end(),
                                     [&](const Source &source) { return source.name == name; });
                    inTable.append(
                        at == model.sources.end() ? 1.0 : factors.at(at - model.sources.begin()));
                }
                points.push_back(
                    {s, year, inTable, householdFactor(model, model.scenarios.at(s), year)});
            }
        }
    }
    /// kgCO2 a year of a household with these mean sources, at point p.
    double perHousehold(std::size_t p, const double *sourceMeans) const
    {
        const Point &point = points[p];
        double sum = 0;
        for (qsizetype s = 0; s < point.sources.size(); ++s)
            sum += point.sources.at(s) * sourceMeans[s];
        return sum;
    }
};

/// The resampling of every household (seed): the mean per household, per person, and, when
/// the city is one total, the source means for the forecast.
struct OverallPass
{
    std::vector<double> householdMeans;
    std::vector<double> personMeans;
    std::vector<std::vector<double>> sourceMeans; ///< per resample, when asked for

    void run(const HouseholdTable &t, std::uint32_t seed, int resamples, bool withSources)
    {
        const auto n = std::size_t(t.size());
        const auto width = std::size_t(t.sources.size());
        // Rows of [total, per person (NaN: none), sources…]: one cache line a draw.
        const std::size_t stride = 2 + (withSources ? width : 0);
        std::vector<double> rows(n * stride);
        for (std::size_t i = 0; i < n; ++i) {
            double *row = &rows[i * stride];
            row[0] = t.total(qsizetype(i));
            row[1] = t.persons[i] >= 1 ? row[0] / t.persons[i] : std::nan("");
            for (std::size_t s = 0; withSources && s < width; ++s)
                row[2 + s] = t.values[i * width + s];
        }
        Random random(seed);
        const Indexes indexes{std::uint32_t(n)};
        std::vector<double> sums(width);
        for (int b = 0; b < resamples; ++b) {
            double total = 0, perPerson = 0;
            std::size_t people = 0;
            std::fill(sums.begin(), sums.end(), 0.0);
            for (std::size_t i = 0; i < n; ++i) {
                const double *row = &rows[indexes.draw(random) * stride];
                total += row[0];
                if (!std::isnan(row[1])) {
                    perPerson += row[1];
                    ++people;
                }
                for (std::size_t s = 0; withSources && s < width; ++s)
                    sums[s] += row[2 + s];
            }
            householdMeans.push_back(total / double(n));
            // A resample that drew no household with people has no figure per person.
            if (people > 0)
                personMeans.push_back(perPerson / double(people));
            if (withSources) {
                for (double &sum : sums)
                    sum /= double(n);
                sourceMeans.push_back(sums);
            }
        }
    }
};

/// The resampling within each group (seed + 1), groups in sorted order: each group's mean,
/// and its source means for the city and the forecast.
struct GroupPass
{
    std::vector<std::vector<double>> groupMeans; ///< per group, per resample
    /// Per resample: per group, the source means (groups × sources).
    std::vector<std::vector<double>> sourceMeans;

    void run(const HouseholdTable &t, std::uint32_t seed, int resamples, bool withSources)
    {
        const auto width = std::size_t(t.sources.size());
        const auto groups = std::size_t(t.groups.size());
        const std::size_t stride = 1 + width;
        std::vector<std::vector<double>> rows(groups);
        for (std::size_t i = 0; i < std::size_t(t.size()); ++i) {
            if (t.group[i] < 0)
                continue;
            std::vector<double> &g = rows[std::size_t(t.group[i])];
            g.push_back(t.total(qsizetype(i)));
            g.insert(g.end(), t.values.begin() + std::ptrdiff_t(i * width),
                     t.values.begin() + std::ptrdiff_t((i + 1) * width));
        }
        groupMeans.assign(groups, {});
        Random random(seed);
        std::vector<double> sums(stride);
        for (int b = 0; b < resamples; ++b) {
            std::vector<double> means(withSources ? groups * width : 0);
            for (std::size_t g = 0; g < groups; ++g) {
                const std::size_t n = rows[g].size() / stride;
                const Indexes indexes{std::uint32_t(n)};
                std::fill(sums.begin(), sums.end(), 0.0);
                for (std::size_t i = 0; i < n; ++i) {
                    const double *row = &rows[g][indexes.draw(random) * stride];
                    for (std::size_t c = 0; c < (withSources ? stride : 1); ++c)
                        sums[c] += row[c];
                }
                groupMeans[g].push_back(sums[0] / double(n));
                for (std::size_t s = 0; withSources && s < width; ++s)
                    means[g * width + s] = sums[1 + s] / double(n);
            }
            if (withSources)
                sourceMeans.push_back(std::move(means));
        }
    }
};

} // namespace

std::optional<Baseline> computeBaseline(const HouseholdTable &t, const BaselineOptions &options)
{
    const auto n = std::size_t(t.size());
    if (n == 0)
        return std::nullopt;
    const auto width = std::size_t(t.sources.size());
    Baseline b;

    // Point figures.
    std::vector<double> totals(n), perPerson;
    std::vector<std::vector<double>> groupTotals(std::size_t(t.groups.size()));
    std::vector<double> sourceSums(width);
    std::vector<double> groupSourceMeans(std::size_t(t.groups.size()) * width);
    for (std::size_t i = 0; i < n; ++i) {
        totals[i] = t.total(qsizetype(i));
        if (t.persons[i] >= 1)
            perPerson.push_back(totals[i] / t.persons[i]);
        for (std::size_t s = 0; s < width; ++s)
            sourceSums[s] += t.values[i * width + s];
        if (t.group[i] >= 0) {
            const auto g = std::size_t(t.group[i]);
            groupTotals[g].push_back(totals[i]);
            for (std::size_t s = 0; s < width; ++s)
                groupSourceMeans[g * width + s] += t.values[i * width + s];
        }
    }
    b.perHousehold = summarise(totals);
    b.perPerson = summarise(perPerson);
    for (std::size_t s = 0; s < width; ++s)
        b.bySource.insert(t.sources.at(qsizetype(s)), sourceSums[s] / double(n));
    for (std::size_t g = 0; g < groupTotals.size(); ++g) {
        for (std::size_t s = 0; s < width; ++s)
            groupSourceMeans[g * width + s] /= double(groupTotals[g].size());
    }

    // Which groups the city counts, and with how many households.
    const CityHouseholds &city = options.households;
    std::vector<double> weights(std::size_t(t.groups.size()), 0.0);
    bool cityByGroup = !city.byGroup.isEmpty();
    bool cityPossible = !city.isEmpty();
    if (cityByGroup) {
        for (auto it = city.byGroup.begin(); it != city.byGroup.end(); ++it) {
            const auto g = t.groups.indexOf(it.key());
            if (g >= 0) {
                weights[std::size_t(g)] = it.value();
            } else if (it.value() > 0) {
                b.warnings.append(tr("The city has %1 households in “%2”, but none of them "
                                     "was surveyed: there is no city figure. Survey some, or "
                                     "count them in another group.")
                                      .arg(it.value(), 0, 'f', 0)
                                      .arg(it.key()));
                cityPossible = false;
            }
        }
        for (qsizetype g = 0; g < t.groups.size(); ++g) {
            if (!city.byGroup.contains(t.groups.at(g)))
                b.warnings.append(tr("No number of households is given for “%1”: its "
                                     "surveyed households are left out of the city figure.")
                                      .arg(t.groups.at(g)));
        }
    }
    const bool forecast = cityPossible && !options.model.isEmpty();
    const Coefficients coefficients(forecast ? options.model : ForecastModel{}, t.sources);

    OverallPass overall;
    GroupPass grouped;
    std::thread overallThread(
        [&] { overall.run(t, options.seed, options.resamples, cityPossible && !cityByGroup); });
    grouped.run(t, options.seed + 1, options.resamples, cityPossible && cityByGroup);
    overallThread.join();

    b.perHousehold.ci95 = percentiles(overall.householdMeans);
    b.perPerson.ci95 = percentiles(overall.personMeans);
    for (std::size_t g = 0; g < groupTotals.size(); ++g) {
        Summary s = summarise(groupTotals[g]);
        s.ci95 = percentiles(grouped.groupMeans[g]);
        b.byGroup.insert(t.groups.at(qsizetype(g)), s);
    }
    if (!cityPossible)
        return b;

    // The city (and each forecast point) from source means: Σ_g N_g · Σ_s a_s · m_gs.
    auto cityFigure = [&](const std::vector<double> &sourceMeans, std::size_t point) {
        double kg = 0;
        if (!cityByGroup) {
            kg = *city.total * (point == SIZE_MAX
                                    ? std::accumulate(sourceMeans.begin(), sourceMeans.end(), 0.0)
                                    : coefficients.perHousehold(point, sourceMeans.data()) *
                                          coefficients.points[point].households);
            return kg / 1000.0;
        }
        for (std::size_t g = 0; g < weights.size(); ++g) {
            const double *m = &sourceMeans[g * width];
            kg += weights[g] * (point == SIZE_MAX ? std::accumulate(m, m + width, 0.0)
                                                  : coefficients.perHousehold(point, m) *
                                                        coefficients.points[point].households);
        }
        return kg / 1000.0;
    };
    std::vector<double> overallMeans(width);
    for (std::size_t s = 0; s < width; ++s)
        overallMeans[s] = sourceSums[s] / double(n);
    const std::vector<double> &estimate = cityByGroup ? groupSourceMeans : overallMeans;
    const auto &resampled = cityByGroup ? grouped.sourceMeans : overall.sourceMeans;

    std::vector<double> draws;
    for (const auto &means : resampled)
        draws.push_back(cityFigure(means, SIZE_MAX));
    b.city = CityFigure{cityFigure(estimate, SIZE_MAX), percentiles(draws)};
    const double households =
        cityByGroup ? std::accumulate(weights.begin(), weights.end(), 0.0) : *city.total;
    for (std::size_t p = 0; p < coefficients.points.size(); ++p) {
        const auto &point = coefficients.points[p];
        draws.clear();
        for (const auto &means : resampled)
            draws.push_back(cityFigure(means, p));
        const double tCO2 = cityFigure(estimate, p);
        b.forecast.push_back(
            {options.model.scenarios.at(point.scenario).name, point.year, tCO2, percentiles(draws),
             households > 0 ? tCO2 * 1000.0 / (households * point.households) : 0.0});
    }
    return b;
}

} // namespace survey::analysis
