// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace survey::sync {

/// Passwords in the operating system's keystore (QtKeychain: the Secret Service on
/// Linux desktops, Keychain on macOS and iOS, the Credential Store on Windows, the
/// Keystore on Android), one per server address and user, never in settings files.
///
/// Headless machines usually have no keystore: read() then fails with `unavailable` set,
/// and the password is given each time instead (the CLI reads it from standard input, the
/// app asks for it). Nothing falls back to a plain-text file.
class Credentials : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        bool ok = false;
        bool unavailable = false; ///< no keystore on this machine
        bool notFound = false;    ///< the keystore has no password for this account
        bool refused = false;     ///< the keystore is there but refused (locked, denied)
        QString password;
        /// What went wrong, with the keystore's own words: for logs and the command line,
        /// not for an enumerator's screen (the app says it in plain words from the flags).
        QString error;
    };
    using Done = std::function<void(const Result &)>;

    explicit Credentials(QString service = QStringLiteral("survey-collector"),
                         QObject *parent = nullptr);

    void read(const QString &server, const QString &user, Done done);
    void write(const QString &server, const QString &user, const QString &password, Done done);
    void remove(const QString &server, const QString &user, Done done);

    /// The keystore entry's name for an account.
    static QString key(const QString &server, const QString &user);

private:
    QString m_service;
};

} // namespace survey::sync
