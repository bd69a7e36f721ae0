// SPDX-License-Identifier: GPL-3.0-or-later
// survey-cli: headless use of the form engine and the device store.
#include "commands.h"

#include <QApplication>
#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTextStream>
#include <QTranslator>

#include <algorithm>
#include <cstring>
#include <memory>

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(SurveyCli)
};

int usage()
{
    QTextStream(stderr) << Tr::tr(
        "usage: survey-cli COMMAND ...\n"
        "  validate FORM.xml                  check that a form loads; print a summary\n"
        "  xlsform FORM.(xlsx|md) [-o FORM.xml] [--name NAME]\n"
        "                                     convert an XLSForm to an XForm; warnings on stderr\n"
        "  inspect FORM.xml --json            the form's questions as JSON\n"
        "  fill FORM.xml --answers FILE.json [--lang LANG] [--media DIR]\n"
        "                                     fill a form and print the submission XML\n"
        "  xpath DOC.xml [--context PATH] [--ns P=URI]... [--type T] (EXPR | --batch)\n"
        "                                     evaluate XPath against any XML document\n"
        "  form add --data DIR FILE.xml [--media MEDIA_DIR]\n"
        "                                     add a form to the device store at DIR\n"
        "  form list --data DIR               the forms in the store\n"
        "  new --data DIR FORM_ID --answers A.json [--finalize] [--lang LANG]\n"
        "                                     create a record; prints its instanceID\n"
        "  store --data DIR list [--json]     the records in the store\n"
        "  store --data DIR show INSTANCE_ID  one record: state, comments, files, XML\n"
        "  store --data DIR finalize INSTANCE_ID\n"
        "                                     check a draft and queue it for sending\n"
        "  store --data DIR correct INSTANCE_ID [--answers A.json] [--finalize]\n"
        "                                     reopen a returned record as a correction\n"
        "  store --data DIR log [INSTANCE_ID] the sync log, newest first\n"
        "  sync --data DIR --server URL --user NAME [--password-stdin]\n"
        "                                     pull forms, send finalized records, pull\n"
        "                                     returned ones; ends with 'sent N, failed M,\n"
        "                                     returned K' (decisions sent count in N, M)\n"
        "  review --data DIR pull --server URL --user NAME [--password-stdin]\n"
        "                                     a supervisor's pull of the team's submissions;\n"
        "                                     ends with 'pulled N, failed M'\n"
        "  review --data DIR list [--json] | show ID [--lang LANG] | decisions [--json]\n"
        "                                     the pulled submissions, one of them, the decisions\n"
        "  review --data DIR approve ID [--comment TEXT] | return ID --comment TEXT\n"
        "         [--flag PATH=NOTE]... | reject ID --comment TEXT\n"
        "                                     decide offline; the next sync sends it\n"
        "  analyse FORM_ID --data DIR [--spec FILE] [--approved-only]\n"
        "          (--json | --csv DIR | --pdf FILE)\n"
        "                                     summaries of the records and pulled submissions;\n"
        "                                     with a spec, the baseline and forecast or demand\n");
    return 64;
}

} // namespace

int main(int argc, char **argv)
{
    // `analyse --pdf` draws its charts with Qt Charts, which needs a QApplication (and a
    // platform: off the screen unless one is chosen); everything else stays headless.
    bool pdf = argc > 1 && std::strcmp(argv[1], "analyse") == 0;
    pdf = pdf && std::any_of(argv + 2, argv + argc,
                             [](const char *a) { return std::strcmp(a, "--pdf") == 0; });
    if (pdf && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const std::unique_ptr<QCoreApplication> app =
        pdf ? std::make_unique<QApplication>(argc, argv)
            : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("survey-cli"));
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("survey"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);

    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty())
        return usage();
    const QString command = args.takeFirst();
    if (command == QLatin1String("xpath"))
        return survey::cli::xpathCommand(args);
    if (command == QLatin1String("xlsform"))
        return survey::cli::xlsformCommand(args);
    if (command == QLatin1String("validate"))
        return survey::cli::validateCommand(args);
    if (command == QLatin1String("inspect"))
        return survey::cli::inspectCommand(args);
    if (command == QLatin1String("fill"))
        return survey::cli::fillCommand(args);
    if (command == QLatin1String("form"))
        return survey::cli::formCommand(args);
    if (command == QLatin1String("new"))
        return survey::cli::newCommand(args);
    if (command == QLatin1String("store"))
        return survey::cli::storeCommand(args);
    if (command == QLatin1String("sync"))
        return survey::cli::syncCommand(args);
    if (command == QLatin1String("analyse"))
        return survey::cli::analyseCommand(args);
    if (command == QLatin1String("review"))
        return survey::cli::reviewCommand(args);
    return usage();
}
