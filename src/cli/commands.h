// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <optional>

namespace survey::form {
class FormSession;
class FormDefinition;
} // namespace survey::form
namespace survey::store {
class Store;
struct StoreError;
} // namespace survey::store

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
// survey-cli review (reviewcommand.cpp): pull, list, show and decide, offline.
int reviewCommand(const QStringList &args);

// survey-cli analyse (analysecommand.cpp): summaries, baseline and forecast as JSON, CSV, PDF.
int analyseCommand(const QStringList &args);

// survey-cli xlsform (xlsformcommand.cpp): XLSForm → XForm.
int xlsformCommand(const QStringList &args);

// Shared by the commands.
void writeOut(const QByteArray &bytes);
void writeErr(const QString &text);
/// The password for `user` at `base`: the first line of standard input (--password-stdin),
/// else SURVEY_PASSWORD, else the keystore. Nothing, with the exit code, after saying why.
std::optional<QString> readPassword(const QUrl &base, const QString &user, bool passwordStdin,
                                    int *exitCode);
/// Says the store's error on stderr; 1.
int storeFailure(const store::StoreError &e);
/// Takes "--data DIR" out of `args`; empty when absent.
QString takeDataDir(QStringList &args);
/// The store at `dir`, or nothing after saying why.
std::unique_ptr<store::Store> openStore(const QString &dir);
/// The definition of a stored form, with its media; nothing after saying why.
std::shared_ptr<const form::FormDefinition> loadStoredForm(store::Store &store, qint64 formRow);
QJsonObject problemJson(const QString &ref, const QString &kind, const QString &message);
/// Reads an answers file ({"/data/path[2]/q": value}); on failure says why on stderr and
/// gives nothing.
std::optional<QJsonObject> readAnswers(const QString &path);
/// Applies answers given as {"/data/path[2]/q": value} in form order; the problems found.
QJsonArray applyAnswers(form::FormSession &session, const QJsonObject &answers);

} // namespace survey::cli
