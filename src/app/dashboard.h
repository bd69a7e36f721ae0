// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "spec.h"
#include "storesource.h"
#include "summarymodel.h"

#include <QObject>
#include <QQmlEngine>
#include <QThreadPool>
#include <QUrl>
#include <QVariantList>

#include <memory>

namespace survey::app {

class Backend;

/// The Analysis pages (QML's Dashboard singleton): one form's finalized records and pulled
/// submissions, read from the store (offline), filtered and grouped, as a summary per
/// question, the progress per day, and with the form's analysis.json the household baseline
/// and forecast (scenarios and household counts editable here) or the enterprise demand.
/// The figures are worked out off the GUI thread; the newest request's answer wins.
class Dashboard : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QVariantList forms READ forms NOTIFY formsChanged)
    Q_PROPERTY(QString formId READ formId WRITE setFormId NOTIFY formChanged)
    Q_PROPERTY(QString formTitle READ formTitle NOTIFY formChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    /// Why the form's data or its analysis.json could not be used ("" when all is well).
    Q_PROPERTY(QString error READ error NOTIFY formChanged)
    /// Submissions that could not be read, each with why.
    Q_PROPERTY(QStringList problems READ problems NOTIFY formChanged)
    Q_PROPERTY(int total READ total NOTIFY formChanged)
    Q_PROPERTY(int count READ count NOTIFY resultsChanged)
    Q_PROPERTY(bool approvedOnly READ approvedOnly WRITE setApprovedOnly NOTIFY filterChanged)
    Q_PROPERTY(QString submitter READ submitter WRITE setSubmitter NOTIFY filterChanged)
    /// Days (YYYY-MM-DD) the submissions must fall within; "" for no bound.
    Q_PROPERTY(QString fromDate READ fromDate WRITE setFromDate NOTIFY filterChanged)
    Q_PROPERTY(QString toDate READ toDate WRITE setToDate NOTIFY filterChanged)
    /// A select-one question and the answer it must have ("" for none).
    Q_PROPERTY(
        QString filterQuestion READ filterQuestion WRITE setFilterQuestion NOTIFY filterChanged)
    Q_PROPERTY(QString filterValue READ filterValue WRITE setFilterValue NOTIFY filterChanged)
    /// A select-one question whose answers split every chart ("" for none).
    Q_PROPERTY(QString groupBy READ groupBy WRITE setGroupBy NOTIFY filterChanged)
    Q_PROPERTY(QStringList submitters READ submitters NOTIFY formChanged)
    /// [{path, label}] of the select-one questions outside repeats.
    Q_PROPERTY(QVariantList selectOneQuestions READ selectOneQuestions NOTIFY formChanged)
    Q_PROPERTY(survey::app::SummaryModel *questions READ questions CONSTANT)
    /// [{date (ms), received, approved, hasIssues, rejected, edited, unreviewed}].
    Q_PROPERTY(QVariantList progress READ progress NOTIFY resultsChanged)
    Q_PROPERTY(bool hasBaseline READ hasBaseline NOTIFY resultsChanged)
    Q_PROPERTY(QVariantMap baseline READ baseline NOTIFY resultsChanged)
    /// [{name, label, gridDecline, heatToElectric, evShare, householdGrowth}] (shares 0–1).
    Q_PROPERTY(QVariantList scenarios READ scenarios NOTIFY scenariosChanged)
    /// [{group, label, count}] for each group the spec or the data has.
    Q_PROPERTY(QVariantList households READ households NOTIFY householdsChanged)
    Q_PROPERTY(bool hasDemand READ hasDemand NOTIFY resultsChanged)
    Q_PROPERTY(QVariantMap demand READ demand NOTIFY resultsChanged)

public:
    explicit Dashboard(Backend *backend);
    ~Dashboard() override;
    static Dashboard *create(QQmlEngine *, QJSEngine *);

    QVariantList forms() const { return m_forms; }
    QString formId() const { return m_formId; }
    void setFormId(const QString &formId);
    QString formTitle() const;
    bool busy() const { return m_loading || m_computing || m_computingSpec; }
    QString error() const { return m_error; }
    QStringList problems() const;
    int total() const;
    int count() const { return m_count; }
    bool approvedOnly() const { return m_filter.approvedOnly; }
    void setApprovedOnly(bool on);
    QString submitter() const { return m_filter.submitter; }
    void setSubmitter(const QString &name);
    QString fromDate() const { return m_filter.from.toString(Qt::ISODate); }
    void setFromDate(const QString &day);
    QString toDate() const { return m_filter.to.toString(Qt::ISODate); }
    void setToDate(const QString &day);
    QString filterQuestion() const { return m_filterQuestion; }
    void setFilterQuestion(const QString &path);
    QString filterValue() const { return m_filterValue; }
    void setFilterValue(const QString &value);
    QString groupBy() const { return m_groupBy; }
    void setGroupBy(const QString &path);
    QStringList submitters() const;
    QVariantList selectOneQuestions() const;
    SummaryModel *questions() { return &m_questions; }
    QVariantList progress() const { return m_progress; }
    bool hasBaseline() const { return !m_baseline.isEmpty(); }
    QVariantMap baseline() const { return m_baseline; }
    QVariantList scenarios() const;
    QVariantList households() const;
    bool hasDemand() const { return !m_demand.isEmpty(); }
    QVariantMap demand() const { return m_demand; }

    /// Lists the forms on the device again (and reads the chosen one's data again).
    Q_INVOKABLE void reload();
    /// [{value, label}] of a select-one question's answers.
    Q_INVOKABLE QVariantList choicesOf(const QString &path) const;
    /// Changes a scenario (shares and rates as fractions, 0.03 = 3 %).
    Q_INVOKABLE void setScenario(int index, double gridDecline, double heatToElectric,
                                 double evShare, double householdGrowth);
    /// Sets how many households the city has in a group (a district).
    Q_INVOKABLE void setHouseholds(const QString &group, double count);
    /// Reads households per group from a CSV file of "group,households" lines.
    Q_INVOKABLE void importHouseholds(const QUrl &file);
    /// Writes the figures as CSV files into a folder.
    Q_INVOKABLE void exportCsv(const QUrl &folder);
    /// Writes the report as a PDF file (charts, tables, the method), in the app's language,
    /// into a folder: analysis-report-YYYYMMDD-HHMMSS.pdf.
    Q_INVOKABLE void exportPdf(const QUrl &folder);
    /// Puts points ([{x, y}]) into a chart's line or scatter series at once: appending them
    /// one by one from QML redraws the chart each time (10,000 locations took 40 s).
    Q_INVOKABLE void plot(QObject *series, const QVariantList &points) const;
    /// A number in the app's language, with `decimals` places.
    Q_INVOKABLE QString number(double value, int decimals) const;

Q_SIGNALS:
    void formsChanged();
    void formChanged();
    void busyChanged();
    void filterChanged();
    void resultsChanged();
    /// The scenarios or households were read anew (a form loaded, a file imported); a
    /// change made through setScenario() or setHouseholds() is already on screen.
    void scenariosChanged();
    void householdsChanged();
    /// An export finished: `ok`, and what to tell the person.
    void exported(bool ok, const QString &message);

private:
    /// Sets a filter's member; when it changes, the figures are worked out again.
    template<typename T> void changeFilter(T &member, const T &value);
    void load();
    void refresh();
    QString appLanguage() const;
    /// The summaries with the spec's figures, as the exports write them.
    analysis::Results exportedResults() const;
    /// The filters in force, in words, for the report.
    QString filtersInWords() const;

    Backend *m_backend;
    QVariantList m_forms;
    QString m_formId;
    std::shared_ptr<const analysis::StoreData> m_source;
    std::optional<analysis::Spec> m_spec;
    QString m_error;
    analysis::Filter m_filter;
    QString m_filterQuestion;
    QString m_filterValue;
    QString m_groupBy;
    SummaryModel m_questions;
    std::shared_ptr<const analysis::Results> m_results;     ///< the questions' summaries
    std::shared_ptr<const analysis::Results> m_specFigures; ///< the baseline, or the demand
    int m_count = 0;                                        ///< submissions the filters keep
    QVariantList m_progress;
    QVariantMap m_baseline;
    QVariantMap m_demand;
    bool m_loading = false;
    bool m_computing = false;     ///< the summaries
    bool m_computingSpec = false; ///< the baseline and forecast, or the demand
    int m_loadGeneration = 0;
    int m_computeGeneration = 0;
    QThreadPool m_pool;
};

} // namespace survey::app
