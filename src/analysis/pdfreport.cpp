// SPDX-License-Identifier: GPL-3.0-or-later
#include "pdfreport.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QDate>
#include <QGraphicsScene>
#include <QHorizontalBarSeries>
#include <QLineSeries>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QValueAxis>

#include <cmath>
#include <memory>

namespace survey::analysis {

namespace {

/// Latin letters and digits in DejaVu Sans, Chinese in Noto Sans CJK: digits drawn with the
/// CJK font come out of the PDF without their text (a reader copies, searches and extracts
/// blanks), and a report's figures must be copyable.
const QStringList kFonts{QStringLiteral("DejaVu Sans"), QStringLiteral("Noto Sans CJK SC")};

QLocale localeOf(const QString &appCode)
{
    return appCode.startsWith(QLatin1String("zh"))
               ? QLocale(QLocale::Chinese, QLocale::SimplifiedChineseScript, QLocale::China)
               : QLocale(QLocale::English, QLocale::UnitedKingdom);
}

QFont font(double points, bool bold = false)
{
    QFont f;
    f.setFamilies(kFonts);
    f.setPointSizeF(points);
    f.setBold(bold);
    return f;
}

/// Lays the report out page by page: headings, paragraphs, tables and charts, each moved to
/// a new page when it does not fit on this one.
class Layout
{
public:
    Layout(QPdfWriter &pdf, QPainter &painter, QStringList *pages)
        : m_pdf(pdf)
        , m_painter(painter)
        , m_pages(pages)
    {
        m_area = QRectF(QPointF(0, 0), QSizeF(pdf.width(), pdf.height()));
    }

    void page(const QString &title)
    {
        if (!m_pages->isEmpty())
            m_pdf.newPage();
        m_section = title;
        m_pages->append(title);
        m_y = 0;
        text(title, font(18, true));
        m_y += gap();
    }

    double gap() const { return m_area.height() * 0.012; }
    double width() const { return m_area.width(); }

    void text(const QString &words, const QFont &f = font(10))
    {
        m_painter.setFont(f);
        const QRectF bounds =
            m_painter.boundingRect(QRectF(0, 0, width(), 1e7), Qt::TextWordWrap, words);
        room(bounds.height());
        m_painter.drawText(QRectF(0, m_y, width(), bounds.height()), Qt::TextWordWrap, words);
        m_y += bounds.height() + gap() / 2;
    }

    /// Rows of cells; the first is the header. `weights`: the columns' shares of the width.
    void table(const QList<QStringList> &rows, const QList<double> &weights)
    {
        for (qsizetype r = 0; r < rows.size(); ++r) {
            m_painter.setFont(font(9, r == 0));
            double height = 0;
            QList<QRectF> cells;
            double x = 0;
            for (qsizetype c = 0; c < rows.at(r).size(); ++c) {
                const double w = width() * weights.value(c, 0.2);
                const QRectF b = m_painter.boundingRect(QRectF(0, 0, w - gap() / 2, 1e7),
                                                        Qt::TextWordWrap, rows.at(r).at(c));
                height = std::max(height, b.height());
                cells.append(QRectF(x, 0, w - gap() / 2, 0));
                x += w;
            }
            room(height);
            for (qsizetype c = 0; c < cells.size(); ++c)
                m_painter.drawText(QRectF(cells.at(c).x(), m_y, cells.at(c).width(), height),
                                   Qt::TextWordWrap, rows.at(r).at(c));
            m_y += height + gap() / 4;
            if (r == 0)
                m_painter.drawLine(QPointF(0, m_y - gap() / 8), QPointF(width(), m_y - gap() / 8));
        }
        m_y += gap() / 2;
    }

    /// A chart drawn by Qt Charts into the next `share` of the page's height.
    void chart(QChart *chart, double share)
    {
        const double height = m_area.height() * share;
        room(height);
        QGraphicsScene scene;
        scene.addItem(chart); // the scene owns it now
        const QSizeF logical(900, 900 * height / width());
        chart->resize(logical);
        scene.setSceneRect(QRectF(QPointF(0, 0), logical));
        scene.render(&m_painter, QRectF(0, m_y, width(), height), scene.sceneRect());
        m_y += height + gap();
    }

private:
    void room(double height)
    {
        if (m_y + height > m_area.height() && m_y > 0) {
            m_pdf.newPage();
            m_pages->append(m_section); // a page more of the same section
            m_y = 0;
        }
    }

    QPdfWriter &m_pdf;
    QPainter &m_painter;
    QStringList *m_pages;
    QString m_section;
    QRectF m_area;
    double m_y = 0;
};

void styleAxis(QAbstractAxis *axis)
{
    axis->setLabelsFont(font(8));
    axis->setTitleFont(font(8));
}

QChart *newChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setTitleFont(font(10, true));
    chart->legend()->setFont(font(8));
    chart->setBackgroundRoundness(0);
    chart->setAnimationOptions(QChart::NoAnimation);
    return chart;
}

/// Horizontal bars, one row per category (top to bottom), one bar per set.
QChart *barChart(const QString &title, const QStringList &categories,
                 const QList<std::pair<QString, QList<double>>> &sets, const QString &format)
{
    QChart *chart = newChart(title);
    auto *series = new QHorizontalBarSeries;
    double top = 0;
    for (const auto &[label, values] : sets) {
        auto *set = new QBarSet(label);
        // Whole numbers on the bars (kg and counts; shares in whole percent).
        for (qsizetype i = values.size() - 1; i >= 0; --i) {
            set->append(std::round(values.at(i)));
            top = std::max(top, values.at(i));
        }
        series->append(set);
    }
    series->setLabelsVisible(sets.size() == 1);
    series->setLabelsFormat(QStringLiteral("@value"));
    chart->addSeries(series);
    auto *axisY = new QBarCategoryAxis;
    QStringList reversed(categories.rbegin(), categories.rend());
    axisY->append(reversed);
    auto *axisX = new QValueAxis;
    axisX->setRange(0, top > 0 ? top * 1.15 : 1);
    axisX->setLabelFormat(format);
    chart->addAxis(axisY, Qt::AlignLeft);
    chart->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisY);
    series->attachAxis(axisX);
    styleAxis(axisX);
    styleAxis(axisY);
    chart->legend()->setVisible(sets.size() > 1);
    return chart;
}

class Report
{
public:
    Report(Layout &layout, const Results &r, const Dataset &data, const Spec *spec,
           const PdfReport::Options &options)
        : m_out(layout)
        , m_r(r)
        , m_data(data)
        , m_spec(spec)
        , m_options(options)
        , m_locale(localeOf(options.appCode))
        , m_language(data.languageFor(options.appCode))
    {}

    void write()
    {
        cover();
        if (m_r.baseline && m_spec && m_spec->household) {
            baseline(*m_r.baseline, *m_spec->household);
            if (m_r.baseline->city && !m_r.baseline->forecast.empty())
                forecast(*m_r.baseline, *m_spec->household);
        }
        if (m_r.enterprise && m_spec && m_spec->enterprise)
            demand(*m_r.enterprise, *m_spec->enterprise);
        questions();
    }

private:
    QString n(double v, int decimals = 0) const { return m_locale.toString(v, 'f', decimals); }
    QString interval(const Interval &i) const
    {
        return PdfReport::tr("95% interval %1–%2").arg(n(i.low), n(i.high));
    }
    QString text(const Text &t, const QString &fallback = {}) const
    {
        return t.in(m_options.appCode, fallback);
    }

    void cover()
    {
        m_out.page(PdfReport::tr("%1: analysis report").arg(m_data.title));
        m_out.text(PdfReport::tr("Made on %1 from %n submission(s) (of %2 on the device).", nullptr,
                                 m_r.count)
                       .arg(m_locale.toString(QDate::currentDate(), QLocale::LongFormat))
                       .arg(m_data.rowCount()));
        if (!m_options.filters.isEmpty())
            m_out.text(PdfReport::tr("Counted: %1.").arg(m_options.filters));
        if (!m_data.problems.isEmpty())
            m_out.text(PdfReport::tr("%n submission(s) could not be read and are left out.",
                                     nullptr, int(m_data.problems.size())));
        if (!m_spec || !m_spec->household)
            return;
        const HouseholdSpec &h = *m_spec->household;
        m_out.text(PdfReport::tr("Method"), font(13, true));
        m_out.text(text(h.method));
        if (!h.factors.isEmpty()) {
            m_out.text(PdfReport::tr("Emission factors"), font(13, true));
            QList<QStringList> rows{
                {PdfReport::tr("Factor"), PdfReport::tr("Value"), PdfReport::tr("Source")}};
            for (const Factor &f : h.factors)
                rows.append(
                    {text(f.label),
                     QStringLiteral("%1 %2").arg(m_locale.toString(f.value, 'g', 6), f.unit),
                     text(f.source)});
            m_out.table(rows, {0.25, 0.2, 0.55});
        }
    }

    QString groupLabel(const HouseholdSpec &h, const QString &value) const
    {
        const int q = h.group.isEmpty() ? -1 : m_data.questionIndex(h.group);
        return q < 0 ? value : m_data.questions[std::size_t(q)].choiceLabel(value, m_language);
    }

    void baseline(const Baseline &b, const HouseholdSpec &h)
    {
        m_out.page(PdfReport::tr("Household carbon baseline"));
        m_out.text(PdfReport::tr("Per household: mean %1 kgCO2 a year (%2), median %3; %n "
                                 "household(s).",
                                 nullptr, b.perHousehold.count)
                       .arg(n(b.perHousehold.mean), interval(b.perHousehold.ci95),
                            n(b.perHousehold.median)));
        m_out.text(
            PdfReport::tr("Per person: mean %1 kgCO2 a year (%2), median %3.")
                .arg(n(b.perPerson.mean), interval(b.perPerson.ci95), n(b.perPerson.median)));
        if (b.city)
            m_out.text(PdfReport::tr("The city's households: %1 tCO2 a year (%2).")
                           .arg(n(b.city->tCO2), interval(b.city->ci95)),
                       font(11, true));
        for (const QString &w : b.warnings)
            m_out.text(w);
        QStringList sources;
        QList<double> means;
        for (const auto &s : h.sources) {
            sources.append(text(s.label, s.source.name));
            means.append(b.bySource.value(s.source.name));
        }
        m_out.chart(barChart(PdfReport::tr("Mean per household by source, kgCO2 a year"), sources,
                             {{PdfReport::tr("kgCO2"), means}}, QStringLiteral("%.0f")),
                    0.25);
        QStringList groups;
        QList<double> groupMeans;
        QList<QStringList> rows{{PdfReport::tr("Group"), PdfReport::tr("Households"),
                                 PdfReport::tr("Mean kgCO2"), PdfReport::tr("95% interval")}};
        for (auto it = b.byGroup.begin(); it != b.byGroup.end(); ++it) {
            groups.append(groupLabel(h, it.key()));
            groupMeans.append(it.value().mean);
            rows.append(
                {groups.last(), QString::number(it.value().count), n(it.value().mean),
                 QStringLiteral("%1–%2").arg(n(it.value().ci95.low), n(it.value().ci95.high))});
        }
        if (!groups.isEmpty()) {
            m_out.chart(barChart(PdfReport::tr("Mean per household by group, kgCO2 a year"), groups,
                                 {{PdfReport::tr("kgCO2"), groupMeans}}, QStringLiteral("%.0f")),
                        0.2);
            m_out.table(rows, {0.35, 0.2, 0.2, 0.25});
        }
    }

    void forecast(const Baseline &b, const HouseholdSpec &h)
    {
        m_out.page(PdfReport::tr("Forecast of the city's household emissions"));
        QChart *chart = newChart(PdfReport::tr("tCO2 a year"));
        auto *years = new QValueAxis;
        auto *tonnes = new QValueAxis;
        const int first = h.model.baseYear;
        const int last = h.model.years.isEmpty() ? first + 1 : h.model.years.last();
        years->setRange(first, last);
        years->setLabelFormat(QStringLiteral("%d"));
        double top = b.city->tCO2;
        for (const ForecastPoint &p : b.forecast)
            top = std::max(top, p.ci95.high);
        tonnes->setRange(0, top * 1.1);
        tonnes->setLabelFormat(QStringLiteral("%.0f"));
        chart->addAxis(years, Qt::AlignBottom);
        chart->addAxis(tonnes, Qt::AlignLeft);
        styleAxis(years);
        styleAxis(tonnes);
        auto *base = new QLineSeries;
        base->setName(PdfReport::tr("Baseline %1").arg(first));
        base->append(first, b.city->tCO2);
        base->append(last, b.city->tCO2);
        QPen dashed = base->pen();
        dashed.setStyle(Qt::DashLine);
        base->setPen(dashed);
        chart->addSeries(base);
        base->attachAxis(years);
        base->attachAxis(tonnes);
        QList<QStringList> rows{{PdfReport::tr("Scenario"), PdfReport::tr("Year"),
                                 PdfReport::tr("tCO2 a year"), PdfReport::tr("95% interval"),
                                 PdfReport::tr("kgCO2 per household")}};
        for (const Scenario &s : h.model.scenarios) {
            const QString label = text(h.scenarioLabels.value(s.name), s.name);
            auto *line = new QLineSeries;
            line->setName(label);
            line->setPointsVisible(true);
            line->append(first, b.city->tCO2);
            for (const ForecastPoint &p : b.forecast) {
                if (p.scenario != s.name)
                    continue;
                line->append(p.year, p.tCO2);
                rows.append({label, QString::number(p.year), n(p.tCO2),
                             QStringLiteral("%1–%2").arg(n(p.ci95.low), n(p.ci95.high)),
                             n(p.perHousehold)});
            }
            chart->addSeries(line);
            line->attachAxis(years);
            line->attachAxis(tonnes);
        }
        m_out.chart(chart, 0.3);
        m_out.table(rows, {0.3, 0.1, 0.2, 0.25, 0.15});
        m_out.text(PdfReport::tr("Scenarios"), font(13, true));
        QList<QStringList> settings{
            {PdfReport::tr("Scenario"), PdfReport::tr("Grid factor falls, % a year"),
             PdfReport::tr("Cooking and heating to electricity by %1, %").arg(last),
             PdfReport::tr("Vehicles electric by %1, %").arg(last),
             PdfReport::tr("Households grow, % a year")}};
        for (const Scenario &s : h.model.scenarios)
            settings.append({text(h.scenarioLabels.value(s.name), s.name),
                             n(s.gridDecline * 100, 1), n(s.heatToElectric * 100),
                             n(s.evShare * 100), n(s.householdGrowth * 100, 1)});
        m_out.table(settings, {0.24, 0.19, 0.19, 0.19, 0.19});
    }

    void demand(const EnterpriseDemand &d, const EnterpriseSpec &spec)
    {
        m_out.page(PdfReport::tr("Demand for low-carbon services"));
        m_out.text(PdfReport::tr("%1 of %n enterprise(s) are interested in at least one "
                                 "service.",
                                 nullptr, d.count)
                       .arg(d.interestedAny));
        QStringList services;
        QList<double> shares;
        for (std::size_t s = 0; s < d.services.size(); ++s) {
            services.append(spec.serviceLabel(qsizetype(s), m_data, m_language, m_options.appCode));
            shares.append(d.services[s].share * 100);
        }
        m_out.chart(barChart(PdfReport::tr("Interested, % of enterprises"), services,
                             {{QStringLiteral("%"), shares}}, QStringLiteral("%.0f")),
                    0.35);
        const QString unit = text(spec.unit);
        if (d.willingnessToPay.stats.count > 0)
            m_out.text(PdfReport::tr("Willingness to pay a year (%1): median %2, mean %3, from %4 "
                                     "to %5; %n answer(s).",
                                     nullptr, d.willingnessToPay.stats.count)
                           .arg(unit, n(d.willingnessToPay.stats.median, 1),
                                n(d.willingnessToPay.stats.mean, 1),
                                n(d.willingnessToPay.stats.min, 1),
                                n(d.willingnessToPay.stats.max, 1)));
        m_out.text(PdfReport::tr("Energy spend of the enterprises counted: %1 %2 a year. At %3% "
                                 "of the spend of those interested in a service, the savings "
                                 "would be %4 %2 a year (%5).")
                       .arg(n(d.totalSpend), unit, n(spec.savingsShare * 100),
                            n(d.estimatedSavings), text(spec.savingsSource)));
        for (qsizetype b = 0; b < spec.by.size() && !d.services.empty(); ++b) {
            const Question &by = m_data.questions[std::size_t(m_data.questionIndex(spec.by.at(b)))];
            QStringList header{PdfReport::tr("Service")};
            for (const auto &[value, counts] : d.services.front().by.at(std::size_t(b)))
                header.append(QStringLiteral("%1 (%2)")
                                  .arg(value.isEmpty() ? PdfReport::tr("no answer")
                                                       : by.choiceLabel(value, m_language))
                                  .arg(counts.second));
            QList<QStringList> rows{header};
            for (std::size_t s = 0; s < d.services.size(); ++s) {
                QStringList row{services.at(qsizetype(s))};
                for (const auto &[value, counts] : d.services[s].by.at(std::size_t(b)))
                    row.append(counts.second > 0
                                   ? n(100.0 * counts.first / counts.second) + QLatin1Char('%')
                                   : QStringLiteral("–"));
                rows.append(row);
            }
            m_out.text(PdfReport::tr("Interested by %1").arg(by.label(m_language)), font(11, true));
            QList<double> weights{0.3};
            for (qsizetype c = 1; c < header.size(); ++c)
                weights.append(0.7 / double(header.size() - 1));
            m_out.table(rows, weights);
        }
    }

    void questions()
    {
        m_out.page(PdfReport::tr("Each question"));
        for (const QuestionSummary &s : m_r.questions) {
            const Question &q = m_data.questions[std::size_t(s.question)];
            QString line =
                PdfReport::tr("%1 — %n answered", nullptr, s.answered).arg(q.label(m_language));
            if (s.missing > 0)
                line += PdfReport::tr(", %n without an answer", nullptr, s.missing);
            m_out.text(line, font(10, true));
            if (s.answered == 0)
                continue;
            switch (q.kind) {
            case QuestionKind::SelectOne:
            case QuestionKind::SelectMultiple: {
                QStringList categories;
                QList<double> counts;
                for (const Count &c : s.counts) {
                    categories.append(q.choiceLabel(c.value, m_language));
                    counts.append(c.count);
                }
                m_out.chart(barChart(QString(), categories,
                                     {{PdfReport::tr("Submissions"), counts}},
                                     QStringLiteral("%d")),
                            std::min(0.35, 0.04 + 0.022 * double(categories.size())));
                break;
            }
            case QuestionKind::Number:
                m_out.text(PdfReport::tr("min %1 · median %2 · mean %3 · max %4")
                               .arg(n(s.stats.min, 2), n(s.stats.median, 2), n(s.stats.mean, 2),
                                    n(s.stats.max, 2)));
                break;
            case QuestionKind::Date:
                if (!s.perDay.empty())
                    m_out.text(
                        PdfReport::tr("from %1 to %2")
                            .arg(m_locale.toString(s.perDay.front().first, QLocale::ShortFormat),
                                 m_locale.toString(s.perDay.back().first, QLocale::ShortFormat)));
                break;
            default:
                break;
            }
        }
    }

    Layout &m_out;
    const Results &m_r;
    const Dataset &m_data;
    const Spec *m_spec;
    const PdfReport::Options &m_options;
    QLocale m_locale;
    int m_language;
};

} // namespace

bool PdfReport::write(const Results &results, const Dataset &data, const Spec *spec,
                      const Options &options, const QString &path, QStringList *pages,
                      QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("%1 cannot be written: %2").arg(path, file.errorString());
        return false;
    }
    pages->clear();
    {
        QPdfWriter pdf(&file);
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout::Millimeter);
        pdf.setResolution(150);
        pdf.setTitle(tr("%1: analysis report").arg(data.title));
        pdf.setCreator(QStringLiteral("Survey Collector"));
        QPainter painter;
        if (!painter.begin(&pdf)) {
            *error = tr("%1 cannot be written as a PDF.").arg(path);
            file.cancelWriting();
            return false;
        }
        Layout layout(pdf, painter, pages);
        Report(layout, results, data, spec, options).write();
        painter.end();
    }
    if (!file.commit()) {
        *error = tr("%1 cannot be written: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace survey::analysis
