// SPDX-License-Identifier: GPL-3.0-or-later
// The real app, offscreen (QT_QPA_PLATFORM=offscreen): its pages driven as a person drives
// them, with mouse clicks at a control's place and keys typed into the window (tests/uiinput.h),
// controls found by objectName, and what the store holds checked after. Each test function
// starts the app afresh on an empty device, so any one runs alone (tst_app <function>).
// What no click can give offscreen is handed over as the system would: a location from an
// NMEA file, camera frames from a video sink.
#include "applocale.h"
#include "backend.h"
#include "barcode.h"
#include "dashboard.h"
#include "households.h"
#include "layoutcheck.h"
#include "positioning.h"
#include "recordsmodel.h"
#include "store.h"
#include "testutil.h"
#include "uiinput.h"
#include "visibleitem.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPainter>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#if SURVEY_HAVE_MULTIMEDIA
#include <QVideoFrame>
#include <QVideoFrameFormat>
#include <QVideoSink>
#endif
#if SURVEY_HAVE_ZXING
#define ZX_USE_UTF8 1
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#endif

#include <functional>

Q_IMPORT_QML_PLUGIN(SurveyPlugin)

using namespace survey;

namespace {

#if SURVEY_HAVE_ZXING
/// A code drawn as a printer would: black modules on white, with a quiet zone around.
QImage drawCode(ZXing::BarcodeFormat format, const std::string &text, int width, int height)
{
    const ZXing::BitMatrix bits =
        ZXing::MultiFormatWriter(format).setMargin(10).encode(text, width, height);
    QImage image(bits.width(), bits.height(), QImage::Format_RGB32);
    for (int y = 0; y < bits.height(); ++y)
        for (int x = 0; x < bits.width(); ++x)
            image.setPixel(x, y, bits.get(x, y) ? qRgb(0, 0, 0) : qRgb(255, 255, 255));
    return image;
}
#endif

} // namespace

class TestApp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QQuickStyle::setStyle(QStringLiteral("Material"));
        m_nmeaFile = qgetenv("SURVEY_NMEA_FILE");
    }
    void init();
    void cleanup();
    void fillAndFinalize();
    void addXlsFormFromAFile();
    void keyboard();
    void keyboardOnChoicesAndNotes();
    void repeatsAndDrafts();
    void toastLetsTouchesThrough();
    void qtsOwnWordsInChinese();
    void homeListsLaidOut();
    void layoutCheckSeesProblems();
    void signInPage();
    void passwordPrompt();
    void photoAnswer();
    void barcodeAnswer();
    void barcodeScannerFrames();
    void labelMedia();
    void questionViewsStay();
    void location();
    void locationImproves();
    void locationTimesOut();
    void sendReturnCorrect();
    void householdThroughTheUi();
    void reviewTwoRoles();
    void analysisPages();

private:
    /// The app started on the device in m_dir (what it holds stays).
    void startApp();
    /// The app closed and started again on the same device, as after a phone's restart.
    void restartApp();
    QObject *find(const QString &name) const
    {
        for (QObject *root : m_engine->rootObjects()) {
            if (root->objectName() == name)
                return root;
            if (QObject *o = root->findChild<QObject *>(name))
                return o;
        }
        return nullptr;
    }
    /// The visible item with this objectName, in any of the app's windows.
    QQuickItem *visibleItem(const QString &name) const
    {
        for (QObject *root : m_engine->rootObjects()) {
            if (auto *window = qobject_cast<QQuickWindow *>(root)) {
                if (QQuickItem *item = app::findVisibleItem(window, name))
                    return item;
            }
        }
        return nullptr;
    }
    QQuickWindow *window() const
    {
        return qobject_cast<QQuickWindow *>(m_engine->rootObjects().value(0));
    }
    /// The visible control with this name once no page is sliding in or out and no pop-up
    /// is fading (a person touches what has come to rest); null when there is none.
    QQuickItem *restingItem(const QString &name) const
    {
        QQuickItem *item = nullptr;
        QObject *stack = find(QStringLiteral("stack"));
        if (!QTest::qWaitFor([&] {
                return (!stack || !stack->property("busy").toBool()) &&
                       app::popupsAtRest(window()) && (item = visibleItem(name)) != nullptr;
            })) {
            qWarning("no visible control named %s", qPrintable(name));
            return nullptr;
        }
        return item;
    }
    /// A control touched where it shows; false (the test fails) when it is not on screen.
    [[nodiscard]] bool tap(const QString &name) { return uiinput::tap(restingItem(name)); }
    /// "Remove this entry…" touched: its confirmation, once open (null if it does not open).
    QObject *askToRemove()
    {
        if (!tap(QStringLiteral("removeRepeatButton")))
            return nullptr;
        QObject *dialog = visibleItem(QStringLiteral("formPage"))
                              ->findChild<QObject *>(QStringLiteral("removeRepeatDialog"));
        return dialog && QTest::qWaitFor([dialog] { return dialog->property("opened").toBool(); })
                   ? dialog
                   : nullptr;
    }
    /// A menu opened with its button and an entry taken; true once the menu is gone (until
    /// then it still holds the keyboard focus).
    [[nodiscard]] bool fromMenu(const QString &button, const QString &entry)
    {
        if (!tap(button) || !tap(entry))
            return false;
        return QTest::qWaitFor([&] { return !visibleItem(entry); });
    }

    testutil::Run sync(const QStringList &args, const QByteArray &in = {})
    {
        return testutil::runProgram(QStringLiteral(SURVEY_SYNC), args, in);
    }
    /// A question's text field: touched, typed into, Enter.
    [[nodiscard]] bool answerWith(const QString &ref, const QString &value)
    {
        QQuickItem *field = restingItem(QStringLiteral("answer_") + ref);
        return field && uiinput::typeInto(field, value);
    }
    /// A drop-down's entry with this value, chosen with the mouse and the arrow keys.
    [[nodiscard]] bool chooseValue(const QString &name, const QString &value)
    {
        QQuickItem *box = restingItem(name);
        if (!box)
            return false;
        int index = -1;
        QMetaObject::invokeMethod(box, "indexOfValue", Q_RETURN_ARG(int, index),
                                  Q_ARG(QVariant, value));
        return index >= 0 && uiinput::choose(box, index);
    }
    /// The first-run page's choice: this device only, in English.
    [[nodiscard]] bool startLocalOnly()
    {
        if (!tap(QStringLiteral("languageEn")) || !tap(QStringLiteral("localOnlyButton")))
            return false;
        return QTest::qWaitFor([this] { return atHome(); }) &&
               m_backend->preferences()->language() == QLatin1String("en");
    }
    /// The first-run page's sign-in, in English, typed: each field touched and typed into,
    /// Enter after each (after the password it signs in).
    [[nodiscard]] bool signIn(const QString &base, const QString &user, const QString &password)
    {
        if (!tap(QStringLiteral("languageEn")))
            return false;
        for (const auto &[field, text] :
             {std::pair{"serverField", base}, std::pair{"userField", user},
              std::pair{"passwordField", password}}) {
            if (!uiinput::typeInto(restingItem(QLatin1String(field)), text))
                return false;
        }
        return QTest::qWaitFor([this] { return atHome(); }, 20000);
    }
    /// The app's language, from the settings page, as a person changes it.
    [[nodiscard]] bool switchLanguage(const char *button)
    {
        if (!tap(QStringLiteral("settingsButton")) || !tap(QLatin1String(button)) ||
            !tap(QStringLiteral("backButton")))
            return false;
        return QTest::qWaitFor([this] { return atHome(); });
    }
    /// The outline (the question list), and there the entry for `ref`, reached with the
    /// arrow keys and taken with Enter.
    [[nodiscard]] bool jumpToQuestion(const QString &ref)
    {
        if (!controller() || !tap(QStringLiteral("outlineButton")))
            return false;
        if (!QTest::qWaitFor([&] {
                QQuickItem *list = visibleItem(QStringLiteral("outlineList"));
                return list && list->hasActiveFocus();
            }))
            return false;
        settle();
        if (!outlineRow(ref))
            return false;
        QTest::keyClick(window(), Qt::Key_Return);
        return QTest::qWaitFor([&] {
            return visibleItem(QStringLiteral("formPage")) &&
                   !visibleItem(QStringLiteral("outlinePage"));
        });
    }
    /// In the open question list, the row of `ref` (an entry's heading when `entry`),
    /// brought into view with the arrow keys; null when the list has no such row.
    QQuickItem *outlineRow(const QString &ref, bool entry = false)
    {
        QQuickItem *list = restingItem(QStringLiteral("outlineList"));
        if (!list)
            return nullptr;
        const QVariantList rows = list->property("model").toList();
        int target = -1;
        for (int i = 0; i < rows.size() && target < 0; ++i) {
            const QVariantMap r = rows[i].toMap();
            if (r.value(QStringLiteral("ref")).toString() == ref &&
                (r.value(QStringLiteral("kind")).toString() == QLatin1String("entry")) == entry)
                target = i;
        }
        if (target < 0)
            return nullptr;
        for (int guard = 0; guard < 10000 && list->property("currentIndex").toInt() != target;
             ++guard)
            QTest::keyClick(window(), list->property("currentIndex").toInt() < target ? Qt::Key_Down
                                                                                      : Qt::Key_Up);
        return restingItem((entry ? QStringLiteral("outlineEntry_") : QStringLiteral("outline_")) +
                           ref);
    }
    /// The outline's "Go to the end".
    [[nodiscard]] bool goToEnd()
    {
        return tap(QStringLiteral("outlineButton")) && tap(QStringLiteral("outlineEndButton")) &&
               QTest::qWaitFor(
                   [this] { return controller() && pageKindOf(controller()) == Page::End; });
    }
    /// The visible items in the app's window that `match` picks.
    std::vector<QQuickItem *> visibleItems(const std::function<bool(QQuickItem *)> &match) const
    {
        std::vector<QQuickItem *> found;
        app::visitVisibleItems(window(), [&](QQuickItem *item) {
            if (match(item))
                found.push_back(item);
            return false;
        });
        return found;
    }
    /// The upload question's button opens the file picker (on a desktop, Qt's own); there
    /// the folder is typed (Ctrl+L), the file touched in the list, and Open pressed.
    [[nodiscard]] bool chooseFile(const QString &button, const QString &file)
    {
        if (!tap(button) || !restingItem(QStringLiteral("fileDialogListView")))
            return false;
        QTest::keyClick(window(), Qt::Key_L, Qt::ControlModifier);
        QQuickItem *pathField = nullptr;
        if (!QTest::qWaitFor([&] {
                pathField = window()->activeFocusItem();
                return pathField && pathField->inherits("QQuickTextField");
            }))
            return false;
        QTest::keyClick(window(), Qt::Key_A, Qt::ControlModifier);
        uiinput::typeText(window(), QFileInfo(file).absolutePath());
        QTest::keyClick(window(), Qt::Key_Return);
        const QUrl url = QUrl::fromLocalFile(file);
        std::vector<QQuickItem *> entry;
        if (!QTest::qWaitFor([&] {
                entry = visibleItems([&](QQuickItem *item) {
                    return item->objectName().startsWith(QLatin1String("fileDialogDelegate")) &&
                           item->property("file").toUrl() == url;
                });
                return entry.size() == 1;
            })) {
            qWarning("the file picker does not list %s", qPrintable(file));
            return false;
        }
        if (!uiinput::tap(entry.front()))
            return false;
        const auto open = visibleItems([](QQuickItem *item) {
            return item->inherits("QQuickAbstractButton") &&
                   item->property("text").toString() == QLatin1String("Open");
        });
        if (open.size() != 1 || !uiinput::tap(open.front()))
            return false;
        return QTest::qWaitFor(
            [this] { return !visibleItem(QStringLiteral("fileDialogListView")); });
    }
    /// Waits until no page is coming or going (a page's shortcuts work once it is in
    /// place).
    void settle()
    {
        QObject *stack = find(QStringLiteral("stack"));
        QVERIFY(stack);
        QTRY_VERIFY(!stack->property("busy").toBool());
    }
    /// Adds a form from the test data and opens a new filling of it.
    bool openFormFile(const QString &file, const QString &formId)
    {
        m_backend->addFormFile(QStringLiteral(SURVEY_TEST_DATA "/") + file);
        const QString entry = QStringLiteral("form_") + formId;
        if (!QTest::qWaitFor([&] { return visibleItem(entry) != nullptr; }))
            return false;
        return tap(entry) &&
               QTest::qWaitFor([&] { return visibleItem(QStringLiteral("formPage")) != nullptr; });
    }
    /// The device's store as the app left it (every job the app posted has run).
    std::unique_ptr<store::Store> deviceStore()
    {
        m_backend->worker().drain();
        store::StoreError e;
        auto s = store::Store::open(m_dir->filePath(m_device), &e);
        if (!s)
            qWarning("the device store does not open: %s", qPrintable(e.message));
        return s;
    }
    /// The page says "Saved": the store has confirmed every answer.
    bool saved()
    {
        return QTest::qWaitFor([this] {
            QQuickItem *state = visibleItem(QStringLiteral("saveState"));
            return state && state->property("text").toString() == QLatin1String("Saved");
        });
    }
    /// Signed in to the test server as "enu" (typed on the first-run page), the meter check
    /// pulled, opened, its reading answered (312) and the end of the form reached.
    [[nodiscard]] bool meterReadingFilled(const QString &base)
    {
        const auto idle = [this] {
            return QTest::qWaitFor([this] { return !m_backend->sending()->syncing(); }, 30000);
        };
        if (!signIn(base, QStringLiteral("enu"), QStringLiteral("enum-password")) || !idle())
            return false;
        settle();
        if (!visibleItem(QStringLiteral("form_meter_check")) &&
            !tap(QStringLiteral("sendButton"))) // sending also pulls the forms
            return false;
        if (!QTest::qWaitFor([this] { return visibleItem(QStringLiteral("form_meter_check")); },
                             30000) ||
            !idle())
            return false;
        settle();
        return tap(QStringLiteral("form_meter_check")) &&
               answerWith(QStringLiteral("/data/kwh"), QStringLiteral("312")) && saved() &&
               tap(QStringLiteral("nextButton"));
    }
    /// Finalize at the end of the form, then Send: true once the one record is sent.
    bool finalizeAndSend()
    {
        if (!tap(QStringLiteral("finalizeButton")))
            return false;
        if (!QTest::qWaitFor([this] { return atHome() && m_backend->readyCount() == 1; }))
            return false;
        settle();
        if (!tap(QStringLiteral("sendButton")))
            return false;
        return QTest::qWaitFor(
            [this] { return !m_backend->sending()->syncing() && m_backend->readyCount() == 0; },
            30000);
    }
    /// A request to the test server as `credentials` ("user:password"): status and body.
    std::pair<int, QByteArray> serverRequest(const QByteArray &verb, const QString &url,
                                             const QByteArray &credentials,
                                             const QByteArray &body = {}, const QString &type = {})
    {
        QNetworkRequest request{QUrl(url)};
        if (!type.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, type);
        request.setRawHeader("Authorization", "Basic " + credentials.toBase64());
        std::unique_ptr<QNetworkReply> reply(m_net.sendCustomRequest(request, verb, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!finished.wait(20000))
            return {0, QByteArray()};
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                reply->readAll()};
    }
    QString labelOf(const QString &ref) const
    {
        for (const QVariant &q : controller()->property("questions").toList()) {
            if (q.toMap().value(QStringLiteral("ref")).toString() == ref)
                return q.toMap().value(QStringLiteral("label")).toString();
        }
        return QString();
    }
    /// The record `id`, just received back from the supervisor, opened as its correction with
    /// the comment (containing `comment`) on top.
    bool openReturned(store::Store &s, const QString &id, const QString &comment)
    {
        store::StoreError e;
        if (!QTest::qWaitFor(
                [&] {
                    // Listed under Returned for correction (no longer under Sent).
                    const auto r = s.record(id, &e);
                    QQuickItem *entry = visibleItem(QStringLiteral("record_") + id);
                    return r && r->state == store::RecordState::Returned && entry &&
                           entry->property("listedAs").toString() == QLatin1String("returned");
                },
                30000))
            return false;
        settle();
        if (!tap(QStringLiteral("record_") + id))
            return false;
        return QTest::qWaitFor([&] {
            QQuickItem *shown = visibleItem(QStringLiteral("supervisorComment"));
            return shown && shown->property("text").toString().contains(comment);
        });
    }
    /// Save and exit: back on the home page.
    bool closeForm()
    {
        return tap(QStringLiteral("closeFormButton")) &&
               QTest::qWaitFor([this] { return atHome(); });
    }
    /// On the home page with nothing coming or going (a page being popped is still visible,
    /// and still takes clicks, while its transition runs).
    bool atHome() const
    {
        QObject *stack = find(QStringLiteral("stack"));
        return stack && !stack->property("busy").toBool() &&
               stack->property("depth").toInt() == 1 && visibleItem(QStringLiteral("homePage"));
    }
    using Page = app::FormController::PageKind;
    /// What the form's current page is.
    static Page pageKindOf(QObject *form) { return form->property("pageKind").value<Page>(); }
    QObject *controller() const
    {
        QQuickItem *page = visibleItem(QStringLiteral("formPage"));
        return page ? page->property("controller").value<QObject *>() : nullptr;
    }
    /// The current value of a question on the page ("" when it is not there).
    QString valueOf(const QString &ref) const
    {
        for (const QVariant &q : controller()->property("questions").toList()) {
            if (q.toMap().value(QStringLiteral("ref")).toString() == ref)
                return q.toMap().value(QStringLiteral("value")).toString();
        }
        return QString();
    }
    void fillQuestion(const QVariantMap &question, const QString &want);
    /// Walks the open form as a person would, answering from `answers` (path -> value)
    /// through each question's widget, adding repeat entries the answers have, until a
    /// page shows `stopAt` (or the end).
    void fillUntil(const QJsonObject &answers, const QString &stopAt);
    QStringList m_repeatPrompts; ///< every "Add a new …?" fillUntil passed, in order
    QStringList m_repeatPlaces;  ///< every "Household members: 2 of 3" fillUntil passed

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_device = QStringLiteral("device"); ///< the device's folder in m_dir
    QByteArray m_nmeaFile;                       ///< SURVEY_NMEA_FILE as the test run got it
    QProcess m_server;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_modelTesters;
    QNetworkAccessManager m_net;
    QString m_serverBase;
    QString serverBase();
    /// The test server started again on its port, with what it stored.
    bool restartServer();
    /// The app closed and started on another device (its own folder in m_dir).
    void switchDevice(const QString &name)
    {
        m_device = name;
        restartApp();
    }
    /// After a restart on a device without a keystore: the password typed where the app
    /// asks for it.
    [[nodiscard]] bool unlock(const QString &password)
    {
        if (!QTest::qWaitFor(
                [this] {
                    QQuickItem *field = restingItem(QStringLiteral("passwordPromptField"));
                    return field && field->hasActiveFocus();
                },
                20000))
            return false;
        uiinput::typeText(window(), password);
        QTest::keyClick(window(), Qt::Key_Return);
        return QTest::qWaitFor([this] {
            return !visibleItem(QStringLiteral("passwordPromptField")) &&
                   !m_backend->account()->password().isEmpty();
        });
    }
    /// Send and receive from the home page; true once it is over.
    [[nodiscard]] bool sendAndReceive(const QString &button = QStringLiteral("sendButton"))
    {
        if (!QTest::qWaitFor([this] { return !m_backend->sending()->syncing(); }, 30000))
            return false;
        settle();
        if (!tap(button))
            return false;
        return QTest::qWaitFor([this] { return m_backend->sending()->syncing(); }, 10000) &&
               QTest::qWaitFor([this] { return !m_backend->sending()->syncing(); }, 60000);
    }
    /// A household filled through the form's widgets from the example answers, with this
    /// household ID, finalized; back at home.
    [[nodiscard]] bool fillHousehold(const QString &householdId)
    {
        QJsonObject answers =
            QJsonDocument::fromJson(
                testutil::readFile(QStringLiteral(SURVEY_SOURCE_DIR
                                                  "/examples/forms/household_energy.answers.json")))
                .object();
        answers.insert(QStringLiteral("/data/hh_id"), householdId);
        settle();
        if (!tap(QStringLiteral("form_household_energy")) ||
            !QTest::qWaitFor([this] { return visibleItem(QStringLiteral("formPage")); }))
            return false;
        fillUntil(answers, QString());
        if (QTest::currentTestFailed())
            return false;
        const int ready = m_backend->readyCount();
        return tap(QStringLiteral("finalizeButton")) &&
               QTest::qWaitFor([&] { return atHome() && m_backend->readyCount() == ready + 1; });
    }
    /// The household example published on the test server by its admin (over the API).
    [[nodiscard]] bool publishHousehold(const QString &base)
    {
        const auto published = serverRequest(
            "POST", base + QStringLiteral("/forms?publish=true"), "admin:admin-password",
            testutil::readFile(
                QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xml")),
            QStringLiteral("application/xml"));
        if (published.first != 200)
            qWarning("publishing the household form: %s", published.second.constData());
        return published.first == 200;
    }
    /// The server's review state of a submission of the household form.
    QString serverReviewState(const QString &instanceId)
    {
        const auto got = serverRequest(
            "GET",
            m_serverBase + QStringLiteral("/forms/household_energy/submissions/") + instanceId,
            "admin:admin-password");
        return QJsonDocument::fromJson(got.second)
            .object()
            .value(QStringLiteral("reviewState"))
            .toString();
    }
    std::unique_ptr<app::Backend> m_backend;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
};

void TestApp::init()
{
    m_repeatPrompts.clear();
    m_repeatPlaces.clear();
    // A fresh app on an empty device for each test function.
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_device = QStringLiteral("device");
    startApp();
}

void TestApp::restartApp()
{
    m_modelTesters.clear();
    m_engine.reset();
    m_backend.reset();
    startApp();
}

void TestApp::startApp()
{
    m_backend = std::make_unique<app::Backend>(nullptr);
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(QStringLiteral("qrc:/"));
    QSignalSpy ready(m_backend.get(), &app::Backend::readyChanged);
    m_backend->start(m_dir->filePath(m_device), m_engine.get());
    m_engine->load(QUrl(QStringLiteral("qrc:/Survey/Main.qml")));
    QVERIFY(!m_engine->rootObjects().isEmpty());
    QVERIFY(ready.wait(20000));
    QVERIFY(window());
    window()->requestActivate();
    QVERIFY(QTest::qWaitForWindowExposed(window()));
    // Every model the pages hold, checked as it changes.
    for (app::RecordsModel *m : window()->findChildren<app::RecordsModel *>())
        m_modelTesters.push_back(std::make_unique<QAbstractItemModelTester>(
            m, QAbstractItemModelTester::FailureReportingMode::QtTest));
    m_modelTesters.push_back(std::make_unique<QAbstractItemModelTester>(
        m_backend->review()->queue(), QAbstractItemModelTester::FailureReportingMode::QtTest));
    m_modelTesters.push_back(std::make_unique<QAbstractItemModelTester>(
        m_backend->dashboard()->questions(),
        QAbstractItemModelTester::FailureReportingMode::QtTest));
}

void TestApp::cleanup()
{
    // The positioning the process shares: as it was.
    app::Positioning::instance()->cancel();
    app::Positioning::instance()->setTimeout(60000);
    qputenv("SURVEY_NMEA_FILE", m_nmeaFile);
    if (m_server.state() != QProcess::NotRunning) {
        m_server.kill();
        m_server.waitForFinished();
    }
    m_serverBase.clear();
    m_modelTesters.clear();
    m_engine.reset();
    m_backend.reset();
    m_dir.reset();
}

void TestApp::fillAndFinalize()
{
    // First run: use forms on this device only; the home screen follows.
    QVERIFY(startLocalOnly());

    // A form from a file.
    m_backend->addFormFile(QStringLiteral(SURVEY_TEST_DATA "/meter_check.xml"));

    // Open it: one question per page.
    QVERIFY(tap(QStringLiteral("form_meter_check")));
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    // Nothing answered yet: the bar does not claim anything was saved.
    QTRY_VERIFY(!controller()->property("saving").toBool());
    settle();
    QVERIFY(restingItem(QStringLiteral("formTitle")));
    QVERIFY(!visibleItem(QStringLiteral("saveState")));
    m_modelTesters.push_back(std::make_unique<QAbstractItemModelTester>(
        controller()->property("questionModel").value<QAbstractItemModel *>(),
        QAbstractItemModelTester::FailureReportingMode::QtTest));
    // Next is there, but the required reading keeps the page until it is answered.
    const int first = controller()->property("index").toInt();
    QVERIFY(tap(QStringLiteral("nextButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("problem_/data/kwh")));
    QCOMPARE(controller()->property("index").toInt(), first);
    // The question list marks the required reading as missing.
    QVERIFY(tap(QStringLiteral("outlineButton")));
    QQuickItem *kwhRow = restingItem(QStringLiteral("outline_/data/kwh"));
    QVERIFY(kwhRow);
    QCOMPARE(kwhRow->findChild<QQuickItem *>(QStringLiteral("outlineMark"))->property("text"),
             QVariant(QStringLiteral("Required")));
    QVERIFY(kwhRow->findChild<QQuickItem *>(QStringLiteral("outlineMark"))->isVisible());
    QVERIFY(tap(QStringLiteral("backButton")));
    QTRY_VERIFY(restingItem(QStringLiteral("answer_/data/kwh")));
    // A negative reading: the form's own message.
    QVERIFY(answerWith(QStringLiteral("/data/kwh"), QStringLiteral("-5")));
    QTRY_COMPARE(visibleItem(QStringLiteral("problem_/data/kwh"))->property("text").toString(),
                 QStringLiteral("A reading cannot be negative"));
    // This filling in Chinese, from the form's language menu: the form's words at once.
    QVERIFY(fromMenu(QStringLiteral("formMenuButton"), QStringLiteral("formLanguage_中文 (zh)")));
    QTRY_COMPARE(visibleItem(QStringLiteral("problem_/data/kwh"))->property("text").toString(),
                 QStringLiteral("读数不能为负"));
    QVERIFY(
        fromMenu(QStringLiteral("formMenuButton"), QStringLiteral("formLanguage_English (en)")));
    // A number field takes no letters: what is typed between them is dropped as it comes.
    QVERIFY(answerWith(QStringLiteral("/data/kwh"), QStringLiteral("3x1y2")));
    QTRY_COMPARE(valueOf(QStringLiteral("/data/kwh")), QStringLiteral("312"));
    QCOMPARE(visibleItem(QStringLiteral("answer_/data/kwh"))->property("text").toString(),
             QStringLiteral("312"));
    QTRY_VERIFY(!visibleItem(QStringLiteral("problem_/data/kwh")));
    // Saved: the store confirms before "Saved" shows.
    QVERIFY(saved());

    // To the end, and finalize.
    QVERIFY(tap(QStringLiteral("nextButton")));
    QVERIFY(tap(QStringLiteral("finalizeButton")));
    QTRY_VERIFY(atHome());
    QTRY_COMPARE(visibleItem(QStringLiteral("readyCount"))->property("text").toString(),
                 QStringLiteral("1 record waiting to be sent"));

    // A wide window (a tablet in landscape, a desktop): the forms beside the records.
    QCOMPARE(visibleItem(QStringLiteral("homeGrid"))->property("columns").toInt(), 1);
    window()->resize(1280, 800);
    QTRY_COMPARE(visibleItem(QStringLiteral("homeGrid"))->property("columns").toInt(), 2);
    window()->resize(400, 720);
    QTRY_COMPARE(visibleItem(QStringLiteral("homeGrid"))->property("columns").toInt(), 1);

    // What the store holds.
    store::StoreError e;
    auto s = deviceStore();
    QVERIFY(s);
    const auto finalized = s->records(store::RecordState::Finalized, &e);
    QCOMPARE(finalized.size(), std::size_t(1));
    QVERIFY(s->recordXml(finalized[0].instanceId, &e)->contains("<kwh>312</kwh>"));
}

void TestApp::keyboard()
{
    // Full keyboard use on a desktop: a form opened with Enter, its first field ready to
    // type into, pages turned with Page Down / Alt+arrows, the outline with Ctrl+G and
    // arrow keys, closed with Ctrl+W; search with Ctrl+F, settings with Ctrl+, and back.
    QVERIFY(startLocalOnly());
    m_backend->addFormFile(QStringLiteral(SURVEY_TEST_DATA "/meter_check.xml"));
    QTRY_VERIFY(visibleItem(QStringLiteral("form_meter_check")));
    settle();
    QTest::keyClick(window(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(visibleItem(QStringLiteral("searchField"))->hasActiveFocus());
    QTest::keyClick(window(), Qt::Key_Comma, Qt::ControlModifier);
    QTRY_VERIFY(visibleItem(QStringLiteral("settingsPage")));
    settle();
    QTest::keyClick(window(), Qt::Key_Left, Qt::AltModifier);
    QTRY_VERIFY(atHome());
    QTRY_VERIFY(!visibleItem(QStringLiteral("settingsPage")));
    settle();

    // Tab to the form, Enter opens it.
    for (int i = 0;
         i < 40 && (!window()->activeFocusItem() ||
                    window()->activeFocusItem()->objectName() != QLatin1String("form_meter_check"));
         ++i)
        QTest::keyClick(window(), Qt::Key_Tab);
    QCOMPARE(window()->activeFocusItem()->objectName(), QStringLiteral("form_meter_check"));
    QTest::keyClick(window(), Qt::Key_Return);
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/kwh")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/kwh"))->hasActiveFocus());
    settle();
    for (const char key : {'2', '7', '5'})
        QTest::keyClick(window(), key);
    QObject *form = controller();
    QCOMPARE(form->property("index").toInt(), 0);
    // Page Down straight from the field: what was typed is the answer before the page
    // turns (the reading is required: an untaken answer would keep the page here).
    QTest::keyClick(window(), Qt::Key_PageDown);
    QTRY_COMPARE(pageKindOf(form), Page::End);
    QTest::keyClick(window(), Qt::Key_PageUp);
    QTRY_COMPARE(form->property("index").toInt(), 0);
    QTRY_COMPARE(valueOf(QStringLiteral("/data/kwh")), QStringLiteral("275"));
    QTest::keyClick(window(), Qt::Key_Right, Qt::AltModifier);
    QTRY_COMPARE(pageKindOf(form), Page::End);
    QTest::keyClick(window(), Qt::Key_G, Qt::ControlModifier);
    QTRY_VERIFY(visibleItem(QStringLiteral("outlineList")));
    QTRY_VERIFY(visibleItem(QStringLiteral("outlineList"))->hasActiveFocus());
    settle();
    QTest::keyClick(window(), Qt::Key_Up);
    QTest::keyClick(window(), Qt::Key_Return);
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    QTRY_COMPARE(form->property("index").toInt(), 0);
    settle();
    QTest::keyClick(window(), Qt::Key_Left, Qt::AltModifier); // nothing before the first page
    settle();
    QCOMPARE(form->property("index").toInt(), 0);
    QCOMPARE(
        find(QStringLiteral("stack"))->property("currentItem").value<QObject *>()->objectName(),
        QStringLiteral("formPage"));
    QTest::keyClick(window(), Qt::Key_W, Qt::ControlModifier);
    QTRY_VERIFY(atHome());
    QTRY_VERIFY(!visibleItem(QStringLiteral("formPage")));
}

void TestApp::keyboardOnChoicesAndNotes()
{
    // On a choice page the keyboard starts on the options, with a ring that shows where it
    // is, and Tab goes through them (not to the tool bar); on a page with nothing to answer
    // inside a repeat it rests on Next, never on "Remove this entry…".
    QVERIFY(startLocalOnly());
    m_backend->addFormFile(
        QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xml"));
    QTRY_VERIFY(visibleItem(QStringLiteral("form_household_energy")));
    QVERIFY(tap(QStringLiteral("form_household_energy")));
    QTRY_VERIFY(controller());
    QVERIFY(jumpToQuestion(QStringLiteral("/data/has_vehicle")));
    const auto focused = [this] {
        QQuickItem *item = window()->activeFocusItem();
        return item ? item->objectName() : QString();
    };
    QTRY_COMPARE(focused(), QStringLiteral("choice_/data/has_vehicle_yes"));
    QQuickItem *ring = nullptr;
    QTRY_VERIFY((ring = visibleItem(QStringLiteral("focusRing"))) != nullptr);
    QQuickItem *yes = window()->activeFocusItem();
    QTRY_VERIFY(ring->mapRectToScene(QRectF(0, 0, ring->width(), ring->height()))
                    .contains(yes->mapRectToScene(QRectF(0, 0, yes->width(), yes->height()))));
    QTest::keyClick(window(), Qt::Key_Tab);
    QTRY_COMPARE(focused(), QStringLiteral("choice_/data/has_vehicle_no"));
    QTest::keyClick(window(), Qt::Key_Backtab);
    QTRY_COMPARE(focused(), QStringLiteral("choice_/data/has_vehicle_yes"));
    QTest::keyClick(window(), Qt::Key_Space);
    QTRY_COMPARE(valueOf(QStringLiteral("/data/has_vehicle")), QStringLiteral("yes"));
    // A click: the keyboard's marks go.
    QVERIFY(tap(QStringLiteral("choice_/data/has_vehicle_no")));
    QTRY_VERIFY(!visibleItem(QStringLiteral("focusRing")));
    QVERIFY(tap(QStringLiteral("choice_/data/has_vehicle_yes")));
    QTRY_COMPARE(valueOf(QStringLiteral("/data/has_vehicle")), QStringLiteral("yes"));

    QVERIFY(jumpToQuestion(QStringLiteral("/data/vehicles/vehicle[1]/vehicle_note")));
    QTRY_VERIFY(restingItem(QStringLiteral("removeRepeatButton")));
    QTRY_COMPARE(focused(), QStringLiteral("nextButton"));
    QVERIFY(!restingItem(QStringLiteral("removeRepeatButton"))->hasActiveFocus());
}

void TestApp::repeatsAndDrafts()
{
    // A roster: people added as repeat instances (one removed again, after asking), a
    // constraint inside the repeat, saved as a draft midway and resumed with its answers.
    QVERIFY(startLocalOnly());
    QVERIFY(openFormFile(QStringLiteral("roster.xml"), QStringLiteral("roster")));
    QVERIFY(answerWith(QStringLiteral("/data/village"), QStringLiteral("Dongshan")));
    QVERIFY(tap(QStringLiteral("nextButton")));
    QVERIFY(tap(QStringLiteral("addRepeatButton")));
    QVERIFY(answerWith(QStringLiteral("/data/person[1]/name"), QStringLiteral("王芳")));
    QVERIFY(answerWith(QStringLiteral("/data/person[1]/age"), QStringLiteral("140")));
    QTRY_COMPARE(
        visibleItem(QStringLiteral("problem_/data/person[1]/age"))->property("text").toString(),
        QStringLiteral("Ages stop at 129"));
    QVERIFY(answerWith(QStringLiteral("/data/person[1]/age"), QStringLiteral("41")));
    QTRY_COMPARE(valueOf(QStringLiteral("/data/person[1]/name")), QStringLiteral("王芳"));
    QVERIFY(tap(QStringLiteral("nextButton")));
    QVERIFY(tap(QStringLiteral("addRepeatButton")));
    QVERIFY(answerWith(QStringLiteral("/data/person[2]/name"), QStringLiteral("mistake")));
    // Removing asks first.
    QObject *dialog = askToRemove();
    QVERIFY(dialog);
    QVERIFY(visibleItem(QStringLiteral("answer_/data/person[2]/name"))); // nothing removed yet
    QVERIFY(uiinput::pressDialogButton(dialog, QStringLiteral("Yes")));
    QTRY_VERIFY(!visibleItem(QStringLiteral("answer_/data/person[2]/name")));
    QVERIFY(saved());
    const int leftAt = controller()->property("index").toInt();
    const Page leftOn = pageKindOf(controller());
    QVERIFY(leftAt > 0);

    // Save and exit: a draft on the home screen; reopened where it was left, with its
    // answers.
    QVERIFY(closeForm());
    store::StoreError e;
    auto s = deviceStore();
    QVERIFY(s);
    QString draft;
    for (const auto &r : s->records(store::RecordState::Draft, &e)) {
        if (r.formId == QLatin1String("roster"))
            draft = r.instanceId;
    }
    QVERIFY(!draft.isEmpty());
    QVERIFY(s->recordXml(draft, &e)->contains("王芳"));
    QVERIFY(!s->recordXml(draft, &e)->contains("mistake"));
    settle();
    QVERIFY(tap(QStringLiteral("record_") + draft));
    QTRY_VERIFY(controller());
    QTRY_COMPARE(controller()->property("index").toInt(), leftAt);
    QCOMPARE(pageKindOf(controller()), leftOn);
    QVERIFY(jumpToQuestion(QStringLiteral("/data/village")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/village")));
    QCOMPARE(visibleItem(QStringLiteral("answer_/data/village"))->property("text").toString(),
             QStringLiteral("Dongshan"));
    // On to the end and finalize: one person.
    for (int i = 0; i < 10 && !visibleItem(QStringLiteral("finalizeButton")); ++i) {
        const int index = controller()->property("index").toInt();
        QVERIFY(tap(visibleItem(QStringLiteral("skipRepeatButton"))
                        ? QStringLiteral("skipRepeatButton")
                        : QStringLiteral("nextButton")));
        QTRY_VERIFY(controller()->property("index").toInt() != index);
    }
    QVERIFY(tap(QStringLiteral("finalizeButton")));
    QTRY_VERIFY(atHome());
    m_backend->worker().drain();
    QTRY_COMPARE(s->record(draft, &e)->state, store::RecordState::Finalized);
    const QByteArray xml = *s->recordXml(draft, &e);
    QCOMPARE(xml.count("<person>"), 1);
    QVERIFY(xml.contains("<age>41</age>"));
}

namespace {

/// The items under `item` (itself included) whose property `name` is `value`.
void collectWith(QQuickItem *item, const char *name, const QVariant &value,
                 QList<QQuickItem *> *out)
{
    if (item->property(name) == value)
        out->append(item);
    for (QQuickItem *child : item->childItems())
        collectWith(child, name, value, out);
}

} // namespace

void TestApp::addXlsFormFromAFile()
{
    // An XLSForm spreadsheet added on a desktop: Add form, the file picked in the dialog
    // and opened there; the device converts it and the form is ready to fill.
    QVERIFY(startLocalOnly());
    const QString folder = m_dir->filePath(QStringLiteral("spreadsheets"));
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(QFile::copy(QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xlsx"),
                        folder + QStringLiteral("/household_energy.xlsx")));
    m_backend->setFormFolder(QUrl::fromLocalFile(folder)); // where the dialog looks first
    QVERIFY(tap(QStringLiteral("addFormButton")));
    QObject *dialog = find(QStringLiteral("formFileDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->property("visible").toBool());
    // The dialog lists the folder's files: the spreadsheet is picked, then Open.
    const QUrl file = QUrl::fromLocalFile(folder + QStringLiteral("/household_energy.xlsx"));
    QList<QQuickItem *> entries;
    QTRY_VERIFY((entries.clear(),
                 collectWith(window()->contentItem(), "file", QVariant(file), &entries),
                 !entries.isEmpty() && entries.first()->isVisible()));
    QVERIFY(uiinput::tap(entries.first()));
    QList<QQuickItem *> open;
    collectWith(window()->contentItem(), "text", QVariant(QStringLiteral("Open")), &open);
    open.erase(std::remove_if(open.begin(), open.end(),
                              [](QQuickItem *i) { return !i->inherits("QQuickAbstractButton"); }),
               open.end());
    QCOMPARE(open.size(), 1);
    QTRY_VERIFY(open.first()->isEnabled());
    QVERIFY(uiinput::tap(open.first()));
    QTRY_VERIFY(!dialog->property("visible").toBool());

    // Converted and added: the message says so, with the spreadsheet's one warning.
    auto *toast = qobject_cast<QQuickItem *>(find(QStringLiteral("toast")));
    QTRY_VERIFY(toast->property("text").toString().startsWith(QStringLiteral(
        "Form added: Household Energy Use and Emissions Survey / 家庭能源使用与碳排放调查")));
    QVERIFY2(toast->property("text").toString().contains(QStringLiteral("max-pixels")),
             qPrintable(toast->property("text").toString()));
    // It opens and fills like any form.
    QVERIFY(tap(QStringLiteral("form_household_energy")));
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    QTRY_VERIFY(restingItem(QStringLiteral("formTitle")));
    QCOMPARE(m_backend->formFolder(), QUrl::fromLocalFile(folder));

    // A spreadsheet that is not a form: nothing is added, and the message says where.
    const QString broken = folder + QStringLiteral("/broken.xlsx");
    QFile out(broken);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(testutil::readFile(
                  QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xlsx"))
                  .left(400));
    out.close();
    m_backend->addFormFile(broken);
    QTRY_VERIFY(toast->property("text").toString().startsWith(
        QStringLiteral("broken.xlsx is not a form that can be used:")));
    QCOMPARE(m_backend->forms().size(), 1);
}

void TestApp::toastLetsTouchesThrough()
{
    // A message at the bottom of the window lies over the form's Next button while it
    // shows; a finger's touch there still turns the page (on a phone, the touch screen).
    QVERIFY(startLocalOnly());
    QVERIFY(openFormFile(QStringLiteral("roster.xml"), QStringLiteral("roster")));
    QVERIFY(answerWith(QStringLiteral("/data/village"), QStringLiteral("Dongshan")));
    Q_EMIT m_backend->notice(QStringLiteral("A message that takes the width of the window"));
    auto *toast = qobject_cast<QQuickItem *>(find(QStringLiteral("toast")));
    QVERIFY(toast);
    QTRY_VERIFY(toast->isVisible());
    QQuickItem *next = restingItem(QStringLiteral("nextButton"));
    QVERIFY(next);
    const QPointF middle = next->mapToScene(QPointF(next->width() / 2, next->height() / 2));
    QVERIFY(toast->mapRectToScene(QRectF(0, 0, toast->width(), toast->height())).contains(middle));
    QVERIFY(uiinput::touchTap(next));
    QTRY_COMPARE(pageKindOf(controller()), Page::Repeat);
    QVERIFY(toast->isVisible());
}

void TestApp::qtsOwnWordsInChinese()
{
    // With the app in Chinese, what Qt itself draws is in Chinese too: the removal
    // dialog's standard buttons answer 是 and 否, not Yes and No.
    QVERIFY(startLocalOnly());
    QVERIFY(switchLanguage("languageZh"));
    QCOMPARE(m_backend->preferences()->language(), QStringLiteral("zh_CN"));
    QVERIFY(openFormFile(QStringLiteral("roster.xml"), QStringLiteral("roster")));
    QVERIFY(answerWith(QStringLiteral("/data/village"), QStringLiteral("东山")));
    QVERIFY(tap(QStringLiteral("nextButton")));
    QVERIFY(tap(QStringLiteral("addRepeatButton")));
    QVERIFY(answerWith(QStringLiteral("/data/person[1]/name"), QStringLiteral("王芳")));
    QObject *dialog = askToRemove();
    QVERIFY(dialog);
    QVERIFY(uiinput::pressDialogButton(dialog, QStringLiteral("是")));
    QTRY_VERIFY(!visibleItem(QStringLiteral("answer_/data/person[1]/name")));
}

void TestApp::homeListsLaidOut()
{
    // Forms arriving on the home page are drawn one below the other, in the frames the
    // window draws by itself (Qt 6.4 had left a layout nested in layouts with them all at
    // one place).
    QVERIFY(startLocalOnly());
    m_backend->addFormFile(QStringLiteral(SURVEY_TEST_DATA "/meter_check.xml"));
    m_backend->addFormFile(QStringLiteral(SURVEY_TEST_DATA "/roster.xml"));
    QTRY_VERIFY(visibleItem(QStringLiteral("form_roster")) &&
                visibleItem(QStringLiteral("form_meter_check")));
    QVERIFY(uiinput::waitForFrame(window()));
    const auto place = [this](const char *name) {
        QQuickItem *item = visibleItem(QLatin1String(name));
        return item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    };
    const QRectF meter = place("form_meter_check");
    const QRectF roster = place("form_roster");
    QVERIFY2(!meter.intersects(roster),
             qPrintable(QStringLiteral("%1 and %2 overlap").arg(meter.top()).arg(roster.top())));
    QVERIFY(!place("searchField").intersects(meter));

    // A long bilingual title wraps on a phone instead of losing its second half; the
    // version is under it.
    window()->resize(360, 640);
    m_backend->addFormFile(
        QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xml"));
    QQuickItem *title = restingItem(QStringLiteral("formTitle_household_energy"));
    QVERIFY(title);
    QCOMPARE(
        title->property("text").toString(),
        QStringLiteral("Household Energy Use and Emissions Survey / 家庭能源使用与碳排放调查"));
    QTRY_VERIFY(title->property("lineCount").toInt() > 1);
    QVERIFY(!title->property("truncated").toBool());
}

void TestApp::layoutCheckSeesProblems()
{
    // The layout check (run over every page in the layout_check test) finds each kind of
    // problem it looks for, and nothing in a window without them.
    const QByteArray bad = R"(
        import QtQuick
        import QtQuick.Controls
        ApplicationWindow {
            width: 300; height: 300; visible: true
            Label { objectName: "first"; x: 10; y: 10; text: "First words here" }
            Label { objectName: "second"; x: 20; y: 14; text: "Second words here" }
            Button { objectName: "tiny"; x: 10; y: 100; width: 30; height: 30; text: "x" }
            Label { objectName: "cut"; x: 10; y: 200; width: 60; elide: Text.ElideRight
                    text: "A long title that cannot fit" }
            Label { x: 150; y: 200; width: 60; wrapMode: Text.Wrap; text: "Wraps instead" }
            Button { objectName: "off"; x: 270; y: 100; width: 60; height: 48; text: "off" }
            Label { x: 10; y: 400; text: "Outside the window" }
            Label { x: 12; y: 410; text: "Outside the window too" }
        })";
    QQmlComponent component(m_engine.get());
    component.setData(bad, QUrl::fromLocalFile(m_dir->filePath(QStringLiteral("bad.qml"))));
    std::unique_ptr<QObject> made(component.create());
    auto *badWindow = qobject_cast<QQuickWindow *>(made.get());
    QVERIFY2(badWindow, qPrintable(component.errorString()));
    QVERIFY(QTest::qWaitForWindowExposed(badWindow));
    QVERIFY(uiinput::waitForFrame(badWindow));
    QStringList problems = app::layoutProblems(badWindow);
    problems.sort();
    QCOMPARE(problems,
             (QStringList{QStringLiteral("cut short on one line: Label cut \"A long title "
                                         "that cannot fit\""),
                          QStringLiteral("partly outside the window: Button off \"off\""),
                          QStringLiteral("smaller than a finger (30×30): Button tiny \"x\""),
                          QStringLiteral("texts over each other: Label first \"First words "
                                         "here\" and Label second \"Second words here\"")}));
    // Mended, nothing is left.
    QQuickItem *second = app::findVisibleItem(badWindow, QStringLiteral("second"));
    QQuickItem *tiny = app::findVisibleItem(badWindow, QStringLiteral("tiny"));
    QQuickItem *cut = app::findVisibleItem(badWindow, QStringLiteral("cut"));
    QQuickItem *off = app::findVisibleItem(badWindow, QStringLiteral("off"));
    QVERIFY(second && tiny && cut && off);
    off->setX(200);
    second->setY(40);
    tiny->setSize(QSizeF(48, 48));
    cut->setProperty("wrapMode", 1);
    QVERIFY(uiinput::waitForFrame(badWindow));
    QTRY_COMPARE(app::layoutProblems(badWindow).join(QLatin1Char('\n')), QString());
}

void TestApp::signInPage()
{
    // Sign in as a person does: Sign in cannot be pressed until every field has something,
    // Enter goes from field to field, the password can be shown, and Enter in it signs in.
    QVERIFY(tap(QStringLiteral("languageEn")));
    QVERIFY(tap(QStringLiteral("signInButton"))); // not yet enabled: nothing happens
    QVERIFY(!restingItem(QStringLiteral("signInButton"))->isEnabled());
    QVERIFY(visibleItem(QStringLiteral("firstRunPage")));
    QVERIFY(uiinput::typeInto(restingItem(QStringLiteral("serverField")),
                              QStringLiteral("https://127.0.0.1:9/v1/projects/1")));
    QTRY_VERIFY(restingItem(QStringLiteral("userField"))->hasActiveFocus());
    uiinput::typeText(window(), QStringLiteral("enu"));
    QTest::keyClick(window(), Qt::Key_Return);
    QQuickItem *password = restingItem(QStringLiteral("passwordField"));
    QTRY_VERIFY(password->hasActiveFocus());
    uiinput::typeText(window(), QStringLiteral("enum-password"));
    QCOMPARE(password->property("echoMode").toInt(), 2); // TextInput.Password
    QVERIFY(tap(QStringLiteral("showPassword")));
    QTRY_COMPARE(password->property("echoMode").toInt(), 0); // TextInput.Normal
    QCOMPARE(password->property("text").toString(), QStringLiteral("enum-password"));
    QVERIFY(restingItem(QStringLiteral("signInButton"))->isEnabled());
    QVERIFY(uiinput::tap(password));
    QTest::keyClick(window(), Qt::Key_Return);
    QTRY_VERIFY(atHome());
    QCOMPARE(m_backend->account()->property("userName").toString(), QStringLiteral("enu"));
}

void TestApp::passwordPrompt()
{
    // A device without a password keystore (this test's session has no Secret Service):
    // after a restart the app asks for the password in plain words instead of sending
    // without one, and sends once it is typed.
    const QString base = serverBase();
    QVERIFY(!base.isEmpty());
    QVERIFY(meterReadingFilled(base));
    QVERIFY(tap(QStringLiteral("finalizeButton")));
    QTRY_VERIFY(atHome() && m_backend->readyCount() == 1);

    restartApp();
    QQuickItem *reason = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((reason = restingItem(QStringLiteral("passwordReason"))), 20000);
    const QString said = reason->property("text").toString();
    QVERIFY2(said.startsWith(QLatin1String("This device cannot keep passwords")), qPrintable(said));
    QVERIFY2(said.contains(QLatin1String("enu")), qPrintable(said));
    // Nothing meant for developers.
    for (const char *word : {"dbus", "DBus", "stdin", "SURVEY_PASSWORD", "keychain", "Secret"})
        QVERIFY2(!said.contains(QLatin1String(word)), qPrintable(said));
    // Use this password cannot be pressed before something is typed.
    QVERIFY(tap(QStringLiteral("usePasswordButton")));
    QVERIFY(visibleItem(QStringLiteral("passwordReason")));
    // Later: the person goes on working; Send asks again.
    QVERIFY(tap(QStringLiteral("passwordLaterButton")));
    QTRY_VERIFY(!visibleItem(QStringLiteral("passwordReason")));
    settle();
    QVERIFY(tap(QStringLiteral("sendButton")));
    QVERIFY(restingItem(QStringLiteral("passwordPromptField")));
    QCOMPARE(m_backend->readyCount(), 1);
    // A wrong password: the server refuses it, and the app asks again, saying so.
    QTRY_VERIFY(restingItem(QStringLiteral("passwordPromptField"))->hasActiveFocus());
    uiinput::typeText(window(), QStringLiteral("not-the-password"));
    QVERIFY(tap(QStringLiteral("usePasswordButton")));
    QTRY_VERIFY_WITH_TIMEOUT(restingItem(QStringLiteral("passwordReason")) &&
                                 m_backend->account()->passwordNeed() ==
                                     app::Account::PasswordNeed::ServerRefused,
                             30000);
    QVERIFY(restingItem(QStringLiteral("passwordReason"))
                ->property("text")
                .toString()
                .startsWith(QLatin1String("The server did not accept the password")));
    QCOMPARE(m_backend->readyCount(), 1);
    // The right one, with Enter: the waiting record goes.
    QTRY_VERIFY(restingItem(QStringLiteral("passwordPromptField"))->hasActiveFocus());
    uiinput::typeText(window(), QStringLiteral("enum-password"));
    QTest::keyClick(window(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(!m_backend->sending()->syncing() && m_backend->readyCount() == 0,
                             30000);
    QTRY_COMPARE(visibleItem(QStringLiteral("syncStatus"))->property("text").toString(),
                 QStringLiteral("1 sent"));

    // Signing out warns about what is not sent, and keeps the server and user for next time.
    settle();
    QVERIFY(tap(QStringLiteral("form_meter_check")));
    QVERIFY(answerWith(QStringLiteral("/data/kwh"), QStringLiteral("40")));
    QVERIFY(saved());
    QVERIFY(closeForm());
    QTRY_COMPARE(m_backend->draftCount(), 1);
    QVERIFY(tap(QStringLiteral("settingsButton")));
    QVERIFY(tap(QStringLiteral("signOutButton")));
    QTRY_COMPARE(restingItem(QStringLiteral("signOutWarning"))->property("text").toString(),
                 QStringLiteral("Not sent yet: 1 record on this device."));
    QVERIFY(tap(QStringLiteral("signOutCancelButton")));
    QTRY_VERIFY(!visibleItem(QStringLiteral("signOutWarning")));
    QVERIFY(m_backend->account()->configured());
    QVERIFY(tap(QStringLiteral("signOutButton")));
    QVERIFY(tap(QStringLiteral("signOutConfirmButton")));
    QTRY_VERIFY(restingItem(QStringLiteral("signInButton")));
    QCOMPARE(restingItem(QStringLiteral("serverField"))->property("text").toString(), base);
    QCOMPARE(restingItem(QStringLiteral("userField"))->property("text").toString(),
             QStringLiteral("enu"));
    QCOMPARE(restingItem(QStringLiteral("passwordField"))->property("text").toString(), QString());
}

void TestApp::photoAnswer()
{
    // A photo answer: chosen from a file, scaled to the question's max-pixels, kept with
    // the record and named in the answer.
    QVERIFY(startLocalOnly());
    QVERIFY(openFormFile(QStringLiteral("photo_check.xml"), QStringLiteral("photo_check")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/photo")));
    QImage big(1000, 500, QImage::Format_RGB32);
    big.fill(Qt::darkGreen);
    const QString file = m_dir->filePath(QStringLiteral("meter.png"));
    QVERIFY(big.save(file));
    QVERIFY(chooseFile(QStringLiteral("answer_/data/photo"), file));
    QTRY_COMPARE(visibleItem(QStringLiteral("answer_/data/photo"))->property("text").toString(),
                 QStringLiteral("Replace…"));
    QVERIFY(saved());
    store::StoreError e;
    auto s = deviceStore();
    QVERIFY(s);
    QString id;
    for (const auto &r : s->records(store::RecordState::Draft, &e)) {
        if (r.formId == QLatin1String("photo_check"))
            id = r.instanceId;
    }
    const auto files = s->attachments(id, &e);
    QCOMPARE(files.size(), std::size_t(1));
    QVERIFY(files[0].name.startsWith(QStringLiteral("meter-")));
    const QImage kept(files[0].path);
    QCOMPARE(kept.width(), 200);
    QCOMPARE(kept.height(), 100);
    QVERIFY(s->recordXml(id, &e)->contains("<photo>" + files[0].name.toUtf8() + "</photo>"));

    // Retaken with the camera: the camera writes into the data folder, and its file goes
    // once the record holds its (scaled) copy; the earlier photo is no longer the answer.
    // (No camera here: the capture is handed over as the camera page hands it.)
    const QString capture = m_backend->newCaptureFile();
    QVERIFY(capture.startsWith(m_dir->filePath(QStringLiteral("device"))));
    QVERIFY(big.save(capture, "JPEG"));
    QMetaObject::invokeMethod(controller(), "attachCapture",
                              Q_ARG(QString, QStringLiteral("/data/photo")),
                              Q_ARG(QString, capture));
    QTRY_VERIFY(valueOf(QStringLiteral("/data/photo")).startsWith(QStringLiteral("photo-")));
    QVERIFY(valueOf(QStringLiteral("/data/photo")).endsWith(QStringLiteral(".jpg")));
    QTRY_VERIFY(!QFile::exists(capture));
    QVERIFY(saved());
    QVERIFY(closeForm());
}

void TestApp::barcodeAnswer()
{
    // A barcode question: typed, or read from a picture of the label (the desktop's way,
    // and a phone's without a camera). Here a QR code and then a picture with no code.
    QVERIFY(startLocalOnly());
    QVERIFY(openFormFile(QStringLiteral("barcode_check.xml"), QStringLiteral("barcode_check")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/meter_code")));
    const QString ref = QStringLiteral("/data/meter_code");
    // Finalized too early: the list names the missing code; tapping it goes back to the
    // question with its message.
    QVERIFY(goToEnd());
    QVERIFY(tap(QStringLiteral("finalizeButton")));
    QVERIFY(tap(QStringLiteral("problemItem_0")));
    QTRY_VERIFY(visibleItem(QStringLiteral("problem_/data/meter_code")));
    QVERIFY(!visibleItem(QStringLiteral("problem_/data/meter_code"))
                 ->property("text")
                 .toString()
                 .isEmpty());
    // Scanning live needs a camera; this machine has none, so the button is not offered.
    QCOMPARE(visibleItem(QStringLiteral("scan_") + ref) != nullptr,
             m_backend->cameraAvailable() && m_backend->barcodeSupported());
#if SURVEY_HAVE_ZXING
    QVERIFY(visibleItem(QStringLiteral("scanPicture_") + ref));
    const QString label = m_dir->filePath(QStringLiteral("label.png"));
    QVERIFY(drawCode(ZXing::BarcodeFormat::QRCode, "MTR-BD0127-88213", 300, 300).save(label));
    QVERIFY(chooseFile(QStringLiteral("scanPicture_") + ref, label));
    QTRY_COMPARE(valueOf(ref), QStringLiteral("MTR-BD0127-88213"));
    QCOMPARE(visibleItem(QStringLiteral("answer_") + ref)->property("text").toString(),
             QStringLiteral("MTR-BD0127-88213"));
    QVERIFY(!visibleItem(QStringLiteral("problem_") + ref));

    // A picture without a code: the answer stays, and the person is told what to do.
    QImage blank(400, 300, QImage::Format_RGB32);
    blank.fill(Qt::white);
    const QString empty = m_dir->filePath(QStringLiteral("wall.png"));
    QVERIFY(blank.save(empty));
    QVERIFY(chooseFile(QStringLiteral("scanPicture_") + ref, empty));
    QTRY_VERIFY(visibleItem(QStringLiteral("problem_") + ref));
    QVERIFY(visibleItem(QStringLiteral("problem_") + ref)
                ->property("text")
                .toString()
                .startsWith(QStringLiteral("No barcode or QR code was found")));
    QCOMPARE(valueOf(ref), QStringLiteral("MTR-BD0127-88213"));
#else
    QVERIFY(!visibleItem(QStringLiteral("scanPicture_") + ref));
#endif
    // Typed, as always possible.
    QVERIFY(answerWith(ref, QStringLiteral("typed-0042")));
    QTRY_COMPARE(valueOf(ref), QStringLiteral("typed-0042"));
    QVERIFY(saved());
    QVERIFY(closeForm());
}

void TestApp::barcodeScannerFrames()
{
#if SURVEY_HAVE_MULTIMEDIA && SURVEY_HAVE_ZXING
    // The live scanner's path without a camera: frames as a camera's video sink gets them
    // (BGRX, as GStreamer delivers), the first without a code, then an EAN-13 label.
    QVideoSink sink;
    app::BarcodeScanner scanner;
    scanner.setVideoSink(&sink);
    QSignalSpy found(&scanner, &app::BarcodeScanner::found);
    const auto frameOf = [](const QImage &picture) {
        const QImage image = picture.convertToFormat(QImage::Format_RGB32);
        QVideoFrame frame(QVideoFrameFormat(image.size(), QVideoFrameFormat::Format_BGRX8888));
        if (!frame.map(QVideoFrame::WriteOnly))
            return QVideoFrame();
        for (int y = 0; y < image.height(); ++y)
            std::memcpy(frame.bits(0) + y * frame.bytesPerLine(0), image.constScanLine(y),
                        static_cast<std::size_t>(image.width()) * 4);
        frame.unmap();
        return frame;
    };
    QImage empty(640, 480, QImage::Format_RGB32);
    empty.fill(Qt::lightGray);
    QSignalSpy busy(&scanner, &app::BarcodeScanner::busyChanged);
    sink.setVideoFrame(frameOf(empty));
    QVERIFY(scanner.busy());            // being read, off this thread
    sink.setVideoFrame(frameOf(empty)); // skipped meanwhile
    QTRY_VERIFY(!scanner.busy());
    QCOMPARE(busy.size(), 2); // one frame read, not two
    QVERIFY(found.isEmpty());
    QImage shot(640, 480, QImage::Format_RGB32);
    shot.fill(Qt::white);
    QPainter(&shot).drawImage(120, 140,
                              drawCode(ZXing::BarcodeFormat::EAN13, "6901234567892", 400, 200));
    sink.setVideoFrame(frameOf(shot));
    QVERIFY(found.wait(20000));
    QCOMPARE(found.size(), 1);
    QCOMPARE(found[0][0].toString(), QStringLiteral("6901234567892"));
    QCOMPARE(found[0][1].toString(), QStringLiteral("EAN-13"));
    QVERIFY(!scanner.active()); // stops at the first code
#else
    QSKIP("built without Qt Multimedia or ZXing: no live scanner");
#endif
}

void TestApp::labelMedia()
{
    // A label's picture from the form's media folder, in the form's language, and the
    // hint's guidance folded away until asked for.
    QVERIFY(startLocalOnly());
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("forms/label_media-media"))));
    const QString form = m_dir->filePath(QStringLiteral("forms/label_media.xml"));
    QVERIFY(QFile::copy(QStringLiteral(SURVEY_TEST_DATA "/label_media.xml"), form));
    for (const auto &[name, colour] :
         {std::pair{"meter_en.png", Qt::blue}, std::pair{"meter_zh.png", Qt::red},
          std::pair{"dial.png", Qt::darkGray}}) {
        QImage picture(480, 240, QImage::Format_RGB32);
        picture.fill(colour);
        QVERIFY(picture.save(
            m_dir->filePath(QStringLiteral("forms/label_media-media/") + QLatin1String(name))));
    }
    m_backend->addFormFile(form);
    QVERIFY(tap(QStringLiteral("form_label_media")));
    const QString ref = QStringLiteral("/data/reading");
    QTRY_VERIFY(visibleItem(QStringLiteral("image_") + ref));
    const auto imageFile = [this, &ref] {
        QQuickItem *image = visibleItem(QStringLiteral("image_") + ref);
        return image ? image->property("source").toUrl().toLocalFile() : QString();
    };
    QVERIFY(imageFile().endsWith(QStringLiteral("meter_en.png")));
    QQuickItem *image = visibleItem(QStringLiteral("image_") + ref);
    QTRY_COMPARE(image->property("status").toInt(), 1); // Image.Ready: the file was read
    QTRY_VERIFY(image->height() > 0);                   // and laid out with its size

    // A choice's picture beside its words; a choice without one shows none.
    QVERIFY(tap(QStringLiteral("nextButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("choiceImage_/data/meter_type_analog")));
    QQuickItem *dial = visibleItem(QStringLiteral("choiceImage_/data/meter_type_analog"));
    QVERIFY(dial->property("source").toUrl().toLocalFile().endsWith(QStringLiteral("dial.png")));
    QTRY_COMPARE(dial->property("status").toInt(), 1);
    QVERIFY(!visibleItem(QStringLiteral("choiceImage_/data/meter_type_smart")));
    QVERIFY(tap(QStringLiteral("previousButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("moreHelp_") + ref));

    QVERIFY(!visibleItem(QStringLiteral("guidance_") + ref));
    QVERIFY(tap(QStringLiteral("moreHelp_") + ref));
    QTRY_VERIFY(visibleItem(QStringLiteral("guidance_") + ref));
    QCOMPARE(visibleItem(QStringLiteral("guidance_") + ref)->property("text").toString(),
             QStringLiteral("Read the black digits only; the red one is a tenth."));
    QVERIFY(!visibleItem(QStringLiteral("moreHelp_") + ref));

    // This filling in Chinese, from the form's language menu: words and picture.
    const auto label = [this] {
        return controller()
            ->property("questions")
            .toList()
            .value(0)
            .toMap()
            .value(QStringLiteral("label"))
            .toString();
    };
    QCOMPARE(label(), QStringLiteral("Reading on the meter"));
    QVERIFY(fromMenu(QStringLiteral("formMenuButton"), QStringLiteral("formLanguage_中文 (zh)")));
    QTRY_COMPARE(label(), QStringLiteral("电表读数"));
    QTRY_VERIFY(imageFile().endsWith(QStringLiteral("meter_zh.png")));
    QVERIFY(closeForm());

    // The app in Chinese, forms in English: both from the settings page.
    settle();
    QVERIFY(tap(QStringLiteral("settingsButton")));
    QVERIFY(tap(QStringLiteral("languageZh")));
    QTRY_COMPARE(m_backend->preferences()->language(), QStringLiteral("zh_CN"));
    QTRY_VERIFY(visibleItem(QStringLiteral("formLanguageBox")));
    QVERIFY(chooseValue(QStringLiteral("formLanguageBox"), QStringLiteral("English (en)")));
    QTRY_COMPARE(m_backend->preferences()->formLanguage(), QStringLiteral("English (en)"));
    QVERIFY(tap(QStringLiteral("backButton")));
    QTRY_VERIFY(atHome());
    settle();
    QVERIFY(tap(QStringLiteral("form_label_media")));
    QTRY_VERIFY(visibleItem(QStringLiteral("image_") + ref));
    QCOMPARE(label(), QStringLiteral("Reading on the meter"));
    QVERIFY(imageFile().endsWith(QStringLiteral("meter_en.png")));
    QVERIFY(closeForm());
}

void TestApp::questionViewsStay()
{
    // On a page of several questions, an answer that shows another question ("Other:
    // which?") adds that one view; the other views, and the keyboard focus on the control
    // just used, stay.
    QVERIFY(startLocalOnly());
    QVERIFY(openFormFile(QStringLiteral("other_specify.xml"), QStringLiteral("other_specify")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/kitchen/notes")));
    settle();
    QQuickItem *notes = visibleItem(QStringLiteral("answer_/data/kitchen/notes"));
    QVERIFY(!visibleItem(QStringLiteral("answer_/data/kitchen/fuel_other")));
    QVERIFY(tap(QStringLiteral("choice_/data/kitchen/fuel_other")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/kitchen/fuel_other")));
    QCOMPARE(visibleItem(QStringLiteral("answer_/data/kitchen/notes")), notes);
    QTRY_VERIFY(window()->activeFocusItem());
    QCOMPARE(window()->activeFocusItem()->objectName(),
             QStringLiteral("choice_/data/kitchen/fuel_other"));
    // Typing in one question while the page changes around it.
    QVERIFY(uiinput::typeInto(notes, QStringLiteral("charcoal in winter")));
    QTRY_COMPARE(valueOf(QStringLiteral("/data/kitchen/notes")),
                 QStringLiteral("charcoal in winter"));
    // And hidden again: the same.
    QVERIFY(tap(QStringLiteral("choice_/data/kitchen/fuel_gas")));
    QTRY_VERIFY(!visibleItem(QStringLiteral("answer_/data/kitchen/fuel_other")));
    QCOMPARE(visibleItem(QStringLiteral("answer_/data/kitchen/notes")), notes);
    QCOMPARE(window()->activeFocusItem()->objectName(),
             QStringLiteral("choice_/data/kitchen/fuel_gas"));
    QVERIFY(closeForm());
}

void TestApp::location()
{
    // A geopoint from positioning: here an NMEA file (SURVEY_NMEA_FILE, as on a desktop
    // without a receiver) placing the house at 38.8739 N, 115.4646 E.
    QVERIFY(startLocalOnly());
    QVERIFY(openFormFile(QStringLiteral("geo_check.xml"), QStringLiteral("geo_check")));
    // Typed wrong: the text stays as typed, with the reason; corrected in place, the
    // reason goes and the answer is taken.
    QVERIFY(answerWith(QStringLiteral("/data/where"), QStringLiteral("38.87 east")));
    QTRY_VERIFY(visibleItem(QStringLiteral("problem_/data/where")));
    QCOMPARE(visibleItem(QStringLiteral("answer_/data/where"))->property("text").toString(),
             QStringLiteral("38.87 east"));
    QCOMPARE(valueOf(QStringLiteral("/data/where")), QString());
    QQuickItem *where = restingItem(QStringLiteral("answer_/data/where"));
    QVERIFY(uiinput::tap(where));
    for (int i = 0; i < 4; ++i)
        QTest::keyClick(window(), Qt::Key_Backspace);
    uiinput::typeText(window(), QStringLiteral("115.46"));
    QTRY_VERIFY(!visibleItem(QStringLiteral("problem_/data/where")));
    QCOMPARE(where->property("text").toString(), QStringLiteral("38.87 115.46"));
    QTest::keyClick(window(), Qt::Key_Return);
    QTRY_VERIFY(valueOf(QStringLiteral("/data/where")).startsWith(QStringLiteral("38.87 115.46")));
    // The receiver's fixes are 9 m: not the 5 m taken at once, so the best so far is
    // shown with its accuracy and taken by hand.
    QVERIFY(tap(QStringLiteral("locate_/data/where")));
    QTRY_COMPARE_WITH_TIMEOUT(
        restingItem(QStringLiteral("locationStatus_/data/where"))->property("text").toString(),
        QStringLiteral("Best so far: accuracy 9 m"), 20000);
    QVERIFY(tap(QStringLiteral("useLocation_/data/where")));
    QTRY_VERIFY_WITH_TIMEOUT(visibleItem(QStringLiteral("answer_/data/where"))
                                 ->property("text")
                                 .toString()
                                 .startsWith(QStringLiteral("38.87")),
                             20000);
    const QStringList parts = visibleItem(QStringLiteral("answer_/data/where"))
                                  ->property("text")
                                  .toString()
                                  .split(QLatin1Char(' '));
    QCOMPARE(parts.size(), 4);
    QVERIFY(qAbs(parts[0].toDouble() - 38.8739) < 1e-4);
    QVERIFY(qAbs(parts[1].toDouble() - 115.4646) < 1e-4);
    QCOMPARE(parts[2].toDouble(), 21.0);
    // From HDOP 0.9 and a 5 m range error (Qt takes twice their product, for 95 %).
    QCOMPARE(parts[3], QStringLiteral("9.0"));
    QVERIFY(saved());
    QVERIFY(closeForm());
}

void TestApp::locationImproves()
{
    // A receiver whose fixes grow better (40, 20, 9, then 4 m): each better one is shown,
    // and the first within 5 m is taken without a tap.
    qputenv("SURVEY_NMEA_FILE", SURVEY_TEST_DATA "/track-improving.nmea");
    QVERIFY(startLocalOnly());
    QVERIFY(openFormFile(QStringLiteral("geo_check.xml"), QStringLiteral("geo_check")));
    // What the status line says after each change (its binding has run by then).
    QQuickItem *status = nullptr; // hidden until there is something to say
    std::function<void(QQuickItem *)> look = [&](QQuickItem *item) {
        if (item->objectName() == QLatin1String("locationStatus_/data/where"))
            status = item;
        for (QQuickItem *child : item->childItems())
            look(child);
    };
    look(window()->contentItem());
    QVERIFY(status);
    QStringList shown;
    connect(app::Positioning::instance(), &app::Positioning::changed, status, [&] {
        const QString text = status->property("text").toString();
        if (status->isVisible() && (shown.isEmpty() || shown.constLast() != text))
            shown << text;
    });
    QVERIFY(tap(QStringLiteral("locate_/data/where")));
    QTRY_VERIFY_WITH_TIMEOUT(valueOf(QStringLiteral("/data/where")).endsWith(QLatin1String(" 4.0")),
                             20000);
    QTRY_COMPARE(status->property("text").toString(), QStringLiteral("accuracy 4.0 m"));
    QVERIFY2(shown.contains(QStringLiteral("Best so far: accuracy 40 m")) &&
                 shown.contains(QStringLiteral("Best so far: accuracy 20 m")) &&
                 shown.contains(QStringLiteral("Best so far: accuracy 9 m")),
             qPrintable(shown.join(QLatin1Char('|'))));
    QVERIFY(!visibleItem(QStringLiteral("useLocation_/data/where")));
}

void TestApp::locationTimesOut()
{
    // A receiver that never gets a fix (indoors): the search can be cancelled, and on its
    // own it ends with what to do instead of spinning for ever.
    qputenv("SURVEY_NMEA_FILE", SURVEY_TEST_DATA "/no-fix.nmea");
    app::Positioning::instance()->setTimeout(2000);
    QVERIFY(startLocalOnly());
    QVERIFY(openFormFile(QStringLiteral("geo_check.xml"), QStringLiteral("geo_check")));
    QVERIFY(tap(QStringLiteral("locate_/data/where")));
    QCOMPARE(restingItem(QStringLiteral("locationStatus_/data/where"))->property("text").toString(),
             QStringLiteral("Waiting for the first fix…"));
    QVERIFY(!restingItem(QStringLiteral("locate_/data/where"))->isEnabled());
    QVERIFY(tap(QStringLiteral("cancelLocate_/data/where")));
    QTRY_VERIFY(restingItem(QStringLiteral("locate_/data/where"))->isEnabled());
    QVERIFY(!visibleItem(QStringLiteral("locationStatus_/data/where")));
    QVERIFY(!visibleItem(QStringLiteral("cancelLocate_/data/where")));
    // Again, left to run out.
    QVERIFY(tap(QStringLiteral("locate_/data/where")));
    QTRY_COMPARE_WITH_TIMEOUT(
        restingItem(QStringLiteral("locationStatus_/data/where"))->property("text").toString(),
        QStringLiteral("No location found in 2 seconds. Move outside or near a window and try "
                       "again, or type the location above."),
        10000);
    QVERIFY(restingItem(QStringLiteral("locate_/data/where"))->isEnabled());
    QCOMPARE(valueOf(QStringLiteral("/data/where")), QString());

    // A device with no positioning at all says so at once, and how to answer anyway.
    qputenv("SURVEY_NMEA_FILE", QFile::encodeName(m_dir->filePath(QStringLiteral("no-receiver"))));
    QVERIFY(tap(QStringLiteral("locate_/data/where")));
    QTRY_COMPARE(
        restingItem(QStringLiteral("locationStatus_/data/where"))->property("text").toString(),
        QStringLiteral("This device has no positioning. Type the location above as latitude "
                       "and longitude (for example 38.87 115.46)."));
}

/// The test server (started once per test, seeded with an admin, a supervisor "sup", an
/// enumerator "enu" and two forms): its project address, or "" when it does not start.
QString TestApp::serverBase()
{
    if (m_server.state() == QProcess::Running)
        return m_serverBase;
    const QString db = QStringLiteral("sqlite:") + m_dir->filePath(QStringLiteral("server.db"));
    if (!testutil::seedServer(QStringLiteral(SURVEY_SYNC), db,
                              {{QStringLiteral("sup"),
                                QStringLiteral("supervisor"),
                                QStringLiteral("sup-password-1"),
                                {}},
                               {QStringLiteral("enu"), QStringLiteral("enumerator"),
                                QStringLiteral("enum-password"), QStringLiteral("sup")}},
                              {QStringLiteral(SURVEY_TEST_DATA "/meter_check.xml"),
                               QStringLiteral(SURVEY_TEST_DATA "/roster.xml")}))
        return QString();
    const QUrl url = testutil::startAndReadUrl(
        m_server, QStringLiteral(SURVEY_SYNC),
        {QStringLiteral("serve"), QStringLiteral("--db"), db, QStringLiteral("--listen"),
         QStringLiteral("127.0.0.1:0"), QStringLiteral("--insecure-http")});
    m_serverBase = url.isValid() ? url.toString() : QString();
    return m_serverBase;
}

bool TestApp::restartServer()
{
    const QUrl base(m_serverBase);
    const QString db = QStringLiteral("sqlite:") + m_dir->filePath(QStringLiteral("server.db"));
    const QUrl url = testutil::startAndReadUrl(
        m_server, QStringLiteral(SURVEY_SYNC),
        {QStringLiteral("serve"), QStringLiteral("--db"), db, QStringLiteral("--listen"),
         QStringLiteral("127.0.0.1:%1").arg(base.port()), QStringLiteral("--insecure-http")});
    return url == base;
}

void TestApp::sendReturnCorrect()
{
    // A real survey-sync on 127.0.0.1; the app signs in through its first-run page, pulls
    // the form, sends a record, gets it back with a comment, corrects and resends it.
    const QString base = serverBase();
    QVERIFY(!base.isEmpty());
    QVERIFY(meterReadingFilled(base));
    QVERIFY(finalizeAndSend());
    QTRY_COMPARE(visibleItem(QStringLiteral("syncStatus"))->property("text").toString(),
                 QStringLiteral("1 sent"));
    store::StoreError e;
    auto s = deviceStore();
    QVERIFY(s);
    const auto sent = s->records(store::RecordState::Sent, &e);
    QCOMPARE(sent.size(), std::size_t(1));
    const QString id = sent[0].instanceId;
    QTRY_VERIFY(visibleItem(QStringLiteral("record_") + id)); // under Sent

    // A sent record opens to be read: its answers show, nothing can change them.
    const QByteArray sentXml = *s->recordXml(id, &e);
    settle();
    QVERIFY(tap(QStringLiteral("record_") + id));
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    QTRY_COMPARE(controller()->property("instanceId").toString(), id);
    QVERIFY(controller()->property("readOnly").toBool());
    QCOMPARE(restingItem(QStringLiteral("saveState"))->property("text").toString(),
             QStringLiteral("Sent · read only"));
    QQuickItem *reading = restingItem(QStringLiteral("answer_/data/kwh"));
    QVERIFY(reading);
    QCOMPARE(reading->property("text").toString(), QStringLiteral("312"));
    QVERIFY(!reading->isEnabled());
    QVERIFY(uiinput::tap(reading));
    uiinput::typeText(window(), QStringLiteral("9"));
    QTest::keyClick(window(), Qt::Key_Return);
    QCOMPARE(valueOf(QStringLiteral("/data/kwh")), QStringLiteral("312"));
    QVERIFY(goToEnd());
    QVERIFY(!visibleItem(QStringLiteral("finalizeButton")));
    QVERIFY(closeForm());
    QCOMPARE(*s->recordXml(id, &e), sentXml);
    QCOMPARE(s->record(id, &e)->state, store::RecordState::Sent);

    // The supervisor sends it back.
    const auto patched =
        serverRequest("PATCH", base + QStringLiteral("/forms/meter_check/submissions/") + id,
                      "sup:sup-password-1",
                      R"({"reviewState":"hasIssues","comment":"Photo of the meter, please check"})",
                      QStringLiteral("application/json"));
    QCOMPARE(patched.first, 200);

    // F5 does what the Send button does (once no automatic run is going).
    QTRY_VERIFY_WITH_TIMEOUT(!m_backend->sending()->syncing(), 30000);
    settle();
    QTest::keyClick(window(), Qt::Key_F5);
    // Opened: a correction, with the comment shown.
    QVERIFY(openReturned(*s, id, QStringLiteral("Photo of the meter")));
    QVERIFY(answerWith(QStringLiteral("/data/kwh"), QStringLiteral("298")));
    QVERIFY(saved());
    QVERIFY(tap(QStringLiteral("nextButton")));
    QVERIFY(finalizeAndSend());

    // On the server: the same submission, now edited, with the corrected reading.
    const auto got = serverRequest(
        "GET", base + QStringLiteral("/forms/meter_check/submissions/") + id, "sup:sup-password-1");
    QCOMPARE(got.first, 200);
    QVERIFY2(got.second.contains("\"reviewState\":\"edited\""), got.second.constData());

    // Home shows the comment as dealt with (on the record, sent under its new ID).
    settle();
    const auto corrected = s->records(store::RecordState::Sent, &e);
    QCOMPARE(corrected.size(), std::size_t(1));
    QCOMPARE(corrected[0].deprecatedId, id);
    QQuickItem *sentRow = restingItem(QStringLiteral("record_") + corrected[0].instanceId);
    QVERIFY(sentRow);
    QCOMPARE(
        sentRow->findChild<QQuickItem *>(QStringLiteral("recordComment"))
            ->property("text")
            .toString(),
        QStringLiteral("Corrected. The supervisor had said: Photo of the meter, please check"));

    // The sync log names the record in every entry, the correction as such, and logged
    // the form's first download; in Chinese, all of it is in Chinese, dates too.
    const auto logLines = [this](const char *part) {
        QStringList lines;
        for (int i = 0;; ++i) {
            QQuickItem *row = visibleItem(QStringLiteral("logEntry_%1").arg(i));
            if (!row)
                return lines;
            auto *label = row->findChild<QQuickItem *>(QLatin1String(part));
            lines << (label && label->isVisible() ? label->property("text").toString() : QString());
        }
    };
    QVERIFY(tap(QStringLiteral("syncLogButton")));
    QTRY_VERIFY(restingItem(QStringLiteral("logEntry_0")));
    QCOMPARE(logLines("logRecord").value(0), QStringLiteral("Meter check (correction)"));
    QCOMPARE(logLines("logText").value(0), QStringLiteral("Sent to 127.0.0.1."));
    QVERIFY2(
        logLines("logText").contains(QStringLiteral("Form downloaded: Meter check (version 1)")),
        qPrintable(logLines("logText").join(QLatin1Char('|'))));
    const QStringList english = logLines("logRecord");
    QCOMPARE(english.count(QStringLiteral("Meter check (correction)")), 1);
    QCOMPARE(english.count(QStringLiteral("Meter check")), 2); // sent, then returned
    QVERIFY(tap(QStringLiteral("backButton")));
    QVERIFY(switchLanguage("languageZh"));
    QVERIFY(tap(QStringLiteral("syncLogButton")));
    QTRY_VERIFY(restingItem(QStringLiteral("logEntry_0")));
    QCOMPARE(logLines("logRecord").value(0), QStringLiteral("Meter check（更正）"));
    QCOMPARE(logLines("logText").value(0), QStringLiteral("已发送到 127.0.0.1。"));
    const QString today = QLocale(QLocale::Chinese, QLocale::China)
                              .toString(QDate::currentDate(), QLocale::ShortFormat);
    QVERIFY2(logLines("logTime").value(0).startsWith(today),
             qPrintable(logLines("logTime").value(0) + QStringLiteral(" / ") + today));
    for (const QString &line : logLines("logText"))
        QVERIFY2(line.contains(QRegularExpression(QStringLiteral("[\\x{4e00}-\\x{9fff}]"))),
                 qPrintable(line));
    QVERIFY(tap(QStringLiteral("backButton")));
    QVERIFY(switchLanguage("languageEn"));

    // Signing out leads back to the first-run page.
    settle();
    QVERIFY(tap(QStringLiteral("settingsButton")));
    QVERIFY(tap(QStringLiteral("signOutButton")));
    QVERIFY(tap(QStringLiteral("signOutConfirmButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("signInButton")));
}

void TestApp::fillQuestion(const QVariantMap &question, const QString &want)
{
    const QString ref = question.value(QStringLiteral("ref")).toString();
    const QString control = question.value(QStringLiteral("control")).toString();
    const QString type = question.value(QStringLiteral("type")).toString();
    const QString appearance = question.value(QStringLiteral("appearance")).toString();
    if (type == QLatin1String("geopoint")) {
        // From positioning (the NMEA file): the same place as the answers file.
        QVERIFY(tap(QStringLiteral("locate_") + ref));
        QVERIFY(tap(QStringLiteral("useLocation_") + ref)); // 9 m: taken by hand
        QTRY_VERIFY_WITH_TIMEOUT(!valueOf(ref).isEmpty(), 20000);
        const QStringList got = valueOf(ref).split(QLatin1Char(' '));
        const QStringList wanted = want.split(QLatin1Char(' '));
        QVERIFY(qAbs(got[0].toDouble() - wanted[0].toDouble()) < 1e-4);
        QVERIFY(qAbs(got[1].toDouble() - wanted[1].toDouble()) < 1e-4);
        return;
    }
    if (control == QLatin1String("upload")) {
        // A photo file named as in the answers: the stored name keeps its stem.
        QImage photo(640, 480, QImage::Format_RGB32);
        photo.fill(Qt::gray);
        const QString file = m_dir->filePath(want);
        QVERIFY(photo.save(file));
        QVERIFY(chooseFile(QStringLiteral("answer_") + ref, file));
        QTRY_VERIFY(valueOf(ref).startsWith(QFileInfo(want).completeBaseName()));
        return;
    }
    if (control == QLatin1String("select1") && appearance.contains(QLatin1String("minimal"))) {
        QVERIFY(chooseValue(QStringLiteral("answer_") + ref, want));
    } else if (control == QLatin1String("select1")) {
        QVERIFY2(tap(QStringLiteral("choice_%1_%2").arg(ref, want)),
                 qPrintable(ref + QLatin1Char(' ') + want));
    } else if (control == QLatin1String("select")) {
        // Each box ticked or unticked in turn; the page is drawn again after each one.
        const QStringList wanted = want.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const QVariant &c : question.value(QStringLiteral("choices")).toList()) {
            const QString v = c.toMap().value(QStringLiteral("value")).toString();
            const bool on = wanted.contains(v);
            if (valueOf(ref).split(QLatin1Char(' ')).contains(v) == on)
                continue;
            QVERIFY2(tap(QStringLiteral("choice_%1_%2").arg(ref, v)),
                     qPrintable(ref + QLatin1Char(' ') + v));
            QTRY_COMPARE(valueOf(ref).split(QLatin1Char(' ')).contains(v), on);
        }
    } else if (control == QLatin1String("trigger")) {
        QVERIFY(tap(QStringLiteral("answer_") + ref));
    } else {
        QVERIFY(answerWith(ref, want));
    }
    QTRY_COMPARE(valueOf(ref), want);
}

void TestApp::fillUntil(const QJsonObject &answers, const QString &stopAt)
{
    double progress = -1;
    for (int page = 0; page < 200; ++page) {
        QObject *form = controller();
        QVERIFY(form);
        // Going forward, the progress shown never goes back (however many questions
        // relevance brings or repeats add).
        const double now = form->property("progress").toDouble();
        QVERIFY2(now >= progress, qPrintable(QStringLiteral("%1 after %2").arg(now).arg(progress)));
        progress = now;
        QQuickItem *shown = restingItem(QStringLiteral("progressText"));
        QVERIFY(shown);
        QCOMPARE(shown->property("text").toString(),
                 QStringLiteral("%1%").arg(std::lround(now * 100)));
        const Page kind = pageKindOf(form);
        if (kind == Page::End)
            return;
        if (QQuickItem *place = visibleItem(QStringLiteral("repeatPlace")))
            m_repeatPlaces << place->property("text").toString();
        if (kind == Page::Repeat) {
            // Another entry when the answers have one.
            const QString next = QStringLiteral("%1[%2]/").arg(
                form->property("repeatRef").toString(),
                QString::number(form->property("repeatCount").toInt() + 1));
            const auto keys = answers.keys();
            const bool more = std::any_of(keys.begin(), keys.end(),
                                          [&](const QString &k) { return k.startsWith(next); });
            const int index = form->property("index").toInt();
            // The prompt names what is added (the repeat's label, or its group's).
            QQuickItem *prompt = restingItem(QStringLiteral("repeatPrompt"));
            QVERIFY(prompt);
            m_repeatPrompts << prompt->property("text").toString();
            QVERIFY(
                tap(more ? QStringLiteral("addRepeatButton") : QStringLiteral("skipRepeatButton")));
            QTRY_VERIFY(form->property("index").toInt() != index ||
                        pageKindOf(form) != Page::Repeat);
            continue;
        }
        // Answer what the page asks, reading it again after each answer (relevance may
        // show or hide questions on a field-list page).
        QSet<QString> done;
        for (bool answered = true; answered;) {
            answered = false;
            for (const QVariant &q : form->property("questions").toList()) {
                const QVariantMap question = q.toMap();
                const QString ref = question.value(QStringLiteral("ref")).toString();
                if (ref == stopAt)
                    return;
                if (done.contains(ref) || !answers.contains(ref) ||
                    question.value(QStringLiteral("readonly")).toBool())
                    continue;
                done.insert(ref);
                const QString want = answers.value(ref).toVariant().toString();
                if (question.value(QStringLiteral("value")).toString() == want)
                    continue;
                fillQuestion(question, want);
                if (QTest::currentTestFailed())
                    return;
                answered = true;
                break;
            }
        }
        const int index = form->property("index").toInt();
        QVERIFY(tap(QStringLiteral("nextButton")));
        QTRY_VERIFY2(form->property("index").toInt() > index,
                     qPrintable(QStringLiteral("stuck on page %1").arg(index)));
    }
    QFAIL("the form did not end");
}

void TestApp::householdThroughTheUi()
{
    // The household example form, published on the server, pulled by the app and filled
    // through its widgets from the example answers: a wrong household ID first (the
    // form's message shows), a draft saved midway and resumed, three members and three
    // vehicles in repeats, the photo, the location, then finalized and sent.
    const QString base = serverBase();
    QVERIFY(!base.isEmpty());
    QVERIFY(signIn(base, QStringLiteral("enu"), QStringLiteral("enum-password")));
    QTRY_VERIFY_WITH_TIMEOUT(!m_backend->sending()->syncing(), 30000);
    QVERIFY(publishHousehold(base));
    const QJsonObject answers =
        QJsonDocument::fromJson(
            testutil::readFile(
                QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.answers.json")))
            .object();
    QVERIFY(answers.size() > 30);

    // Sending also pulls the new form.
    settle();
    QVERIFY(tap(QStringLiteral("sendButton")));
    QTRY_VERIFY_WITH_TIMEOUT(visibleItem(QStringLiteral("form_household_energy")), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_backend->sending()->syncing(), 30000);
    QVERIFY(tap(QStringLiteral("form_household_energy")));
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    // A required answer left empty: Next stays, and the form's message shows.
    fillUntil(answers, QStringLiteral("/data/enumerator"));
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(!visibleItem(QStringLiteral("problem_/data/enumerator")));
    QVERIFY(tap(QStringLiteral("nextButton")));
    QTRY_COMPARE(
        visibleItem(QStringLiteral("problem_/data/enumerator"))->property("text").toString(),
        QStringLiteral("Please enter the enumerator's name."));
    QVERIFY(visibleItem(QStringLiteral("answer_/data/enumerator")));
    fillUntil(answers, QStringLiteral("/data/hh_id"));
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(answerWith(QStringLiteral("/data/hh_id"), QStringLiteral("bd127")));
    QTRY_COMPARE(visibleItem(QStringLiteral("problem_/data/hh_id"))->property("text").toString(),
                 QStringLiteral("The household ID must be two capital letters followed by four "
                                "digits, e.g. BD0127."));
    // Until it is right, the form does not go on.
    const int index = controller()->property("index").toInt();
    QVERIFY(tap(QStringLiteral("nextButton")));
    QCoreApplication::processEvents();
    QCOMPARE(controller()->property("index").toInt(), index);
    // On a page of several questions, typed from the keyboard: Tab gives the answer and
    // moves to the next question, and the focus stays there as the page is redrawn.
    fillUntil(answers, QStringLiteral("/data/dwelling/floor_area"));
    QVERIFY(!QTest::currentTestFailed());
    QTRY_VERIFY(!visibleItem(QStringLiteral("problem_/data/hh_id")));
    QQuickWindow *window = this->window();
    QVERIFY(tap(QStringLiteral("answer_/data/dwelling/floor_area")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/dwelling/floor_area"))->hasActiveFocus());
    for (const char key : {'9', '6', '.', '5'})
        QTest::keyClick(window, key);
    QTest::keyClick(window, Qt::Key_Tab);
    QTRY_COMPARE(valueOf(QStringLiteral("/data/dwelling/floor_area")), QStringLiteral("96.5"));
    QCoreApplication::processEvents();
    QVERIFY(window->activeFocusItem());
    QVERIFY2(window->activeFocusItem()->objectName().startsWith(
                 QStringLiteral("choice_/data/dwelling/tenure_")),
             qPrintable(window->activeFocusItem()->objectName()));
    fillUntil(answers, QStringLiteral("/data/appliances"));
    QVERIFY(!QTest::currentTestFailed());
    const QString id = controller()->property("instanceId").toString();

    // Save and exit: a draft with the three members, reopened with its answers.
    QVERIFY(saved());
    QVERIFY(closeForm());
    store::StoreError e;
    auto s = deviceStore();
    QVERIFY(s);
    QCOMPARE(s->record(id, &e)->state, store::RecordState::Draft);
    QCOMPARE(s->recordXml(id, &e)->count("<member>"), 3);
    // Listed by the name the form gives it, from the answers given so far.
    const QString name = QStringLiteral("HH-BD0127-") + QDate::currentDate().toString(Qt::ISODate);
    QCOMPARE(s->record(id, &e)->instanceName, name);
    QTRY_COMPARE(restingItem(QStringLiteral("record_") + id)->property("instanceName").toString(),
                 name);
    settle();
    QVERIFY(tap(QStringLiteral("record_") + id));
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    QTRY_COMPARE(controller()->property("instanceId").toString(), id);
    QStringList kept;
    for (const QVariant &entry : controller()->property("outline").toList())
        kept << entry.toMap().value(QStringLiteral("value")).toString();
    QVERIFY(kept.contains(QStringLiteral("BD0127")));
    QVERIFY(kept.contains(QStringLiteral("王小雨")));
    fillUntil(answers, QString());
    QVERIFY(!QTest::currentTestFailed());
    // The repeats' labels are on the groups around them (as XLSForm writes them).
    QVERIFY2(m_repeatPrompts.contains(QStringLiteral("Add a new \"Household members\"?")),
             qPrintable(m_repeatPrompts.join(QLatin1Char('|'))));
    QVERIFY(m_repeatPrompts.contains(QStringLiteral("Add a new \"Vehicles\"?")));
    // Each page in a repeat says which entry it is, of those there are so far.
    QVERIFY2(m_repeatPlaces.contains(QStringLiteral("Household members: 2 of 2")) &&
                 m_repeatPlaces.contains(QStringLiteral("Vehicles: 2 of 2")),
             qPrintable(m_repeatPlaces.join(QLatin1Char('|'))));
    QVERIFY(finalizeAndSend());
    QTRY_VERIFY(visibleItem(QStringLiteral("record_") + id)); // under Sent
    QCOMPARE(s->record(id, &e)->state, store::RecordState::Sent);

    // On the server: every answer as the answers file has it, and the photo.
    const QString submission = base + QStringLiteral("/forms/household_energy/submissions/") + id;
    const auto serverAnswers = [&] {
        QHash<QString, QString> out;
        const auto [status, body] =
            serverRequest("GET", submission + QStringLiteral("/answers"), "sup:sup-password-1");
        for (const QJsonValue &v : QJsonDocument::fromJson(body).array())
            out.insert(v[QStringLiteral("ref")].toString(), v[QStringLiteral("value")].toString());
        return status == 200 ? out : QHash<QString, QString>();
    };
    const QHash<QString, QString> stored = serverAnswers();
    QVERIFY(!stored.isEmpty());
    for (auto it = answers.begin(); it != answers.end(); ++it) {
        const QString want = it.value().toVariant().toString();
        const QString have = stored.value(it.key());
        if (it.key() == QLatin1String("/data/location")) {
            QCOMPARE(have.section(QLatin1Char(' '), 0, 0).toDouble(),
                     want.section(QLatin1Char(' '), 0, 0).toDouble());
            QCOMPARE(have.section(QLatin1Char(' '), 1, 1).toDouble(),
                     want.section(QLatin1Char(' '), 1, 1).toDouble());
        } else if (it.key() == QLatin1String("/data/house_photo"))
            QVERIFY2(have.startsWith(QStringLiteral("bd0127_house")), qPrintable(have));
        else
            QVERIFY2(have == want, qPrintable(it.key() + QStringLiteral(": ") + have));
    }

    // The supervisor sends it back; the correction is made through the app (the summary's
    // live outputs follow the new reading) and resent as an edit of the same submission.
    const auto returned =
        serverRequest("PATCH", submission, "sup:sup-password-1",
                      R"({"reviewState":"hasIssues","comment":"用电量与电费不一致，请核实"})",
                      QStringLiteral("application/json"));
    QVERIFY2(returned.first == 200, returned.second.constData());
    settle();
    QVERIFY(tap(QStringLiteral("sendButton")));
    QVERIFY(openReturned(*s, id, QStringLiteral("用电量与电费不一致")));
    QVERIFY(jumpToQuestion(QStringLiteral("/data/summary")));
    const QString summaryBefore = labelOf(QStringLiteral("/data/summary"));
    QVERIFY2(summaryBefore.contains(QStringLiteral("3 members")), qPrintable(summaryBefore));
    // The question list: each member's heading before their answers, choices by their
    // labels in the form's language, and no row without words.
    QVERIFY(tap(QStringLiteral("outlineButton")));
    QTRY_VERIFY(restingItem(QStringLiteral("outlineList")));
    const auto rowText = [this](const QString &ref, const char *part) {
        const bool entry = qstrcmp(part, "entryLabel") == 0;
        QQuickItem *item = outlineRow(ref, entry);
        if (entry)
            part = "outlineLabel";
        QQuickItem *label = item ? item->findChild<QQuickItem *>(QLatin1String(part)) : nullptr;
        return label ? label->property("text").toString() : QStringLiteral("(none)");
    };
    QCOMPARE(rowText(QStringLiteral("/data/members/member[2]"), "entryLabel"),
             QStringLiteral("Household members: 2 of 3"));
    QCOMPARE(rowText(QStringLiteral("/data/members/member[2]/sex"), "outlineValue"),
             QStringLiteral("Female"));
    QCOMPARE(rowText(QStringLiteral("/data/appliances"), "outlineValue"),
             QStringLiteral("Refrigerator, Air conditioner, Water heater, Television, "
                            "Washing machine"));
    QStringList order;
    for (const QVariant &row :
         restingItem(QStringLiteral("outlineList"))->property("model").toList()) {
        const QVariantMap r = row.toMap();
        QVERIFY2(!r.value(QStringLiteral("label")).toString().isEmpty() ||
                     !r.value(QStringLiteral("text")).toString().isEmpty(),
                 qPrintable(r.value(QStringLiteral("kind")).toString()));
        if (r.value(QStringLiteral("ref"))
                .toString()
                .startsWith(QLatin1String("/data/members/member[2]")))
            order << r.value(QStringLiteral("ref")).toString();
    }
    QCOMPARE(order.value(0), QStringLiteral("/data/members/member[2]"));
    QCOMPARE(order.value(1), QStringLiteral("/data/members/member[2]/name"));
    QVERIFY(tap(QStringLiteral("backButton")));
    QVERIFY(jumpToQuestion(QStringLiteral("/data/members/member[2]/name")));
    QCOMPARE(restingItem(QStringLiteral("repeatPlace"))->property("text").toString(),
             QStringLiteral("Household members: 2 of 3"));
    QVERIFY(jumpToQuestion(QStringLiteral("/data/elec_kwh")));
    QVERIFY(!visibleItem(QStringLiteral("repeatPlace")));
    QVERIFY(answerWith(QStringLiteral("/data/elec_kwh"), QStringLiteral("298")));
    QVERIFY(saved());
    QVERIFY(jumpToQuestion(QStringLiteral("/data/summary")));
    QVERIFY(labelOf(QStringLiteral("/data/summary")) != summaryBefore);
    QVERIFY(goToEnd());
    QVERIFY(finalizeAndSend());
    QCOMPARE(serverAnswers().value(QStringLiteral("/data/elec_kwh")), QStringLiteral("298"));
    const auto review = serverRequest("GET", submission, "sup:sup-password-1");
    QVERIFY2(review.second.contains("\"reviewState\":\"edited\""), review.second.constData());
}

void TestApp::reviewTwoRoles()
{
    // Both roles through the app, as people use it: an enumerator sends two households; the
    // supervisor pulls them; the server stops; offline, the supervisor approves one and
    // sends the other back with two flagged questions; the server is back, the decisions
    // go; the enumerator finds the flags on the right questions and corrects; the supervisor
    // pulls again, sees old → new, approves; the server holds both as approved.
    const QString base = serverBase();
    QVERIFY(!base.isEmpty());
    QVERIFY(publishHousehold(base));

    // The enumerator.
    QVERIFY(signIn(base, QStringLiteral("enu"), QStringLiteral("enum-password")));
    QVERIFY(!visibleItem(QStringLiteral("reviewButton"))); // enumerators do not review
    QVERIFY(sendAndReceive());
    QTRY_VERIFY(visibleItem(QStringLiteral("form_household_energy")));
    QCOMPARE(m_backend->account()->role(), app::Account::Role::Enumerator);
    QVERIFY(!visibleItem(QStringLiteral("reviewButton")));
    QVERIFY(fillHousehold(QStringLiteral("BD0301")));
    QVERIFY(fillHousehold(QStringLiteral("BD0302")));
    QVERIFY(sendAndReceive());
    QCOMPARE(m_backend->sending()->status(), QStringLiteral("2 sent"));
    QTRY_COMPARE(m_backend->readyCount(), 0);
    QString approvedId, returnedId;
    {
        auto s = deviceStore();
        QVERIFY(s);
        for (const auto &r : s->records(store::RecordState::Sent, nullptr)) {
            const QByteArray xml = *s->recordXml(r.instanceId, nullptr);
            (xml.contains("<hh_id>BD0301</hh_id>") ? approvedId : returnedId) = r.instanceId;
        }
    }
    QVERIFY(!approvedId.isEmpty() && !returnedId.isEmpty());

    // The supervisor, on their own device, pulls the team's submissions.
    switchDevice(QStringLiteral("supervisor"));
    QVERIFY(signIn(base, QStringLiteral("sup"), QStringLiteral("sup-password-1")));
    QVERIFY(restingItem(QStringLiteral("reviewButton"))); // the server said: a supervisor
    QVERIFY(tap(QStringLiteral("reviewButton")));
    QVERIFY(restingItem(QStringLiteral("reviewEmpty")));
    QVERIFY(sendAndReceive(QStringLiteral("reviewSyncButton")));
    QTRY_COMPARE(m_backend->review()->total(), 2);
    QTRY_VERIFY(restingItem(QStringLiteral("reviewRow_") + approvedId));
    QCOMPARE(restingItem(QStringLiteral("stateFilter_received"))->property("text").toString(),
             QStringLiteral("Received  2"));

    // Offline from here.
    m_server.kill();
    m_server.waitForFinished();

    // One read and approved: its answers under their labels, choices in words, the photo,
    // the location with its accuracy, computed values marked.
    QVERIFY(tap(QStringLiteral("reviewRow_") + approvedId));
    QVERIFY(restingItem(QStringLiteral("submissionPage")));
    QCOMPARE(restingItem(QStringLiteral("answer_/data/district"))->property("text").toString(),
             QStringLiteral("Suburban area"));
    QCOMPARE(restingItem(QStringLiteral("answer_/data/location"))->property("text").toString(),
             QStringLiteral("38.8739000, 115.4646000 (±9.0 m)")); // the receiver's fix
    QTRY_COMPARE(restingItem(QStringLiteral("photo_/data/house_photo"))->property("status").toInt(),
                 1); // Image.Ready: the downloaded photo shows
    QVERIFY(restingItem(QStringLiteral("submissionWho"))
                ->property("text")
                .toString()
                .startsWith(QLatin1String("By enu on device survey-collector:")));
    QVERIFY(tap(QStringLiteral("approveButton")));
    QVERIFY(restingItem(QStringLiteral("decisionOk"))->isEnabled());
    QVERIFY(tap(QStringLiteral("decisionOk")));
    QTRY_VERIFY(restingItem(QStringLiteral("reviewPage")));

    // The other sent back with two questions flagged, each with a note.
    QVERIFY(tap(QStringLiteral("reviewRow_") + returnedId));
    QVERIFY(restingItem(QStringLiteral("submissionPage")));
    for (const auto &[path, note] :
         {std::pair{QStringLiteral("/data/members/member[2]/age"), QStringLiteral("Age seems off")},
          std::pair{QStringLiteral("/data/elec_kwh"), QStringLiteral("Use and bill disagree")}}) {
        QVERIFY(tap(QStringLiteral("flagButton_") + path));
        QVERIFY(uiinput::typeInto(restingItem(QStringLiteral("flagNote_") + path), note));
    }
    QCOMPARE(restingItem(QStringLiteral("sendBackButton"))->property("text").toString(),
             QStringLiteral("Send back (2)"));
    QVERIFY(tap(QStringLiteral("sendBackButton")));
    // Sending back needs words for the enumerator: the button waits for them.
    QQuickItem *ok = restingItem(QStringLiteral("decisionOk"));
    QVERIFY(ok && !ok->isEnabled());
    QVERIFY(tap(QStringLiteral("decisionOk")));
    QVERIFY(visibleItem(QStringLiteral("decisionComment"))); // still asking
    QVERIFY(uiinput::typeInto(restingItem(QStringLiteral("decisionComment")),
                              QStringLiteral("Please check two answers")));
    QVERIFY(tap(QStringLiteral("decisionOk")));
    QTRY_VERIFY(restingItem(QStringLiteral("reviewPage")));
    QTRY_COMPARE(m_backend->review()->unsentDecisions(), 2);
    QCOMPARE(restingItem(QStringLiteral("unsentDecisions"))->property("text").toString(),
             QStringLiteral("2 decisions waiting to be sent"));

    // The server is back: the decisions go with Send and receive.
    QVERIFY(restartServer());
    QVERIFY(sendAndReceive(QStringLiteral("reviewSyncButton")));
    QTRY_COMPARE(m_backend->review()->unsentDecisions(), 0);
    QCOMPARE(serverReviewState(approvedId), QStringLiteral("approved"));
    QCOMPARE(serverReviewState(returnedId), QStringLiteral("hasIssues"));

    // The enumerator: the record opens at the first flagged question, the note beside it.
    switchDevice(QStringLiteral("device"));
    QVERIFY(unlock(QStringLiteral("enum-password")));
    QVERIFY(sendAndReceive());
    auto s = deviceStore();
    QVERIFY(s);
    QVERIFY(openReturned(*s, returnedId, QStringLiteral("Please check two answers")));
    QTRY_COMPARE(restingItem(QStringLiteral("flagNote_/data/members/member[2]/age"))
                     ->property("text")
                     .toString(),
                 QStringLiteral("Supervisor: Age seems off"));
    // The question list marks both.
    QVERIFY(tap(QStringLiteral("outlineButton")));
    QStringList flagged;
    QQuickItem *outline = restingItem(QStringLiteral("outlineList"));
    for (const QVariant &row : outline->property("model").toList()) {
        if (!row.toMap().value(QStringLiteral("flag")).toString().isEmpty())
            flagged << row.toMap().value(QStringLiteral("ref")).toString();
    }
    QCOMPARE(flagged, (QStringList{QStringLiteral("/data/members/member[2]/age"),
                                   QStringLiteral("/data/elec_kwh")}));
    QVERIFY(outlineRow(QStringLiteral("/data/elec_kwh")));
    QVERIFY(outlineRow(QStringLiteral("/data/elec_kwh"))
                ->findChild<QQuickItem *>(QStringLiteral("outlineFlag"))
                ->isVisible());
    QTest::keyClick(window(), Qt::Key_Return);
    QTRY_VERIFY(restingItem(QStringLiteral("flagNote_/data/elec_kwh")));
    QCOMPARE(restingItem(QStringLiteral("flagNote_/data/elec_kwh"))->property("text").toString(),
             QStringLiteral("Supervisor: Use and bill disagree"));
    QVERIFY(answerWith(QStringLiteral("/data/elec_kwh"), QStringLiteral("298")));
    QVERIFY(saved());
    QVERIFY(goToEnd());
    QVERIFY(tap(QStringLiteral("finalizeButton")));
    QTRY_VERIFY(atHome() && m_backend->readyCount() == 1);
    QVERIFY(sendAndReceive());
    QTRY_COMPARE(m_backend->readyCount(), 0);
    QCOMPARE(serverReviewState(returnedId), QStringLiteral("edited"));

    // The supervisor pulls the correction: old → new, then approves.
    switchDevice(QStringLiteral("supervisor"));
    QVERIFY(unlock(QStringLiteral("sup-password-1")));
    QVERIFY(tap(QStringLiteral("reviewButton")));
    QVERIFY(sendAndReceive(QStringLiteral("reviewSyncButton")));
    QTRY_COMPARE(m_backend->review()->editedCount(), 1);
    QVERIFY(tap(QStringLiteral("stateFilter_edited")));
    QTRY_COMPARE(m_backend->review()->queue()->count(), 1);
    QVERIFY(tap(QStringLiteral("reviewRow_") + returnedId));
    QTRY_COMPARE(restingItem(QStringLiteral("change_/data/elec_kwh"))->property("text").toString(),
                 QStringLiteral("Average monthly electricity use (kWh): 320 → 298"));
    QVERIFY(tap(QStringLiteral("approveButton")));
    QVERIFY(tap(QStringLiteral("decisionOk")));
    QTRY_VERIFY(restingItem(QStringLiteral("reviewPage")));
    QVERIFY(sendAndReceive(QStringLiteral("reviewSyncButton")));
    QTRY_COMPARE(m_backend->review()->unsentDecisions(), 0);

    // The server's export holds both, approved.
    const auto exported =
        serverRequest("GET", base + QStringLiteral("/forms/household_energy/submissions.json"),
                      "admin:admin-password");
    QCOMPARE(exported.first, 200);
    const QJsonArray rows = QJsonDocument::fromJson(exported.second).array();
    QCOMPARE(rows.size(), 2);
    for (const QJsonValue &row : rows)
        QCOMPARE(row[QStringLiteral("reviewState")].toString(), QStringLiteral("approved"));
}

void TestApp::analysisPages()
{
    // A supervisor's device with the twenty households of tests/data/analysis/reference.py
    // pulled (and two of its own), the form's analysis.json with it, and no server at all
    // (none is set: nothing to send, no password asked for): the analysis works offline.
    const QString dir = m_dir->filePath(QStringLiteral("analyst"));
    QVERIFY(households::seedStore(dir, true));
    {
        store::StoreError e;
        auto s = store::Store::open(dir, &e);
        QVERIFY(s);
        for (const auto &[key, value] :
             {std::pair{app::Account::kUserKey, QStringLiteral("sup")},
              std::pair{app::Account::kConfiguredKey, QStringLiteral("yes")},
              std::pair{app::Account::kRoleKey, QStringLiteral("supervisor")},
              std::pair{app::Preferences::kLanguageKey, QStringLiteral("en")}})
            QVERIFY(s->setSetting(key, value, &e));
    }
    switchDevice(QStringLiteral("analyst"));
    // Home at rest: its lists and the review button's count are in (they move the button).
    QTRY_COMPARE(m_backend->review()->total(), 18);
    QTRY_COMPARE(m_backend->readyCount(), 2);
    QTRY_COMPARE(restingItem(QStringLiteral("reviewButton"))->property("text").toString(),
                 QStringLiteral("Review: 3 waiting"));
    QVERIFY(tap(QStringLiteral("analysisButton")));
    QVERIFY(restingItem(QStringLiteral("analysisPage")));
    app::Dashboard *dashboard = m_backend->dashboard();
    QTRY_COMPARE(dashboard->count(), 20);
    QTRY_COMPARE(restingItem(QStringLiteral("countLabel"))->property("text").toString(),
                 QStringLiteral("20 of 20 submissions"));
    const QJsonObject ref = households::reference();

    // The district's chart: the households per district, as bars.
    auto districtSets = [this] {
        QQuickItem *card = restingItem(QStringLiteral("questionCard_/data/district"));
        auto *chart = card ? card->findChild<QObject *>(QStringLiteral("selectChart")) : nullptr;
        return chart ? chart->property("sets").toList() : QVariantList();
    };
    auto values = [](const QVariant &set) {
        QList<int> out;
        for (const QVariant &v : set.toMap().value(QStringLiteral("values")).toList())
            out.append(v.toInt());
        return out;
    };
    QTRY_COMPARE(districtSets().size(), 1);
    QCOMPARE(values(districtSets().at(0)), QList<int>({8, 6, 6})); // urban, suburban, rural

    // Approved only: the count, and the chart, change.
    if (!visibleItem(QStringLiteral("approvedOnlySwitch")))
        QVERIFY(tap(QStringLiteral("filtersButton")));
    QVERIFY(tap(QStringLiteral("approvedOnlySwitch")));
    QTRY_COMPARE(dashboard->count(), 13);
    QTRY_COMPARE(restingItem(QStringLiteral("countLabel"))->property("text").toString(),
                 QStringLiteral("13 of 20 submissions"));
    QTRY_COMPARE(values(districtSets().value(0)), QList<int>({5, 4, 4}));

    // Grouped by district: every chart splits, the district's into one set per district.
    QVERIFY(chooseValue(QStringLiteral("groupByBox"), QStringLiteral("/data/district")));
    QTRY_COMPARE(districtSets().size(), 3);
    QCOMPARE(values(districtSets().at(0)), QList<int>({5, 0, 0}));

    // The baseline of the approved households, as reference.py works it out.
    QVERIFY(tap(QStringLiteral("baselineTab")));
    const QLocale en = app::appLocale(QStringLiteral("en"));
    const QJsonObject approved =
        ref[QStringLiteral("store_approved")][QStringLiteral("baseline")].toObject();
    QTRY_COMPARE(
        restingItem(QStringLiteral("cityTotal"))->property("text").toString(),
        en.toString(approved[QStringLiteral("city")][QStringLiteral("tCO2")].toDouble(), 'f', 0));

    // The forecast: a line per scenario, the table behind it; a scenario changed by a
    // person changes the figures.
    QVERIFY(tap(QStringLiteral("forecastTab")));
    QVERIFY(restingItem(QStringLiteral("forecastChart")));
    auto rows = [this] {
        std::vector<std::pair<qreal, QString>> found;
        app::visitVisibleItems(window(), [&](QQuickItem *item) {
            if (item->objectName() == QLatin1String("forecastRow"))
                found.emplace_back(item->mapToScene({0, 0}).y(), item->property("text").toString());
            return false;
        });
        std::sort(found.begin(), found.end());
        QStringList texts;
        for (const auto &[y, text] : found)
            texts.append(text);
        return texts;
    };
    QTRY_COMPARE(rows().size(), 6);
    const QJsonValue first = approved[QStringLiteral("forecast")][0];
    QVERIFY2(rows().first().startsWith(
                 QStringLiteral("2030: %1 tCO2")
                     .arg(en.toString(first[QStringLiteral("tCO2")].toDouble(), 'f', 0))),
             qPrintable(rows().first()));
    const QStringList before = rows();
    QQuickItem *scenario = restingItem(QStringLiteral("scenario_accelerated"));
    QVERIFY(scenario);
    auto *ev = scenario->findChild<QQuickItem *>(QStringLiteral("evShare"));
    QVERIFY(ev);
    // The share of electric vehicles one step down, with the spin box's minus button.
    QCOMPARE(ev->property("value").toInt(), 90);
    QObject *down = ev->property("down").value<QObject *>();
    QVERIFY(down);
    QVERIFY(uiinput::tap(down->property("indicator").value<QQuickItem *>()));
    QTRY_COMPARE(ev->property("value").toInt(), 85);
    QTRY_VERIFY(rows() != before);
    QCOMPARE(rows().first(), before.first()); // the first scenario stays as it was

    // The report, saved as a PDF through the save dialog: its pages are the ones the app
    // says it wrote, the baseline and the forecast among them.
    const QString folder = m_dir->filePath(QStringLiteral("reports"));
    QVERIFY(QDir().mkpath(folder));
    m_backend->setFormFolder(QUrl::fromLocalFile(m_dir->path())); // where the dialog looks
    QVERIFY(tap(QStringLiteral("exportPdfButton")));
    QObject *dialog = find(QStringLiteral("pdfDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->property("visible").toBool());
    // The folder picked in the dialog's list.
    QList<QQuickItem *> entries;
    QTRY_VERIFY((entries.clear(),
                 collectWith(window()->contentItem(), "file", QVariant(QUrl::fromLocalFile(folder)),
                             &entries),
                 !entries.isEmpty() && entries.first()->isVisible()));
    QVERIFY(uiinput::tap(entries.first()));
    QList<QQuickItem *> save;
    collectWith(window()->contentItem(), "text", QVariant(QStringLiteral("Open")), &save);
    save.erase(std::remove_if(save.begin(), save.end(),
                              [](QQuickItem *i) {
                                  return !i->inherits("QQuickAbstractButton") || !i->isVisible();
                              }),
               save.end());
    QCOMPARE(save.size(), 1);
    QTRY_VERIFY(save.first()->isEnabled());
    QVERIFY(uiinput::tap(save.first()));
    QTRY_VERIFY(!dialog->property("visible").toBool());
    auto *toast = qobject_cast<QQuickItem *>(find(QStringLiteral("toast")));
    QTRY_VERIFY2(
        toast->property("text").toString().startsWith(QStringLiteral("The report is saved: ") +
                                                      folder + QStringLiteral("/analysis-report-")),
        qPrintable(toast->property("text").toString()));
    const QStringList written =
        QDir(folder).entryList({QStringLiteral("analysis-report-*.pdf")}, QDir::Files);
    QCOMPARE(written.size(), 1);
    const QString pdf = folder + QLatin1Char('/') + written.first();
    const QRegularExpressionMatch said = QRegularExpression(QStringLiteral("\\((\\d+) pages\\)"))
                                             .match(toast->property("text").toString());
    QVERIFY(said.hasMatch());
    const testutil::Run info = testutil::runProgram(QStringLiteral("pdfinfo"), {pdf});
    QCOMPARE(info.exitCode, 0);
    QVERIFY2(QString::fromUtf8(info.out).contains(QRegularExpression(
                 QStringLiteral("Pages:\\s+") + said.captured(1) + QStringLiteral("\\n"))),
             info.out.constData());
    const QString words = QString::fromUtf8(
        testutil::runProgram(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")}).out);
    QVERIFY(words.contains(QStringLiteral("Household carbon baseline")));
    QVERIFY(words.contains(QStringLiteral("Forecast of the city's household emissions")));
    QVERIFY(words.contains(QStringLiteral("Counted: approved submissions only")));
}

QTEST_MAIN(TestApp)
#include "tst_app.moc"
