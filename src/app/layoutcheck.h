// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QQuickWindow>
#include <QStringList>

namespace survey::app {

/// What a person would see wrong in the window as drawn now, one line each (empty when
/// nothing is):
/// - two visible texts drawn over each other;
/// - a text cut short on one line (elided) where it could wrap;
/// - a control that takes taps smaller than a finger: 48 dp in both directions (text
///   fields: in height);
/// - a button or field partly outside the window, where nothing scrolls it into view.
/// Only what shows counts: items outside the window or scrolled out of their view are
/// left out, as are items under a modal pop-up's dimming.
QStringList layoutProblems(QQuickWindow *window);

} // namespace survey::app
