// SPDX-License-Identifier: GPL-3.0-or-later
#include "baseline.h"

#include <QCoreApplication>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <thread>
#include <utility>

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

/// The households in strata (the groups in sorted order, then those without a group) as
/// rows of [per person (0: none), has people (1 or 0), sources…] (the total is the sum of
/// the sources).
struct Strata
{
    std::size_t width = 0;
    /// Row to row, in doubles: the width rounded up to whole 64-byte cache lines, so that a
    /// draw reads one line (or as few as can hold the row).
    std::size_t stride = 0;
    std::vector<std::vector<double>> rows; ///< per stratum, row-major, with room to align
    std::vector<std::size_t> counts;

    explicit Strata(const HouseholdTable &t)
    {
        const auto sources = std::size_t(t.sources.size());
        width = 2 + sources;
        stride = (width + 7) / 8 * 8;
        rows.resize(std::size_t(t.groups.size()) + 1);
        counts.assign(rows.size(), 0);
        for (std::size_t i = 0; i < std::size_t(t.size()); ++i)
            ++counts[t.group[i] < 0 ? rows.size() - 1 : std::size_t(t.group[i])];
        std::vector<std::size_t> filled(rows.size(), 0);
        for (std::size_t g = 0; g < rows.size(); ++g)
            rows[g].assign(counts[g] * stride + 8, 0.0);
        for (std::size_t i = 0; i < std::size_t(t.size()); ++i) {
            const std::size_t g = t.group[i] < 0 ? rows.size() - 1 : std::size_t(t.group[i]);
            double *row = data(g) + filled[g]++ * stride;
            const double total = t.total(qsizetype(i));
            row[0] = t.persons[i] >= 1 ? total / t.persons[i] : 0.0;
            row[1] = t.persons[i] >= 1 ? 1.0 : 0.0;
            std::copy(t.values.begin() + std::ptrdiff_t(i * sources),
                      t.values.begin() + std::ptrdiff_t((i + 1) * sources), row + 2);
        }
    }
    std::size_t count(std::size_t stratum) const { return counts[stratum]; }
    /// The stratum's first row, on a 64-byte boundary.
    const double *data(std::size_t g) const { return const_cast<Strata *>(this)->data(g); }
    double *data(std::size_t g)
    {
        auto address = reinterpret_cast<std::uintptr_t>(rows[g].data());
        return rows[g].data() + ((64 - address % 64) % 64) / sizeof(double);
    }
};

/// Adds n drawn rows of `width` columns into `sum`, in draw order, alternating between two
/// sets of sums (the additions of one need not wait for the other's). W > 0 is the width known at
/// compile time, so that the sums stay in registers; W = 0 reads `width`.
template<std::size_t W>
void addDraws(const double *data, std::size_t width, std::size_t stride, std::size_t n,
              const Indexes &indexes, Random &random, double *sum)
{
    constexpr std::size_t kMax = W > 0 ? W : 1;
    const std::size_t w = W > 0 ? W : width;
    if constexpr (W > 0) {
        // The indexes a batch at a time, then the rows, each asked of memory kAhead draws
        // before it is added: the rows lie in a table larger than the core's own caches,
        // and the loads overlap instead of waiting in turn.
        constexpr std::size_t kBatch = 256, kAhead = 16;
        std::uint32_t batch[kBatch];
        double a[kMax] = {}, b[kMax] = {};
        auto row = [&](std::size_t k) { return data + std::size_t(batch[k]) * stride; };
        for (std::size_t start = 0; start < n; start += kBatch) {
            const std::size_t count = std::min(kBatch, n - start);
            indexes.draw(random, batch, count);
            for (std::size_t k = 0; k < std::min(kAhead, count); ++k)
                __builtin_prefetch(row(k));
            std::size_t k = 0;
            for (; k + 2 <= count; k += 2) {
                __builtin_prefetch(row(std::min(k + kAhead, count - 1)));
                __builtin_prefetch(row(std::min(k + 1 + kAhead, count - 1)));
                const double *x = row(k);
                const double *y = row(k + 1);
#pragma GCC unroll 16
                for (std::size_t c = 0; c < W; ++c) {
                    a[c] += x[c];
                    b[c] += y[c];
                }
            }
            if (k < count) {
                const double *x = row(k);
#pragma GCC unroll 16
                for (std::size_t c = 0; c < W; ++c)
                    a[c] += x[c];
            }
        }
        for (std::size_t c = 0; c < W; ++c)
            sum[c] += a[c] + b[c];
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const double *x = data + std::size_t(indexes.draw(random)) * stride;
            for (std::size_t c = 0; c < w; ++c)
                sum[c] += x[c];
        }
    }
}

using AddDraws = void (*)(const double *, std::size_t, std::size_t, std::size_t, const Indexes &,
                          Random &, double *);

template<std::size_t... W>
constexpr std::array<AddDraws, sizeof...(W)> addDrawsTable(std::index_sequence<W...>)
{
    return {&addDraws<W>...};
}

/// One resample: per stratum, the sums of each column over n_g rows drawn with
/// replacement, n_g indexes in turn from `random`.
void resample(const Strata &strata, Random &random, std::vector<double> &sums)
{
    // Widths up to 16 columns (13 sources) have their own loop; wider ones the generic one.
    static constexpr auto table = addDrawsTable(std::make_index_sequence<17>());
    const std::size_t width = strata.width;
    const AddDraws add = width < table.size() ? table[width] : &addDraws<0>;
    sums.assign(strata.rows.size() * width, 0.0);
    for (std::size_t g = 0; g < strata.rows.size(); ++g) {
        const std::size_t n = strata.count(g);
        if (n > 0)
            add(strata.data(g), width, strata.stride, n, Indexes{std::uint32_t(n)}, random,
                &sums[g * width]);
    }
}

/// Runs `work(b)` for b in [0, count) on a few threads; each b writes only its own results.
void parallelFor(int count, const std::function<void(int)> &work)
{
    const int threads =
        std::clamp(int(std::thread::hardware_concurrency()), 1, std::min(8, std::max(1, count)));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int b = t; b < count; b += threads)
                work(b);
        });
    for (int b = 0; b < count; b += threads)
        work(b);
    for (std::thread &thread : pool)
        thread.join();
}

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

    // The resamples: b draws from its own generator (resampleSeed), so that they can run on
    // any number of threads and still repeat.
    const Strata strata(t);
    const std::size_t groups = std::size_t(t.groups.size());
    const std::size_t points = coefficients.points.size();
    const auto resamples = std::size_t(std::max(0, options.resamples));
    std::vector<double> householdMeans(resamples), personMeans(resamples);
    std::vector<double> groupMeans(resamples * groups), cityDraws(resamples);
    std::vector<double> pointDraws(resamples * points);
    std::vector<char> hasPeople(resamples);
    // The city's figure from source means (per group, or overall): Σ_g N_g · Σ_s a_s · m_gs.
    auto cityFigure = [&](const double *sourceMeans, std::size_t point) {
        auto household = [&](const double *m) {
            return point == SIZE_MAX ? std::accumulate(m, m + width, 0.0)
                                     : coefficients.perHousehold(point, m) *
                                           coefficients.points[point].households;
        };
        if (!cityByGroup)
            return *city.total * household(sourceMeans) / 1000.0;
        double kg = 0;
        for (std::size_t g = 0; g < weights.size(); ++g)
            kg += weights[g] * household(sourceMeans + g * width);
        return kg / 1000.0;
    };
    parallelFor(int(resamples), [&](int index) {
        const auto r = std::size_t(index);
        Random random(resampleSeed(options.seed, std::uint32_t(index)));
        std::vector<double> sums;
        resample(strata, random, sums);
        const std::size_t w = strata.width;
        double total = 0, perPerson = 0, people = 0;
        std::vector<double> overall(width, 0.0), byGroup(groups * width);
        for (std::size_t g = 0; g < strata.rows.size(); ++g) {
            const double *sum = &sums[g * w];
            perPerson += sum[0];
            people += sum[1];
            const double n = double(strata.count(g));
            const double groupTotal = std::accumulate(sum + 2, sum + w, 0.0);
            total += groupTotal;
            for (std::size_t s = 0; s < width; ++s) {
                overall[s] += sum[2 + s];
                if (g < groups)
                    byGroup[g * width + s] = sum[2 + s] / n;
            }
            if (g < groups)
                groupMeans[r * groups + g] = groupTotal / n;
        }
        householdMeans[r] = total / double(n);
        hasPeople[r] = people > 0;
        personMeans[r] = people > 0 ? perPerson / people : 0.0;
        if (!cityPossible)
            return;
        for (double &m : overall)
            m /= double(n);
        const double *means = cityByGroup ? byGroup.data() : overall.data();
        cityDraws[r] = cityFigure(means, SIZE_MAX);
        for (std::size_t p = 0; p < points; ++p)
            pointDraws[r * points + p] = cityFigure(means, p);
    });

    b.perHousehold.ci95 = percentiles(householdMeans);
    // A resample that drew no household with people has no figure per person.
    std::vector<double> people;
    for (std::size_t r = 0; r < resamples; ++r) {
        if (hasPeople[r])
            people.push_back(personMeans[r]);
    }
    b.perPerson.ci95 = percentiles(people);
    for (std::size_t g = 0; g < groups; ++g) {
        Summary s = summarise(groupTotals[g]);
        std::vector<double> draws(resamples);
        for (std::size_t r = 0; r < resamples; ++r)
            draws[r] = groupMeans[r * groups + g];
        s.ci95 = percentiles(draws);
        b.byGroup.insert(t.groups.at(qsizetype(g)), s);
    }
    if (!cityPossible)
        return b;

    std::vector<double> overallMeans(width);
    for (std::size_t s = 0; s < width; ++s)
        overallMeans[s] = sourceSums[s] / double(n);
    const double *estimate = cityByGroup ? groupSourceMeans.data() : overallMeans.data();
    b.city = CityFigure{cityFigure(estimate, SIZE_MAX), percentiles(cityDraws)};
    const double households =
        cityByGroup ? std::accumulate(weights.begin(), weights.end(), 0.0) : *city.total;
    for (std::size_t p = 0; p < points; ++p) {
        const auto &point = coefficients.points[p];
        std::vector<double> draws(resamples);
        for (std::size_t r = 0; r < resamples; ++r)
            draws[r] = pointDraws[r * points + p];
        const double tCO2 = cityFigure(estimate, p);
        b.forecast.push_back(
            {options.model.scenarios.at(point.scenario).name, point.year, tCO2, percentiles(draws),
             households > 0 ? tCO2 * 1000.0 / (households * point.households) : 0.0});
    }
    return b;
}

} // namespace survey::analysis
