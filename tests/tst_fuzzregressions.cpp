// SPDX-License-Identifier: GPL-3.0-or-later
// Replays every input the fuzzers crashed on (tests/data/fuzz-regressions/{xform,xpath,http}/),
// plus hand-made hostile inputs, through the fuzz targets' own code.
#include "testutil.h"

#include "../fuzz/fuzzbodies.h"

#include <QDir>
#include <QElapsedTimer>
#include <QScopeGuard>

namespace {
#ifdef SURVEY_SANITIZED
constexpr qint64 kSecondsPerInput = 10; // the sanitizers slow everything down several times
#else
constexpr qint64 kSecondsPerInput = 2;
#endif
} // namespace

class TestFuzzRegressions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void replay_data();
    void replay();
};

void TestFuzzRegressions::replay_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("path");
    int n = 0;
    for (const char *k : {"xform", "xpath", "http", "xlsx", "instance"}) {
        const QString kind = QLatin1String(k);
        const QDir dir(QStringLiteral(SURVEY_TEST_DATA "/fuzz-regressions/") + kind);
        for (const QString &f : dir.entryList(QDir::Files, QDir::Name)) {
            QTest::newRow(qPrintable(kind + QLatin1Char('/') + f)) << kind << dir.filePath(f);
            ++n;
        }
    }
    QVERIFY(n > 0);
}

void TestFuzzRegressions::replay()
{
    QFETCH(QString, kind);
    QFETCH(QString, path);
    const QByteArray data = testutil::readFile(path);
    // Each input must finish in bounded time, as the fuzzer demands of it (-timeout=10): a
    // hang or a blow-up in work fails here, in both the plain and the sanitized build.
    QElapsedTimer timer;
    timer.start();
    const auto withinLimit = qScopeGuard([&] {
        const qint64 limit = kSecondsPerInput * 1000;
        if (timer.elapsed() > limit)
            QTest::qFail(qPrintable(QStringLiteral("took %1 ms, more than the %2 s an input "
                                                   "may take")
                                        .arg(timer.elapsed())
                                        .arg(kSecondsPerInput)),
                         __FILE__, __LINE__);
    });
    const auto *bytes = reinterpret_cast<const std::uint8_t *>(data.constData());
    const auto size = static_cast<std::size_t>(data.size());
    // Reaching the end without a crash or hang is the assertion the fuzzer made; also check
    // that hostile XPath is refused with a message rather than accepted silently.
    if (kind == QLatin1String("xform")) {
        survey::fuzz::runXform(bytes, size);
    } else if (kind == QLatin1String("http")) {
        QVERIFY(survey::fuzz::runHttp(bytes, size));
    } else if (kind == QLatin1String("instance")) {
        survey::fuzz::runInstance(bytes, size);
    } else if (kind == QLatin1String("xlsx")) {
        survey::fuzz::runXlsx(bytes, size);
        const auto conversion = survey::xlsform::convertBytes(data, {});
        QVERIFY2(conversion.ok || !conversion.errorText().isEmpty(), "a refusal must say why");
    } else {
        survey::fuzz::runXpath(bytes, size);
        survey::form::xpath::Expression::CompileError err;
        const auto e =
            survey::form::xpath::Expression::compile(QString::fromUtf8(data), nullptr, &err);
        QVERIFY2(e || !err.message.isEmpty(), "a refusal must say why");
    }
}

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
