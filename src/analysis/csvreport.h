// SPDX-License-Identifier: GPL-3.0-or-later
// The figures as CSV files in a folder, for a spreadsheet: questions.csv, choices.csv,
// progress.csv, and with a spec baseline.csv and forecast.csv or enterprise.csv.
#pragma once

#include "results.h"

namespace survey::analysis {

class CsvReport
{
    Q_DECLARE_TR_FUNCTIONS(CsvReport)
public:
    /// Writes the files (each whole or not at all); false with `error` saying which and why.
    static bool write(const Results &results, const Dataset &data, const Spec *spec,
                      const QString &appCode, const QString &dir, QString *error);
};

} // namespace survey::analysis
