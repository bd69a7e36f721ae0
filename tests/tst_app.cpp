// SPDX-License-Identifier: GPL-3.0-or-later
// The real app, offscreen (QT_QPA_PLATFORM=offscreen): its pages driven through the
// controls a person uses, found by objectName, and what the store holds checked after.
#include "backend.h"
#include "store.h"
#include "testutil.h"

#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>

Q_IMPORT_QML_PLUGIN(SurveyPlugin)

using namespace survey;

namespace {} // namespace

class TestApp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void fillAndFinalize();

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
    /// The visible item with this objectName, searched through the visual tree (pages a
    /// StackView made are its visual children, not QObject children).
    QQuickItem *visibleItem(const QString &name) const
    {
        for (QObject *root : m_engine->rootObjects()) {
            auto *window = qobject_cast<QQuickWindow *>(root);
            if (!window)
                continue;
            std::vector<QQuickItem *> todo{window->contentItem()};
            while (!todo.empty()) {
                QQuickItem *item = todo.back();
                todo.pop_back();
                if (!item->isVisible())
                    continue;
                if (item->objectName() == name)
                    return item;
                const auto children = item->childItems();
                todo.insert(todo.end(), children.begin(), children.end());
            }
        }
        return nullptr;
    }
    void click(QObject *button) { QMetaObject::invokeMethod(button, "clicked"); }

    QTemporaryDir m_dir;
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
    m_engine.reset();
    m_backend.reset();
}

void TestApp::fillAndFinalize()
{
    // First run: use forms on this device only; the home screen follows.
    QTRY_VERIFY(visibleItem(QStringLiteral("localOnlyButton")));
    click(visibleItem(QStringLiteral("localOnlyButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("homePage")));
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
    QTRY_COMPARE(visibleItem(QStringLiteral("saveState"))->property("text").toString(),
                 QStringLiteral("Saved"));

    // To the end, and finalize.
    click(visibleItem(QStringLiteral("nextButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("finalizeButton")));
    click(visibleItem(QStringLiteral("finalizeButton")));
    QTRY_VERIFY(visibleItem(QStringLiteral("homePage")));
    QTRY_COMPARE(visibleItem(QStringLiteral("readyCount"))->property("text").toString(),
                 QStringLiteral("Ready to send: 1"));

    // What the store holds.
    m_backend->worker().drain();
    store::StoreError e;
    auto s = store::Store::open(m_dir.filePath(QStringLiteral("device")), &e);
    QVERIFY2(s, qPrintable(e.message));
    const auto finalized = s->records(store::RecordState::Finalized, &e);
    QCOMPARE(finalized.size(), std::size_t(1));
    QVERIFY(s->recordXml(finalized[0].instanceId, &e)->contains("<kwh>312</kwh>"));
}

QTEST_MAIN(TestApp)
#include "tst_app.moc"
