// SPDX-License-Identifier: GPL-3.0-or-later
#include "forecast.h"

#include <algorithm>
#include <cmath>

namespace survey::analysis {

QList<double> sourceFactors(const ForecastModel &model, const Scenario &scenario, int year)
{
    const int span = model.years.isEmpty() ? 0 : model.years.last() - model.baseYear;
    const double ramp =
        span <= 0 ? 1.0 : std::clamp(double(year - model.baseYear) / double(span), 0.0, 1.0);
    const double grid = std::pow(1.0 - scenario.gridDecline, double(year - model.baseYear));
    QList<double> factors;
    factors.reserve(model.sources.size());
    for (const Source &source : model.sources) {
        switch (source.kind) {
        case SourceKind::Electricity:
            factors.append(grid);
            break;
        case SourceKind::Heat:
        case SourceKind::Vehicle: {
            const double moved =
                (source.kind == SourceKind::Heat ? scenario.heatToElectric : scenario.evShare) *
                ramp;
            factors.append(1.0 - moved + moved * source.kWhPerKgCO2 * model.gridFactor * grid);
            break;
        }
        case SourceKind::Other:
            factors.append(1.0);
            break;
        }
    }
    return factors;
}

double householdFactor(const ForecastModel &model, const Scenario &scenario, int year)
{
    return std::pow(1.0 + scenario.householdGrowth, double(year - model.baseYear));
}

} // namespace survey::analysis
