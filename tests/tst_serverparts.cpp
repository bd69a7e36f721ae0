// SPDX-License-Identifier: GPL-3.0-or-later
// The server's small parts on their own: request framing (heads, chunked bodies), the
// sign-in throttle, the bounded form-definition cache and the checks on outside names.
#include "definitioncache.h"
#include "httphead.h"
#include "names.h"
#include "throttle.h"

#include <QTest>

using namespace survey::server;

class TestServerParts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void headsRead();
    void headsRefused_data();
    void headsRefused();
    void headsArriveInPieces();
    void chunkedBodies();
    void chunkedBodiesRefused_data();
    void chunkedBodiesRefused();
    void throttleWaitsDouble();
    void throttleForgetsAndStaysBounded();
    void definitionCacheBounded();
    void outsideNames();
};

void TestServerParts::headsRead()
{
    const std::string raw = "\r\nPOST /v1/projects/1/submission?x=1 HTTP/1.1\r\n"
                            "Host: example.org\r\n"
                            "content-length:  42 \r\n"
                            "Connection: keep-alive, close\r\n"
                            "Expect: 100-continue\r\n\r\nBODY";
    http::Head head;
    const auto r = http::parseHead(raw, {}, &head);
    QCOMPARE(r.kind, http::HeadResult::Kind::Complete);
    QCOMPARE(r.length, raw.size() - 4);
    QCOMPARE(head.method, std::string("POST"));
    QCOMPARE(head.target, std::string("/v1/projects/1/submission?x=1"));
    QCOMPARE(head.path, std::string("/v1/projects/1/submission"));
    QCOMPARE(head.contentLength.value_or(0), std::uint64_t(42));
    QVERIFY(head.close);
    QVERIFY(head.expectContinue);
    QVERIFY(!head.chunked);
    QCOMPARE(head.header("HOST"), std::string("example.org"));
    // What cpp-httplib gets: framing headers replaced by the real length.
    QCOMPARE(http::rebuildHead(head, 7),
             std::string("POST /v1/projects/1/submission?x=1 HTTP/1.1\r\nHost: example.org\r\n"
                         "Connection: keep-alive, close\r\nContent-Length: 7\r\n\r\n"));
    // HTTP/1.0 closes unless asked to keep the connection.
    QCOMPARE(http::parseHead("GET / HTTP/1.0\r\n\r\n", {}, &head).kind,
             http::HeadResult::Kind::Complete);
    QVERIFY(head.close);
}

void TestServerParts::headsRefused_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << 400;
    QTest::newRow("HTTP/2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505;
    QTest::newRow("absolute target") << QByteArray("GET http://x/ HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("folded header") << QByteArray("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n") << 400;
    QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nA : b\r\n\r\n") << 400;
    QTest::newRow("control in value") << QByteArray("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n") << 400;
    QTest::newRow("two lengths")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") << 400;
    QTest::newRow("length and chunks") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\n"
                                                     "Transfer-Encoding: chunked\r\n\r\n")
                                       << 400;
    QTest::newRow("signed length")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << 400;
    QTest::newRow("gzip coding")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") << 501;
    QTest::newRow("other expectation") << QByteArray("GET / HTTP/1.1\r\nExpect: x\r\n\r\n") << 417;
    QTest::newRow("long target") << "GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\n\r\n" << 414;
    QTest::newRow("long target, unfinished") << "GET /" + QByteArray(9000, 'a') << 414;
    QTest::newRow("huge head") << "GET / HTTP/1.1\r\nA: " + QByteArray(70'000, 'a') << 431;
    QByteArray many("GET / HTTP/1.1\r\n");
    for (int i = 0; i < 101; ++i)
        many += "H" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("101 headers") << many + "\r\n" << 431;
}

void TestServerParts::headsRefused()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    http::Head head;
    const auto r = http::parseHead(raw.toStdString(), {}, &head);
    QCOMPARE(r.kind, http::HeadResult::Kind::Refused);
    QCOMPARE(r.status, status);
    QVERIFY(!r.reason.empty());
}

void TestServerParts::headsArriveInPieces()
{
    // Every prefix of a good head is Incomplete: nothing is decided before the empty line.
    const std::string raw = "GET /v1/projects/1/formList HTTP/1.1\r\nHost: x\r\n\r\n";
    http::Head head;
    for (std::size_t n = 0; n < raw.size(); ++n)
        QCOMPARE(http::parseHead(raw.substr(0, n), {}, &head).kind,
                 http::HeadResult::Kind::Incomplete);
    QCOMPARE(http::parseHead(raw, {}, &head).kind, http::HeadResult::Kind::Complete);
}

void TestServerParts::chunkedBodies()
{
    // Sizes in hex with extensions, trailers dropped, the next request left alone; fed a byte
    // at a time and whole, the same.
    const std::string body = "5;name=x\r\nhello\r\nA\r\n, world!!!\r\n0\r\nTrailer: t\r\n\r\nNEXT";
    for (const std::size_t step : {std::size_t(1), body.size()}) {
        http::ChunkDecoder d;
        std::string out;
        std::size_t used = 0;
        while (used < body.size() && !d.done() && !d.failed())
            used += d.feed(std::string_view(body).substr(used, step), [&](std::string_view s) {
                out += s;
                return true;
            });
        QVERIFY(d.done());
        QCOMPARE(out, std::string("hello, world!!!"));
        QCOMPARE(body.substr(used), std::string("NEXT"));
    }
}

void TestServerParts::chunkedBodiesRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("not hex") << QByteArray("zz\r\n");
    QTest::newRow("bare LF") << QByteArray("5\nhello\r\n0\r\n\r\n");
    QTest::newRow("no CRLF after data") << QByteArray("5\r\nhelloXX0\r\n\r\n");
    QTest::newRow("size too long") << QByteArray("1000000000000000\r\n");
    QTest::newRow("endless size line") << QByteArray(2000, '1');
    QTest::newRow("endless trailers") << "0\r\n" + QByteArray(9000, 'a');
}

void TestServerParts::chunkedBodiesRefused()
{
    QFETCH(QByteArray, body);
    http::ChunkDecoder d;
    d.feed(body.toStdString(), [](std::string_view) { return true; });
    QVERIFY(d.failed());
}

void TestServerParts::throttleWaitsDouble()
{
    SignInLimits limits;
    limits.perAccount = 3;
    limits.perAddress = 100;
    SignInThrottle t(limits);
    qint64 now = 1'000'000;
    t.failed(QStringLiteral("ann"), QStringLiteral("a1"), now);
    t.failed(QStringLiteral("ann"), QStringLiteral("a2"), now);
    QCOMPARE(t.wait(QStringLiteral("ann"), QStringLiteral("a3"), now), 0);
    t.failed(QStringLiteral("ann"), QStringLiteral("a3"), now);
    QCOMPARE(t.wait(QStringLiteral("ann"), QStringLiteral("a4"), now), 15'000);
    QCOMPARE(t.wait(QStringLiteral("bob"), QStringLiteral("a4"), now), 0);
    now += 15'000;
    QCOMPARE(t.wait(QStringLiteral("ann"), QStringLiteral("a4"), now), 0);
    t.failed(QStringLiteral("ann"), QStringLiteral("a4"), now);
    QCOMPARE(t.wait(QStringLiteral("ann"), QStringLiteral("a4"), now), 30'000);
    // Guessing again each time the wait is over: the waits double up to the cap.
    for (int i = 0; i < 30; ++i) {
        now += t.wait(QStringLiteral("ann"), QStringLiteral("a4"), now);
        t.failed(QStringLiteral("ann"), QStringLiteral("a4"), now);
    }
    QCOMPARE(t.wait(QStringLiteral("ann"), QStringLiteral("a4"), now), limits.maxBlockMs);
    t.succeeded(QStringLiteral("ann"));
    QCOMPARE(t.wait(QStringLiteral("ann"), QStringLiteral("a9"), now), 0);
}

void TestServerParts::throttleForgetsAndStaysBounded()
{
    SignInLimits limits;
    limits.perAccount = 2;
    limits.perAddress = 1000;
    limits.maxEntries = 100;
    SignInThrottle t(limits);
    qint64 now = 0;
    t.failed(QStringLiteral("ann"), QStringLiteral("a"), now);
    now += limits.windowMs + 1; // the first failure is forgotten
    t.failed(QStringLiteral("ann"), QStringLiteral("a"), now);
    QCOMPARE(t.wait(QStringLiteral("ann"), QStringLiteral("a"), now), 0);
    // Endless made-up names do not make it grow without end; a blocked one is kept.
    t.failed(QStringLiteral("ann"), QStringLiteral("a"), now);
    QVERIFY(t.wait(QStringLiteral("ann"), QStringLiteral("a"), now) > 0);
    for (int i = 0; i < 10'000; ++i)
        t.failed(QStringLiteral("made-up-%1").arg(i), QStringLiteral("b%1").arg(i), now);
    QVERIFY(t.wait(QStringLiteral("ann"), QStringLiteral("z"), now) > 0);
}

void TestServerParts::definitionCacheBounded()
{
    // Least recently used out first, bounded by bytes; one larger than the budget not kept.
    DefinitionCache cache(100);
    const auto def = std::make_shared<const survey::form::FormDefinition>();
    cache.insert(1, def, 40);
    cache.insert(2, def, 40);
    QVERIFY(cache.find(1)); // 1 is now the most recent
    cache.insert(3, def, 40);
    QVERIFY(cache.find(1));
    QVERIFY(!cache.find(2));
    QVERIFY(cache.find(3));
    QCOMPARE(cache.usedBytes(), 80);
    cache.insert(4, def, 101);
    QVERIFY(!cache.find(4));
    QCOMPARE(cache.size(), 2);
}

void TestServerParts::outsideNames()
{
    QVERIFY(validInstanceId(QStringLiteral("uuid:6f1e0d5c-2b7a-4c9e-8f3d-1a2b3c4d5e6f")));
    QVERIFY(validInstanceId(QStringLiteral("户号-0127")));
    for (const QString &bad :
         {QString(), QStringLiteral(" uuid:a"), QStringLiteral("a/b"), QStringLiteral("a\\b"),
          QStringLiteral("a\nb"), QStringLiteral("a\u202Eb"), QString(201, QLatin1Char('a'))})
        QVERIFY2(!validInstanceId(bad), qPrintable(printable(bad)));
    QVERIFY(validFileName(QStringLiteral("1700000000000.jpg")));
    QVERIFY(validFileName(QStringLiteral("房屋照片.jpg")));
    QVERIFY(validFileName(QStringLiteral("emoji-\U0001F3E0.jpg"))); // a pair of surrogates
    for (const QString &bad :
         {QStringLiteral(".."), QStringLiteral("."), QStringLiteral(".hidden"),
          QStringLiteral("a/b"), QStringLiteral("C:\\x"), QStringLiteral("a\u0000b"),
          QString(QChar(0xD800)), QString(86, QChar(0x623F))}) // 86 × 3 bytes > 255
        QVERIFY2(!validFileName(bad), qPrintable(printable(bad)));
    QCOMPARE(safeComponent(QStringLiteral("uuid:ab/../c d")), QStringLiteral("uuid_ab_.._c_d"));
    QCOMPARE(safeComponent(QStringLiteral(".x")), QStringLiteral("_x"));
    QCOMPARE(printable(QStringLiteral("a\nb")), QStringLiteral("a\\u000ab"));
}

QTEST_GUILESS_MAIN(TestServerParts)
#include "tst_serverparts.moc"
