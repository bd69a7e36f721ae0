// SPDX-License-Identifier: GPL-3.0-or-later
// The analysis spec of a form (analysis.json, published as one of the form's media files):
// which fields are emissions, groups and weights for the household baseline, and which are
// services, interest, spend and willingness to pay for enterprise demand. README documents
// the format; fromJson() checks it against the form.
#pragma once

#include "baseline.h"
#include "dataset.h"
#include "summary.h"

#include <QCoreApplication>
#include <QMap>

#include <optional>

namespace survey::analysis {

/// A text in several languages, keyed "en", "zh"…
struct Text
{
    QMap<QString, QString> byLanguage;
    /// In the app's language ("zh_CN", "en"): its own, else English, else any; `fallback`
    /// when there is none.
    QString in(const QString &appCode, const QString &fallback = {}) const;
    bool isEmpty() const { return byLanguage.isEmpty(); }
};

struct Factor
{
    Text label;
    double value = 0;
    QString unit;
    Text source;
};

struct HouseholdSpec
{
    QString group;   ///< select-one question path (district); may be empty
    QString persons; ///< number question path; may be empty
    struct SourceField
    {
        Source source;
        QString field;
        Text label;
    };
    QList<SourceField> sources;
    ForecastModel model; ///< its sources are `sources`'
    QMap<QString, Text> scenarioLabels;
    CityHouseholds households;
    Text method;
    QList<Factor> factors;
};

struct EnterpriseSpec
{
    /// A service and how interest in it is read: a select multiple's choice, or a select
    /// one's answers among `values`.
    struct Service
    {
        QString name;
        QString field;
        QStringList values;
        Text label; ///< empty: the choice's or question's label
    };
    QList<Service> services;
    /// Service s's label in the app's language: its own, else the choice's (a select
    /// multiple) or the question's in the data set's `language`.
    QString serviceLabel(qsizetype s, const Dataset &data, int language,
                         const QString &appCode) const;
    QStringList by; ///< select-one questions to break demand down by
    QString willingnessToPay;
    QString energySpend;
    double savingsShare = 0;
    Text savingsSource;
    Text unit; ///< of money ("10,000 CNY")
};

/// The largest analysis.json the CLI and the server read: a spec is a small JSON file,
/// and anything larger is refused before it is read.
constexpr qint64 kMaxSpecBytes = 1 << 20;

struct Spec
{
    Q_DECLARE_TR_FUNCTIONS(Spec)
public:
    std::uint32_t seed = 20261205;
    int resamples = 2000;
    std::optional<HouseholdSpec> household;
    std::optional<EnterpriseSpec> enterprise;

    /// Reads analysis.json and checks every path against the data set's questions; nothing,
    /// with `error` naming the key and what is wrong, when it does not hold.
    static std::optional<Spec> fromJson(const QByteArray &json, const Dataset &data,
                                        QString *error);
};

/// The households the kept rows hold, by the spec's sources, group and people. A household
/// none of whose sources has a figure is left out (counted in `skipped`).
HouseholdTable householdTable(const Dataset &data, const HouseholdSpec &spec, const Rows &rows,
                              int *skipped);

} // namespace survey::analysis
