// SPDX-License-Identifier: GPL-3.0-or-later
#include "groupcommit.h"

#include <QSqlQuery>

#include <algorithm>

namespace survey::server {

GroupCommit::GroupCommit(DatabaseUrl url, int writers, int maxBatch)
    : m_url(std::move(url))
    , m_maxBatch(maxBatch)
{
    for (int i = 0; i < std::max(1, writers); ++i)
        m_threads.emplace_back([this] { loop(); });
}

GroupCommit::~GroupCommit()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (std::thread &t : m_threads)
        t.join();
}

GroupCommit::Result GroupCommit::run(Work work)
{
    Job job;
    job.work = std::move(work);
    std::unique_lock lock(m_mutex);
    m_queue.push_back(&job);
    m_wake.notify_one();
    m_finished.wait(lock, [&job] { return job.done; });
    return job.result;
}

qint64 GroupCommit::commits() const
{
    std::lock_guard lock(m_mutex);
    return m_commits;
}

std::size_t GroupCommit::waiting() const
{
    std::lock_guard lock(m_mutex);
    return m_queue.size();
}

qint64 GroupCommit::writes() const
{
    std::lock_guard lock(m_mutex);
    return m_writes;
}

void GroupCommit::loop()
{
    // The writer's own connection, opened in its own thread (Qt SQL connections belong to
    // the thread that made them); opened again after a failure.
    std::unique_ptr<Database> db;
    for (;;) {
        std::vector<Job *> batch;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            if (m_queue.empty())
                return; // stopping, nothing left
            // Everything waiting now goes in this group: no delay is added to gather more;
            // writes arriving during the commit form the next group.
            while (!m_queue.empty() && static_cast<int>(batch.size()) < m_maxBatch) {
                batch.push_back(m_queue.front());
                m_queue.pop_front();
            }
        }
        QString openError;
        if (!db) {
            db = std::make_unique<Database>(m_url);
            if (!db->open(&openError))
                db.reset();
        }
        if (db) {
            runBatch(*db, batch);
        } else {
            for (Job *job : batch)
                job->result = {false, tr("the server cannot open its database: %1").arg(openError),
                               false};
        }
        {
            std::lock_guard lock(m_mutex);
            for (Job *job : batch)
                job->done = true;
        }
        m_finished.notify_all();
    }
}

void GroupCommit::runBatch(Database &db, std::vector<Job *> &batch)
{
    std::vector<Database::Step> steps;
    steps.reserve(batch.size());
    for (Job *job : batch)
        steps.push_back([job, &db](QString *error) { return job->work(db, error); });
    std::vector<Database::StepResult> results;
    QString commitError;
    const bool committed = db.writeEach(steps, &results, &commitError);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        Result &r = batch[i]->result;
        if (!committed) {
            r = {false, commitError, db.lastWriteOutOfSpace()};
        } else {
            r.ok = results[i].ok;
            r.error = results[i].error;
        }
    }
    std::lock_guard lock(m_mutex);
    if (committed) {
        ++m_commits;
        m_writes += static_cast<qint64>(batch.size());
    }
}

} // namespace survey::server
