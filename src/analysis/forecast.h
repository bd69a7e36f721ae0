// SPDX-License-Identifier: GPL-3.0-or-later
// The forecast of household emissions under scenarios. Each source's kgCO2 in a future year
// is its base-year figure times a factor the scenario sets:
//   f(y)  = (1 − gridDecline)^(y − y0)            the grid's emission factor, relative
//   r(y)  = clamp((y − y0) / (Y − y0), 0, 1)      the ramp to the horizon Y (last year)
//   electricity      a = f(y)
//   heat fuel        a = 1 − s_h·r(y) + s_h·r(y)·k·g0·f(y)
//   vehicle fuel     a = 1 − s_v·r(y) + s_v·r(y)·k·g0·f(y)
//   other            a = 1
// where s_h is the share of cooking and heating fuel moved to electricity by Y, s_v the
// share of vehicles made electric by Y, k the kWh of electricity that replace the service
// of one kgCO2 of that fuel, and g0 the grid's factor in the base year (kgCO2/kWh). The
// households grow as (1 + householdGrowth)^(y − y0).
#pragma once

#include <QList>
#include <QString>

namespace survey::analysis {

enum class SourceKind { Electricity, Heat, Vehicle, Other };

struct Source
{
    QString name;
    SourceKind kind = SourceKind::Other;
    double kWhPerKgCO2 = 0; ///< heat and vehicle fuels: electricity replacing 1 kgCO2 of it
};

struct Scenario
{
    QString name;
    double gridDecline = 0;     ///< a year, 0.03 = 3 %
    double heatToElectric = 0;  ///< share by the horizon year
    double evShare = 0;         ///< share by the horizon year
    double householdGrowth = 0; ///< a year
};

struct ForecastModel
{
    int baseYear = 0;
    QList<int> years;      ///< ascending; the last is the horizon
    double gridFactor = 0; ///< kgCO2/kWh in the base year
    QList<Source> sources; ///< every source the households have, in their order
    QList<Scenario> scenarios;
    bool isEmpty() const { return scenarios.isEmpty() || years.isEmpty(); }
};

/// The factor of each of the model's sources in `year` under the scenario.
QList<double> sourceFactors(const ForecastModel &model, const Scenario &scenario, int year);
/// How many times the base year's households the city has in `year`.
double householdFactor(const ForecastModel &model, const Scenario &scenario, int year);

} // namespace survey::analysis
