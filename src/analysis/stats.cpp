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

std::uint32_t Random::next()
{
    if (m_next >= 624) {
        for (int i = 0; i < 624; ++i) {
            const std::uint32_t y =
                (m_state[i] & 0x80000000u) | (m_state[(i + 1) % 624] & 0x7fffffffu);
            m_state[i] = m_state[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        m_next = 0;
    }
    std::uint32_t y = m_state[m_next++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

std::uint32_t Random::index(std::uint32_t n)
{
    const std::uint64_t range = std::uint64_t(1) << 32;
    const std::uint64_t limit = range - range % n;
    std::uint32_t x = next();
    while (x >= limit)
        x = next();
    return x % n;
}

std::optional<Interval> bootstrap(const QList<double> &values, Statistic statistic,
                                  std::uint32_t seed, int resamples, double level)
{
    if (values.isEmpty() || resamples < 1)
        return std::nullopt;
    Random random(seed);
    const auto n = std::uint32_t(values.size());
    QList<double> sample(values.size());
    QList<double> results;
    results.reserve(resamples);
    for (int b = 0; b < resamples; ++b) {
        for (std::uint32_t i = 0; i < n; ++i)
            sample[i] = values.at(random.index(n));
        results.append(statistic == Statistic::Mean ? *mean(sample) : *median(sample));
    }
    std::sort(results.begin(), results.end());
    return Interval{quantileOfSorted(results, (1 - level) / 2),
                    quantileOfSorted(results, (1 + level) / 2)};
}

} // namespace survey::analysis
