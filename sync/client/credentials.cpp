// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentials.h"

#include "retrypolicy.h"

#include <qt6keychain/keychain.h>

namespace survey::sync {

namespace {

Credentials::Result resultOf(const QKeychain::Job &job)
{
    Credentials::Result r;
    switch (job.error()) {
    case QKeychain::NoError:
        r.ok = true;
        return r;
    case QKeychain::EntryNotFound:
        r.notFound = true;
        r.error = Messages::tr("No password is saved for this account; sign in again.");
        return r;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        r.refused = true;
        r.error = Messages::tr("The password keystore refused (%1).").arg(job.errorString());
        return r;
    default:
        // No keystore, or no Secret Service on the session bus: nothing is stored elsewhere
        // instead.
        r.unavailable = true;
        r.error = Messages::tr("This device has no password keystore (%1).").arg(job.errorString());
        return r;
    }
}

} // namespace

Credentials::Credentials(QString service, QObject *parent)
    : QObject(parent)
    , m_service(std::move(service))
{}

QString Credentials::key(const QString &server, const QString &user)
{
    return user + QLatin1Char('@') + server;
}

void Credentials::read(const QString &server, const QString &user, Done done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setKey(key(server, user));
    connect(job, &QKeychain::Job::finished, this, [job, done](QKeychain::Job *) {
        Result r = resultOf(*job);
        if (r.ok)
            r.password = job->textData();
        done(r);
    });
    job->start();
}

void Credentials::write(const QString &server, const QString &user, const QString &password,
                        Done done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setKey(key(server, user));
    job->setTextData(password);
    connect(job, &QKeychain::Job::finished, this,
            [job, done](QKeychain::Job *) { done(resultOf(*job)); });
    job->start();
}

void Credentials::remove(const QString &server, const QString &user, Done done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setKey(key(server, user));
    connect(job, &QKeychain::Job::finished, this,
            [job, done](QKeychain::Job *) { done(resultOf(*job)); });
    job->start();
}

} // namespace survey::sync
