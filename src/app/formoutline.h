// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "formsession.h"

#include <QLocale>
#include <QVariantList>

#include <vector>

namespace survey::app {

class FormPosition;

/// The question list of a record, as its rows: a heading for each labelled group and for
/// each repeat entry ("Household members: 2 of 3"), placed before what they hold; each
/// question with its answer as the person sees it (a choice's label in the form's current
/// language, not its code; a date in the app's language) and whether a required answer is
/// missing or an answer breaks its rule; a repeat's "add another" row, named.
///
/// Row: {index (the page it goes to), kind ("group" | "entry" | "question" | "repeat"),
/// label, value, ref, depth, missing, invalid, position, count}.
QVariantList outlineRows(form::FormSession &session, const FormPosition &position,
                         const std::vector<form::FormSession::Prompt> &prompts,
                         const QLocale &locale);

/// An answer as the person sees it (see outlineRows).
QString displayValue(form::FormSession &session, int control, form::XmlNode *node,
                     const QLocale &locale);

} // namespace survey::app
