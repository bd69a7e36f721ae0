// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "review.h"

#include <QObject>
#include <QQmlEngine>
#include <QVariantList>

namespace survey::store {
class Store;
}

namespace survey::app {

/// What a SubmissionView shows, read on the worker thread (plain values).
struct OpenedSubmission
{
    QString instanceId, name, formTitle, submitter, deviceId, started, ended, received;
    Review::ReviewState reviewState = Review::ReviewState::Received;
    Review::DecisionStatus decision = Review::DecisionStatus::None;
    Review::ReviewState decisionState = Review::ReviewState::Any;
    QString conflict;
    int versionCount = 1;
    QVariantList rows, changes, comments;
    QString changesSince;
};

/// Reads a pulled submission from the store and lays it out in `language` (the app's) and
/// the form's matching language (or `formLanguage`). Empty, with `error`,
/// when it cannot be read.
OpenedSubmission readSubmission(store::Store &store, const QString &instanceId,
                                const QString &language, const QString &formLanguage,
                                QString *error);

/// One pulled submission as the reviewer reads it (made by Review.open()): its answers
/// under their questions' labels in the form's language, groups and repeat entries as
/// sections, photos as files to show, locations and computed values marked; who sent it
/// from which device and when; what changed since the version the reviewer last saw; the
/// comments; and the reviewer's latest decision on it.
class SubmissionView : public QObject, public OpenedSubmission
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("opened by Review.open()")
    Q_PROPERTY(QString instanceId MEMBER instanceId CONSTANT)
    Q_PROPERTY(QString name MEMBER name CONSTANT)
    Q_PROPERTY(QString formTitle MEMBER formTitle CONSTANT)
    Q_PROPERTY(QString submitter MEMBER submitter CONSTANT)
    Q_PROPERTY(QString deviceId MEMBER deviceId CONSTANT)
    /// When the enumerator started and ended the interview, and when the server got it.
    Q_PROPERTY(QString started MEMBER started CONSTANT)
    Q_PROPERTY(QString ended MEMBER ended CONSTANT)
    Q_PROPERTY(QString received MEMBER received CONSTANT)
    Q_PROPERTY(survey::app::Review::ReviewState reviewState MEMBER reviewState CONSTANT)
    Q_PROPERTY(survey::app::Review::DecisionStatus decision MEMBER decision CONSTANT)
    Q_PROPERTY(survey::app::Review::ReviewState decisionState MEMBER decisionState CONSTANT)
    /// Why the server refused this device's decision (the submission changed), or "".
    Q_PROPERTY(QString conflict MEMBER conflict CONSTANT)
    Q_PROPERTY(int versionCount MEMBER versionCount CONSTANT)
    /// [{kind (RowKind), depth, path, label, value, computed, photo (file URL or ""),
    ///   missingFile, location, flag (the note of a flag on it, when sent back)}]
    Q_PROPERTY(QVariantList rows MEMBER rows CONSTANT)
    /// Since the version last seen: [{path, label, before, after}].
    Q_PROPERTY(QVariantList changes MEMBER changes CONSTANT)
    /// When the changes are counted from ("" when there is nothing to compare).
    Q_PROPERTY(QString changesSince MEMBER changesSince CONSTANT)
    /// [{author, at, body}], oldest first.
    Q_PROPERTY(QVariantList comments MEMBER comments CONSTANT)

public:
    enum class RowKind { Group, Entry, Answer };
    Q_ENUM(RowKind)

    /// Shows `data` (read on the worker thread).
    SubmissionView(OpenedSubmission data, QObject *parent)
        : QObject(parent)
        , OpenedSubmission(std::move(data))
    {}
};

} // namespace survey::app
