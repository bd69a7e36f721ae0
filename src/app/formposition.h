// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "formsession.h"

#include <QString>
#include <QVariantList>

#include <vector>

namespace survey::form {
struct FormDefinition;
} // namespace survey::form

namespace survey::app {

/// Where a page is in its form, as the person filling it sees it: the label of a repeat,
/// which entry of each repeat the page is in ("Household members: 2 of 3"), and how far
/// through the form it is. Built once per form definition.
class FormPosition
{
public:
    explicit FormPosition(const form::FormDefinition &definition);

    /// A control's label; a repeat without one takes the label of the group around it
    /// (XLSForm puts a repeat's label there), as ODK Collect does.
    QString label(const form::FormSession &session, int control, const form::XmlNode *node) const;
    /// The repeat entries `node` is in, outermost first: [{label, position, count, text}],
    /// the position 1-based, the count the entries there are now, and the text as a
    /// heading says it in the app's language ("Household members: 2 of 3").
    QVariantList repeatPlaces(const form::FormSession &session, const form::XmlNode *node) const;
    /// The node a page is about: its question's, or a field-list page's first question's
    /// (a repeat prompt's is the repeat's parent).
    static form::XmlNode *pageNode(const form::FormSession::Prompt &page);
    /// On a repeat prompt: how many entries the repeat has now (0 elsewhere).
    int entryCount(const form::FormSession::Prompt &page) const;
    /// How far through the form a page on `control` is, from 0 to 1 (-1: the end). It
    /// counts the form's questions as written, before the control, so it does not jump
    /// as relevance shows questions or repeats gain entries: every page of a repeat's
    /// entries stands where the repeat starts.
    double progress(int control) const;

private:
    const form::FormDefinition &m_def;
    std::vector<int> m_questionsBefore; ///< per control, in the form's order
    std::vector<int> m_repeatOfSchema;  ///< per schema node: its repeat control, or -1
    int m_questions = 0;
};

} // namespace survey::app
