#include "tableheaders.h"

#include <algorithm>

#include <QAbstractItemModel>
#include <QHeaderView>
#include <QTableView>

namespace Mailpulse::Ui
{

void fitColumnsToHeaders(QTableView *table)
{
    QHeaderView *header = table->horizontalHeader();
    if (!table->model())
        return;
    for (int column = 0; column < table->model()->columnCount(); ++column)
        header->resizeSection(column, std::max(header->sectionSize(column), header->sectionSizeHint(column)));
}

} // namespace Mailpulse::Ui
