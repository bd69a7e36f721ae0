// SPDX-License-Identifier: GPL-3.0-or-later
// The app's item models under QAbstractItemModelTester (every signal and index checked
// against the rules views rely on), through the changes the app makes to them.
#include "questionsmodel.h"
#include "recordsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace survey::app;

class TestModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void records();
    void questions();
};

namespace {

RecordRow row(const QString &id, const QString &state, const QString &name, int minutesAgo)
{
    RecordRow r;
    r.instanceId = id;
    r.formId = QStringLiteral("household_energy");
    r.formTitle = QStringLiteral("Household energy");
    r.state = state;
    r.instanceName = name;
    r.updatedAt = QDateTime(QDate(2026, 12, 4), QTime(12, 0), Qt::UTC).addSecs(-60 * minutesAgo);
    return r;
}

QStringList ids(const QAbstractItemModel &m)
{
    QStringList out;
    for (int i = 0; i < m.rowCount(); ++i)
        out << m.data(m.index(i, 0), RecordsModel::InstanceIdRole).toString();
    return out;
}

QStringList refs(const QAbstractItemModel &m)
{
    QStringList out;
    for (int i = 0; i < m.rowCount(); ++i)
        out << m.data(m.index(i, 0), QuestionsModel::RefRole).toString();
    return out;
}

QVariantMap question(const QString &ref, const QString &value = {})
{
    return {{QStringLiteral("ref"), ref}, {QStringLiteral("value"), value}};
}

} // namespace

void TestModels::records()
{
    RecordsModel::setAll(
        {row(QStringLiteral("a"), QStringLiteral("draft"), QStringLiteral("Li"), 1),
         row(QStringLiteral("b"), QStringLiteral("finalized"), QStringLiteral("Zhang"), 2),
         row(QStringLiteral("c"), QStringLiteral("draft"), QStringLiteral("Ahmed"), 3)});
    RecordsModel drafts;
    QAbstractItemModelTester tester(&drafts,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    drafts.setState(QStringLiteral("draft"));
    QCOMPARE(ids(drafts), (QStringList{QStringLiteral("a"), QStringLiteral("c")}));
    QCOMPARE(drafts.data(drafts.index(0, 0), Qt::DisplayRole).toString(), QStringLiteral("Li"));
    drafts.setSort(QStringLiteral("name"));
    QCOMPARE(ids(drafts), (QStringList{QStringLiteral("c"), QStringLiteral("a")}));
    drafts.setSearch(QStringLiteral("ahm"));
    QCOMPARE(ids(drafts), QStringList{QStringLiteral("c")});
    drafts.setSearch(QString());
    drafts.setLimit(1);
    QCOMPARE(drafts.count(), 1);
    QCOMPARE(drafts.total(), 2);
    drafts.setLimit(0);
    // The shared list changes (a draft finalized, one added): every model follows it.
    QSignalSpy counted(&drafts, &RecordsModel::countChanged);
    RecordsModel::setAll(
        {row(QStringLiteral("d"), QStringLiteral("draft"), QStringLiteral("Bo"), 0),
         row(QStringLiteral("a"), QStringLiteral("finalized"), QStringLiteral("Li"), 1)});
    QCOMPARE(counted.size(), 1);
    QCOMPARE(ids(drafts), QStringList{QStringLiteral("d")});
    RecordsModel::setAll({});
    QCOMPARE(drafts.rowCount(), 0);
    QVERIFY(!drafts.index(0, 0).isValid());
}

void TestModels::questions()
{
    QuestionsModel page;
    QAbstractItemModelTester tester(&page, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&page, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&page, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&page, &QAbstractItemModel::dataChanged);
    page.update({question(QStringLiteral("/data/a")), question(QStringLiteral("/data/c"))});
    QCOMPARE(refs(page), (QStringList{QStringLiteral("/data/a"), QStringLiteral("/data/c")}));
    QCOMPARE(inserted.size(), 2);
    // An answer: its row changes in place; nothing is inserted or removed.
    page.update({question(QStringLiteral("/data/a"), QStringLiteral("yes")),
                 question(QStringLiteral("/data/c"))});
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().first().value<QModelIndex>().row(), 0);
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(removed.size(), 0);
    // A question shown by relevance between the two: one row inserted where it belongs.
    page.update({question(QStringLiteral("/data/a"), QStringLiteral("yes")),
                 question(QStringLiteral("/data/b")), question(QStringLiteral("/data/c"))});
    QCOMPARE(inserted.size(), 3);
    QCOMPARE(inserted.last().at(1).toInt(), 1);
    // Hidden again, and the order turned around (not in one form, but kept consistent).
    page.update({question(QStringLiteral("/data/c")), question(QStringLiteral("/data/a"))});
    QCOMPARE(refs(page), (QStringList{QStringLiteral("/data/c"), QStringLiteral("/data/a")}));
    QCOMPARE(page.data(page.index(1, 0), QuestionsModel::QuestionRole)
                 .toMap()
                 .value(QStringLiteral("value"))
                 .toString(),
             QString());
    page.update({});
    QCOMPARE(page.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
