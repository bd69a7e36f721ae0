// SPDX-License-Identifier: GPL-3.0-or-later
// The analysis as a PDF report for a city government: what was counted, the method with the
// emission factors and their sources, the baseline, the forecast, the enterprise demand and
// each question's summary, with Qt Charts' charts; written by Qt's QPdfWriter in the
// language of `appCode`. Needs a QApplication (Qt Charts draws with the widgets module).
#pragma once

#include "results.h"

#include <QCoreApplication>
#include <QStringList>

namespace survey::analysis {

class PdfReport
{
    Q_DECLARE_TR_FUNCTIONS(PdfReport)
public:
    struct Options
    {
        QString appCode = QStringLiteral("en"); ///< "zh_CN" or "en"
        QString filters; ///< the filters in words ("approved only"…), empty for none
    };
    /// Writes the report to `path` (whole or not at all). Each page's section title, in
    /// order (a section that runs over several pages is named on each), goes to `pages`;
    /// false with `error` saying why.
    static bool write(const Results &results, const Dataset &data, const Spec *spec,
                      const Options &options, const QString &path, QStringList *pages,
                      QString *error);
};

} // namespace survey::analysis
