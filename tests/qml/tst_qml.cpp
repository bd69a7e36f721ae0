// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the Qt Quick Test suites in tests/qml with the app's QML module (static) loaded.
#include "backend.h"

#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QTemporaryDir>
#include <QtQuickTest>

#include <memory>

Q_IMPORT_QML_PLUGIN(SurveyPlugin)

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    // Made here, once the application exists, and gone before it is.
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/"));
        m_backend = std::make_unique<survey::app::Backend>(nullptr);
        m_backend->start(m_data.path(), engine);
    }
    void cleanupTestCase() { m_backend.reset(); }

private:
    QTemporaryDir m_data;
    std::unique_ptr<survey::app::Backend> m_backend;
};

QUICK_TEST_MAIN_WITH_SETUP(components, Setup)

#include "tst_qml.moc"
