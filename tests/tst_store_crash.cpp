// SPDX-License-Identifier: GPL-3.0-or-later
// Killed at random moments: a writer process (store_writer) is killed with SIGKILL 200 times
// while it saves answers, attaches files and finalizes records. After every kill the
// database passes PRAGMA integrity_check, every operation the store acknowledged is there,
// and every file row agrees with its file.
#include "store.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <csignal>

using namespace survey::store;

class TestStoreCrash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killedAtRandomMoments();

private:
    /// Checks the store against everything acknowledged so far; false with a reason.
    bool verify(const QString &dir, QString *why);

    QHash<QString, int> m_saved;     ///< highest answer acknowledged per record
    QHash<QString, int> m_attached;  ///< largest file acknowledged per record
    QHash<QString, int> m_finalized; ///< answer acknowledged with finalization
};

bool TestStoreCrash::verify(const QString &dir, QString *why)
{
    StoreError e;
    auto s = Store::open(dir, &e);
    if (!s) {
        *why = e.message;
        return false;
    }
    QSqlQuery q(s->db());
    if (!q.exec(QStringLiteral("PRAGMA integrity_check")) || !q.next() ||
        q.value(0).toString() != QLatin1String("ok")) {
        *why = QStringLiteral("integrity_check: ") + q.value(0).toString();
        return false;
    }
    static const QRegularExpression kwh(QStringLiteral("<kwh>(\\d+)</kwh>"));
    for (auto it = m_saved.cbegin(); it != m_saved.cend(); ++it) {
        const auto xml = s->recordXml(it.key(), &e);
        if (!xml) {
            *why = QStringLiteral("acknowledged record %1 is missing").arg(it.key());
            return false;
        }
        const int stored = kwh.match(QString::fromUtf8(*xml)).captured(1).toInt();
        if (stored < it.value()) {
            *why = QStringLiteral("%1 holds answer %2, but %3 was acknowledged")
                       .arg(it.key())
                       .arg(stored)
                       .arg(it.value());
            return false;
        }
        const auto r = s->record(it.key(), &e);
        const auto fin = m_finalized.constFind(it.key());
        if (fin != m_finalized.cend() &&
            (r->state != RecordState::Finalized || stored != fin.value())) {
            *why = QStringLiteral("%1 was acknowledged finalized with %2 but is %3 with %4")
                       .arg(it.key())
                       .arg(fin.value())
                       .arg(stateName(r->state))
                       .arg(stored);
            return false;
        }
    }
    for (auto it = m_attached.cbegin(); it != m_attached.cend(); ++it) {
        const auto files = s->attachments(it.key(), &e);
        if (files.size() != 1 || files[0].size < it.value()) {
            *why = QStringLiteral("the file of %1 (%2 bytes acknowledged) is missing or older")
                       .arg(it.key())
                       .arg(it.value());
            return false;
        }
    }
    // Every file row, acknowledged or not, agrees with its file.
    for (const RecordInfo &r : s->records(std::nullopt, &e)) {
        for (const AttachmentInfo &a : s->attachments(r.instanceId, &e)) {
            QFile f(a.path);
            if (!f.open(QIODevice::ReadOnly)) {
                *why = QStringLiteral("%1: the file %2 is missing").arg(r.instanceId, a.path);
                return false;
            }
            const QByteArray bytes = f.readAll();
            if (bytes.size() != a.size ||
                QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex() !=
                    a.sha256.toLatin1()) {
                *why = QStringLiteral("%1: the file %2 does not match its row")
                           .arg(r.instanceId, a.path);
                return false;
            }
        }
    }
    // The outbox holds exactly the finalized records.
    const auto queued = s->outbox(false, &e);
    const auto finalized = s->records(RecordState::Finalized, &e);
    if (queued.size() != finalized.size()) {
        *why = QStringLiteral("%1 records are finalized but %2 are queued")
                   .arg(finalized.size())
                   .arg(queued.size());
        return false;
    }
    return true;
}

void TestStoreCrash::killedAtRandomMoments()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    {
        StoreError e;
        auto s = Store::open(dir.path(), &e);
        QVERIFY(s);
        const QByteArray form = testutil::readFile(QStringLiteral(SURVEY_TEST_DATA "/meter.xml"));
        QVERIFY2(s->addForm(form, {}, QString(), &e), qPrintable(e.message));
    }
    // The seed is printed so that a failing run can be repeated (SURVEY_CRASH_SEED).
    const quint32 seed = qEnvironmentVariableIsSet("SURVEY_CRASH_SEED")
                             ? qEnvironmentVariable("SURVEY_CRASH_SEED").toUInt()
                             : QRandomGenerator::global()->generate();
    qInfo("seed %u", seed);
    QRandomGenerator random(seed);
    int acknowledged = 0;
    for (int round = 0; round < 200; ++round) {
        QProcess writer;
        writer.start(QStringLiteral(STORE_WRITER), {dir.path(), QString::number(round)});
        QVERIFY(writer.waitForStarted());
        // Killed after a random number of acknowledgements (0: while opening the store).
        const int wanted = static_cast<int>(random.bounded(40));
        QByteArray out;
        while (out.count('\n') < wanted && writer.state() == QProcess::Running) {
            if (writer.waitForReadyRead(30000))
                out += writer.readAllStandardOutput();
            else
                break;
        }
        QVERIFY2(writer.state() == QProcess::Running, writer.readAllStandardError().constData());
        ::kill(static_cast<pid_t>(writer.processId()), SIGKILL);
        QVERIFY(writer.waitForFinished(30000));
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
        // Lines written before the kill but not yet read were acknowledged too.
        out += writer.readAllStandardOutput();
        for (const QByteArray &line : out.split('\n')) {
            const QList<QByteArray> f = line.split(' ');
            if (f.size() != 3)
                continue;
            const QString id = QString::fromLatin1(f[1]);
            const int n = f[2].toInt();
            ++acknowledged;
            if (f[0] == "attached") {
                m_attached[id] = std::max(m_attached.value(id), n);
                continue;
            }
            m_saved[id] = std::max(m_saved.value(id), n);
            if (f[0] == "finalized")
                m_finalized[id] = n;
        }
        QString why;
        QVERIFY2(
            verify(dir.path(), &why),
            qPrintable(
                QStringLiteral("after kill %1 (seed %2): %3").arg(round + 1).arg(seed).arg(why)));
    }
    qInfo("200 kills, %d acknowledged operations, %lld records, all there", acknowledged,
          static_cast<long long>(m_saved.size()));
    QVERIFY(acknowledged > 200 * 10);
}

QTEST_GUILESS_MAIN(TestStoreCrash)
#include "tst_store_crash.moc"
