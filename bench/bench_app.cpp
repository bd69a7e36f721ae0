// SPDX-License-Identifier: GPL-3.0-or-later
// The app's home screen with many records: time from start (store opened, QML loaded) to
// an interactive home screen, to its lists filled, and the process's memory after. Then a
// supervisor's review queue with many pulled submissions: time from Review pressed to the
// first frame of the filled queue. Then the Analysis page on those submissions (the
// household example filled by the engine, with its analysis.json): time from Analysis
// pressed to its first frame, and to the first frame with every chart and the baseline.
// Offscreen.
// Run: build/bench/bench_app [--records 10000] [--queue 10000]
#include "backend.h"
#include "dashboard.h"
#include "formdefinition.h"
#include "formsession.h"
#include "reviewstore.h"
#include "store.h"
#include "uiinput.h"
#include "visibleitem.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <cstdio>

#include "benchutil.h"

Q_IMPORT_QML_PLUGIN(SurveyPlugin)

using namespace survey;

namespace {} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv); // Qt Charts (the Analysis page) needs one
    QQuickStyle::setStyle(QStringLiteral("Material"));
    int count = 10000;
    int queued = 10000;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--records"))
            count = std::max(1, args[i + 1].toInt());
        if (args[i] == QLatin1String("--queue"))
            queued = std::max(1, args[i + 1].toInt());
    }
    QTemporaryDir dir;
    {
        // The records, written in one transaction (the bench is about reading them).
        store::StoreError e;
        auto s = store::Store::open(dir.path(), &e);
        QFile form(QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xml"));
        QFile spec(QStringLiteral(SURVEY_SOURCE_DIR
                                  "/examples/forms/household_energy-media/analysis.json"));
        QFile answersFile(
            QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.answers.json"));
        if (!s || !form.open(QIODevice::ReadOnly) || !spec.open(QIODevice::ReadOnly) ||
            !answersFile.open(QIODevice::ReadOnly))
            return 1;
        const QByteArray formXml = form.readAll();
        const auto added =
            s->addForm(formXml, {{QStringLiteral("analysis.json"), spec.readAll()}}, QString(), &e);
        if (!added)
            return 1;
        // Thirty households filled by the engine (district and electricity varied); the
        // pulled submissions are copies of them under their own instanceIDs.
        form::FormError formError;
        const auto def = form::FormDefinition::load(formXml, {}, &formError);
        if (!def)
            return 1;
        const QJsonObject answers = QJsonDocument::fromJson(answersFile.readAll()).object();
        std::vector<QByteArray> fillings;
        for (int k = 0; k < 30; ++k) {
            form::FormSession session(def);
            session.start();
            for (auto it = answers.begin(); it != answers.end(); ++it) {
                QString value = it.value().toVariant().toString();
                if (it.key() == QLatin1String("/data/district"))
                    value = QStringList{QStringLiteral("urban"), QStringLiteral("suburban"),
                                        QStringLiteral("rural")}
                                .at(k % 3);
                else if (it.key() == QLatin1String("/data/elec_kwh"))
                    value = QString::number(120 + 13 * k);
                QString why;
                if (form::XmlNode *node = session.resolve(it.key(), true, &why))
                    session.setValue(node, value);
            }
            fillings.push_back(session.toXml());
        }
        QSqlQuery q(s->db());
        q.exec(QStringLiteral("BEGIN"));
        q.prepare(QStringLiteral("INSERT INTO instances (instance_id, form_row, state, xml, "
                                 "instance_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                                 "?, ?)"));
        const char *states[] = {"draft", "finalized", "sent", "sent", "sent"};
        for (int i = 0; i < count; ++i) {
            const QString id = QStringLiteral("uuid:bench-%1").arg(i);
            const QString at =
                QDateTime::currentDateTimeUtc().addSecs(-i).toString(Qt::ISODateWithMs);
            q.addBindValue(id);
            q.addBindValue(added->row);
            q.addBindValue(QLatin1String(states[i % 5]));
            q.addBindValue(QByteArray("<data id=\"household_energy\"/>"));
            q.addBindValue(QStringLiteral("HH-%1").arg(i, 5, 10, QLatin1Char('0')));
            q.addBindValue(at);
            q.addBindValue(at);
            q.exec();
        }
        QSqlQuery(s->db()).exec(QStringLiteral("COMMIT"));
        s->setSetting(QStringLiteral("configured"), QStringLiteral("yes"), &e);
        // A supervisor's device: the team's submissions pulled for review, five enumerators,
        // in every state.
        std::vector<store::PulledSubmission> pulled;
        const char *reviewStates[] = {"received", "edited", "hasIssues", "approved", "received"};
        for (int i = 0; i < queued; ++i) {
            store::PulledSubmission p;
            p.head.instanceId = QStringLiteral("uuid:review-%1").arg(i);
            p.head.formId = QStringLiteral("household_energy");
            p.head.formVersion = added->version;
            p.head.submitter = QStringLiteral("enumerator-%1").arg(i % 5);
            p.head.reviewState = QLatin1String(reviewStates[i % 5]);
            p.head.instanceName = QStringLiteral("HH-R%1").arg(i, 5, 10, QLatin1Char('0'));
            p.head.currentVersion = p.head.instanceId;
            p.head.createdAt = QDateTime::currentDateTimeUtc().addSecs(-60 * i);
            p.head.changeSeq = i + 1;
            store::ReviewVersion v;
            v.instanceId = p.head.instanceId;
            v.formVersion = added->version;
            v.current = true;
            v.createdAt = p.head.createdAt;
            v.xml = fillings[std::size_t(i % 30)];
            const qsizetype from = v.xml.indexOf("<instanceID>") + 12;
            v.xml.replace(from, v.xml.indexOf("</instanceID>") - from, p.head.instanceId.toUtf8());
            p.versions.push_back(v);
            pulled.push_back(std::move(p));
        }
        if (!store::ReviewStore(*s).storePulled(QStringLiteral("bench"), pulled, queued, &e) ||
            !s->setSetting(QStringLiteral("role"), QStringLiteral("supervisor"), &e))
            return 1;
    }
    const double rssBefore = bench::rssMb();
    QElapsedTimer clock;
    clock.start();
    app::Backend backend(nullptr);
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    backend.start(dir.path(), &engine);
    engine.load(QUrl(QStringLiteral("qrc:/Survey/Main.qml")));
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().value(0));
    if (!window)
        return 1;
    qint64 home = -1;
    qint64 filled = -1;
    while (clock.elapsed() < 120000 && filled < 0) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (home < 0 && app::findVisibleItem(window, QStringLiteral("homePage")))
            home = clock.elapsed();
        if (home >= 0 && backend.readyCount() > 0)
            filled = clock.elapsed();
    }
    // One more frame drawn with everything in place.
    QEventLoop frame;
    QObject::connect(window, &QQuickWindow::frameSwapped, &frame, &QEventLoop::quit);
    window->update();
    frame.exec();
    const qint64 drawn = clock.elapsed();
    std::printf("app home screen with %d records (offscreen)\n", count);
    std::printf("home page shown:        %6lld ms\n", static_cast<long long>(home));
    std::printf("lists filled:           %6lld ms\n", static_cast<long long>(filled));
    std::printf("first frame with lists: %6lld ms\n", static_cast<long long>(drawn));
    std::printf("RSS: %.1f MB before the app, %.1f MB after\n", rssBefore, bench::rssMb());

    // The review queue: Review pressed on Home, until the queue's first frame with its rows.
    QQuickItem *review = nullptr;
    while (clock.elapsed() < 120000 && !review) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        review = app::findVisibleItem(window, QStringLiteral("reviewButton"));
    }
    if (!review)
        return 1;
    // Pressed as a person presses it: a click where the button shows (found and drawn
    // before the clock starts).
    // At rest: no page sliding in (a StackView takes no input meanwhile).
    QObject *stack = window->findChild<QObject *>(QStringLiteral("stack"));
    while (stack && stack->property("busy").toBool())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    window->requestActivate();
    if (!QTest::qWaitForWindowActive(window))
        return 1;
    QPoint middle;
    if (!uiinput::middleOnScreen(review, &middle))
        return 1;
    QElapsedTimer queueClock;
    queueClock.start();
    QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, middle);
    qint64 listed = -1;
    QQuickItem *firstRow = nullptr;
    while (queueClock.elapsed() < 60000 && listed < 0) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        QQuickItem *list = app::findVisibleItem(window, QStringLiteral("reviewList"));
        if (list && list->property("count").toInt() == queued &&
            (firstRow = app::findVisibleItem(window, QStringLiteral("reviewRow_uuid:review-0"))))
            listed = queueClock.elapsed();
    }
    QEventLoop queueFrame;
    QObject::connect(window, &QQuickWindow::frameSwapped, &queueFrame, &QEventLoop::quit);
    window->update();
    queueFrame.exec();
    const qint64 queueDrawn = queueClock.elapsed();
    // Scrolling the whole queue: rows are made only for what shows.
    QQuickItem *list = app::findVisibleItem(window, QStringLiteral("reviewList"));
    QElapsedTimer scrollClock;
    scrollClock.start();
    int frames = 0;
    const qreal end = list ? list->property("contentHeight").toReal() : 0;
    for (qreal y = 0; list && y < end; y += end / 50, ++frames) {
        list->setProperty("contentY", y);
        QEventLoop step;
        QObject::connect(window, &QQuickWindow::frameSwapped, &step, &QEventLoop::quit);
        window->update();
        step.exec();
    }
    std::printf("review queue with %d submissions (offscreen)\n", queued);
    std::printf("queue rows shown:        %6lld ms after Review was pressed\n",
                static_cast<long long>(listed));
    std::printf("first frame with rows:   %6lld ms\n", static_cast<long long>(queueDrawn));
    std::printf("scrolled end to end:     %d frames, %.1f ms each\n", frames,
                frames ? scrollClock.elapsed() / double(frames) : 0.0);
    std::printf("RSS with the queue open: %.1f MB\n", bench::rssMb());

    // The Analysis page: back home, Analysis pressed, until its first frame, then until the
    // frame that shows the figures of all the submissions.
    if (QQuickItem *back = app::findVisibleItem(window, QStringLiteral("backButton"))) {
        QPoint at;
        if (uiinput::middleOnScreen(back, &at))
            QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, at);
    }
    QQuickItem *analysis = nullptr;
    while (clock.elapsed() < 240000 && !analysis) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (!stack || !stack->property("busy").toBool())
            analysis = app::findVisibleItem(window, QStringLiteral("analysisButton"));
    }
    QPoint analysisAt;
    if (!analysis || !uiinput::middleOnScreen(analysis, &analysisAt))
        return 1;
    app::Dashboard *dashboard = backend.dashboard();
    QElapsedTimer analysisClock;
    analysisClock.start();
    QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, analysisAt);
    qint64 pageFrame = -1;
    qint64 charts = -1;
    qint64 figures = -1;
    QObject::connect(window, &QQuickWindow::frameSwapped, window, [&] {
        if (pageFrame < 0 && app::findVisibleItem(window, QStringLiteral("analysisPage")))
            pageFrame = analysisClock.elapsed();
        if (charts < 0 && dashboard->count() > 0 && dashboard->count() == dashboard->total() &&
            app::findVisibleItem(window, QStringLiteral("questionCard_/data/district")))
            charts = analysisClock.elapsed();
        if (figures < 0 && dashboard->count() > 0 && dashboard->count() == dashboard->total() &&
            !dashboard->busy() && dashboard->hasBaseline() &&
            app::findVisibleItem(window, QStringLiteral("questionCard_/data/district")))
            figures = analysisClock.elapsed();
    });
    // Frames come as the page changes (asking for one on every turn would starve the
    // results' delivery); one is asked for when the figures are in and not drawn yet.
    while (analysisClock.elapsed() < 60000 && figures < 0) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (!dashboard->busy() && dashboard->hasBaseline())
            window->update();
    }
    std::printf("analysis page with %d submissions (offscreen): %d pulled, the rest the "
                "device's own records, finalized or sent\n",
                dashboard->total(), queued);
    std::printf("first frame of the page: %6lld ms after Analysis was pressed\n",
                static_cast<long long>(pageFrame));
    std::printf("first frame with charts: %6lld ms (every question's summary)\n",
                static_cast<long long>(charts));
    std::printf("baseline worked out:     %6lld ms (and the forecast, on the next tabs)\n",
                static_cast<long long>(figures));
    return filled >= 0 && listed >= 0 && figures >= 0 ? 0 : 1;
}
