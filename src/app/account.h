// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QQmlEngine>

namespace survey::app {

class Backend;

/// Who the device sends as: the server address, the user name, and the password (in the
/// system keystore between runs, in memory for this one). When the password cannot be
/// had (no keystore, a locked one, none saved, or the server refused it) the person is
/// asked for it, told why in plain words, and may sign out instead.
class Account : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool configured READ configured NOTIFY changed)
    Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY changed)
    Q_PROPERTY(QString userName READ userName NOTIFY changed)
    /// Why the app has no password to send with (None: it has one, or needs none).
    Q_PROPERTY(PasswordNeed passwordNeed READ passwordNeed NOTIFY passwordNeedChanged)
    /// What the server says this account is (GET /v1/users/current), kept for offline runs.
    Q_PROPERTY(Role role READ role NOTIFY roleChanged)
    /// Supervisors and admins review: the app shows them the Review workspace.
    Q_PROPERTY(bool reviewer READ reviewer NOTIFY roleChanged)

public:
    /// Why sending needs the person to type the password again.
    enum class PasswordNeed {
        None,            ///< the app has the password (or no server is set up)
        NoKeystore,      ///< the device has no password keystore to keep it between runs
        KeystoreRefused, ///< the keystore is locked or refused to give it
        NotSaved,        ///< the keystore has no password for this account (removed)
        ServerRefused,   ///< the server did not accept the password the app had
    };
    Q_ENUM(PasswordNeed)

    /// The account's role on the server.
    enum class Role {
        Unknown,    ///< not asked yet, or the server does not say (ODK Central app users)
        Enumerator, ///< collects
        Supervisor, ///< collects, and reviews their team's submissions
        Admin,      ///< a project lead: reviews every team
    };
    Q_ENUM(Role)
    static Role roleFromName(const QString &name);

    /// The store's settings that keep the account.
    static inline const QString kServerKey = QStringLiteral("server");
    static inline const QString kUserKey = QStringLiteral("user");
    static inline const QString kConfiguredKey = QStringLiteral("configured");
    static inline const QString kRoleKey = QStringLiteral("role");

    explicit Account(Backend *backend);
    /// The backend's (QML's singleton).
    static Account *create(QQmlEngine *, QJSEngine *);

    bool configured() const { return m_configured; }
    QString serverUrl() const { return m_serverUrl; }
    QString userName() const { return m_userName; }
    QString password() const { return m_password; }
    PasswordNeed passwordNeed() const { return m_passwordNeed; }
    Role role() const { return m_role; }
    bool reviewer() const { return m_role == Role::Supervisor || m_role == Role::Admin; }

    /// The account as the settings kept it (at start); the password is read from the
    /// keystore, and asked for when it cannot be.
    void restore(const QString &server, const QString &user, bool configured,
                 const QString &role = {});
    /// Signs in: the password goes to the keystore; forms are pulled at once.
    Q_INVOKABLE void signIn(const QString &serverUrl, const QString &user, const QString &password);
    /// Works without a server: forms are added from files.
    Q_INVOKABLE void useWithoutServer();
    /// Signs out: the server address and user name stay, for signing in again; the
    /// password goes, and nothing is sent until the next sign-in.
    Q_INVOKABLE void signOut();
    /// The password typed when passwordRequested() asked for it: used for this run, kept in
    /// the keystore when the device has one, and a send that was waiting for it goes.
    Q_INVOKABLE void usePassword(const QString &password);
    /// A send is wanted and there is no password: the person is asked, and the send goes
    /// once it is given.
    void askBeforeSending();
    /// The server refused the password: asked for again, and what was to go goes then.
    void refusedByServer();

Q_SIGNALS:
    void changed();
    void passwordNeedChanged();
    /// The password must be typed (passwordNeed says why): the window asks for it.
    void passwordRequested();
    /// There is a password to send with (new, restored or typed); `sendNow`: send at once.
    void ready(bool sendNow);
    /// Signed out: nothing may be sent any more.
    void signedOut();
    void roleChanged();

private:
    void need(PasswordNeed why);
    void keep(const QString &password);
    void setNeed(PasswordNeed why);
    /// Asks the server who this account is (each time there is a password to ask with).
    void learnRole();
    void setRole(Role role);

    Backend *m_backend;
    bool m_configured = false;
    QString m_serverUrl;
    QString m_userName;
    QString m_password; ///< for this run; kept in the keystore between runs
    PasswordNeed m_passwordNeed = PasswordNeed::None;
    bool m_sendWhenGiven = false;
    bool m_keystoreUsable = true; ///< false once it answered that there is none
    Role m_role = Role::Unknown;
    QNetworkAccessManager *m_net = nullptr; ///< made on first use
};

} // namespace survey::app
