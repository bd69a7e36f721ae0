// SPDX-License-Identifier: GPL-3.0-or-later
// survey-collector: the app enumerators carry. main() only wires the services together.
#include "backend.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>
#include <memory>

Q_IMPORT_QML_PLUGIN(SurveyPlugin)

namespace {

QStringList g_problems; ///< QML warnings and errors seen during --self-test

/// Counts what the pages' QML reports (warnings name their .qml file) and anything critical;
/// other libraries' notes about the host (no PulseAudio, no camera) are shown, not counted.
void collect(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const bool fromQml = QByteArray(context.file ? context.file : "").contains(".qml") ||
                         message.contains(QLatin1String(".qml"));
    if ((type == QtWarningMsg && fromQml) || type == QtCriticalMsg || type == QtFatalMsg)
        g_problems << message;
    std::fprintf(stderr, "%s\n", qPrintable(message));
}

/// Loads every page (each one created and destroyed) and reports what QML complained of.
int selfTest(QQmlApplicationEngine &engine)
{
    QStringList pages{QStringLiteral("FirstRunPage"), QStringLiteral("HomePage"),
                      QStringLiteral("SettingsPage"), QStringLiteral("SyncLogPage"),
                      QStringLiteral("FormPage"),     QStringLiteral("FinalizePage"),
                      QStringLiteral("OutlinePage"),  QStringLiteral("RecordListPage"),
                      QStringLiteral("ReviewPage"),   QStringLiteral("TeamPage"),
                      QStringLiteral("AnalysisPage")};
#if SURVEY_HAVE_MULTIMEDIA
    pages << QStringLiteral("CameraPage") << QStringLiteral("ScannerPage");
#endif
    for (const QString &page : pages) {
        QQmlComponent component(&engine,
                                QUrl(QStringLiteral("qrc:/Survey/pages/%1.qml").arg(page)));
        if (component.isError()) {
            for (const auto &e : component.errors()) {
                g_problems << e.toString();
                std::fprintf(stderr, "%s\n", qPrintable(e.toString()));
            }
            continue;
        }
        std::unique_ptr<QObject> object(component.create());
        if (!object)
            g_problems << QStringLiteral("%1: cannot be created").arg(page);
    }
    if (!g_problems.isEmpty()) {
        std::fprintf(stderr, "self-test: %lld problem(s)\n",
                     static_cast<long long>(g_problems.size()));
        return 1;
    }
    std::printf("self-test: %lld pages loaded\n", static_cast<long long>(pages.size()));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    // Qt Charts draws with the widgets module: its QML types need a QApplication.
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("survey-collector"));
    QCoreApplication::setOrganizationName(QStringLiteral("SurveyCollector"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SURVEY_VERSION));
    QQuickStyle::setStyle(QStringLiteral("Material"));

    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataOption(QStringLiteral("data"),
                                        QStringLiteral("The folder holding this device's data."),
                                        QStringLiteral("DIR"));
    const QCommandLineOption selfTestOption(QStringLiteral("self-test"),
                                            QStringLiteral("Load every page and exit."));
    const QCommandLineOption serverOption(
        QStringLiteral("server"),
        QStringLiteral("Sign in to this server at start (the password comes from "
                       "SURVEY_PASSWORD)."),
        QStringLiteral("URL"));
    const QCommandLineOption userOption(QStringLiteral("user"),
                                        QStringLiteral("The user name for --server."),
                                        QStringLiteral("NAME"));
    parser.addOption(dataOption);
    parser.addOption(selfTestOption);
    parser.addOption(serverOption);
    parser.addOption(userOption);
    parser.addPositionalArgument(
        QStringLiteral("forms"),
        QStringLiteral("Form files to add to the device: XForms (.xml) or XLSForms (.xlsx)."),
        QStringLiteral("[FORM...]"));
    parser.process(app);
    const bool testing = parser.isSet(selfTestOption);
    if (testing)
        qInstallMessageHandler(collect);

    const QString dataDir = parser.isSet(dataOption)
                                ? parser.value(dataOption)
                                : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);

    survey::app::Backend backend(nullptr);
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/")); // the Survey module's qmldir
    backend.start(dataDir, &engine);
    if (testing)
        return selfTest(engine);
    if (parser.isSet(serverOption)) {
        // Signed in from the start (demo.sh, kiosk set-ups): once the store is open.
        const QString server = parser.value(serverOption);
        const QString user = parser.value(userOption);
        const QString password = qEnvironmentVariable("SURVEY_PASSWORD");
        QObject::connect(&backend, &survey::app::Backend::readyChanged, &backend,
                         [&backend, server, user, password] {
                             if (!backend.ready())
                                 return;
                             survey::app::Account *account = backend.account();
                             if (account->serverUrl().isEmpty() || !account->configured())
                                 account->signIn(server, user, password);
                             else if (account->userName() == user)
                                 account->usePassword(password); // the keystore may have none
                         });
    }
    // Form files given on the command line (or by "Open with"): added once the store is open.
    const QStringList formFiles = parser.positionalArguments();
    if (!formFiles.isEmpty()) {
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = QObject::connect(&backend, &survey::app::Backend::readyChanged, &backend,
                                       [&backend, formFiles, connection] {
                                           if (!backend.ready())
                                               return;
                                           QObject::disconnect(*connection);
                                           for (const QString &f : formFiles)
                                               backend.addFormFile(QFileInfo(f).absoluteFilePath());
                                       });
    }
    engine.load(QUrl(QStringLiteral("qrc:/Survey/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    return QApplication::exec();
}
