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
/// Headless machines usually have no keystore: read() then fails with `unavailable` set
/// and a message, and the password is given each time instead (survey-cli sync
/// --password-stdin, or SURVEY_PASSWORD). Nothing falls back to a plain-text file.
class Credentials : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        bool ok = false;
        bool unavailable = false; ///< no keystore on this machine
        bool notFound = false;    ///< the keystore has no password for this account
        QString password;
        QString error; ///< in the current language
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
