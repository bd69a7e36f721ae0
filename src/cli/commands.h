// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace survey::form {
class FormSession;
}

namespace survey::cli {

/// Each command takes the arguments after its name and returns the process exit code.
int xpathCommand(const QStringList &args);
int validateCommand(const QStringList &args);
int inspectCommand(const QStringList &args);
int fillCommand(const QStringList &args);
// Device store (storecommands.cpp): form add, new, store list / show / finalize.
int formCommand(const QStringList &args);
int newCommand(const QStringList &args);
int storeCommand(const QStringList &args);
// survey-cli sync (synccommand.cpp).
int syncCommand(const QStringList &args);

// Shared by the commands.
void writeOut(const QByteArray &bytes);
void writeErr(const QString &text);
QJsonObject problemJson(const QString &ref, const QString &kind, const QString &message);
/// Reads an answers file ({"/data/path[2]/q": value}); on failure says why on stderr and
/// gives nothing.
std::optional<QJsonObject> readAnswers(const QString &path);
/// Applies answers given as {"/data/path[2]/q": value} in form order; the problems found.
QJsonArray applyAnswers(form::FormSession &session, const QJsonObject &answers);

} // namespace survey::cli
