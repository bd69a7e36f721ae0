// SPDX-License-Identifier: GPL-3.0-or-later
// survey-cli xlsform FORM.(xlsx|md) [-o FORM.xml] [--name NAME] [--warnings-json FILE]
#include "commands.h"

#include "xlsform.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace survey::cli {

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(SurveyCli)
};

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        writeErr(Tr::tr("Cannot write %1: %2").arg(path, file.errorString()) + u'\n');
        return false;
    }
    return true;
}

int usage()
{
    writeErr(Tr::tr("usage: survey-cli xlsform FORM.(xlsx|md) [-o FORM.xml] [--name NAME] "
                    "[--warnings-json FILE]") +
             u'\n');
    return 64;
}

} // namespace

int xlsformCommand(const QStringList &arguments)
{
    QStringList args = arguments;
    QString output, warningsJson;
    xlsform::Options options;
    QString input;
    while (!args.isEmpty()) {
        const QString a = args.takeFirst();
        if ((a == QLatin1String("-o") || a == QLatin1String("--output")) && !args.isEmpty())
            output = args.takeFirst();
        else if (a == QLatin1String("--name") && !args.isEmpty())
            options.formName = args.takeFirst();
        else if (a == QLatin1String("--warnings-json") && !args.isEmpty())
            warningsJson = args.takeFirst();
        else if (input.isEmpty() && !a.startsWith(u'-'))
            input = a;
        else
            return usage();
    }
    if (input.isEmpty())
        return usage();
    const xlsform::Conversion result = xlsform::convertFile(input, options);
    const QStringList warnings = result.warningTexts();
    for (const QString &w : warnings)
        writeErr(Tr::tr("warning: %1").arg(w) + u'\n');
    if (!warningsJson.isEmpty() &&
        !writeFile(
            warningsJson,
            QJsonDocument(QJsonArray::fromStringList(warnings)).toJson(QJsonDocument::Compact)))
        return 1;
    if (!result.ok) {
        writeErr(Tr::tr("error: %1").arg(result.errorText()) + u'\n');
        return 1;
    }
    if (output.isEmpty()) {
        writeOut(result.xform);
        return 0;
    }
    return writeFile(output, result.xform) ? 0 : 1;
}

} // namespace survey::cli
