// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "database.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace survey::server {

/// Group commit: writes from many request threads go to writer threads, each of which runs
/// every write waiting at that moment in one transaction (each in a savepoint of its own,
/// so one failing write changes nothing of the others) and commits them with one durable
/// commit (an fsync on SQLite, a WAL flush on PostgreSQL). run() returns only after that
/// commit: an answer built on its result never acknowledges what a power cut could lose.
/// SQLite takes one writer at a time, so it gets one writer thread; PostgreSQL gets several,
/// whose statements run side by side and whose commits it flushes together in turn.
class GroupCommit
{
    Q_DECLARE_TR_FUNCTIONS(GroupCommit)
public:
    /// A write: its statements on the writer's connection; false (with a message) undoes it.
    using Work = std::function<bool(Database &db, QString *error)>;
    struct Result
    {
        bool ok = false;
        QString error;
        bool outOfSpace = false; ///< the commit failed for want of disk space
    };

    explicit GroupCommit(DatabaseUrl url, int writers = 1, int maxBatch = 128);
    ~GroupCommit();
    GroupCommit(const GroupCommit &) = delete;
    GroupCommit &operator=(const GroupCommit &) = delete;

    /// Runs `work` in the next group and waits until the group is durable (or failed).
    Result run(Work work);

    /// Commits so far and the writes they carried (for the benchmark's figures).
    qint64 commits() const;
    qint64 writes() const;
    /// Writes waiting for a writer thread now.
    std::size_t waiting() const;

private:
    struct Job
    {
        Work work;
        Result result;
        bool done = false;
    };
    void loop();
    void runBatch(Database &db, std::vector<Job *> &batch);

    DatabaseUrl m_url;
    const int m_maxBatch;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_finished;
    std::deque<Job *> m_queue;
    bool m_stop = false;
    qint64 m_commits = 0;
    qint64 m_writes = 0;
    std::vector<std::thread> m_threads;
};

} // namespace survey::server
