// SPDX-License-Identifier: GPL-3.0-or-later
#include "xlsform.h"

#include "builder.h"
#include "writer.h"
#include "xmlout.h"

#include <QFileInfo>

namespace survey::xlsform {

QString Message::toString() const
{
    QString where;
    if (!place.sheet.isEmpty() && place.row > 0 && !place.column.isEmpty())
        where = XlsForm::tr("Sheet '%1', row %2, column '%3': ")
                    .arg(place.sheet)
                    .arg(place.row)
                    .arg(place.column);
    else if (!place.sheet.isEmpty() && place.row > 0)
        where = XlsForm::tr("Sheet '%1', row %2: ").arg(place.sheet).arg(place.row);
    else if (!place.sheet.isEmpty() && !place.column.isEmpty())
        where = XlsForm::tr("Sheet '%1', column '%2': ").arg(place.sheet, place.column);
    else if (!place.sheet.isEmpty())
        where = XlsForm::tr("Sheet '%1': ").arg(place.sheet);
    return where + text;
}

QString Conversion::errorText() const
{
    QStringList lines;
    for (const Message &m : errors)
        lines.append(m.toString());
    return lines.join(u'\n');
}

QStringList Conversion::warningTexts() const
{
    QStringList lines;
    for (const Message &m : warnings)
        lines.append(m.toString());
    return lines;
}

Conversion convert(const Workbook &book, const Options &options)
{
    Conversion out;
    try {
        const Form form = buildForm(book, options, &out.warnings);
        const WriteResult written = writeXForm(form, options.fallbackId, &out.warnings);
        out.xform = written.xml;
        out.formId = written.formId;
        out.title = written.title;
        out.version = written.version;
        out.ok = true;
    } catch (const Failure &failure) {
        out.errors.append(failure.message);
    } catch (const XmlBudgetExceeded &) {
        out.errors.append(Message{Place{}, XlsForm::tr("The XForm would be larger than %1 MB, "
                                                       "more than a form can be.")
                                               .arg(kMaxXFormChars / 1'000'000)});
    }
    return out;
}

Conversion convertBytes(const QByteArray &bytes, const Options &options)
{
    QString error;
    const auto book = looksLikeZip(bytes) ? readXlsx(bytes, &error) : readMarkdown(bytes, &error);
    if (!book) {
        Conversion out;
        out.errors.append(Message{Place{}, error});
        return out;
    }
    return convert(*book, options);
}

Conversion convertXlsx(const QByteArray &bytes, const Options &options)
{
    QString error;
    const auto book = readXlsx(bytes, &error);
    if (!book) {
        Conversion out;
        out.errors.append(Message{Place{}, error});
        return out;
    }
    return convert(*book, options);
}

Conversion convertFile(const QString &path, Options options)
{
    QString error;
    const auto book = readWorkbookFile(path, &error);
    if (!book) {
        Conversion out;
        out.errors.append(Message{Place{}, error});
        return out;
    }
    options.fallbackId = QFileInfo(path).completeBaseName();
    return convert(*book, options);
}

} // namespace survey::xlsform
