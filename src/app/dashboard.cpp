// SPDX-License-Identifier: GPL-3.0-or-later
#include "dashboard.h"

#include "applocale.h"
#include "backend.h"
#include "csvreport.h"
#include "pdfreport.h"
#include "preferences.h"
#include "store.h"

#include <QDir>
#include <QFile>
#include <QPointer>
#include <QThreadPool>
#include <QXYSeries>

namespace survey::app {

namespace {

/// What one request works out, off the GUI thread.
struct Computed
{
    std::shared_ptr<const analysis::Results> results;
    std::vector<SummaryModel::Row> rows;
    QVariantList progress;
    QVariantMap baseline;
    QVariantMap demand;
};

QVariantMap summaryMap(const analysis::Summary &s)
{
    return {{QStringLiteral("count"), s.count},
            {QStringLiteral("mean"), s.mean},
            {QStringLiteral("median"), s.median},
            {QStringLiteral("low"), s.ci95.low},
            {QStringLiteral("high"), s.ci95.high}};
}

QString groupLabel(const analysis::Dataset &data, int question, const QString &value, int language)
{
    if (value.isEmpty())
        return Dashboard::tr("(no answer)");
    return question < 0 ? value
                        : data.questions[std::size_t(question)].choiceLabel(value, language);
}

QVariantMap baselineMap(const analysis::Baseline &b, const analysis::HouseholdSpec &spec,
                        const analysis::Dataset &data, int language, const QString &appCode)
{
    const int group = spec.group.isEmpty() ? -1 : data.questionIndex(spec.group);
    QVariantList bySource;
    for (const auto &source : spec.sources)
        bySource.append(
            QVariantMap{{QStringLiteral("label"), source.label.in(appCode, source.source.name)},
                        {QStringLiteral("mean"), b.bySource.value(source.source.name)}});
    QVariantList byGroup;
    for (auto it = b.byGroup.begin(); it != b.byGroup.end(); ++it) {
        QVariantMap m = summaryMap(it.value());
        m.insert(QStringLiteral("label"), groupLabel(data, group, it.key(), language));
        byGroup.append(m);
    }
    QVariantList scenarios;
    for (const auto &scenario : spec.model.scenarios) {
        QVariantList points;
        for (const auto &p : b.forecast) {
            if (p.scenario == scenario.name)
                points.append(QVariantMap{{QStringLiteral("year"), p.year},
                                          {QStringLiteral("tCO2"), p.tCO2},
                                          {QStringLiteral("low"), p.ci95.low},
                                          {QStringLiteral("high"), p.ci95.high},
                                          {QStringLiteral("perHousehold"), p.perHousehold}});
        }
        scenarios.append(
            QVariantMap{{QStringLiteral("name"), scenario.name},
                        {QStringLiteral("label"),
                         spec.scenarioLabels.value(scenario.name).in(appCode, scenario.name)},
                        {QStringLiteral("points"), points}});
    }
    QVariantMap out{{QStringLiteral("perHousehold"), summaryMap(b.perHousehold)},
                    {QStringLiteral("perPerson"), summaryMap(b.perPerson)},
                    {QStringLiteral("bySource"), bySource},
                    {QStringLiteral("byGroup"), byGroup},
                    {QStringLiteral("scenarios"), scenarios},
                    {QStringLiteral("baseYear"), spec.model.baseYear},
                    {QStringLiteral("warnings"), b.warnings}};
    if (b.city)
        out.insert(QStringLiteral("city"),
                   QVariantMap{{QStringLiteral("tCO2"), b.city->tCO2},
                               {QStringLiteral("low"), b.city->ci95.low},
                               {QStringLiteral("high"), b.city->ci95.high}});
    return out;
}

QVariantMap demandMap(const analysis::EnterpriseDemand &d, const analysis::EnterpriseSpec &spec,
                      const analysis::Dataset &data, int language, const QString &appCode,
                      const QLocale &locale)
{
    auto serviceLabel = [&](std::size_t s) {
        return spec.serviceLabel(qsizetype(s), data, language, appCode);
    };
    QVariantList services, breakdowns;
    for (std::size_t s = 0; s < d.services.size(); ++s)
        services.append(QVariantMap{{QStringLiteral("label"), serviceLabel(s)},
                                    {QStringLiteral("interested"), d.services[s].interested},
                                    {QStringLiteral("share"), d.services[s].share}});
    for (qsizetype b = 0; b < spec.by.size(); ++b) {
        const int question = data.questionIndex(spec.by.at(b));
        QVariantList columns, rows;
        if (!d.services.empty()) {
            for (const auto &[value, counts] : d.services.front().by.at(std::size_t(b)))
                columns.append(QVariantMap{
                    {QStringLiteral("label"), groupLabel(data, question, value, language)},
                    {QStringLiteral("count"), counts.second}});
        }
        for (std::size_t s = 0; s < d.services.size(); ++s) {
            QVariantList shares;
            for (const auto &[value, counts] : d.services[s].by.at(std::size_t(b)))
                shares.append(counts.second > 0 ? double(counts.first) / counts.second : 0.0);
            rows.append(QVariantMap{{QStringLiteral("label"), serviceLabel(s)},
                                    {QStringLiteral("shares"), shares}});
        }
        breakdowns.append(QVariantMap{
            {QStringLiteral("label"), data.questions[std::size_t(question)].label(language)},
            {QStringLiteral("columns"), columns},
            {QStringLiteral("rows"), rows}});
    }
    const auto wtp = SummaryModel::rowFor(data, language, locale, d.willingnessToPay, {});
    return {
        {QStringLiteral("count"), d.count},
        {QStringLiteral("interestedAny"), d.interestedAny},
        {QStringLiteral("services"), services},
        {QStringLiteral("breakdowns"), breakdowns},
        {QStringLiteral("wtpBars"), d.willingnessToPay.question >= 0 ? wtp.bars : QVariantList()},
        {QStringLiteral("wtpStats"), d.willingnessToPay.question >= 0 ? wtp.stats : QVariantMap()},
        {QStringLiteral("totalSpend"), d.totalSpend},
        {QStringLiteral("savings"), d.estimatedSavings},
        {QStringLiteral("savingsShare"), spec.savingsShare},
        {QStringLiteral("unit"), spec.unit.in(appCode)}};
}

/// Every question's summary as its chart shows it, and the progress per day.
Computed computeSummaries(const std::shared_ptr<const analysis::StoreData> &source,
                          const analysis::Filter &filter, int groupQuestion, const QString &appCode)
{
    const analysis::Dataset &data = source->data;
    const int language = data.languageFor(appCode);
    const QLocale locale = appLocale(appCode);
    Computed out;
    auto results = std::make_shared<analysis::Results>(analysis::analyse(data, nullptr, filter));
    std::vector<std::pair<QString, analysis::Rows>> groups;
    if (groupQuestion >= 0)
        groups = analysis::groupRows(data, groupQuestion, results->rows);
    for (const analysis::QuestionSummary &all : results->questions) {
        std::vector<std::pair<QString, analysis::QuestionSummary>> perGroup;
        for (const auto &[value, rows] : groups)
            perGroup.emplace_back(groupLabel(data, groupQuestion, value, language),
                                  analysis::summarise(data, all.question, rows));
        out.rows.push_back(SummaryModel::rowFor(data, language, locale, all, perGroup));
    }
    for (const auto &[day, states] : results->progress) {
        QVariantMap m{{QStringLiteral("date"),
                       double(QDateTime(day, QTime(12, 0), Qt::UTC).toMSecsSinceEpoch())}};
        for (const char *state :
             {"received", "approved", "hasIssues", "rejected", "edited", "unreviewed"})
            m.insert(QLatin1String(state), 0);
        for (const auto &[state, count] : states)
            m.insert(state.isEmpty() ? QStringLiteral("unreviewed") : state, count);
        out.progress.append(m);
    }
    out.results = std::move(results);
    return out;
}

/// The spec's figures alone (the baseline and forecast, or the demand): the questions'
/// summaries are the other phase's.
Computed computeSpecFigures(const std::shared_ptr<const analysis::StoreData> &source,
                            const analysis::Spec &spec, const analysis::Filter &filter,
                            const QString &appCode)
{
    const analysis::Dataset &data = source->data;
    const int language = data.languageFor(appCode);
    Computed out;
    auto results = std::make_shared<analysis::Results>();
    results->rows = analysis::rowsMatching(data, filter);
    analysis::addSpecFigures(*results, data, spec);
    if (results->baseline && spec.household)
        out.baseline = baselineMap(*results->baseline, *spec.household, data, language, appCode);
    if (results->enterprise && spec.enterprise)
        out.demand = demandMap(*results->enterprise, *spec.enterprise, data, language, appCode,
                               appLocale(appCode));
    out.results = std::move(results);
    return out;
}

} // namespace

Dashboard::Dashboard(Backend *backend)
    : QObject(backend)
    , m_backend(backend)
{
    // Its own threads: what others put in the global pool (images, files) never holds the
    // figures up, and the figures never hold those up.
    m_pool.setMaxThreadCount(2);
}

Dashboard::~Dashboard()
{
    m_pool.waitForDone();
}

Dashboard *Dashboard::create(QQmlEngine *, QJSEngine *)
{
    Dashboard *dashboard = Backend::instance()->dashboard();
    QJSEngine::setObjectOwnership(dashboard, QJSEngine::CppOwnership);
    return dashboard;
}

QString Dashboard::appLanguage() const
{
    return m_backend->preferences()->language();
}

QString Dashboard::formTitle() const
{
    return m_source ? m_source->data.title : QString();
}

QStringList Dashboard::problems() const
{
    return m_source ? m_source->data.problems : QStringList();
}

int Dashboard::total() const
{
    return m_source ? int(m_source->data.rowCount()) : 0;
}

void Dashboard::reload()
{
    QPointer<Dashboard> self(this);
    m_backend->worker().post([self, this](store::Store *s) {
        if (!s)
            return;
        store::StoreError e;
        QVariantList forms;
        for (const store::FormInfo &f : s->forms(true, &e))
            forms.append(QVariantMap{{QStringLiteral("formId"), f.formId},
                                     {QStringLiteral("title"), f.title}});
        const QString why = e.message;
        onThreadOf(this, [=, this] {
            if (!self)
                return;
            if (!why.isEmpty())
                Q_EMIT m_backend->notice(why);
            m_forms = forms;
            Q_EMIT formsChanged();
            if (!m_formId.isEmpty())
                load();
            else if (!m_forms.isEmpty())
                setFormId(m_forms.first().toMap().value(QStringLiteral("formId")).toString());
        });
    });
}

void Dashboard::setFormId(const QString &formId)
{
    if (formId == m_formId && m_source)
        return;
    m_formId = formId;
    m_filterQuestion.clear();
    m_filterValue.clear();
    m_groupBy.clear();
    m_filter = analysis::Filter{};
    Q_EMIT filterChanged();
    load();
}

void Dashboard::load()
{
    const int generation = ++m_loadGeneration;
    m_loading = true;
    Q_EMIT busyChanged();
    QPointer<Dashboard> self(this);
    const QString formId = m_formId;
    m_backend->worker().post([self, this, formId, generation](store::Store *s) {
        QString error;
        std::optional<analysis::StoreData> loaded;
        if (s)
            loaded = analysis::StoreSource::load(*s, formId, &error);
        std::shared_ptr<const analysis::StoreData> data;
        if (loaded)
            data = std::make_shared<const analysis::StoreData>(std::move(*loaded));
        onThreadOf(this, [=, this] {
            if (!self || generation != m_loadGeneration)
                return;
            m_loading = false;
            m_source = data;
            m_spec.reset();
            m_error = error;
            if (data && !data->spec.isEmpty()) {
                QString why;
                m_spec = analysis::Spec::fromJson(data->spec, data->data, &why);
                if (!m_spec)
                    m_error = tr("The form's analysis.json is not used: %1").arg(why);
            }
            Q_EMIT formChanged();
            Q_EMIT scenariosChanged();
            Q_EMIT householdsChanged();
            Q_EMIT busyChanged();
            refresh();
        });
    });
}

void Dashboard::refresh()
{
    if (!m_source) {
        m_results.reset();
        m_specFigures.reset();
        m_count = 0;
        m_questions.setRows({});
        m_progress.clear();
        m_baseline.clear();
        m_demand.clear();
        Q_EMIT resultsChanged();
        return;
    }
    analysis::Filter filter = m_filter;
    const analysis::Dataset &data = m_source->data;
    if (!m_filterQuestion.isEmpty() && data.questionIndex(m_filterQuestion) >= 0)
        filter.equals = {{data.questionIndex(m_filterQuestion), m_filterValue}};
    const int group = m_groupBy.isEmpty() ? -1 : data.questionIndex(m_groupBy);
    const int generation = ++m_computeGeneration;
    QPointer<Dashboard> self(this);
    auto source = m_source;
    const QString appCode = appLanguage();
    // First every question's summary (what the page opens on), then, with a spec, the
    // baseline and forecast or the demand, which take longer: the charts need not wait.
    m_computing = true;
    m_computingSpec = m_spec.has_value();
    Q_EMIT busyChanged();
    m_pool.start([=, this]() {
        auto computed =
            std::make_shared<Computed>(computeSummaries(source, filter, group, appCode));
        onThreadOf(this, [=, this] {
            if (!self || generation != m_computeGeneration)
                return;
            m_computing = false;
            m_count = computed->results->count;
            m_results = computed->results;
            m_questions.setRows(std::move(computed->rows));
            m_progress = computed->progress;
            if (!m_spec) {
                m_specFigures.reset();
                m_baseline.clear();
                m_demand.clear();
            }
            Q_EMIT resultsChanged();
            Q_EMIT busyChanged();
        });
    });
    if (!m_spec)
        return;
    auto spec = m_spec;
    m_pool.start([=, this]() {
        auto computed =
            std::make_shared<Computed>(computeSpecFigures(source, *spec, filter, appCode));
        onThreadOf(this, [=, this] {
            if (!self || generation != m_computeGeneration)
                return;
            m_computingSpec = false;
            m_specFigures = computed->results;
            m_baseline = computed->baseline;
            m_demand = computed->demand;
            Q_EMIT resultsChanged();
            Q_EMIT busyChanged();
        });
    });
}

template<typename T> void Dashboard::changeFilter(T &member, const T &value)
{
    if (member == value)
        return;
    member = value;
    Q_EMIT filterChanged();
    refresh();
}

void Dashboard::setApprovedOnly(bool on)
{
    changeFilter(m_filter.approvedOnly, on);
}

void Dashboard::setSubmitter(const QString &name)
{
    changeFilter(m_filter.submitter, name);
}

void Dashboard::setFromDate(const QString &day)
{
    changeFilter(m_filter.from, QDate::fromString(day, Qt::ISODate));
}

void Dashboard::setToDate(const QString &day)
{
    changeFilter(m_filter.to, QDate::fromString(day, Qt::ISODate));
}

void Dashboard::setFilterQuestion(const QString &path)
{
    if (path != m_filterQuestion)
        m_filterValue.clear(); // the answer it must have is chosen anew
    changeFilter(m_filterQuestion, path);
}

void Dashboard::setFilterValue(const QString &value)
{
    changeFilter(m_filterValue, value);
}

void Dashboard::setGroupBy(const QString &path)
{
    changeFilter(m_groupBy, path);
}

QStringList Dashboard::submitters() const
{
    QStringList names;
    if (!m_source)
        return names;
    for (const auto &s : m_source->data.submissions) {
        if (!s.submitter.isEmpty() && !names.contains(s.submitter))
            names.append(s.submitter);
    }
    names.sort();
    return names;
}

QVariantList Dashboard::selectOneQuestions() const
{
    QVariantList out;
    if (!m_source)
        return out;
    const analysis::Dataset &data = m_source->data;
    const int language = data.languageFor(appLanguage());
    for (const auto &q : data.questions) {
        if (q.kind == analysis::QuestionKind::SelectOne && !q.inRepeat)
            out.append(QVariantMap{{QStringLiteral("path"), q.path},
                                   {QStringLiteral("label"), q.label(language)}});
    }
    return out;
}

QVariantList Dashboard::choicesOf(const QString &path) const
{
    QVariantList out;
    if (!m_source)
        return out;
    const analysis::Dataset &data = m_source->data;
    const int q = data.questionIndex(path);
    if (q < 0)
        return out;
    const int language = data.languageFor(appLanguage());
    QStringList values;
    for (const auto &c : data.questions[std::size_t(q)].choices)
        values.append(c.value);
    for (const QString &v : data.columns[std::size_t(q)].pool) {
        if (!values.contains(v))
            values.append(v);
    }
    for (const QString &v : values)
        out.append(QVariantMap{
            {QStringLiteral("value"), v},
            {QStringLiteral("label"), data.questions[std::size_t(q)].choiceLabel(v, language)}});
    return out;
}

QVariantList Dashboard::scenarios() const
{
    QVariantList out;
    if (!m_spec || !m_spec->household)
        return out;
    const auto &h = *m_spec->household;
    for (const auto &s : h.model.scenarios) {
        out.append(QVariantMap{
            {QStringLiteral("name"), s.name},
            {QStringLiteral("label"), h.scenarioLabels.value(s.name).in(appLanguage(), s.name)},
            {QStringLiteral("gridDecline"), s.gridDecline},
            {QStringLiteral("heatToElectric"), s.heatToElectric},
            {QStringLiteral("evShare"), s.evShare},
            {QStringLiteral("householdGrowth"), s.householdGrowth}});
    }
    return out;
}

QVariantList Dashboard::households() const
{
    QVariantList out;
    if (!m_spec || !m_spec->household || !m_source)
        return out;
    const auto &h = *m_spec->household;
    const analysis::Dataset &data = m_source->data;
    const int group = h.group.isEmpty() ? -1 : data.questionIndex(h.group);
    if (group < 0) {
        if (h.households.total)
            out.append(QVariantMap{{QStringLiteral("group"), QString()},
                                   {QStringLiteral("label"), tr("Whole city")},
                                   {QStringLiteral("count"), *h.households.total}});
        return out;
    }
    const int language = data.languageFor(appLanguage());
    for (const QVariant &choice : choicesOf(h.group)) {
        const QString value = choice.toMap().value(QStringLiteral("value")).toString();
        out.append(QVariantMap{{QStringLiteral("group"), value},
                               {QStringLiteral("label"), groupLabel(data, group, value, language)},
                               {QStringLiteral("count"), h.households.byGroup.value(value, 0.0)}});
    }
    return out;
}

void Dashboard::setScenario(int index, double gridDecline, double heatToElectric, double evShare,
                            double householdGrowth)
{
    if (!m_spec || !m_spec->household || index < 0 ||
        index >= m_spec->household->model.scenarios.size())
        return;
    analysis::Scenario &s = m_spec->household->model.scenarios[index];
    s.gridDecline = std::clamp(gridDecline, 0.0, 1.0);
    s.heatToElectric = std::clamp(heatToElectric, 0.0, 1.0);
    s.evShare = std::clamp(evShare, 0.0, 1.0);
    s.householdGrowth = std::clamp(householdGrowth, -0.5, 0.5);
    refresh();
}

void Dashboard::setHouseholds(const QString &group, double count)
{
    if (!m_spec || !m_spec->household || !(count >= 0) || count > 1e9)
        return;
    auto &households = m_spec->household->households;
    if (group.isEmpty())
        households.total = count;
    else
        households.byGroup.insert(group, count);
    refresh();
}

void Dashboard::importHouseholds(const QUrl &url)
{
    if (!m_spec || !m_spec->household)
        return;
    // A small file of "group,households" lines; anything larger is not such a file.
    QFile file(url.toLocalFile());
    if (!file.open(QIODevice::ReadOnly)) {
        Q_EMIT m_backend->notice(
            tr("%1 cannot be read: %2").arg(file.fileName(), file.errorString()));
        return;
    }
    if (file.size() > 1 << 20) {
        Q_EMIT m_backend->notice(
            tr("%1 is too large to be a list of households per group.").arg(file.fileName()));
        return;
    }
    QMap<QString, double> counts;
    int line = 0;
    for (const QByteArray &raw : file.readAll().split('\n')) {
        ++line;
        const QString text = QString::fromUtf8(raw).trimmed();
        if (text.isEmpty())
            continue;
        const QStringList cells = text.split(QLatin1Char(','));
        bool ok = cells.size() == 2;
        const double n = ok ? cells.at(1).trimmed().toDouble(&ok) : 0;
        if (!ok || n < 0 || n > 1e9) {
            if (line == 1)
                continue; // a header
            Q_EMIT m_backend->notice(
                tr("Line %1 of %2 is not “group,households”: nothing was imported.")
                    .arg(line)
                    .arg(file.fileName()));
            return;
        }
        QString group = cells.at(0).trimmed();
        if (group.startsWith(QLatin1Char('"')) && group.endsWith(QLatin1Char('"')))
            group = group.mid(1, group.size() - 2);
        counts.insert(group, n);
    }
    if (counts.isEmpty()) {
        Q_EMIT m_backend->notice(tr("%1 has no households per group.").arg(file.fileName()));
        return;
    }
    m_spec->household->households.byGroup = counts;
    m_spec->household->households.total.reset();
    Q_EMIT m_backend->notice(tr("Households read for %n group(s).", nullptr, int(counts.size())));
    Q_EMIT householdsChanged();
    refresh();
}

void Dashboard::exportCsv(const QUrl &folder)
{
    if (!m_results || !m_source)
        return;
    QString error;
    const QString dir = folder.toLocalFile();
    const bool ok = analysis::CsvReport::write(
        exportedResults(), m_source->data, m_spec ? &*m_spec : nullptr, appLanguage(), dir, &error);
    const QString message = ok ? tr("The figures are saved as CSV files in %1.").arg(dir) : error;
    Q_EMIT m_backend->notice(message);
    Q_EMIT exported(ok, message);
}

analysis::Results Dashboard::exportedResults() const
{
    analysis::Results results = *m_results;
    if (m_specFigures) {
        results.baseline = m_specFigures->baseline;
        results.householdsWithoutFigures = m_specFigures->householdsWithoutFigures;
        results.enterprise = m_specFigures->enterprise;
    }
    return results;
}

QString Dashboard::filtersInWords() const
{
    QStringList parts;
    if (m_filter.approvedOnly)
        parts.append(tr("approved submissions only"));
    if (!m_filter.submitter.isEmpty())
        parts.append(tr("collected by %1").arg(m_filter.submitter));
    const QLocale locale = appLocale(appLanguage());
    if (m_filter.from.isValid())
        parts.append(tr("from %1").arg(locale.toString(m_filter.from, QLocale::ShortFormat)));
    if (m_filter.to.isValid())
        parts.append(tr("to %1").arg(locale.toString(m_filter.to, QLocale::ShortFormat)));
    if (m_source && !m_filterQuestion.isEmpty()) {
        const analysis::Dataset &data = m_source->data;
        const int q = data.questionIndex(m_filterQuestion);
        const int language = data.languageFor(appLanguage());
        if (q >= 0)
            parts.append(
                tr("“%1” is “%2”")
                    .arg(data.questions[std::size_t(q)].label(language),
                         data.questions[std::size_t(q)].choiceLabel(m_filterValue, language)));
    }
    return parts.join(tr(", "));
}

void Dashboard::exportPdf(const QUrl &folder)
{
    if (!m_results || !m_source)
        return;
    analysis::PdfReport::Options options;
    options.appCode = appLanguage();
    options.filters = filtersInWords();
    const QString dir = folder.toLocalFile();
    if (dir.isEmpty()) {
        Q_EMIT m_backend->notice(tr("No folder was chosen: the report is not saved."));
        return;
    }
    // The name is ours (a date and time), never taken from the form or its answers.
    const QString path = QDir(dir).filePath(
        QStringLiteral("analysis-report-%1.pdf")
            .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    QStringList pages;
    QString error;
    const bool ok =
        analysis::PdfReport::write(exportedResults(), m_source->data, m_spec ? &*m_spec : nullptr,
                                   options, path, &pages, &error);
    const QString message =
        ok ? tr("The report is saved: %1 (%n page(s)).", nullptr, int(pages.size())).arg(path)
           : error;
    Q_EMIT m_backend->notice(message);
    Q_EMIT exported(ok, message);
}

void Dashboard::plot(QObject *series, const QVariantList &points) const
{
    auto *xy = qobject_cast<QXYSeries *>(series);
    if (!xy)
        return;
    QList<QPointF> list;
    list.reserve(points.size());
    for (const QVariant &p : points) {
        const QVariantMap m = p.toMap();
        list.append(
            {m.value(QStringLiteral("x")).toDouble(), m.value(QStringLiteral("y")).toDouble()});
    }
    xy->replace(list);
}

QString Dashboard::number(double value, int decimals) const
{
    return appLocale(appLanguage()).toString(value, 'f', decimals);
}

} // namespace survey::app
