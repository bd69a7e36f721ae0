// SPDX-License-Identifier: GPL-3.0-or-later
// The analysis's data from a device's store: the form's newest version, its analysis spec
// (the media file analysis.json), the records finalized or sent from this device and the
// submissions pulled here for review. Stands on the store (library survey_analysis_store),
// so that the analysis itself stands on the form engine only.
#pragma once

#include "dataset.h"

#include <QCoreApplication>

#include <optional>

namespace survey::store {
class Store;
}

namespace survey::analysis {

struct StoreData
{
    std::shared_ptr<const form::FormDefinition> form;
    QByteArray spec; ///< analysis.json as published with the form; empty when it has none
    Dataset data;
    int fromDevice = 0; ///< records of this device
    int pulled = 0;     ///< submissions pulled for review
};

class StoreSource
{
    Q_DECLARE_TR_FUNCTIONS(StoreSource)
public:
    /// Reads the form's submissions. A submission both sent from here and pulled counts
    /// once, as pulled (it has the review state). Nothing, with `error` saying why, when the
    /// form is not on the device or the store cannot be read.
    static std::optional<StoreData> load(store::Store &store, const QString &formId,
                                         QString *error);
};

} // namespace survey::analysis
