// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace survey::cli {

/// Each command takes the arguments after its name and returns the process exit code.
int xpathCommand(const QStringList &args);
int validateCommand(const QStringList &args);
int inspectCommand(const QStringList &args);
int fillCommand(const QStringList &args);

} // namespace survey::cli
