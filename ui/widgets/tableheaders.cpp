#include "tableheaders.h"

#include <algorithm>

#include <QAbstractItemModel>
#include <QHeaderView>
#include <QTableView>

namespace Mailpulse::Ui
{

namespace
{
void fit(QTableView *table)
{
    QHeaderView *header = table->horizontalHeader();
    if (!table->model())
        return;
    for (int column = 0; column < table->model()->columnCount(); ++column)
        header->resizeSection(column, std::max(header->sectionSize(column), header->sectionSizeHint(column)));
}
} // namespace

void fitColumnsToHeaders(QTableView *table)
{
    fit(table);
    // A model reset makes the header start over with default section sizes, clipping the longer (German) titles
    // again: fit after every reset, after the header's own handling (connected earlier, by setModel()).
    if (QAbstractItemModel *model = table->model())
        QObject::connect(model, &QAbstractItemModel::modelReset, table, [table] { fit(table); });
}

} // namespace Mailpulse::Ui
