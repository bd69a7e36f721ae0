// SPDX-License-Identifier: GPL-3.0-or-later
// survey-cli analyse FORM_ID --data DIR [--spec FILE] [--approved-only]
//                    (--json | --csv DIR | --pdf FILE)
#include "commands.h"

#include "csvreport.h"
#include "pdfreport.h"
#include "results.h"
#include "store.h"
#include "storesource.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QLocale>

namespace survey::cli {

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(SurveyCli)
};

int usage()
{
    writeErr(Tr::tr("usage: survey-cli analyse FORM_ID --data DIR [--spec FILE] "
                    "[--approved-only] (--json | --csv DIR | --pdf FILE)") +
             u'\n');
    return 64;
}

} // namespace

int analyseCommand(const QStringList &arguments)
{
    QStringList args = arguments;
    const QString dataDir = takeDataDir(args);
    QString formId, specPath, csvDir, pdfPath;
    bool json = false;
    analysis::Filter filter;
    int outputs = 0;
    while (!args.isEmpty()) {
        const QString a = args.takeFirst();
        if (a == QLatin1String("--spec") && !args.isEmpty()) {
            specPath = args.takeFirst();
        } else if (a == QLatin1String("--approved-only")) {
            filter.approvedOnly = true;
        } else if (a == QLatin1String("--json")) {
            json = true;
            ++outputs;
        } else if (a == QLatin1String("--csv") && !args.isEmpty()) {
            csvDir = args.takeFirst();
            ++outputs;
        } else if (a == QLatin1String("--pdf") && !args.isEmpty()) {
            pdfPath = args.takeFirst();
            ++outputs;
        } else if (formId.isEmpty() && !a.startsWith(u'-')) {
            formId = a;
        } else {
            return usage();
        }
    }
    if (formId.isEmpty() || dataDir.isEmpty() || outputs != 1)
        return usage();

    const auto store = openStore(dataDir);
    if (!store)
        return 1;
    QString error;
    auto loaded = analysis::StoreSource::load(*store, formId, &error);
    if (!loaded) {
        writeErr(Tr::tr("error: %1").arg(error) + u'\n');
        return 1;
    }
    for (const QString &problem : std::as_const(loaded->data.problems))
        writeErr(Tr::tr("warning: %1").arg(problem) + u'\n');
    QByteArray specBytes = loaded->spec;
    if (!specPath.isEmpty()) {
        QFile file(specPath);
        if (!file.open(QIODevice::ReadOnly)) {
            writeErr(Tr::tr("error: %1 cannot be read: %2").arg(specPath, file.errorString()) +
                     u'\n');
            return 1;
        }
        if (file.size() > analysis::kMaxSpecBytes) {
            writeErr(Tr::tr("error: %1 is larger than the 1 MB a spec may have.").arg(specPath) +
                     u'\n');
            return 1;
        }
        specBytes = file.read(analysis::kMaxSpecBytes);
    }
    std::optional<analysis::Spec> spec;
    if (!specBytes.isEmpty()) {
        spec = analysis::Spec::fromJson(specBytes, loaded->data, &error);
        if (!spec) {
            writeErr(Tr::tr("error: %1").arg(error) + u'\n');
            return 1;
        }
    }
    const analysis::Results results =
        analysis::analyse(loaded->data, spec ? &*spec : nullptr, filter);
    if (results.baseline) {
        for (const QString &warning : std::as_const(results.baseline->warnings))
            writeErr(Tr::tr("warning: %1").arg(warning) + u'\n');
    }
    const QString appCode = QLocale().name();
    if (json) {
        writeOut(
            QJsonDocument(analysis::toJson(results, loaded->data, spec ? &*spec : nullptr, appCode))
                .toJson(QJsonDocument::Indented));
        return 0;
    }
    if (!csvDir.isEmpty()) {
        if (!analysis::CsvReport::write(results, loaded->data, spec ? &*spec : nullptr, appCode,
                                        csvDir, &error)) {
            writeErr(Tr::tr("error: %1").arg(error) + u'\n');
            return 1;
        }
        return 0;
    }
    analysis::PdfReport::Options options;
    options.appCode = appCode;
    if (filter.approvedOnly)
        options.filters = Tr::tr("approved submissions only");
    QStringList pages;
    if (!analysis::PdfReport::write(results, loaded->data, spec ? &*spec : nullptr, options,
                                    pdfPath, &pages, &error)) {
        writeErr(Tr::tr("error: %1").arg(error) + u'\n');
        return 1;
    }
    return 0;
}

} // namespace survey::cli
