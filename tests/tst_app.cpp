// SPDX-License-Identifier: GPL-3.0-or-later
// The real app, offscreen (QT_QPA_PLATFORM=offscreen): its pages driven through the
// controls a person uses, found by objectName, and what the store holds checked after.
#include "backend.h"
#include "barcode.h"
#include "store.h"
#include "testutil.h"
#include "visibleitem.h"

#include <QDir>
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
    void initTestCase();
    void cleanupTestCase();
    void fillAndFinalize();
    void keyboard();
    void repeatsAndDrafts();
    void photoAnswer();
    void barcodeAnswer();
    void barcodeScannerFrames();
    void labelMedia();
    void questionViewsStay();
    void location();
    void sendReturnCorrect();
    void householdThroughTheUi();

private:
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
    void click(QObject *button) { QMetaObject::invokeMethod(button, "clicked"); }

    testutil::Run sync(const QStringList &args, const QByteArray &in = {})
    {
        return testutil::runProgram(QStringLiteral(SURVEY_SYNC), args, in);
    }
    void answerWith(const QString &ref, const QString &value)
    {
        QQuickItem *field = visibleItem(QStringLiteral("answer_") + ref);
        QVERIFY(field);
        field->setProperty("text", value);
        QMetaObject::invokeMethod(field, "editingFinished");
    }
    /// A button or check box pressed as a click does it: toggled (when checkable), then
    /// clicked.
    void press(QObject *button)
    {
        if (button->property("checkable").toBool())
            QMetaObject::invokeMethod(button, "toggle");
        click(button);
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
        click(visibleItem(entry));
        return QTest::qWaitFor([&] { return visibleItem(QStringLiteral("formPage")) != nullptr; });
    }
    /// The device's store as the app left it (every job the app posted has run).
    std::unique_ptr<store::Store> deviceStore()
    {
        m_backend->worker().drain();
        store::StoreError e;
        auto s = store::Store::open(m_dir.filePath(QStringLiteral("device")), &e);
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
    /// Finalize at the end of the form, then Send: true once the one record is sent.
    bool finalizeAndSend()
    {
        if (!QTest::qWaitFor([this] { return visibleItem(QStringLiteral("finalizeButton")); }))
            return false;
        click(visibleItem(QStringLiteral("finalizeButton")));
        if (!QTest::qWaitFor([this] { return atHome() && m_backend->readyCount() == 1; }))
            return false;
        click(visibleItem(QStringLiteral("sendButton")));
        return QTest::qWaitFor(
            [this] { return !m_backend->syncing() && m_backend->readyCount() == 0; }, 30000);
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
    /// The page that shows `ref`, through the question list's jumps.
    bool jumpToQuestion(const QString &ref)
    {
        QObject *form = controller();
        for (int i = 0; form && i < form->property("count").toInt(); ++i) {
            QMetaObject::invokeMethod(form, "jumpTo", Q_ARG(int, i));
            for (const QVariant &q : form->property("questions").toList()) {
                if (q.toMap().value(QStringLiteral("ref")).toString() == ref)
                    return true;
            }
        }
        return false;
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
                    // Listed where it can be opened (under Sent it cannot).
                    const auto r = s.record(id, &e);
                    QQuickItem *entry = visibleItem(QStringLiteral("record_") + id);
                    return r && r->state == store::RecordState::Returned && entry &&
                           entry->isEnabled();
                },
                30000))
            return false;
        click(visibleItem(QStringLiteral("record_") + id));
        return QTest::qWaitFor([&] {
            QQuickItem *shown = visibleItem(QStringLiteral("supervisorComment"));
            return shown && shown->property("text").toString().contains(comment);
        });
    }
    /// Save and exit: back on the home page.
    bool closeForm()
    {
        QQuickItem *close = visibleItem(QStringLiteral("closeFormButton"));
        if (!close)
            return false;
        click(close);
        return QTest::qWaitFor([this] { return atHome(); });
    }
    /// On the home page with nothing coming or going (a page being popped is still visible,
    /// and still takes clicks, while its transition runs).
    bool atHome() const
    {
        QObject *stack = find(QStringLiteral("stack"));
        return stack && !stack->property("busy").toBool() &&
               stack->property("depth").toInt() == 1 && visibleItem(QStringLiteral("homePage"));
    }
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

    QTemporaryDir m_dir;
    QProcess m_server;
    QNetworkAccessManager m_net;
    QString m_serverBase;
    QString serverBase();
    std::unique_ptr<app::Backend> m_backend;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
};

void TestApp::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QQuickStyle::setStyle(QStringLiteral("Material"));
    m_backend = std::make_unique<app::Backend>(nullptr);
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(QStringLiteral("qrc:/"));
    QSignalSpy ready(m_backend.get(), &app::Backend::readyChanged);
    m_backend->start(m_dir.filePath(QStringLiteral("device")), m_engine.get());
    m_engine->load(QUrl(QStringLiteral("qrc:/Survey/Main.qml")));
    QVERIFY(!m_engine->rootObjects().isEmpty());
    QVERIFY(ready.wait(20000));
}

void TestApp::cleanupTestCase()
{
    if (m_server.state() != QProcess::NotRunning) {
        m_server.kill();
        m_server.waitForFinished();
    }
    m_engine.reset();
    m_backend.reset();
}

void TestApp::fillAndFinalize()
{
    // First run: use forms on this device only; the home screen follows.
    QTRY_VERIFY(visibleItem(QStringLiteral("localOnlyButton")));
    click(visibleItem(QStringLiteral("localOnlyButton")));
    QTRY_VERIFY(atHome());
    m_backend->setLanguage(QStringLiteral("en"));

    // A form from a file.
    m_backend->addFormFile(QStringLiteral(SURVEY_TEST_DATA "/meter_check.xml"));
    QTRY_VERIFY(visibleItem(QStringLiteral("form_meter_check")));

    // Open it: one question per page.
    click(visibleItem(QStringLiteral("form_meter_check")));
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    const QString field = QStringLiteral("answer_/data/kwh");
    QTRY_VERIFY(visibleItem(field));
    QQuickItem *answer = visibleItem(field);
    // A negative reading: the form's own message, in the app's language.
    answer->setProperty("text", QStringLiteral("-5"));
    QMetaObject::invokeMethod(answer, "editingFinished");
    QTRY_COMPARE(visibleItem(QStringLiteral("problem_/data/kwh"))->property("text").toString(),
                 QStringLiteral("A reading cannot be negative"));
    // Switching the language changes the form's words at once.
    m_backend->setLanguage(QStringLiteral("zh_CN"));
    QTRY_COMPARE(visibleItem(QStringLiteral("problem_/data/kwh"))->property("text").toString(),
                 QStringLiteral("读数不能为负"));
    m_backend->setLanguage(QStringLiteral("en"));
    answer = visibleItem(field);
    answer->setProperty("text", QStringLiteral("312"));
    QMetaObject::invokeMethod(answer, "editingFinished");
    QTRY_VERIFY(!visibleItem(QStringLiteral("problem_/data/kwh")));
    // Saved: the store confirms before "Saved" shows.
    QVERIFY(saved());

    // To the end, and finalize.
    click(visibleItem(QStringLiteral("nextButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("finalizeButton")));
    click(visibleItem(QStringLiteral("finalizeButton")));
    QTRY_VERIFY(atHome());
    QTRY_COMPARE(visibleItem(QStringLiteral("readyCount"))->property("text").toString(),
                 QStringLiteral("Ready to send: 1"));

    // A wide window (a tablet in landscape, a desktop): the forms beside the records.
    auto *window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().first());
    QCOMPARE(visibleItem(QStringLiteral("homeGrid"))->property("columns").toInt(), 1);
    window->resize(1280, 800);
    QTRY_COMPARE(visibleItem(QStringLiteral("homeGrid"))->property("columns").toInt(), 2);
    window->resize(400, 720);
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
    auto *window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().first());
    window->requestActivate();
    QVERIFY(QTest::qWaitForWindowActive(window));
    QTRY_VERIFY(atHome());
    settle();
    QTest::keyClick(window, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(visibleItem(QStringLiteral("searchField"))->hasActiveFocus());
    QTest::keyClick(window, Qt::Key_Comma, Qt::ControlModifier);
    QTRY_VERIFY(visibleItem(QStringLiteral("settingsPage")));
    settle();
    QTest::keyClick(window, Qt::Key_Left, Qt::AltModifier);
    QTRY_VERIFY(atHome());
    QTRY_VERIFY(!visibleItem(QStringLiteral("settingsPage")));
    settle();

    visibleItem(QStringLiteral("form_meter_check"))->forceActiveFocus();
    QTest::keyClick(window, Qt::Key_Return);
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/kwh")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/kwh"))->hasActiveFocus());
    settle();
    for (const char key : {'2', '7', '5'})
        QTest::keyClick(window, key);
    QObject *form = controller();
    QCOMPARE(form->property("index").toInt(), 0);
    // Page Down straight from the field: what was typed is the answer before the page
    // turns (the reading is required: an untaken answer would keep the page here).
    QTest::keyClick(window, Qt::Key_PageDown);
    QTRY_COMPARE(form->property("pageKind").toString(), QStringLiteral("end"));
    QTest::keyClick(window, Qt::Key_PageUp);
    QTRY_COMPARE(form->property("index").toInt(), 0);
    QTRY_COMPARE(valueOf(QStringLiteral("/data/kwh")), QStringLiteral("275"));
    QTest::keyClick(window, Qt::Key_Right, Qt::AltModifier);
    QTRY_COMPARE(form->property("pageKind").toString(), QStringLiteral("end"));
    QTest::keyClick(window, Qt::Key_G, Qt::ControlModifier);
    QTRY_VERIFY(visibleItem(QStringLiteral("outlineList")));
    QTRY_VERIFY(visibleItem(QStringLiteral("outlineList"))->hasActiveFocus());
    settle();
    QTest::keyClick(window, Qt::Key_Up);
    QTest::keyClick(window, Qt::Key_Return);
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    QTRY_COMPARE(form->property("index").toInt(), 0);
    settle();
    QTest::keyClick(window, Qt::Key_Left, Qt::AltModifier); // nothing before the first page
    settle();
    QCOMPARE(form->property("index").toInt(), 0);
    QCOMPARE(
        find(QStringLiteral("stack"))->property("currentItem").value<QObject *>()->objectName(),
        QStringLiteral("formPage"));
    QTest::keyClick(window, Qt::Key_W, Qt::ControlModifier);
    QTRY_VERIFY(atHome());
    QTRY_VERIFY(!visibleItem(QStringLiteral("formPage")));
}

void TestApp::repeatsAndDrafts()
{
    // A roster: people added as repeat instances (one removed again, after asking), a
    // constraint inside the repeat, saved as a draft midway and resumed with its answers.
    QVERIFY(openFormFile(QStringLiteral("roster.xml"), QStringLiteral("roster")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/village")));
    answerWith(QStringLiteral("/data/village"), QStringLiteral("Dongshan"));
    click(visibleItem(QStringLiteral("nextButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("addRepeatButton")));
    click(visibleItem(QStringLiteral("addRepeatButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/person[1]/name")));
    answerWith(QStringLiteral("/data/person[1]/name"), QStringLiteral("王芳"));
    answerWith(QStringLiteral("/data/person[1]/age"), QStringLiteral("140"));
    QTRY_COMPARE(
        visibleItem(QStringLiteral("problem_/data/person[1]/age"))->property("text").toString(),
        QStringLiteral("Ages stop at 129"));
    answerWith(QStringLiteral("/data/person[1]/age"), QStringLiteral("41"));
    click(visibleItem(QStringLiteral("nextButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("addRepeatButton")));
    click(visibleItem(QStringLiteral("addRepeatButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/person[2]/name")));
    answerWith(QStringLiteral("/data/person[2]/name"), QStringLiteral("mistake"));
    // Removing asks first.
    click(visibleItem(QStringLiteral("removeRepeatButton")));
    QObject *dialog = visibleItem(QStringLiteral("formPage"))
                          ->findChild<QObject *>(QStringLiteral("removeRepeatDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->property("opened").toBool());
    QVERIFY(visibleItem(QStringLiteral("answer_/data/person[2]/name"))); // nothing removed yet
    QMetaObject::invokeMethod(dialog, "accept");
    QTRY_VERIFY(!visibleItem(QStringLiteral("answer_/data/person[2]/name")));
    QVERIFY(saved());

    // Save and exit: a draft on the home screen; reopened with its answers.
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
    QTRY_VERIFY(visibleItem(QStringLiteral("record_") + draft));
    click(visibleItem(QStringLiteral("record_") + draft));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/village")));
    QCOMPARE(visibleItem(QStringLiteral("answer_/data/village"))->property("text").toString(),
             QStringLiteral("Dongshan"));
    // On to the end and finalize: one person.
    for (int i = 0; i < 10 && !visibleItem(QStringLiteral("finalizeButton")); ++i) {
        if (QQuickItem *skip = visibleItem(QStringLiteral("skipRepeatButton")))
            click(skip);
        else
            click(visibleItem(QStringLiteral("nextButton")));
        QCoreApplication::processEvents();
    }
    QTRY_VERIFY(visibleItem(QStringLiteral("finalizeButton")));
    click(visibleItem(QStringLiteral("finalizeButton")));
    QTRY_VERIFY(atHome());
    m_backend->worker().drain();
    QTRY_COMPARE(s->record(draft, &e)->state, store::RecordState::Finalized);
    const QByteArray xml = *s->recordXml(draft, &e);
    QCOMPARE(xml.count("<person>"), 1);
    QVERIFY(xml.contains("<age>41</age>"));
}

void TestApp::photoAnswer()
{
    // A photo answer: chosen from a file, scaled to the question's max-pixels, kept with
    // the record and named in the answer.
    QVERIFY(openFormFile(QStringLiteral("photo_check.xml"), QStringLiteral("photo_check")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/photo")));
    QImage big(1000, 500, QImage::Format_RGB32);
    big.fill(Qt::darkGreen);
    const QString file = m_dir.filePath(QStringLiteral("meter.png"));
    QVERIFY(big.save(file));
    auto *controller =
        visibleItem(QStringLiteral("formPage"))->property("controller").value<QObject *>();
    QVERIFY(controller);
    QMetaObject::invokeMethod(controller, "attachFile",
                              Q_ARG(QString, QStringLiteral("/data/photo")),
                              Q_ARG(QString, QUrl::fromLocalFile(file).toString()));
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
    const QString capture = m_backend->newCaptureFile();
    QVERIFY(capture.startsWith(m_dir.filePath(QStringLiteral("device"))));
    QVERIFY(big.save(capture, "JPEG"));
    QMetaObject::invokeMethod(controller, "attachCapture",
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
    QVERIFY(openFormFile(QStringLiteral("barcode_check.xml"), QStringLiteral("barcode_check")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/meter_code")));
    const QString ref = QStringLiteral("/data/meter_code");
    // Finalized too early: the list names the missing code; tapping it goes back to the
    // question with its message.
    QMetaObject::invokeMethod(controller(), "jumpTo",
                              Q_ARG(int, controller()->property("count").toInt() - 1));
    QTRY_VERIFY(visibleItem(QStringLiteral("finalizeButton")));
    click(visibleItem(QStringLiteral("finalizeButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("problemItem_0")));
    click(visibleItem(QStringLiteral("problemItem_0")));
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
    const QString label = m_dir.filePath(QStringLiteral("label.png"));
    QVERIFY(drawCode(ZXing::BarcodeFormat::QRCode, "MTR-BD0127-88213", 300, 300).save(label));
    QMetaObject::invokeMethod(controller(), "scanImage", Q_ARG(QString, ref),
                              Q_ARG(QString, QUrl::fromLocalFile(label).toString()));
    QTRY_COMPARE(valueOf(ref), QStringLiteral("MTR-BD0127-88213"));
    QCOMPARE(visibleItem(QStringLiteral("answer_") + ref)->property("text").toString(),
             QStringLiteral("MTR-BD0127-88213"));
    QVERIFY(!visibleItem(QStringLiteral("problem_") + ref));

    // A picture without a code: the answer stays, and the person is told what to do.
    QImage blank(400, 300, QImage::Format_RGB32);
    blank.fill(Qt::white);
    const QString empty = m_dir.filePath(QStringLiteral("wall.png"));
    QVERIFY(blank.save(empty));
    QMetaObject::invokeMethod(controller(), "scanImage", Q_ARG(QString, ref),
                              Q_ARG(QString, QUrl::fromLocalFile(empty).toString()));
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
    answerWith(ref, QStringLiteral("typed-0042"));
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
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("forms/label_media-media"))));
    const QString form = m_dir.filePath(QStringLiteral("forms/label_media.xml"));
    QVERIFY(QFile::copy(QStringLiteral(SURVEY_TEST_DATA "/label_media.xml"), form));
    for (const auto &[name, colour] :
         {std::pair{"meter_en.png", Qt::blue}, std::pair{"meter_zh.png", Qt::red},
          std::pair{"dial.png", Qt::darkGray}}) {
        QImage picture(480, 240, QImage::Format_RGB32);
        picture.fill(colour);
        QVERIFY(picture.save(
            m_dir.filePath(QStringLiteral("forms/label_media-media/") + QLatin1String(name))));
    }
    m_backend->addFormFile(form);
    QTRY_VERIFY(visibleItem(QStringLiteral("form_label_media")));
    click(visibleItem(QStringLiteral("form_label_media")));
    const QString ref = QStringLiteral("/data/reading");
    QTRY_VERIFY(visibleItem(QStringLiteral("image_") + ref));
    QQuickItem *image = visibleItem(QStringLiteral("image_") + ref);
    QVERIFY(
        image->property("source").toUrl().toLocalFile().endsWith(QStringLiteral("meter_en.png")));
    QTRY_COMPARE(image->property("status").toInt(), 1); // Image.Ready: the file was read
    QVERIFY(image->height() > 0);
    m_backend->setLanguage(QStringLiteral("zh_CN"));
    QTRY_VERIFY(visibleItem(QStringLiteral("image_") + ref)
                    ->property("source")
                    .toUrl()
                    .toLocalFile()
                    .endsWith(QStringLiteral("meter_zh.png")));
    m_backend->setLanguage(QStringLiteral("en"));

    // A choice's picture beside its words; a choice without one shows none.
    click(visibleItem(QStringLiteral("nextButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("choiceImage_/data/meter_type_analog")));
    QQuickItem *dial = visibleItem(QStringLiteral("choiceImage_/data/meter_type_analog"));
    QVERIFY(dial->property("source").toUrl().toLocalFile().endsWith(QStringLiteral("dial.png")));
    QTRY_COMPARE(dial->property("status").toInt(), 1);
    QVERIFY(!visibleItem(QStringLiteral("choiceImage_/data/meter_type_smart")));
    click(visibleItem(QStringLiteral("previousButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("moreHelp_") + ref));

    QVERIFY(!visibleItem(QStringLiteral("guidance_") + ref));
    click(visibleItem(QStringLiteral("moreHelp_") + ref));
    QTRY_VERIFY(visibleItem(QStringLiteral("guidance_") + ref));
    QCOMPARE(visibleItem(QStringLiteral("guidance_") + ref)->property("text").toString(),
             QStringLiteral("Read the black digits only; the red one is a tenth."));
    QVERIFY(!visibleItem(QStringLiteral("moreHelp_") + ref));

    // This filling in Chinese, from the form's language menu.
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
    click(visibleItem(QStringLiteral("formLanguageButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("formLanguage_中文 (zh)")));
    QMetaObject::invokeMethod(visibleItem(QStringLiteral("formLanguage_中文 (zh)")), "triggered");
    QTRY_COMPARE(label(), QStringLiteral("电表读数"));
    QVERIFY(closeForm());

    // The settings' form language: English forms in a Chinese app.
    m_backend->setLanguage(QStringLiteral("zh_CN"));
    settle();
    click(visibleItem(QStringLiteral("settingsButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("formLanguageBox")));
    QQuickItem *box = visibleItem(QStringLiteral("formLanguageBox"));
    int index = -1;
    QMetaObject::invokeMethod(box, "indexOfValue", Q_RETURN_ARG(int, index),
                              Q_ARG(QVariant, QStringLiteral("English (en)")));
    QVERIFY(index > 0);
    box->setProperty("currentIndex", index);
    QMetaObject::invokeMethod(box, "activated", Q_ARG(int, index));
    QTRY_COMPARE(m_backend->formLanguage(), QStringLiteral("English (en)"));
    click(visibleItem(QStringLiteral("backButton")));
    QTRY_VERIFY(atHome());
    click(visibleItem(QStringLiteral("form_label_media")));
    QTRY_VERIFY(visibleItem(QStringLiteral("image_") + ref));
    QCOMPARE(label(), QStringLiteral("Reading on the meter"));
    QVERIFY(visibleItem(QStringLiteral("image_") + ref)
                ->property("source")
                .toUrl()
                .toLocalFile()
                .endsWith(QStringLiteral("meter_en.png")));
    QVERIFY(closeForm());
    m_backend->setFormLanguage(QString());
    m_backend->setLanguage(QStringLiteral("en"));
}

void TestApp::questionViewsStay()
{
    // On a page of several questions, an answer that shows another question ("Other:
    // which?") adds that one view; the others, and the keyboard focus in one, stay.
    QVERIFY(openFormFile(QStringLiteral("other_specify.xml"), QStringLiteral("other_specify")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/kitchen/notes")));
    settle();
    QQuickItem *notes = visibleItem(QStringLiteral("answer_/data/kitchen/notes"));
    notes->forceActiveFocus();
    QVERIFY(notes->hasActiveFocus());
    QVERIFY(!visibleItem(QStringLiteral("answer_/data/kitchen/fuel_other")));
    press(visibleItem(QStringLiteral("choice_/data/kitchen/fuel_other")));
    QTRY_VERIFY(visibleItem(QStringLiteral("answer_/data/kitchen/fuel_other")));
    QCOMPARE(visibleItem(QStringLiteral("answer_/data/kitchen/notes")), notes);
    QVERIFY(notes->hasActiveFocus());
    // And hidden again: the same.
    press(visibleItem(QStringLiteral("choice_/data/kitchen/fuel_gas")));
    QTRY_VERIFY(!visibleItem(QStringLiteral("answer_/data/kitchen/fuel_other")));
    QCOMPARE(visibleItem(QStringLiteral("answer_/data/kitchen/notes")), notes);
    QVERIFY(notes->hasActiveFocus());
    QVERIFY(closeForm());
}

void TestApp::location()
{
    // A geopoint from positioning: here an NMEA file (SURVEY_NMEA_FILE, as on a desktop
    // without a receiver) placing the house at 38.8739 N, 115.4646 E.
    QVERIFY(openFormFile(QStringLiteral("geo_check.xml"), QStringLiteral("geo_check")));
    QTRY_VERIFY(visibleItem(QStringLiteral("locate_/data/where")));
    click(visibleItem(QStringLiteral("locate_/data/where")));
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

/// The test server (started once, seeded with an admin, a supervisor "sup", an
/// enumerator "enu" and two forms): its project address, or "" when it does not start.
QString TestApp::serverBase()
{
    if (m_server.state() == QProcess::Running)
        return m_serverBase;
    const QString db = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("server.db"));
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

void TestApp::sendReturnCorrect()
{
    // A real survey-sync on 127.0.0.1 with the same form; the app signs in through its
    // first-run page, sends, gets the record back with a comment, corrects and resends it.
    const QString base = serverBase();
    QVERIFY(!base.isEmpty());

    // Sign out (Settings), then sign in on the first-run page.
    click(visibleItem(QStringLiteral("settingsButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("signOutButton")));
    click(visibleItem(QStringLiteral("signOutButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("signInButton")));
    visibleItem(QStringLiteral("serverField"))->setProperty("text", base);
    visibleItem(QStringLiteral("userField"))->setProperty("text", QStringLiteral("enu"));
    visibleItem(QStringLiteral("passwordField"))
        ->setProperty("text", QStringLiteral("enum-password"));
    click(visibleItem(QStringLiteral("signInButton")));
    QTRY_VERIFY(atHome());
    // Signing in sends what was ready (the records of the first tests).
    QTRY_VERIFY_WITH_TIMEOUT(!m_backend->syncing() && m_backend->readyCount() == 0, 30000);
    QTRY_COMPARE(visibleItem(QStringLiteral("syncStatus"))->property("text").toString(),
                 QStringLiteral("2 sent"));
    store::StoreError e;
    auto s = deviceStore();
    QVERIFY(s);
    const auto sent = s->records(store::RecordState::Sent, &e);
    QCOMPARE(sent.size(), std::size_t(2));
    QString id;
    for (const auto &r : sent) {
        if (r.formId == QLatin1String("meter_check"))
            id = r.instanceId;
    }
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY(visibleItem(QStringLiteral("record_") + id)); // under Sent

    // The supervisor sends it back.
    QNetworkAccessManager net;
    QNetworkRequest patch(QUrl(base + QStringLiteral("/forms/meter_check/submissions/") + id));
    patch.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    patch.setRawHeader("Authorization", "Basic " + QByteArray("sup:sup-password-1").toBase64());
    QNetworkReply *reply = net.sendCustomRequest(
        patch, "PATCH",
        R"({"reviewState":"hasIssues","comment":"Photo of the meter, please check"})");
    QSignalSpy patched(reply, &QNetworkReply::finished);
    QVERIFY(patched.wait(20000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    reply->deleteLater();

    // F5 does what the Send button does (once no automatic run is going).
    QTRY_VERIFY_WITH_TIMEOUT(!m_backend->syncing(), 30000);
    settle();
    QTest::keyClick(qobject_cast<QWindow *>(m_engine->rootObjects().first()), Qt::Key_F5);
    // Opened: a correction, with the comment shown.
    QVERIFY(openReturned(*s, id, QStringLiteral("Photo of the meter")));
    answerWith(QStringLiteral("/data/kwh"), QStringLiteral("298"));
    QVERIFY(saved());
    click(visibleItem(QStringLiteral("nextButton")));
    QVERIFY(finalizeAndSend());

    // On the server: the same submission, now edited, with the corrected reading.
    QNetworkRequest get(QUrl(base + QStringLiteral("/forms/meter_check/submissions/") + id));
    get.setRawHeader("Authorization", "Basic " + QByteArray("sup:sup-password-1").toBase64());
    reply = net.get(get);
    QSignalSpy got(reply, &QNetworkReply::finished);
    QVERIFY(got.wait(20000));
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    QVERIFY2(body.contains("\"reviewState\":\"edited\""), body.constData());
}

void TestApp::fillQuestion(const QVariantMap &question, const QString &want)
{
    const QString ref = question.value(QStringLiteral("ref")).toString();
    const QString control = question.value(QStringLiteral("control")).toString();
    const QString type = question.value(QStringLiteral("type")).toString();
    const QString appearance = question.value(QStringLiteral("appearance")).toString();
    if (type == QLatin1String("geopoint")) {
        // From positioning (the NMEA file): the same place as the answers file.
        click(visibleItem(QStringLiteral("locate_") + ref));
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
        const QString file = m_dir.filePath(want);
        QVERIFY(photo.save(file));
        QMetaObject::invokeMethod(controller(), "attachFile", Q_ARG(QString, ref),
                                  Q_ARG(QString, QUrl::fromLocalFile(file).toString()));
        QTRY_VERIFY(valueOf(ref).startsWith(QFileInfo(want).completeBaseName()));
        return;
    }
    if (control == QLatin1String("select1") && appearance.contains(QLatin1String("minimal"))) {
        QQuickItem *box = visibleItem(QStringLiteral("answer_") + ref);
        QVERIFY(box);
        int index = -1;
        QMetaObject::invokeMethod(box, "indexOfValue", Q_RETURN_ARG(int, index),
                                  Q_ARG(QVariant, want));
        QVERIFY(index >= 0);
        box->setProperty("currentIndex", index);
        QMetaObject::invokeMethod(box, "activated", Q_ARG(int, index));
    } else if (control == QLatin1String("select1")) {
        QQuickItem *choice = visibleItem(QStringLiteral("choice_%1_%2").arg(ref, want));
        QVERIFY2(choice, qPrintable(ref + QLatin1Char(' ') + want));
        press(choice);
    } else if (control == QLatin1String("select")) {
        // Each box ticked or unticked in turn; the page is drawn again after each one.
        const QStringList wanted = want.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const QVariant &c : question.value(QStringLiteral("choices")).toList()) {
            const QString v = c.toMap().value(QStringLiteral("value")).toString();
            const bool on = wanted.contains(v);
            if (valueOf(ref).split(QLatin1Char(' ')).contains(v) == on)
                continue;
            QQuickItem *box = visibleItem(QStringLiteral("choice_%1_%2").arg(ref, v));
            QVERIFY2(box, qPrintable(ref + QLatin1Char(' ') + v));
            press(box);
            QTRY_COMPARE(valueOf(ref).split(QLatin1Char(' ')).contains(v), on);
        }
    } else if (control == QLatin1String("trigger")) {
        press(visibleItem(QStringLiteral("answer_") + ref));
    } else {
        answerWith(ref, want);
    }
    QTRY_COMPARE(valueOf(ref), want);
}

void TestApp::fillUntil(const QJsonObject &answers, const QString &stopAt)
{
    for (int page = 0; page < 200; ++page) {
        QObject *form = controller();
        QVERIFY(form);
        const QString kind = form->property("pageKind").toString();
        if (kind == QLatin1String("end"))
            return;
        if (kind == QLatin1String("repeat")) {
            // Another entry when the answers have one.
            const QString next = QStringLiteral("%1[%2]/").arg(
                form->property("repeatRef").toString(),
                QString::number(form->property("repeatCount").toInt() + 1));
            const auto keys = answers.keys();
            const bool more = std::any_of(keys.begin(), keys.end(),
                                          [&](const QString &k) { return k.startsWith(next); });
            const int index = form->property("index").toInt();
            click(visibleItem(more ? QStringLiteral("addRepeatButton")
                                   : QStringLiteral("skipRepeatButton")));
            QTRY_VERIFY(form->property("index").toInt() != index ||
                        form->property("pageKind").toString() != QLatin1String("repeat"));
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
        click(visibleItem(QStringLiteral("nextButton")));
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
    if (m_backend->serverUrl() != base) { // run on its own: signed in here, in English
        m_backend->setLanguage(QStringLiteral("en"));
        m_backend->signIn(base, QStringLiteral("enu"), QStringLiteral("enum-password"));
        QTRY_VERIFY(m_backend->configured() && m_backend->serverUrl() == base);
        QTRY_VERIFY(atHome());
        QTRY_VERIFY_WITH_TIMEOUT(!m_backend->syncing(), 30000);
    }
    const auto published =
        serverRequest("POST", base + QStringLiteral("/forms?publish=true"), "admin:admin-password",
                      testutil::readFile(
                          QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xml")),
                      QStringLiteral("application/xml"));
    QVERIFY2(published.first == 200, published.second.constData());
    const QJsonObject answers =
        QJsonDocument::fromJson(
            testutil::readFile(
                QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.answers.json")))
            .object();
    QVERIFY(answers.size() > 30);

    // Sending also pulls the new form.
    click(visibleItem(QStringLiteral("sendButton")));
    QTRY_VERIFY_WITH_TIMEOUT(visibleItem(QStringLiteral("form_household_energy")), 30000);
    click(visibleItem(QStringLiteral("form_household_energy")));
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    // A required answer left empty: Next stays, and the form's message shows.
    fillUntil(answers, QStringLiteral("/data/enumerator"));
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(!visibleItem(QStringLiteral("problem_/data/enumerator")));
    click(visibleItem(QStringLiteral("nextButton")));
    QTRY_COMPARE(
        visibleItem(QStringLiteral("problem_/data/enumerator"))->property("text").toString(),
        QStringLiteral("Please enter the enumerator's name."));
    QVERIFY(visibleItem(QStringLiteral("answer_/data/enumerator")));
    fillUntil(answers, QStringLiteral("/data/hh_id"));
    QVERIFY(!QTest::currentTestFailed());
    answerWith(QStringLiteral("/data/hh_id"), QStringLiteral("bd127"));
    QTRY_COMPARE(visibleItem(QStringLiteral("problem_/data/hh_id"))->property("text").toString(),
                 QStringLiteral("The household ID must be two capital letters followed by four "
                                "digits, e.g. BD0127."));
    // Until it is right, the form does not go on.
    const int index = controller()->property("index").toInt();
    click(visibleItem(QStringLiteral("nextButton")));
    QCoreApplication::processEvents();
    QCOMPARE(controller()->property("index").toInt(), index);
    // On a page of several questions, typed from the keyboard: Tab gives the answer and
    // moves to the next question, and the focus stays there as the page is redrawn.
    fillUntil(answers, QStringLiteral("/data/dwelling/floor_area"));
    QVERIFY(!QTest::currentTestFailed());
    QTRY_VERIFY(!visibleItem(QStringLiteral("problem_/data/hh_id")));
    auto *window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().first());
    visibleItem(QStringLiteral("answer_/data/dwelling/floor_area"))->forceActiveFocus();
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
    QTRY_VERIFY(visibleItem(QStringLiteral("record_") + id));
    click(visibleItem(QStringLiteral("record_") + id));
    QTRY_VERIFY(visibleItem(QStringLiteral("formPage")));
    QTRY_COMPARE(controller()->property("instanceId").toString(), id);
    QStringList kept;
    for (const QVariant &entry : controller()->property("outline").toList())
        kept << entry.toMap().value(QStringLiteral("value")).toString();
    QVERIFY(kept.contains(QStringLiteral("BD0127")));
    QVERIFY(kept.contains(QStringLiteral("王小雨")));
    fillUntil(answers, QString());
    QVERIFY(!QTest::currentTestFailed());
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
    click(visibleItem(QStringLiteral("sendButton")));
    QVERIFY(openReturned(*s, id, QStringLiteral("用电量与电费不一致")));
    QVERIFY(jumpToQuestion(QStringLiteral("/data/summary")));
    const QString summaryBefore = labelOf(QStringLiteral("/data/summary"));
    QVERIFY2(summaryBefore.contains(QStringLiteral("3 members")), qPrintable(summaryBefore));
    QVERIFY(jumpToQuestion(QStringLiteral("/data/elec_kwh")));
    answerWith(QStringLiteral("/data/elec_kwh"), QStringLiteral("298"));
    QVERIFY(saved());
    QVERIFY(jumpToQuestion(QStringLiteral("/data/summary")));
    QVERIFY(labelOf(QStringLiteral("/data/summary")) != summaryBefore);
    QMetaObject::invokeMethod(controller(), "jumpTo",
                              Q_ARG(int, controller()->property("count").toInt() - 1));
    QVERIFY(finalizeAndSend());
    QCOMPARE(serverAnswers().value(QStringLiteral("/data/elec_kwh")), QStringLiteral("298"));
    const auto review = serverRequest("GET", submission, "sup:sup-password-1");
    QVERIFY2(review.second.contains("\"reviewState\":\"edited\""), review.second.constData());
}

QTEST_MAIN(TestApp)
#include "tst_app.moc"
