// SPDX-License-Identifier: GPL-3.0-or-later
#include "account.h"

#include "backend.h"
#include "credentials.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QPointer>
#include <QUrl>

namespace survey::app {

namespace {

/// The keystore for one request; it deletes itself once answered (the callback calls
/// deleteLater). It has no parent: a keystore request still under way when the app's
/// backend goes (signed out, then the app closed at once) would otherwise be deleted with it
/// while the Secret Service is still to answer, and that answer would reach freed memory.
sync::Credentials *newKeystore()
{
    return new sync::Credentials(QStringLiteral("survey-collector"), nullptr);
}

} // namespace

Account::Account(Backend *backend)
    : QObject(backend)
    , m_backend(backend)
{
    // Whenever there is a password to ask with, the server says who the account is.
    connect(this, &Account::ready, this, &Account::learnRole);
}

Account::Role Account::roleFromName(const QString &name)
{
    if (name == QLatin1String("admin"))
        return Role::Admin;
    if (name == QLatin1String("supervisor"))
        return Role::Supervisor;
    if (name == QLatin1String("enumerator"))
        return Role::Enumerator;
    return Role::Unknown;
}

void Account::setRole(Role role)
{
    if (role == m_role)
        return;
    m_role = role;
    static const char *names[] = {"", "enumerator", "supervisor", "admin"};
    m_backend->saveSetting(kRoleKey, QLatin1String(names[static_cast<int>(role)]));
    Q_EMIT roleChanged();
}

void Account::learnRole()
{
    if (m_serverUrl.isEmpty() || m_password.isEmpty())
        return;
    if (!m_net)
        m_net = new QNetworkAccessManager(this);
    const QUrl base(m_serverUrl);
    QNetworkRequest request(base.resolved(QUrl(QStringLiteral("/v1/users/current"))));
    request.setRawHeader("Authorization",
                         "Basic " +
                             (m_userName + QLatin1Char(':') + m_password).toUtf8().toBase64());
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::SameOriginRedirectPolicy);
    request.setTransferTimeout(30000);
    QNetworkReply *reply = m_net->get(request);
    const QString user = m_userName;
    connect(reply, &QNetworkReply::finished, this, [this, reply, user] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (user != m_userName)
            return; // signed in as someone else meanwhile
        if (status == 200) {
            setRole(roleFromName(QJsonDocument::fromJson(reply->readAll())
                                     .object()
                                     .value(QStringLiteral("role"))
                                     .toString()));
        } else if (status == 403 || status == 404) {
            setRole(Role::Unknown); // a server that does not say (ODK Central's app users)
        }
        // Offline, or the server failing: the role kept from before stands.
    });
}

Account *Account::create(QQmlEngine *, QJSEngine *)
{
    Account *account = Backend::instance()->account();
    QJSEngine::setObjectOwnership(account, QJSEngine::CppOwnership);
    return account;
}

void Account::restore(const QString &server, const QString &user, bool configured,
                      const QString &role)
{
    m_serverUrl = server;
    m_userName = user;
    m_configured = configured;
    m_role = roleFromName(role);
    Q_EMIT roleChanged();
    Q_EMIT changed();
    if (m_serverUrl.isEmpty() || m_userName.isEmpty())
        return;
    auto *keystore = newKeystore();
    QPointer<Account> self(this);
    keystore->read(m_serverUrl, m_userName, [self, this, keystore](const auto &r) {
        keystore->deleteLater();
        // A password given meanwhile (--server with SURVEY_PASSWORD) is the one to use.
        if (!self || !m_password.isEmpty())
            return;
        if (r.ok) {
            m_password = r.password;
            Q_EMIT ready(false);
            return;
        }
        m_keystoreUsable = !r.unavailable;
        need(r.unavailable ? PasswordNeed::NoKeystore
             : r.notFound  ? PasswordNeed::NotSaved
                           : PasswordNeed::KeystoreRefused);
    });
}

void Account::signIn(const QString &serverUrl, const QString &user, const QString &password)
{
    const QUrl url = QUrl::fromUserInput(serverUrl.trimmed());
    if (!url.isValid() ||
        (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
        Q_EMIT m_backend->notice(tr("The server address is not a web address (https://…)."));
        return;
    }
    m_serverUrl = url.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    if (m_userName != user.trimmed())
        setRole(Role::Unknown); // until the server says
    m_userName = user.trimmed();
    m_password = password;
    m_configured = true;
    m_backend->saveSetting(kServerKey, m_serverUrl);
    m_backend->saveSetting(kUserKey, m_userName);
    m_backend->saveSetting(kConfiguredKey, QStringLiteral("yes"));
    Q_EMIT changed();
    keep(password);
    Q_EMIT ready(true);
}

void Account::keep(const QString &password)
{
    setNeed(PasswordNeed::None);
    auto *keystore = newKeystore();
    QPointer<Account> self(this);
    keystore->write(m_serverUrl, m_userName, password, [self, this, keystore](const auto &r) {
        keystore->deleteLater();
        if (!self || r.ok)
            return;
        m_keystoreUsable = !r.unavailable;
        // Signed in for this run only; said once, in plain words (the keystore's own
        // message names system parts an enumerator has nothing to do with).
        Q_EMIT m_backend->notice(tr("This device cannot keep the password: the app will ask "
                                    "for it again after it restarts."));
    });
}

void Account::usePassword(const QString &password)
{
    if (password.isEmpty() || m_serverUrl.isEmpty())
        return;
    m_password = password;
    // A device known to have no keystore is not asked again (nor its failure told again).
    if (m_keystoreUsable)
        keep(password);
    else
        setNeed(PasswordNeed::None);
    Q_EMIT ready(std::exchange(m_sendWhenGiven, false));
}

void Account::askBeforeSending()
{
    m_sendWhenGiven = true;
    need(m_passwordNeed == PasswordNeed::None ? PasswordNeed::NotSaved : m_passwordNeed);
}

void Account::refusedByServer()
{
    m_sendWhenGiven = true; // what was to go goes then
    need(PasswordNeed::ServerRefused);
}

void Account::need(PasswordNeed why)
{
    m_password.clear();
    setNeed(why);
    Q_EMIT passwordRequested();
}

void Account::setNeed(PasswordNeed why)
{
    if (why == m_passwordNeed)
        return;
    m_passwordNeed = why;
    Q_EMIT passwordNeedChanged();
}

void Account::useWithoutServer()
{
    m_serverUrl.clear();
    m_userName.clear();
    m_password.clear();
    m_configured = true;
    m_backend->saveSetting(kServerKey, QString());
    m_backend->saveSetting(kUserKey, QString());
    m_backend->saveSetting(kConfiguredKey, QStringLiteral("yes"));
    Q_EMIT changed();
}

void Account::signOut()
{
    if (!m_serverUrl.isEmpty() && !m_userName.isEmpty()) {
        auto *keystore = newKeystore();
        keystore->remove(m_serverUrl, m_userName,
                         [keystore](const auto &) { keystore->deleteLater(); });
    }
    m_password.clear();
    m_sendWhenGiven = false;
    setNeed(PasswordNeed::None);
    setRole(Role::Unknown);
    Q_EMIT signedOut();
    m_configured = false;
    m_backend->saveSetting(kConfiguredKey, QStringLiteral("no"));
    Q_EMIT changed();
}

} // namespace survey::app
