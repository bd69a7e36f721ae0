// SPDX-License-Identifier: GPL-3.0-or-later
// survey-cli: headless use of the form engine.
#include "commands.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTextStream>
#include <QTranslator>

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
        "  inspect FORM.xml --json            the form's questions as JSON\n"
        "  fill FORM.xml --answers FILE.json [--lang LANG] [--media DIR]\n"
        "                                     fill a form and print the submission XML\n"
        "  xpath DOC.xml [--context PATH] [--ns P=URI]... [--type T] (EXPR | --batch)\n"
        "                                     evaluate XPath against any XML document\n");
    return 64;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
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
    if (command == QLatin1String("validate"))
        return survey::cli::validateCommand(args);
    if (command == QLatin1String("inspect"))
        return survey::cli::inspectCommand(args);
    if (command == QLatin1String("fill"))
        return survey::cli::fillCommand(args);
    return usage();
}
