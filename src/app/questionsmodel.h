// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractListModel>
#include <QVariantMap>
#include <vector>

namespace survey::app {

/// The questions of the current page as a model whose rows stay put: after an answer a
/// question keeps its row (only its data changes), and a question shown or hidden by
/// relevance is one row inserted or removed. The views on the page, and the keyboard focus
/// in one of them, survive the person's answers.
class QuestionsModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { QuestionRole = Qt::UserRole + 1, RefRole };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// The page's questions now (maps with a "ref"), in form order.
    void update(const QVariantList &questions);

private:
    std::vector<QVariantMap> m_rows;
};

} // namespace survey::app
