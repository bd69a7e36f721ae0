// SPDX-License-Identifier: GPL-3.0-or-later
// The app's home screen with many records: time from start (store opened, QML loaded) to
// an interactive home screen, to its lists filled, and the process's memory after. Then a
// supervisor's review queue with many pulled submissions: time from Review pressed to the
// first frame of the filled queue. Offscreen.
// Run: build/bench/bench_app [--records 10000] [--queue 10000]
#include "backend.h"
#include "reviewstore.h"
#include "store.h"
#include "uiinput.h"
#include "visibleitem.h"

#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
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
    QGuiApplication app(argc, argv);
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
        if (!s || !form.open(QIODevice::ReadOnly))
            return 1;
        const auto added = s->addForm(form.readAll(), {}, QString(), &e);
        if (!added)
            return 1;
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
            v.xml = "<data id=\"household_energy\"/>";
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
    return filled >= 0 && listed >= 0 ? 0 : 1;
}
