// SPDX-License-Identifier: GPL-3.0-or-later
// GroupCommit: writes waiting together share one durable commit; a refused write changes
// nothing of its group; a group whose commit fails acknowledges none of its writes.
#include "groupcommit.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <latch>
#include <thread>

using survey::server::Database;
using survey::server::DatabaseUrl;
using survey::server::GroupCommit;

namespace {

/// Holds the writer: a first write that waits inside the writer until released, so that
/// the writes queued meanwhile form the next group. Releases and joins on destruction,
/// whatever the test did.
class Holder
{
public:
    explicit Holder(GroupCommit &committer, GroupCommit::Work work)
    {
        m_thread = std::thread([&committer, this, work = std::move(work)] {
            m_result = committer.run([&](Database &db, QString *error) {
                m_inside = true;
                m_release.wait();
                return work(db, error);
            });
        });
    }
    ~Holder() { finish(); }
    bool inside() const { return m_inside; }
    const GroupCommit::Result &finish()
    {
        if (m_thread.joinable()) {
            m_release.count_down();
            m_thread.join();
        }
        return m_result;
    }

private:
    std::latch m_release{1};
    std::atomic<bool> m_inside{false};
    GroupCommit::Result m_result;
    std::thread m_thread;
};

/// Threads running writes; joined on destruction.
struct Writers
{
    std::vector<std::thread> threads;
    ~Writers()
    {
        for (std::thread &t : threads)
            t.join();
    }
};

} // namespace

class TestGroupCommit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void waitingWritesShareOneCommit();
    void refusedWriteChangesNothingElse();
    void failedCommitAcknowledgesNothing();
    void preparedStatementsKept();

private:
    DatabaseUrl url() const
    {
        DatabaseUrl u;
        u.path = m_dir->filePath(QStringLiteral("g.db"));
        return u;
    }
    int rows()
    {
        Database db(url());
        QString error;
        if (!db.open(&error))
            return -1;
        QSqlQuery q(db.db());
        return q.exec(QStringLiteral("SELECT COUNT(*) FROM t")) && q.next() ? q.value(0).toInt()
                                                                            : -1;
    }
    static GroupCommit::Work insert(int value)
    {
        return [value](Database &db, QString *error) {
            QSqlQuery q(db.db());
            q.prepare(QStringLiteral("INSERT INTO t (v) VALUES (?)"));
            q.addBindValue(value);
            if (!q.exec()) {
                *error = q.lastError().text();
                return false;
            }
            return true;
        };
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestGroupCommit::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    Database db(url());
    QString error;
    QVERIFY2(db.open(&error), qPrintable(error));
    QVERIFY(db.write(
        [&db](QString *) {
            QSqlQuery q(db.db());
            // c's foreign key is checked only at COMMIT: a way to make a commit fail.
            return q.exec(QStringLiteral("CREATE TABLE t (v INTEGER NOT NULL UNIQUE)")) &&
                   q.exec(QStringLiteral("CREATE TABLE p (id INTEGER PRIMARY KEY)")) &&
                   q.exec(QStringLiteral("CREATE TABLE c (pid INTEGER REFERENCES p(id) "
                                         "DEFERRABLE INITIALLY DEFERRED)"));
        },
        &error));
}

void TestGroupCommit::waitingWritesShareOneCommit()
{
    // The first write holds the writer until 40 more are waiting; those 40 then go in one
    // transaction with one commit.
    GroupCommit committer(url());
    Holder first(committer, insert(0));
    QTRY_VERIFY(first.inside());
    std::atomic<int> acknowledged{0};
    {
        Writers others;
        for (int i = 1; i <= 40; ++i)
            others.threads.emplace_back(
                [&, i] { acknowledged += committer.run(insert(i)).ok ? 1 : 0; });
        QTRY_COMPARE(committer.waiting(), std::size_t(40));
        QVERIFY(first.finish().ok);
    }
    QCOMPARE(acknowledged.load(), 40);
    QCOMPARE(committer.commits(), 2);
    QCOMPARE(committer.writes(), 41);
    QCOMPARE(rows(), 41);
}

void TestGroupCommit::refusedWriteChangesNothingElse()
{
    // In one group: a write that fails half-way (its first insert done, its second refused
    // by the UNIQUE constraint) is undone whole; the write after it is kept.
    GroupCommit committer(url());
    Holder first(committer, insert(1));
    QTRY_VERIFY(first.inside());
    GroupCommit::Result halfway;
    GroupCommit::Result after;
    {
        Writers writers;
        writers.threads.emplace_back([&] {
            halfway = committer.run([](Database &db, QString *error) {
                return insert(100)(db, error) && insert(1)(db, error); // 1 is taken
            });
        });
        QTRY_COMPARE(committer.waiting(), std::size_t(1));
        writers.threads.emplace_back([&] { after = committer.run(insert(2)); });
        QTRY_COMPARE(committer.waiting(), std::size_t(2));
        QVERIFY(first.finish().ok);
    }
    QVERIFY(!halfway.ok);
    QVERIFY2(halfway.error.contains(QLatin1String("UNIQUE")), qPrintable(halfway.error));
    QVERIFY(after.ok);
    QCOMPARE(committer.commits(), 2);
    QCOMPARE(rows(), 2); // 1 and 2; not 100
}

void TestGroupCommit::failedCommitAcknowledgesNothing()
{
    // A group whose commit fails (here: a foreign key checked only at COMMIT) acknowledges
    // none of its writes, and each says why; nothing of it is stored.
    GroupCommit committer(url());
    Holder first(committer, insert(5));
    QTRY_VERIFY(first.inside());
    GroupCommit::Result fine;
    GroupCommit::Result dangling;
    {
        Writers writers;
        writers.threads.emplace_back([&] { fine = committer.run(insert(6)); });
        QTRY_COMPARE(committer.waiting(), std::size_t(1));
        writers.threads.emplace_back([&] {
            dangling = committer.run([](Database &db, QString *error) {
                QSqlQuery q(db.db());
                if (q.exec(QStringLiteral("INSERT INTO c (pid) VALUES (999)")))
                    return true;
                *error = q.lastError().text();
                return false;
            });
        });
        QTRY_COMPARE(committer.waiting(), std::size_t(2));
        QVERIFY(first.finish().ok); // its own group, committed before
    }
    QVERIFY(!fine.ok);
    QVERIFY(!dangling.ok);
    QVERIFY2(fine.error.contains(QLatin1String("FOREIGN KEY")), qPrintable(fine.error));
    QCOMPARE(dangling.error, fine.error);
    QCOMPARE(committer.commits(), 1);
    QCOMPARE(rows(), 1);
    // The writer goes on: the next group commits.
    QVERIFY(committer.run(insert(8)).ok);
    QCOMPARE(rows(), 2);
}

void TestGroupCommit::preparedStatementsKept()
{
    // A statement every submission runs is prepared once per connection and used again
    // with new values; one that cannot be prepared says why and is not kept.
    Database db(url());
    QString error;
    QVERIFY2(db.open(&error), qPrintable(error));
    const QString sql = QStringLiteral("INSERT INTO t (v) VALUES (?)");
    QSqlError why;
    QSqlQuery *first = db.prepared(sql, &why);
    QVERIFY2(first, qPrintable(why.text()));
    for (int v = 1; v <= 3; ++v) {
        QSqlQuery *q = db.prepared(sql, &why);
        QCOMPARE(q, first);
        q->addBindValue(v);
        QVERIFY2(q->exec(), qPrintable(q->lastError().text()));
        q->finish();
    }
    QCOMPARE(rows(), 3);
    first->addBindValue(2); // v is UNIQUE
    QVERIFY(!first->exec());
    QVERIFY2(first->lastError().text().contains(QLatin1String("UNIQUE")),
             qPrintable(first->lastError().text()));
    first->addBindValue(4); // the failure leaves the statement usable
    QVERIFY2(first->exec(), qPrintable(first->lastError().text()));
    QCOMPARE(rows(), 4);
    QVERIFY(!db.prepared(QStringLiteral("INSERT INTO nowhere (v) VALUES (?)"), &why));
    QVERIFY2(why.text().contains(QLatin1String("nowhere")), qPrintable(why.text()));
    QCOMPARE(db.prepared(sql, &why), first);
}

QTEST_GUILESS_MAIN(TestGroupCommit)
#include "tst_groupcommit.moc"
