#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference figures for tst_analysis, worked out apart from our C++ code.

Everything here is written from the published definitions, in plain Python (no NumPy):
- MT19937 as Matsumoto and Nishimura publish it (init_genrand, genrand_int32);
- uniform indexes by rejection: keep a draw x when x < 2**32 - (2**32 % n), use x % n;
- quantiles of Hyndman and Fan's type 7 (linear between order statistics at (n-1)p);
- the percentile bootstrap: `resamples` samples of n values drawn with replacement, n
  indexes each in order from one generator, the statistic of each, the 2.5% and 97.5%
  quantiles of those.

Run it to print the figures that bootstrap-reference.json holds:

    python3 tests/data/analysis/reference.py > tests/data/analysis/bootstrap-reference.json
"""
import json


class MT19937:
    def __init__(self, seed):
        self.mt = [0] * 624
        self.mt[0] = seed & 0xFFFFFFFF
        for i in range(1, 624):
            prev = self.mt[i - 1]
            self.mt[i] = (1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF
        self.index = 624

    def genrand_int32(self):
        if self.index >= 624:
            for i in range(624):
                y = (self.mt[i] & 0x80000000) | (self.mt[(i + 1) % 624] & 0x7FFFFFFF)
                self.mt[i] = self.mt[(i + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.index = 0
        y = self.mt[self.index]
        self.index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y & 0xFFFFFFFF

    def index_below(self, n):
        limit = 2**32 - (2**32 % n)
        while True:
            x = self.genrand_int32()
            if x < limit:
                return x % n


def quantile(sorted_values, p):
    h = (len(sorted_values) - 1) * p
    lo = int(h // 1)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def mean(values):
    return sum(values) / len(values)


def median(values):
    return quantile(sorted(values), 0.5)


def bootstrap(values, statistic, seed, resamples=2000, level=0.95):
    rng = MT19937(seed)
    n = len(values)
    results = []
    for _ in range(resamples):
        sample = [values[rng.index_below(n)] for _ in range(n)]
        results.append(statistic(sample))
    results.sort()
    return [quantile(results, (1 - level) / 2), quantile(results, (1 + level) / 2)]


# Twelve households' emissions, kgCO2 a year (made up for the test; no real household).
HOUSEHOLDS = [2310.5, 4120.0, 1875.25, 3560.75, 980.0, 6240.5,
              2745.0, 3310.25, 1520.0, 5080.75, 2990.5, 4415.0]
SEED = 20261205

if __name__ == "__main__":
    gen = MT19937(5489)
    first = gen.genrand_int32()
    for _ in range(9998):
        gen.genrand_int32()
    out = {
        "seed": SEED,
        "values": HOUSEHOLDS,
        "mt19937_5489_first": first,
        "mt19937_5489_10000th": gen.genrand_int32(),
        "mean": mean(HOUSEHOLDS),
        "median": median(HOUSEHOLDS),
        "quantile_0_1": quantile(sorted(HOUSEHOLDS), 0.1),
        "mean_ci95": bootstrap(HOUSEHOLDS, mean, SEED),
        "median_ci95": bootstrap(HOUSEHOLDS, median, SEED),
    }
    print(json.dumps(out, indent=1))
