// SPDX-License-Identifier: GPL-3.0-or-later
#include "stats.h"

#include <algorithm>
#include <cmath>

namespace survey::analysis {

std::optional<double> mean(const QList<double> &values)
{
    if (values.isEmpty())
        return std::nullopt;
    double sum = 0;
    for (double v : values)
        sum += v;
    return sum / double(values.size());
}

std::optional<double> median(QList<double> values)
{
    if (values.isEmpty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    return quantileOfSorted(values, 0.5);
}

double quantileOfSorted(const QList<double> &sorted, double p)
{
    const double h = double(sorted.size() - 1) * std::clamp(p, 0.0, 1.0);
    const qsizetype below = qsizetype(std::floor(h));
    const qsizetype above = std::min(below + 1, sorted.size() - 1);
    return sorted.at(below) + (h - double(below)) * (sorted.at(above) - sorted.at(below));
}

Random::Random(std::uint32_t seed)
{
    m_state[0] = seed;
    for (int i = 1; i < 624; ++i)
        m_state[i] = 1812433253u * (m_state[i - 1] ^ (m_state[i - 1] >> 30)) + std::uint32_t(i);
}

void Random::twist()
{
    constexpr std::uint32_t upper = 0x80000000u, lower = 0x7fffffffu, matrix = 0x9908b0dfu;
    auto mix = [&](int i, int j, int k) {
        const std::uint32_t y = (m_state[i] & upper) | (m_state[j] & lower);
        m_state[i] = m_state[k] ^ (y >> 1) ^ ((y & 1u) ? matrix : 0u);
    };
    int i = 0;
    for (; i < 624 - 397; ++i)
        mix(i, i + 1, i + 397);
    for (; i < 623; ++i)
        mix(i, i + 1, i + 397 - 624);
    mix(623, 0, 396);
    // Tempered all at once: the loop vectorises, and next() only reads.
    for (int j = 0; j < 624; ++j) {
        std::uint32_t y = m_state[j];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        m_out[j] = y;
    }
    m_next = 0;
}

std::uint32_t Random::index(std::uint32_t n)
{
    return Indexes(n).draw(*this);
}

Indexes::Indexes(std::uint32_t n)
    : m_n(n)
    , m_threshold(std::uint32_t((std::uint64_t(1) << 32) - n) % n)
{}

std::optional<Interval> bootstrap(const QList<double> &values, Statistic statistic,
                                  std::uint32_t seed, int resamples, double level)
{
    if (values.isEmpty() || resamples < 1)
        return std::nullopt;
    const Indexes indexes(std::uint32_t(values.size()));
    const double *data = values.constData();
    QList<double> sample(statistic == Statistic::Median ? values.size() : 0);
    QList<double> results;
    results.reserve(resamples);
    for (int b = 0; b < resamples; ++b) {
        Random random(resampleSeed(seed, std::uint32_t(b)));
        if (statistic == Statistic::Mean) {
            double sum = 0;
            for (qsizetype i = 0; i < values.size(); ++i)
                sum += data[indexes.draw(random)];
            results.append(sum / double(values.size()));
        } else {
            for (double &v : sample)
                v = data[indexes.draw(random)];
            results.append(*median(sample));
        }
    }
    std::sort(results.begin(), results.end());
    return Interval{quantileOfSorted(results, (1 - level) / 2),
                    quantileOfSorted(results, (1 + level) / 2)};
}

} // namespace survey::analysis
