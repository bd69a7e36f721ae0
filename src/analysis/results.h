// SPDX-License-Identifier: GPL-3.0-or-later
// Everything the dashboard and the report show, worked out once for a filter: each
// question's summary, the progress per day, and, with a spec, the household baseline or the
// enterprise demand. As JSON for `survey-cli analyse --json`.
#pragma once

#include "enterprise.h"
#include "spec.h"
#include "summary.h"

#include <QJsonObject>

namespace survey::analysis {

struct Results
{
    Rows rows;
    int count = 0;
    std::vector<QuestionSummary> questions; ///< one per question of the data set
    std::vector<std::pair<QDate, std::map<QString, int>>> progress;
    std::optional<Baseline> baseline;
    int householdsWithoutFigures = 0; ///< kept submissions with no emissions figure
    std::optional<EnterpriseDemand> enterprise;
};

/// Works everything out for the submissions the filter keeps. `spec` may be null.
Results analyse(const Dataset &data, const Spec *spec, const Filter &filter);

/// What a spec adds to results: the household baseline or the enterprise demand, over the
/// rows the results keep (analyse() with a spec is analyse() without, then this).
void addSpecFigures(Results &results, const Dataset &data, const Spec &spec);

/// The options of computeBaseline() that a household spec sets.
BaselineOptions baselineOptions(const Spec &spec);

/// The results as one JSON object: count, questions, progress, and with a spec baseline or
/// enterprise. Labels in the language matching `appCode` ("zh_CN", "en").
QJsonObject toJson(const Results &results, const Dataset &data, const Spec *spec,
                   const QString &appCode);

/// The name of a question kind in JSON and CSV: selectOne, selectMultiple, number, date,
/// location, text.
QString kindName(QuestionKind kind);

} // namespace survey::analysis
