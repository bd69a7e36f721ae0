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
    for (std::size_t i = 1; i < kBlock; ++i)
        m_state[i] = 1812433253u * (m_state[i - 1] ^ (m_state[i - 1] >> 30)) + std::uint32_t(i);
}

void Random::twist()
{
    // The recurrence without a branch (the matrix is added where y is odd), in runs whose
    // operands lie far enough apart for the compiler to vectorise them (the first run is cut
    // at 224, a multiple of the vector width, so that -O2's cheap vectoriser takes it too).
    constexpr std::uint32_t upper = 0x80000000u, lower = 0x7fffffffu, matrix = 0x9908b0dfu;
    constexpr std::size_t m = 397, n = kBlock;
    std::uint32_t *state = m_state;
    auto mix = [](std::uint32_t a, std::uint32_t b, std::uint32_t far) {
        const std::uint32_t y = (a & upper) | (b & lower);
        return far ^ (y >> 1) ^ ((0u - (y & 1u)) & matrix);
    };
    constexpr std::size_t whole = (n - m) / 8 * 8;
    for (std::size_t i = 0; i < whole; ++i)
        state[i] = mix(state[i], state[i + 1], state[i + m]);
    for (std::size_t i = whole; i < n - m; ++i)
        state[i] = mix(state[i], state[i + 1], state[i + m]);
    for (std::size_t i = n - m; i < n - 1; ++i)
        state[i] = mix(state[i], state[i + 1], state[i + m - n]);
    state[n - 1] = mix(state[n - 1], state[0], state[m - 1]);
    // Tempered all at once: the loop vectorises, and next() only reads.
    for (std::size_t j = 0; j < n; ++j) {
        std::uint32_t y = state[j];
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
