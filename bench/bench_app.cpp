// SPDX-License-Identifier: GPL-3.0-or-later
// The app's home screen with many records: time from start (store opened, QML loaded) to
// an interactive home screen, to its lists filled, and the process's memory after.
// Offscreen. Run: build/bench/bench_app [--records 10000]
#include "backend.h"
#include "store.h"
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
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--records"))
            count = std::max(1, args[i + 1].toInt());
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
    return filled >= 0 ? 0 : 1;
}
