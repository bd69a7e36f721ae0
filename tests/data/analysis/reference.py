#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference figures for tst_analysis, worked out apart from our C++ code.

Everything here is written from the published definitions, in plain Python (no NumPy):
- MT19937 as Matsumoto and Nishimura publish it (init_genrand, genrand_int32);
- uniform indexes by rejection: keep a draw x when x < 2**32 - (2**32 % n), use x % n;
- quantiles of Hyndman and Fan's type 7 (linear between order statistics at (n-1)p);
- the percentile bootstrap: `resamples` samples of n values drawn with replacement, n
  indexes each in order from one generator, the statistic of each, the 2.5% and 97.5%
  quantiles of those;
- a household baseline: each household's total is the sum of its sources; per person is
  the total over the household's people (households of one person or more); by source is
  the mean over all households (a source a household lacks counts 0); by group, each
  group's households (groups in sorted order; a household without a group is in none);
  the intervals are the bootstrap of the mean with seeds seed, seed+1, then seed+2… for
  the groups.

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


def summary(values, seed):
    return {"count": len(values), "mean": mean(values), "median": median(values),
            "ci95": bootstrap(values, mean, seed)}


def baseline(households, seed):
    """Per household, per person (one person or more), by source (mean over all households,
    a missing source counting 0) and by group (groups in sorted order, seeds seed+2, …)."""
    totals = [sum(h["sources"].values()) for h in households]
    per_person = [t / h["persons"] for t, h in zip(totals, households)
                  if h.get("persons") is not None and h["persons"] >= 1]
    sources = sorted({s for h in households for s in h["sources"]})
    by_source = {s: sum(h["sources"].get(s, 0) for h in households) / len(households)
                 for s in sources}
    groups = sorted({h["group"] for h in households if h.get("group")})
    by_group = {}
    for k, g in enumerate(groups):
        values = [t for t, h in zip(totals, households) if h.get("group") == g]
        by_group[g] = summary(values, seed + 2 + k)
    return {"perHousehold": summary(totals, seed), "perPerson": summary(per_person, seed + 1),
            "bySource": by_source, "byGroup": by_group}


# Ten households by source (kgCO2 a year), people and district: made up for the test.
BASELINE_HOUSEHOLDS = [
    {"group": "urban", "persons": 3, "sources": {"electricity": 1846.2, "lpg": 429.8, "vehicles": 1454.1}},
    {"group": "urban", "persons": 2, "sources": {"electricity": 1232.0, "natural_gas": 524.2}},
    {"group": "urban", "persons": 4, "sources": {"electricity": 2395.3, "natural_gas": 681.4, "vehicles": 2908.2}},
    {"group": "suburban", "persons": 5, "sources": {"electricity": 1642.5, "lpg": 716.4, "vehicles": 684.4}},
    {"group": "suburban", "persons": 1, "sources": {"electricity": 684.4}},
    {"group": "suburban", "persons": 3, "sources": {"electricity": 1505.6, "coal": 949.4}},
    {"group": "rural", "persons": 6, "sources": {"electricity": 958.1, "coal": 2373.6, "lpg": 358.2}},
    {"group": "rural", "persons": 4, "sources": {"electricity": 821.2, "coal": 1898.9}},
    {"group": "rural", "persons": None, "sources": {"electricity": 547.5, "coal": 1186.8}},
    {"group": "", "persons": 2, "sources": {"electricity": 1094.9, "lpg": 286.6}},
]

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
        "baseline_households": BASELINE_HOUSEHOLDS,
        "baseline": baseline(BASELINE_HOUSEHOLDS, SEED),
    }
    print(json.dumps(out, indent=1))
