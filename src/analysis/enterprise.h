// SPDX-License-Identifier: GPL-3.0-or-later
// Enterprise demand for low-carbon services: the share of enterprises interested in each
// service, overall and by the spec's breakdowns (sector, size); willingness to pay as a
// distribution; annual energy spend and the savings it could yield.
#pragma once

#include "spec.h"
#include "summary.h"

namespace survey::analysis {

struct ServiceDemand
{
    QString name;
    int interested = 0;
    double share = 0; ///< of the enterprises counted
    /// Per breakdown question (spec order), per answer (form order): interested, counted.
    std::vector<std::vector<std::pair<QString, std::pair<int, int>>>> by;
};

struct EnterpriseDemand
{
    int count = 0;         ///< enterprises counted
    int interestedAny = 0; ///< interested in at least one service
    std::vector<ServiceDemand> services;
    QuestionSummary willingnessToPay; ///< a number question's summary (histogram, stats)
    QuestionSummary energySpend;
    double totalSpend = 0;
    /// Spend of the enterprises interested in a service × the spec's savings share.
    double estimatedSavings = 0;
};

EnterpriseDemand enterpriseDemand(const Dataset &data, const EnterpriseSpec &spec,
                                  const Rows &rows);

} // namespace survey::analysis
