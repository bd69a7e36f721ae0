// SPDX-License-Identifier: GPL-3.0-or-later
// The statistics the analysis reports: means, medians and quantiles, and bootstrap
// confidence intervals that repeat exactly for a given seed (on every machine: the random
// numbers are MT19937's, drawn into indexes by a stated rule, not by a library's
// distribution, which C++ leaves to each implementation).
#pragma once

#include <QList>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace survey::analysis {

/// Mean of the values; nothing for none.
std::optional<double> mean(const QList<double> &values);
/// Median (the mean of the two middle values for an even count); nothing for none.
std::optional<double> median(QList<double> values);
/// The p-quantile (0 ≤ p ≤ 1) of sorted values, interpolating linearly between order
/// statistics at (n − 1)·p (Hyndman and Fan's type 7, R's and NumPy's default).
double quantileOfSorted(const QList<double> &sorted, double p);

/// MT19937 (the 32-bit Mersenne Twister, seeded as its authors' init_genrand).
class Random
{
public:
    static constexpr std::size_t kBlock = 624;

    explicit Random(std::uint32_t seed);
    std::uint32_t next()
    {
        if (m_next >= kBlock)
            twist();
        return m_out[m_next++];
    }
    /// The next numbers in order: `wanted` of them, or fewer where the current block ends
    /// (at least one; wanted ≥ 1).
    std::span<const std::uint32_t> take(std::size_t wanted)
    {
        if (m_next >= kBlock)
            twist();
        const std::size_t count = std::min(wanted, kBlock - m_next);
        const std::span<const std::uint32_t> numbers(m_out + m_next, count);
        m_next += count;
        return numbers;
    }
    /// A uniform index in [0, n), n ≥ 1 (as Indexes(n) draws it).
    std::uint32_t index(std::uint32_t n);

private:
    void twist();
    std::uint32_t m_state[kBlock];
    std::uint32_t m_out[kBlock];
    std::size_t m_next = kBlock;
};

/// Uniform indexes in [0, n) drawn from MT19937 by Lemire's multiply-and-reject method: a
/// draw x gives m = x·n (64 bits); it is rejected while m mod 2³² < (2³² − n) mod n, and
/// then gives m div 2³². One multiplication a draw, no division.
class Indexes
{
public:
    explicit Indexes(std::uint32_t n);
    std::uint32_t draw(Random &random) const
    {
        std::uint64_t m = std::uint64_t(random.next()) * m_n;
        while (std::uint32_t(m) < m_threshold)
            m = std::uint64_t(random.next()) * m_n;
        return std::uint32_t(m >> 32);
    }
    /// `count` draws into `out`, the same as `count` calls of draw(random), a block of the
    /// generator's numbers at a time. A rejected number writes a slot that the next number
    /// overwrites, so the loop has no branch to mispredict.
    void draw(Random &random, std::uint32_t *out, std::size_t count) const
    {
        std::size_t k = 0;
        while (k < count) {
            // At most one index a number: k stays below count.
            for (const std::uint32_t x : random.take(count - k)) {
                const std::uint64_t m = std::uint64_t(x) * m_n;
                out[k] = std::uint32_t(m >> 32);
                k += std::uint32_t(m) >= m_threshold ? 1 : 0;
            }
        }
    }

private:
    std::uint32_t m_n;
    std::uint32_t m_threshold;
};

struct Interval
{
    double low = 0;
    double high = 0;
};

/// The generator of resample b for a seed: Random(seed × 2654435761 + b), mod 2³². Each
/// resample has its own, so resamples can be drawn on any number of threads and repeat; the
/// multiplier keeps nearby seeds' resamples apart.
inline std::uint32_t resampleSeed(std::uint32_t seed, std::uint32_t b)
{
    return seed * 2654435761u + b;
}

enum class Statistic { Mean, Median };

/// The percentile bootstrap interval of the statistic at `level` (0.95): `resamples`
/// samples of the values drawn with replacement (resample b takes n indexes, in order, from
/// Random(resampleSeed(seed, b))), the statistic of each, and the (1 − level)/2 and (1 + level)/2
/// quantiles of those. Nothing for no values.
std::optional<Interval> bootstrap(const QList<double> &values, Statistic statistic,
                                  std::uint32_t seed, int resamples = 2000, double level = 0.95);

} // namespace survey::analysis
