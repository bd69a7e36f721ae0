// SPDX-License-Identifier: GPL-3.0-or-later
// survey-screenshots [--check] OUT_DIR: renders the app's pages (home, a filled form page,
// a page in a repeat, the question list, the finalize summary, the sync log after a
// send-back, settings, the review queue, a submission, a correction's changes, the team,
// the sign-out and password prompts, the sign-in page) at phone,
// tablet and desktop sizes in both languages into PNG files, offscreen, from a throwaway
// store holding the example forms and a few records. Used by scripts/screenshots.sh; with
// --check, the layout_check test (app::layoutProblems on every page).
#include "backend.h"
#include "dashboard.h"
#include "formdefinition.h"
#include "formsession.h"
#include "layoutcheck.h"
#include "reviewstore.h"
#include "store.h"
#include "visibleitem.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(SurveyPlugin)

using namespace survey;

namespace {

QQuickWindow *g_window = nullptr;
bool g_check = false; ///< --check: the layout of each page is checked too
int g_problems = 0;

QQuickItem *visibleItem(const QString &name)
{
    return app::findVisibleItem(g_window, name);
}

/// Lets the event loop run until `done` holds (or 10 s pass), then until a frame is drawn.
bool settle(const std::function<bool()> &done)
{
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < 10000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    // Transitions (pages sliding, pop-ups fading): let them finish, then wait for a fresh
    // frame. A loaded machine draws them slower: what is waited for is their end.
    const auto atRest = [] {
        if (!app::popupsAtRest(g_window))
            return false;
        QObject *stack = g_window->findChild<QObject *>(QStringLiteral("stack"));
        return !stack || !stack->property("busy").toBool();
    };
    QEventLoop loop;
    QTimer::singleShot(400, &loop, &QEventLoop::quit);
    loop.exec();
    while (!atRest() && clock.elapsed() < 20000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    g_window->update();
    QEventLoop frame;
    QObject::connect(g_window, &QQuickWindow::frameSwapped, &frame, &QEventLoop::quit);
    QTimer::singleShot(2000, &frame, &QEventLoop::quit);
    frame.exec();
    return done();
}

void click(const QString &name)
{
    if (QQuickItem *item = visibleItem(name))
        QMetaObject::invokeMethod(item, "clicked");
}

/// A tab made the current one (its clicked signal alone does not check it).
void check(const QString &name)
{
    if (QQuickItem *item = visibleItem(name))
        item->setProperty("checked", true);
}

bool grab(const QString &dir, const QString &name)
{
    const QImage image = g_window->grabWindow();
    const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
    if (image.isNull() || !image.save(path)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        return false;
    }
    std::printf("%s\n", qPrintable(path));
    if (g_check) {
        for (const QString &problem : app::layoutProblems(g_window)) {
            std::printf("  %s: %s\n", qPrintable(name), qPrintable(problem));
            ++g_problems;
        }
    }
    return true;
}

/// Opens (or closes) a pop-up of the window by its name.
void popup(const QString &name, const char *method)
{
    for (QObject *o : g_window->findChildren<QObject *>(name))
        QMetaObject::invokeMethod(o, method);
}

/// An example form's answers (examples/forms/FORM.answers.json), with `changes`, as a
/// submission with instanceID `id`, made by the form engine.
QByteArray exampleFilling(store::Store &s, const QString &examples, const QString &formId,
                          const QString &id, const QJsonObject &changes)
{
    const auto form = s.currentForm(formId, nullptr);
    const auto xml = form ? s.formXml(form->row, nullptr) : std::nullopt;
    form::FormError fe;
    const auto def = xml ? form::FormDefinition::load(*xml, {}, &fe) : nullptr;
    QFile answersFile(QDir(examples).filePath(formId + QStringLiteral(".answers.json")));
    if (!def || !answersFile.open(QIODevice::ReadOnly))
        return {};
    form::FormSession session(def);
    session.start();
    QJsonObject answers = QJsonDocument::fromJson(answersFile.readAll()).object();
    for (auto it = changes.begin(); it != changes.end(); ++it)
        answers.insert(it.key(), it.value());
    for (auto it = answers.begin(); it != answers.end(); ++it) {
        QString why;
        if (form::XmlNode *node = session.resolve(it.key(), true, &why))
            session.setValue(node, it.value().toVariant().toString());
    }
    QByteArray out = session.toXml();
    const qsizetype at = out.indexOf("<instanceID>") + 12;
    return out.replace(at, out.indexOf("</instanceID>") - at, id.toUtf8());
}

/// The household example's answers as a submission (with `id` and the household ID).
QByteArray exampleSubmission(store::Store &s, const QString &examples, const QString &id,
                             const QString &household, const QString &kwh)
{
    return exampleFilling(
        s, examples, QStringLiteral("household_energy"), id,
        {{QStringLiteral("/data/hh_id"), household}, {QStringLiteral("/data/elec_kwh"), kwh}});
}

/// What the Analysis pages show: 24 households over the three districts and 12 enterprises
/// over sectors and sizes, pulled some days ago (made-up answers around the examples').
bool seedAnalysis(store::Store &s, const QString &examples)
{
    std::vector<store::PulledSubmission> pulled;
    const QDateTime earlier(QDate::currentDate().addDays(-6), QTime(10, 0));
    const QStringList who{QStringLiteral("李明"), QStringLiteral("王芳"), QStringLiteral("张伟")};
    const auto add = [&](const QString &formId, int n, const QJsonObject &changes) {
        const QString id = QStringLiteral("uuid:0a7e%1-0000-4000-8000-%2")
                               .arg(formId.size(), 4, 10, QLatin1Char('0'))
                               .arg(n, 12, 10, QLatin1Char('0'));
        store::PulledSubmission p;
        p.head.instanceId = p.head.currentVersion = id;
        p.head.formId = formId;
        p.head.submitter = who.at(n % 3);
        p.head.reviewState = n % 4 == 3 ? QStringLiteral("received") : QStringLiteral("approved");
        p.head.createdAt = earlier.addDays(n % 5).addSecs(60 * n);
        p.head.changeSeq = 1000 + n + formId.size() * 100;
        p.head.instanceName = QStringLiteral("%1 %2").arg(formId).arg(n);
        store::ReviewVersion v;
        v.instanceId = id;
        v.current = true;
        v.createdAt = p.head.createdAt;
        v.submitter = p.head.submitter;
        v.xml = exampleFilling(s, examples, formId, id, changes);
        const auto form = s.currentForm(formId, nullptr);
        p.head.formVersion = v.formVersion = form ? form->version : QString();
        p.versions.push_back(v);
        pulled.push_back(p);
    };
    const QStringList districts{QStringLiteral("urban"), QStringLiteral("suburban"),
                                QStringLiteral("rural")};
    for (int n = 0; n < 24; ++n)
        add(QStringLiteral("household_energy"), n,
            {{QStringLiteral("/data/hh_id"), QStringLiteral("BD%1").arg(200 + n)},
             {QStringLiteral("/data/district"), districts.at(n % 3)},
             {QStringLiteral("/data/elec_kwh"), 140 + (n * 37) % 320},
             {QStringLiteral("/data/fuel_use/coal_kg"), n % 3 == 2 ? 120 + (n * 13) % 150 : 0},
             {QStringLiteral("/data/fuel_use/lpg_kg"), 4 + (n * 7) % 14},
             {QStringLiteral("/data/vehicles/vehicle[1]/annual_km"), 3000 + (n * 1700) % 16000}});
    const QStringList sectors{QStringLiteral("manufacturing"), QStringLiteral("retail"),
                              QStringLiteral("logistics"), QStringLiteral("hospitality")};
    const QStringList sizes{QStringLiteral("small"), QStringLiteral("medium"),
                            QStringLiteral("large"), QStringLiteral("micro")};
    const QStringList services{QStringLiteral("rooftop_pv lighting_retrofit"),
                               QStringLiteral("carbon_accounting ems_platform"),
                               QStringLiteral("none"),
                               QStringLiteral("hvac_retrofit rooftop_pv energy_storage")};
    for (int n = 0; n < 12; ++n)
        add(QStringLiteral("enterprise_lowcarbon"), n,
            {{QStringLiteral("/data/sector"), sectors.at(n % 4)},
             {QStringLiteral("/data/size_class"), sizes.at((n / 2) % 4)},
             {QStringLiteral("/data/services"), services.at(n % 4)},
             {QStringLiteral("/data/audit_interest"),
              n % 3 == 0 ? QStringLiteral("yes") : QStringLiteral("maybe")},
             {QStringLiteral("/data/emc_interest"),
              n % 4 == 1 ? QStringLiteral("yes") : QStringLiteral("no")},
             {QStringLiteral("/data/energy_spend"), 60 + (n * 97) % 900},
             {QStringLiteral("/data/wtp"), 5 + (n * 11) % 60}});
    store::ReviewStore review(s);
    store::StoreError e;
    return review.storePulled(QString(), pulled, 2000, &e);
}

/// A supervisor's device: the team's submissions pulled for review (one received with its
/// photo, one corrected after being sent back, one approved) and the team.
bool seedReview(store::Store &s, const QString &examples)
{
    store::ReviewStore review(s);
    store::StoreError e;
    QFile photoFile(QDir(examples).filePath(QStringLiteral("bd0127_house.jpg")));
    if (!photoFile.open(QIODevice::ReadOnly))
        return false;
    const QByteArray photo = photoFile.readAll();
    const QDateTime morning(QDate::currentDate(), QTime(9, 30));
    const auto pulled = [&](const QString &id, const QString &who, const QString &household,
                            const QString &state, int minutes) {
        store::PulledSubmission p;
        p.head.instanceId = id;
        p.head.formId = QStringLiteral("household_energy");
        p.head.submitter = who;
        p.head.reviewState = state;
        p.head.currentVersion = id;
        p.head.createdAt = morning.addSecs(60 * minutes);
        p.head.changeSeq = minutes;
        p.head.instanceName = QStringLiteral("HH-%1").arg(household);
        p.head.deviceId = QStringLiteral("survey-collector:7f3a9c");
        store::ReviewVersion v;
        v.instanceId = id;
        v.current = true;
        v.createdAt = p.head.createdAt;
        v.submitter = who;
        v.deviceId = p.head.deviceId;
        v.xml = exampleSubmission(s, examples, id, household, QStringLiteral("320"));
        v.attachments = {
            {QStringLiteral("bd0127_house.jpg"), store::md5Hash(photo), photo.size(), {}}};
        const auto form = s.currentForm(QStringLiteral("household_energy"), nullptr);
        p.head.formVersion = v.formVersion = form ? form->version : QString();
        p.versions.push_back(v);
        return p;
    };
    auto received =
        pulled(QStringLiteral("uuid:5c1e0a52-1f4e-4b7a-9d0e-3a2b1c0d0127"), QStringLiteral("李明"),
               QStringLiteral("BD0127"), QStringLiteral("received"), 0);
    auto corrected =
        pulled(QStringLiteral("uuid:5c1e0a52-1f4e-4b7a-9d0e-3a2b1c0d0128"), QStringLiteral("王芳"),
               QStringLiteral("BD0128"), QStringLiteral("hasIssues"), 20);
    corrected.flags = {{QStringLiteral("/data/elec_kwh"), QStringLiteral("电费与用电量不符"),
                        QStringLiteral("supervisor"), QString(), corrected.head.currentVersion}};
    corrected.comments = {{QStringLiteral("supervisor"), QStringLiteral("2026-11-28T09:00:00Z"),
                           QStringLiteral("请核实用电量 / Please check the electricity use")}};
    auto approved =
        pulled(QStringLiteral("uuid:5c1e0a52-1f4e-4b7a-9d0e-3a2b1c0d0129"), QStringLiteral("李明"),
               QStringLiteral("BD0129"), QStringLiteral("approved"), 45);
    if (!review.storePulled(QString(), {received, corrected, approved}, 45, &e) ||
        !review.markSeen(corrected.head.instanceId, &e)) {
        std::fprintf(stderr, "%s\n", qPrintable(e.message));
        return false;
    }
    // The correction: a second version, current, with the reading changed.
    auto second = corrected;
    const QString next = QStringLiteral("uuid:9b8e0f11-2d3c-4e5f-8a7b-6c5d4e3f2a10");
    second.head.currentVersion = next;
    second.head.reviewState = QStringLiteral("edited");
    second.head.changeSeq = 60;
    second.versions[0].current = false;
    store::ReviewVersion v2 = second.versions[0];
    v2.instanceId = next;
    v2.deprecatedId = corrected.head.instanceId;
    v2.current = true;
    v2.createdAt = morning.addSecs(3600);
    v2.xml = exampleSubmission(s, examples, next, QStringLiteral("BD0128"), QStringLiteral("298"));
    second.versions.push_back(v2);
    second.flags.clear();
    if (!review.storePulled(QString(), {second}, 60, &e))
        return false;
    for (const auto &m : review.missingAttachments(&e))
        review.putAttachment(m.versionRow, m.name, photo, &e);
    const QString synced =
        QDateTime::currentDateTimeUtc().addSecs(-1800).toString(Qt::ISODateWithMs);
    const QByteArray team =
        QStringLiteral(R"([{"displayName":"李明","role":"enumerator","supervisor":"supervisor",)"
                       R"("lastSyncAt":"%1","targets":[{"formId":"household_energy","target":50,)"
                       R"("submitted":32}]},{"displayName":"王芳","role":"enumerator",)"
                       R"("supervisor":"supervisor","lastSyncAt":null,"targets":[]}])")
            .arg(synced)
            .toUtf8();
    return review.setTeam(team, &e) &&
           s.setSetting(QStringLiteral("role"), QStringLiteral("supervisor"), &e);
}

/// The example forms and a few records in each state, straight into the store.
bool seed(const QString &dataDir, const QString &examples)
{
    store::StoreError e;
    auto s = store::Store::open(dataDir, &e);
    if (!s)
        return false;
    // The example forms with their analysis specs, as devices get them.
    for (const char *name : {"household_energy", "enterprise_lowcarbon"}) {
        QFile f(QDir(examples).filePath(QLatin1String(name) + QStringLiteral(".xml")));
        QFile spec(
            QDir(examples).filePath(QLatin1String(name) + QStringLiteral("-media/analysis.json")));
        if (!f.open(QIODevice::ReadOnly) || !spec.open(QIODevice::ReadOnly) ||
            !s->addForm(f.readAll(), {{QStringLiteral("analysis.json"), spec.readAll()}}, QString(),
                        &e))
            return false;
    }
    const auto form = s->currentForm(QStringLiteral("household_energy"), &e);
    const auto record = [&](const QString &name) {
        const QString id =
            QStringLiteral("uuid:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QByteArray xml = "<data id=\"household_energy\"><meta><instanceID>" + id.toUtf8() +
                               "</instanceID></meta></data>";
        s->createDraft(form->row, id, xml, name, &e);
        return std::make_pair(id, xml);
    };
    record(QStringLiteral("HH-BD0131 王家"));
    const auto ready = record(QStringLiteral("HH-BD0127 李家"));
    s->finalize(ready.first, ready.second, &e);
    const auto sent = record(QStringLiteral("HH-BD0102 张家"));
    s->finalize(sent.first, sent.second, &e);
    s->markSent(sent.first, &e);
    s->log(sent.first, QStringLiteral("sent"), QStringLiteral("sent"), &e, QStringLiteral("sent"),
           {QStringLiteral("survey.example.org")});
    const auto back = record(QStringLiteral("HH-BD0095 赵家"));
    s->finalize(back.first, back.second, &e);
    s->markSent(back.first, &e);
    const QString comment = QStringLiteral("用电量与电费不一致，请核实 / Electricity use and bill "
                                           "disagree");
    s->log(back.first, QStringLiteral("sent"), QStringLiteral("sent"), &e, QStringLiteral("sent"),
           {QStringLiteral("survey.example.org")});
    s->receiveReturned(
        form->row, back.first, back.second, QStringLiteral("hasIssues"),
        {{QStringLiteral("supervisor"), QStringLiteral("2026-11-28T09:00:00Z"), comment}}, &e);
    // The sync log after a send-back.
    s->log(back.first, QStringLiteral("returned"), QStringLiteral("returned"), &e,
           QStringLiteral("returned"), {comment});
    s->setSetting(QStringLiteral("configured"), QStringLiteral("yes"), &e);
    return seedReview(*s, examples) && seedAnalysis(*s, examples);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv); // Qt Charts needs one
    QCoreApplication::setApplicationVersion(QStringLiteral(SURVEY_VERSION));
    QQuickStyle::setStyle(QStringLiteral("Material"));
    QStringList args = app.arguments();
    g_check = args.removeAll(QStringLiteral("--check")) > 0;
    if (args.size() != 3) {
        std::fprintf(stderr, "usage: survey-screenshots [--check] OUT_DIR EXAMPLE_FORMS_DIR\n"
                             "  --check: also check each page's layout (texts over each "
                             "other, texts cut short, controls smaller than 48 dp); exit 1 "
                             "when any is found\n");
        return 64;
    }
    const QString out = args[1];
    QDir().mkpath(out);
    QTemporaryDir data;
    if (!data.isValid() || !seed(data.path(), args[2])) {
        std::fprintf(stderr, "cannot prepare the example data\n");
        return 1;
    }
    app::Backend backend(nullptr);
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    backend.start(data.path(), &engine);
    engine.load(QUrl(QStringLiteral("qrc:/Survey/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    g_window = qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    if (!settle([] { return visibleItem(QStringLiteral("homePage")) != nullptr; }))
        return 1;

    const QList<std::pair<QString, QSize>> sizes{{QStringLiteral("phone"), {360, 640}},
                                                 {QStringLiteral("tablet"), {800, 1280}},
                                                 {QStringLiteral("tablet-landscape"), {1280, 800}},
                                                 {QStringLiteral("desktop"), {1920, 1080}}};
    bool ok = true;
    for (const QString &language : {QStringLiteral("zh_CN"), QStringLiteral("en")}) {
        backend.preferences()->setLanguage(language);
        for (const auto &[sizeName, size] : sizes) {
            g_window->resize(size);
            const QString prefix = sizeName + QLatin1Char('-') + language + QLatin1Char('-');
            settle([] { return visibleItem(QStringLiteral("homePage")) != nullptr; });
            ok &= grab(out, prefix + QStringLiteral("home"));
            // A form page with answers: the household form's dwelling questions (a page of
            // several), answered as in the example answers.
            click(QStringLiteral("form_household_energy"));
            settle([] { return visibleItem(QStringLiteral("formPage")) != nullptr; });
            if (QQuickItem *page = visibleItem(QStringLiteral("formPage"))) {
                auto *controller = page->property("controller").value<app::FormController *>();
                for (const auto &[ref, value] : {std::pair{"/data/enumerator", "李明"},
                                                 {"/data/interview_date", "2026-11-20"},
                                                 {"/data/hh_id", "BD0127"},
                                                 {"/data/district", "suburban"},
                                                 {"/data/dwelling/dwelling_type", "bungalow"},
                                                 {"/data/dwelling/floor_area", "96.5"},
                                                 {"/data/dwelling/tenure", "owned"}})
                    controller->setAnswer(QString::fromUtf8(ref), QString::fromUtf8(value));
                for (int i = 0; i < controller->count(); ++i) {
                    controller->jumpTo(i);
                    if (controller->pageKind() == app::FormController::PageKind::FieldList)
                        break;
                }
            }
            settle([] { return true; });
            ok &= grab(out, prefix + QStringLiteral("form"));
            // A page in a repeat (the second of two members), then the question list.
            if (QQuickItem *page = visibleItem(QStringLiteral("formPage"))) {
                auto *controller = page->property("controller").value<app::FormController *>();
                // The form starts with one member: a second is added at the repeat's prompt.
                for (const QVariant &row : controller->outline()) {
                    if (row.toMap().value(QStringLiteral("kind")) == QLatin1String("repeat")) {
                        controller->jumpTo(row.toMap().value(QStringLiteral("index")).toInt());
                        controller->addRepeat();
                        break;
                    }
                }
                for (const auto &[ref, value] :
                     {std::pair{"/data/members/member[1]/name", "王建国"},
                      {"/data/members/member[1]/age", "47"},
                      {"/data/members/member[1]/sex", "male"},
                      {"/data/members/member[2]/name", "李秀兰"},
                      {"/data/members/member[2]/age", "45"},
                      {"/data/members/member[2]/sex", "female"}})
                    controller->setAnswer(QString::fromUtf8(ref), QString::fromUtf8(value));
                for (const QVariant &row : controller->outline()) {
                    const QVariantMap r = row.toMap();
                    if (r.value(QStringLiteral("ref")) ==
                        QLatin1String("/data/members/member[2]/sex")) {
                        controller->jumpTo(r.value(QStringLiteral("index")).toInt());
                        break;
                    }
                }
            }
            settle([] { return visibleItem(QStringLiteral("repeatPlace")) != nullptr; });
            ok &= grab(out, prefix + QStringLiteral("repeat"));
            click(QStringLiteral("outlineButton"));
            settle([] { return visibleItem(QStringLiteral("outlinePage")) != nullptr; });
            ok &= grab(out, prefix + QStringLiteral("outline"));
            click(QStringLiteral("backButton"));
            settle([] { return visibleItem(QStringLiteral("formPage")) != nullptr; });
            // The finalize summary: straight to the end, with everything still to answer.
            if (QQuickItem *page = visibleItem(QStringLiteral("formPage"))) {
                auto *controller = page->property("controller").value<app::FormController *>();
                if (controller)
                    controller->jumpTo(controller->count() - 1);
            }
            settle([] { return visibleItem(QStringLiteral("finalizeButton")) != nullptr; });
            click(QStringLiteral("finalizeButton"));
            settle([] { return visibleItem(QStringLiteral("finalizePage")) != nullptr; });
            ok &= grab(out, prefix + QStringLiteral("finalize"));
            // Back home (the draft is kept), then the log and settings.
            click(QStringLiteral("backButton"));
            settle([] { return visibleItem(QStringLiteral("closeFormButton")) != nullptr; });
            click(QStringLiteral("closeFormButton"));
            settle([] { return visibleItem(QStringLiteral("homePage")) != nullptr; });
            click(QStringLiteral("syncLogButton"));
            settle([] { return visibleItem(QStringLiteral("syncLogPage")) != nullptr; });
            ok &= grab(out, prefix + QStringLiteral("synclog"));
            click(QStringLiteral("backButton"));
            settle([] { return visibleItem(QStringLiteral("homePage")) != nullptr; });
            click(QStringLiteral("settingsButton"));
            settle([] { return visibleItem(QStringLiteral("settingsPage")) != nullptr; });
            ok &= grab(out, prefix + QStringLiteral("settings"));
            // The supervisor's workspace: the queue, a submission, a correction's changes,
            // the team.
            click(QStringLiteral("backButton"));
            settle([] { return visibleItem(QStringLiteral("homePage")) != nullptr; });
            click(QStringLiteral("reviewButton"));
            settle([] {
                return visibleItem(QStringLiteral("reviewRow_uuid:5c1e0a52-1f4e-4b7a-9d0e-"
                                                  "3a2b1c0d0127")) != nullptr;
            });
            ok &= grab(out, prefix + QStringLiteral("review"));
            for (const auto &[row, shot] :
                 {std::pair{"reviewRow_uuid:5c1e0a52-1f4e-4b7a-9d0e-3a2b1c0d0127", "submission"},
                  std::pair{"reviewRow_uuid:5c1e0a52-1f4e-4b7a-9d0e-3a2b1c0d0128", "changes"}}) {
                click(QLatin1String(row));
                settle([] { return visibleItem(QStringLiteral("submissionWho")) != nullptr; });
                ok &= grab(out, prefix + QLatin1String(shot));
                click(QStringLiteral("backButton"));
                settle([] { return visibleItem(QStringLiteral("reviewPage")) != nullptr; });
            }
            click(QStringLiteral("teamButton"));
            settle([] { return visibleItem(QStringLiteral("teamPage")) != nullptr; });
            ok &= grab(out, prefix + QStringLiteral("team"));
            click(QStringLiteral("backButton"));
            settle([] { return visibleItem(QStringLiteral("reviewPage")) != nullptr; });
            click(QStringLiteral("backButton"));
            settle([] { return visibleItem(QStringLiteral("homePage")) != nullptr; });
            // The Analysis pages: every question's summary, the household baseline and its
            // forecast, then the enterprise form's demand.
            app::Dashboard *dashboard = backend.dashboard();
            const auto computed = [dashboard] {
                return visibleItem(QStringLiteral("analysisPage")) != nullptr &&
                       !dashboard->busy() && dashboard->count() > 0;
            };
            click(QStringLiteral("analysisButton"));
            dashboard->setFormId(QStringLiteral("household_energy"));
            settle(computed);
            ok &= grab(out, prefix + QStringLiteral("analysis-questions"));
            for (const auto &[tab, shot] : {std::pair{"baselineTab", "analysis-baseline"},
                                            std::pair{"forecastTab", "analysis-forecast"}}) {
                check(QLatin1String(tab));
                settle(computed);
                ok &= grab(out, prefix + QLatin1String(shot));
            }
            dashboard->setFormId(QStringLiteral("enterprise_lowcarbon"));
            settle([dashboard, computed] { return computed() && dashboard->hasDemand(); });
            check(QStringLiteral("demandTab"));
            settle(computed);
            ok &= grab(out, prefix + QStringLiteral("analysis-demand"));
            check(QStringLiteral("questionsTab"));
            click(QStringLiteral("backButton"));
            settle([] { return visibleItem(QStringLiteral("homePage")) != nullptr; });
            click(QStringLiteral("settingsButton"));
            settle([] { return visibleItem(QStringLiteral("settingsPage")) != nullptr; });
            // Signing out asks first; the password prompt (a device without a keystore).
            click(QStringLiteral("signOutButton"));
            settle([] {
                return visibleItem(QStringLiteral("signOutWarning")) != nullptr ||
                       visibleItem(QStringLiteral("signOutConfirmButton")) != nullptr;
            });
            ok &= grab(out, prefix + QStringLiteral("signout"));
            click(QStringLiteral("signOutCancelButton"));
            settle([] { return visibleItem(QStringLiteral("signOutConfirmButton")) == nullptr; });
            popup(QStringLiteral("passwordDialog"), "open");
            settle([] { return visibleItem(QStringLiteral("passwordReason")) != nullptr; });
            ok &= grab(out, prefix + QStringLiteral("password"));
            popup(QStringLiteral("passwordDialog"), "close");
            settle([] { return visibleItem(QStringLiteral("passwordReason")) == nullptr; });
            click(QStringLiteral("backButton"));
        }
    }
    // Signed out: the sign-in page, in both languages at each size.
    backend.account()->signOut();
    for (const QString &language : {QStringLiteral("zh_CN"), QStringLiteral("en")}) {
        backend.preferences()->setLanguage(language);
        for (const auto &[sizeName, size] : sizes) {
            g_window->resize(size);
            settle([] { return visibleItem(QStringLiteral("firstRunPage")) != nullptr; });
            ok &= grab(out, sizeName + QLatin1Char('-') + language + QStringLiteral("-signin"));
        }
    }
    if (g_check)
        std::printf("%d layout problem(s)\n", g_problems);
    return ok && g_problems == 0 ? 0 : 1;
}
