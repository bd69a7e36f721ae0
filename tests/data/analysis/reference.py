#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference figures for tst_analysis, worked out apart from our C++ code.

Everything here is written from the published definitions, in plain Python (no NumPy):
- MT19937 as Matsumoto and Nishimura publish it (init_genrand, genrand_int32);
- uniform indexes by Lemire's multiply-and-reject method (see index_below);
- quantiles of Hyndman and Fan's type 7 (linear between order statistics at (n-1)p);
- the percentile bootstrap: `resamples` samples of n values drawn with replacement, n
  indexes each in order from the resample's own generator (resample_seed), the
  statistic of each, the 2.5% and 97.5% quantiles of those;
- a household baseline: each household's total is the sum of its sources; per person is
  the total over the household's people (households of one person or more); by source is
  the mean over all households (a source a household lacks counts 0); by group, each
  group's households (groups in sorted order; a household without a group is in none);
- the city and its forecast, and how their intervals are drawn: see baseline() below and
  src/analysis/forecast.h, which state the same rules.

- a store's households: each household's sources from its answers by the example form's
  own formulas (EF and FUEL_USE below), then the baseline with the example's analysis.json
  (seed, resamples, households per district, scenarios); summaries of two questions and
  the submissions per day and state.

Run it to print the figures that bootstrap-reference.json holds:

    python3 tests/data/analysis/reference.py > tests/data/analysis/bootstrap-reference.json
"""
import json
import math
import os


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
        """Lemire's multiply-and-reject: m = x * n, rejected while m mod 2**32 is below
        (2**32 - n) mod n; the index is m div 2**32."""
        threshold = (2**32 - n) % n
        while True:
            m = self.genrand_int32() * n
            if m % 2**32 >= threshold:
                return m >> 32


def resample_seed(seed, b):
    """Resample b's generator seed: seed * 2654435761 + b, mod 2**32."""
    return (seed * 2654435761 + b) & 0xFFFFFFFF


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
    n = len(values)
    results = []
    for b in range(resamples):
        rng = MT19937(resample_seed(seed, b))
        sample = [values[rng.index_below(n)] for _ in range(n)]
        results.append(statistic(sample))
    results.sort()
    return [quantile(results, (1 - level) / 2), quantile(results, (1 + level) / 2)]


def summary(values):
    return {"count": len(values), "mean": mean(values), "median": median(values)}


def percentile_interval(results):
    results = sorted(results)
    return [quantile(results, 0.025), quantile(results, 0.975)]


def source_factors(model, scenario, year):
    """Each source's factor in `year` (forecast.h states the same rules)."""
    span = model["years"][-1] - model["baseYear"]
    ramp = 1.0 if span <= 0 else min(1.0, max(0.0, (year - model["baseYear"]) / span))
    grid = (1.0 - scenario["gridDecline"]) ** (year - model["baseYear"])
    factors = {}
    for source in model["sources"]:
        kind = source["kind"]
        if kind == "electricity":
            factors[source["name"]] = grid
        elif kind in ("heat", "vehicle"):
            share = scenario["heatToElectric"] if kind == "heat" else scenario["evShare"]
            moved = share * ramp
            factors[source["name"]] = (1.0 - moved
                                       + moved * source["kWhPerKgCO2"] * model["gridFactor"] * grid)
        else:
            factors[source["name"]] = 1.0
    return factors


def household_factor(model, scenario, year):
    return (1.0 + scenario["householdGrowth"]) ** (year - model["baseYear"])


def baseline(households, seed, city_households, model, resamples=2000):
    """The household baseline, the city and the forecast.

    One stratified resampling gives every interval: resample b draws from MT19937(resample_seed(seed, b)),
    stratum by stratum (the groups in sorted order, then the households without a group),
    n_g indexes each. Per household is the mean total over all drawn households; per person
    the mean total per person over those drawn with one person or more (a resample that drew
    none has no per-person figure); a group's figure is the mean of its drawn households.
    The city is sum over groups of N_g times the group's mean total; a forecast point is sum
    over groups of N_g times the household factor times the sum over sources of factor
    times the group's mean of that source; all in tCO2 (/1000). Intervals are the 2.5% and
    97.5% type-7 quantiles of the resampled figures.
    """
    sources = sorted({s for h in households for s in h["sources"]})
    totals = [sum(h["sources"].values()) for h in households]
    per_person = [t / h["persons"] if h.get("persons") is not None and h["persons"] >= 1 else None
                  for t, h in zip(totals, households)]
    n = len(households)
    out = {
        "perHousehold": summary(totals),
        "perPerson": summary([p for p in per_person if p is not None]),
        "bySource": {s: sum(h["sources"].get(s, 0) for h in households) / n for s in sources},
    }
    groups = sorted({h["group"] for h in households if h.get("group")})
    members = {g: [h for h in households if h.get("group") == g] for g in groups}
    # The strata: the groups in sorted order, then the households without a group.
    strata = [members[g] for g in groups] + [[h for h in households if not h.get("group")]]

    def source_means(hs):
        return {s: sum(h["sources"].get(s, 0) for h in hs) / len(hs) for s in sources}

    def total(h):
        return sum(h["sources"].values())

    def person_figure(h):
        return total(h) / h["persons"] if h.get("persons") is not None and h["persons"] >= 1 else None

    points = [(sc, year) for sc in model["scenarios"] for year in model["years"]]

    def city(means_by_group, point=None):
        kg = 0.0
        for g in groups:
            m = means_by_group[g]
            if point is None:
                kg += city_households[g] * sum(m[s] for s in sources)
            else:
                sc, year = point
                f = source_factors(model, sc, year)
                kg += (city_households[g] * household_factor(model, sc, year)
                       * sum(f.get(s, 1.0) * m[s] for s in sources))
        return kg / 1000.0

    hh_means, pp_means = [], []
    group_draws = {g: [] for g in groups}
    resampled = []
    for b in range(resamples):
        rng = MT19937(resample_seed(seed, b))
        drawn = []
        means = {}
        for k, stratum in enumerate(strata):
            sample = [stratum[rng.index_below(len(stratum))] for _ in range(len(stratum))]
            drawn += sample
            if k < len(groups):
                g = groups[k]
                group_draws[g].append(sum(total(h) for h in sample) / len(sample))
                means[g] = source_means(sample)
        hh_means.append(sum(total(h) for h in drawn) / n)
        people = [person_figure(h) for h in drawn if person_figure(h) is not None]
        if people:
            pp_means.append(sum(people) / len(people))
        resampled.append(means)
    out["perHousehold"]["ci95"] = percentile_interval(hh_means)
    out["perPerson"]["ci95"] = percentile_interval(pp_means)
    out["byGroup"] = {}
    for g in groups:
        s = summary([total(h) for h in members[g]])
        s["ci95"] = percentile_interval(group_draws[g])
        out["byGroup"][g] = s
    estimate = {g: source_means(members[g]) for g in groups}
    out["city"] = {"tCO2": city(estimate), "ci95": percentile_interval([city(m) for m in resampled])}
    total_households = sum(city_households[g] for g in groups)
    out["forecast"] = []
    for sc, year in points:
        t = city(estimate, (sc, year))
        out["forecast"].append({
            "scenario": sc["name"], "year": year, "tCO2": t,
            "ci95": percentile_interval([city(m, (sc, year)) for m in resampled]),
            "perHousehold": t * 1000.0 / (total_households * household_factor(model, sc, year)),
        })
    return out


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

# The city's households per district, and a forecast model (made up for the test).
CITY_HOUSEHOLDS = {"rural": 52000, "suburban": 88000, "urban": 160000}
MODEL = {
    "baseYear": 2026,
    "years": [2030, 2035, 2060],
    "gridFactor": 0.5703,
    "sources": [
        {"name": "electricity", "kind": "electricity"},
        {"name": "lpg", "kind": "heat", "kWhPerKgCO2": 1.32},
        {"name": "natural_gas", "kind": "heat", "kWhPerKgCO2": 2.10},
        {"name": "coal", "kind": "heat", "kWhPerKgCO2": 0.73},
        {"name": "vehicles", "kind": "vehicle", "kWhPerKgCO2": 0.825},
    ],
    "scenarios": [
        {"name": "current", "gridDecline": 0.02, "heatToElectric": 0.3, "evShare": 0.4,
         "householdGrowth": 0.005},
        {"name": "accelerated", "gridDecline": 0.05, "heatToElectric": 0.8, "evShare": 0.9,
         "householdGrowth": 0.005},
    ],
}

# The household form's emission factors and vehicle fuel use (its calculates' constants).
EF = {"grid": 0.5703, "lpg": 2.985, "ng": 2.184, "coal": 1.978, "petrol": 2.272, "diesel": 2.676}
FUEL_USE = {"petrol": 8.0 * EF["petrol"], "diesel": 9.0 * EF["diesel"],
            "hybrid": 5.0 * EF["petrol"], "electric": 15.0 * EF["grid"]}  # kgCO2 per 100 km

# Households as a store would hold them for `survey-cli analyse` (tst_analysis fills the
# example form with these answers): pulled for review with a state, or ("device") finalized
# on the device itself. Made up for the test.
STORE_HOUSEHOLDS = [
    # id, district, persons, kWh/month, cooking fuels, LPG kg, gas m3, coal kg/month,
    # vehicles [(fuel, km/year)], state, day of December 2026, submitter
    ("h01", "urban", 3, 310, "electricity natural_gas", 0, 28, 0, [("petrol", 11000)], "approved", 1, "li"),
    ("h02", "urban", 2, 190, "electricity", 0, 0, 0, [], "approved", 1, "li"),
    ("h03", "urban", 4, 420, "natural_gas", 0, 35, 0, [("petrol", 15000), ("electric", 9000)], "received", 2, "li"),
    ("h04", "urban", 1, 120, "electricity", 0, 0, 0, [], "approved", 2, "wang"),
    ("h05", "urban", 5, 380, "electricity natural_gas", 0, 41, 0, [("hybrid", 14000)], "hasIssues", 3, "wang"),
    ("h06", "urban", 3, 260, "lpg", 11, 0, 0, [], "approved", 3, "wang"),
    ("h07", "urban", 2, 230, "electricity natural_gas", 0, 19, 0, [("electric", 12000)], "approved", 4, "li"),
    ("h08", "suburban", 4, 340, "lpg coal", 13, 0, 90, [("petrol", 9000)], "approved", 1, "zhao"),
    ("h09", "suburban", 3, 280, "lpg", 10, 0, 0, [("diesel", 20000)], "approved", 2, "zhao"),
    ("h10", "suburban", 5, 300, "electricity coal", 0, 0, 140, [], "received", 2, "zhao"),
    ("h11", "suburban", 2, 170, "lpg", 8, 0, 0, [("petrol", 6000)], "approved", 3, "li"),
    ("h12", "suburban", 6, 360, "lpg coal", 15, 0, 160, [("petrol", 12000), ("diesel", 8000)], "approved", 4, "zhao"),
    ("h13", "suburban", 3, 250, "natural_gas", 0, 24, 0, [], "rejected", 4, "zhao"),
    ("h14", "rural", 4, 210, "coal lpg", 9, 0, 210, [("diesel", 15000)], "approved", 1, "wang"),
    ("h15", "rural", 6, 230, "coal", 0, 0, 260, [], "approved", 2, "wang"),
    ("h16", "rural", 3, 160, "lpg coal", 12, 0, 180, [("petrol", 5000)], "received", 3, "wang"),
    ("h17", "rural", 2, 110, "coal", 0, 0, 150, [], "approved", 3, "zhao"),
    ("h18", "rural", 5, 240, "lpg coal", 14, 0, 230, [("diesel", 18000)], "approved", 4, "wang"),
    ("h19", "urban", 3, 290, "electricity", 0, 0, 0, [("petrol", 8000)], "device", 4, ""),
    ("h20", "rural", 4, 180, "coal", 0, 0, 200, [], "device", 4, ""),
]


def store_household(h):
    (hid, district, persons, kwh, fuels, lpg, ng, coal, vehicles, state, day, who) = h
    chosen = fuels.split()
    sources = {
        "electricity": kwh * 12 * EF["grid"],
        "lpg": lpg * 12 * EF["lpg"] if "lpg" in chosen else 0.0,
        "natural_gas": ng * 12 * EF["ng"] if "natural_gas" in chosen else 0.0,
        "coal": coal * 12 * EF["coal"] if "coal" in chosen else 0.0,
        "vehicles": sum(km / 100 * FUEL_USE[fuel] for fuel, km in vehicles),
    }
    return {"group": district, "persons": persons, "sources": sources}


def numbers(values):
    s = sorted(values)
    return {"count": len(s), "min": s[0], "max": s[-1], "mean": mean(s), "median": median(s)}


def nice_bins(values, integers):
    """Histogram bins (src/analysis/summary.h states the rule): about log2(n) + 1 bins of a
    width of 1, 2, 2.5 or 5 times a power of ten (integers: 1 or more) from a multiple of it."""
    lo, hi = min(values), max(values)
    wanted = min(20, max(1, math.ceil(math.log2(len(values))) + 1))
    raw = (hi - lo) / wanted
    if raw <= 0:
        raw = 1.0 if integers else max(abs(lo), 1.0) / 10
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-12))
    if integers:
        step = max(1.0, math.ceil(step))
    start = math.floor(lo / step) * step
    count = max(1, math.floor((hi - start) / step) + 1)
    bins = [{"from": start + i * step, "to": start + (i + 1) * step, "count": 0} for i in range(count)]
    for v in values:
        bins[min(count - 1, max(0, math.floor((v - start) / step)))]["count"] += 1
    return bins


def store_expected(spec, approved_only):
    kept = [h for h in STORE_HOUSEHOLDS if not approved_only or h[9] == "approved"]
    hh = spec["household"]
    model = {"baseYear": hh["baseYear"], "years": hh["forecastYears"], "gridFactor": hh["gridFactor"],
             "sources": [{"name": s["name"], "kind": s["kind"], "kWhPerKgCO2": s.get("kWhPerKgCO2", 0)}
                         for s in hh["sources"]],
             "scenarios": [{"name": s["name"], "gridDecline": s["gridDeclinePerYear"],
                            "heatToElectric": s["heatToElectric"], "evShare": s["evShare"],
                            "householdGrowth": s["householdGrowthPerYear"]} for s in hh["scenarios"]]}
    kept.sort(key=lambda h: "uuid:" + h[0])
    out = baseline([store_household(h) for h in kept], spec["seed"], hh["households"], model,
                   spec["resamples"])
    # Rows in the order of their instanceIDs ("uuid:h01"…), as the analysis orders them.
    kept.sort(key=lambda h: "uuid:" + h[0])
    progress = {}
    for h in kept:
        if h[9] == "device":
            continue  # dated when the device finalized them: the test checks those itself
        state = h[9]
        day = "2026-12-%02d" % h[10]
        progress.setdefault(day, {}).setdefault(state, 0)
        progress[day][state] += 1
    districts = {}
    for h in kept:
        districts[h[1]] = districts.get(h[1], 0) + 1
    kwh = [h[3] for h in kept]
    return {"count": len(kept), "baseline": out,
            "progress": [{"date": d, "states": progress[d]} for d in sorted(progress)],
            "district": {d: {"count": n, "share": n / len(kept)} for d, n in districts.items()},
            "elec_kwh": {"stats": numbers(kwh), "histogram": nice_bins(kwh, False)}}


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
        "city_households": CITY_HOUSEHOLDS,
        "model": MODEL,
        "baseline": baseline(BASELINE_HOUSEHOLDS, SEED, CITY_HOUSEHOLDS, MODEL),
    }
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "../../../examples/forms/household_energy-media/analysis.json"),
              encoding="utf-8") as f:
        spec = json.load(f)
    out["store_households"] = [
        dict(zip(("id", "district", "persons", "elec_kwh", "cooking_fuels", "lpg_kg", "ng_m3",
                  "coal_kg", "vehicles", "state", "day", "submitter"), h)) for h in STORE_HOUSEHOLDS]
    out["store_all"] = store_expected(spec, False)
    out["store_approved"] = store_expected(spec, True)
    print(json.dumps(out, indent=1, ensure_ascii=False))
