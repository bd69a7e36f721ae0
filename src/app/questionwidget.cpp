// SPDX-License-Identifier: GPL-3.0-or-later
#include "questionwidget.h"

#include "formdefinition.h"

namespace survey::app::QuestionWidget {

Kind of(const form::Control &control, const QString &type, bool readonly)
{
    using C = form::Control::Kind;
    const auto has = [&control](const char *appearance) {
        return control.appearance.contains(QLatin1String(appearance));
    };
    switch (control.kind) {
    case C::Input:
        if (type == QLatin1String("binary"))
            return Kind::Unsupported;
        if (readonly)
            return Kind::ReadOnly;
        if (type == QLatin1String("date") || type == QLatin1String("time") ||
            type == QLatin1String("dateTime"))
            return Kind::DateTime;
        if (type == QLatin1String("geopoint"))
            return Kind::Location;
        if (type == QLatin1String("barcode"))
            return Kind::Barcode;
        if (type == QLatin1String("string") && has("multiline"))
            return Kind::LongText;
        return Kind::Text;
    case C::Select1:
        return has("minimal") ? Kind::DropDown : Kind::Choice;
    case C::Select:
        return Kind::Choices;
    case C::Trigger:
        return Kind::Acknowledge;
    case C::Upload:
        return Kind::Upload;
    case C::Range:
        return Kind::Range;
    case C::Rank:
        return Kind::Rank;
    case C::Group:
    case C::Repeat:
        break;
    }
    return Kind::Unsupported;
}

} // namespace survey::app::QuestionWidget
