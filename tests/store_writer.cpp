// SPDX-License-Identifier: GPL-3.0-or-later
// A store writer for tst_store_crash: works on the store at argv[1] without end, printing
// one line per operation only after the store has acknowledged it:
//   saved ID N        the draft ID holds answer N
//   attached ID N     the draft ID has file a.bin of N bytes (all 'a' + N % 26)
//   finalized ID N    ID is finalized with answer N
// The test kills it with SIGKILL at random moments and checks every acknowledged line.
#include "store.h"

#include <QCoreApplication>

#include <cstdio>
#include <unistd.h>

using namespace survey::store;

namespace {

QByteArray instance(const QString &id, int n)
{
    return QStringLiteral("<data id=\"meter\" version=\"1\"><kwh>%1</kwh><meta><instanceID>%2"
                          "</instanceID></meta></data>")
        .arg(n)
        .arg(id)
        .toUtf8();
}

void ack(const char *what, const QString &id, int n)
{
    std::printf("%s %s %d\n", what, qPrintable(id), n);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 3)
        return 64;
    StoreError e;
    auto store = Store::open(QString::fromLocal8Bit(argv[1]), &e);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(e.message));
        return 1;
    }
    const auto form = store->currentForm(QStringLiteral("meter"), &e);
    if (!form) {
        std::fprintf(stderr, "%s\n", qPrintable(e.message));
        return 1;
    }
    const QString prefix =
        QStringLiteral("uuid:%1-%2-").arg(QString::fromLocal8Bit(argv[2])).arg(getpid());
    int record = 0;
    QString id;
    for (int n = 1;; ++n) {
        if (id.isEmpty()) {
            id = prefix + QString::number(++record);
            if (!store->createDraft(form->row, id, instance(id, n), QString(), &e))
                break;
            ack("saved", id, n);
            continue;
        }
        if (n % 5 == 0) {
            if (!store->putAttachment(id, QStringLiteral("a.bin"),
                                      QByteArray(n, static_cast<char>('a' + n % 26)), &e))
                break;
            ack("attached", id, n);
        } else if (n % 7 == 0) {
            if (!store->finalize(id, instance(id, n), &e))
                break;
            ack("finalized", id, n);
            id.clear();
        } else {
            if (!store->saveDraft(id, instance(id, n), QString(), &e))
                break;
            ack("saved", id, n);
        }
    }
    std::fprintf(stderr, "%s\n", qPrintable(e.message));
    return 1;
}
