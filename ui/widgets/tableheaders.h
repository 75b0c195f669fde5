#pragma once

class QTableView;

namespace Mailpulse::Ui
{

/// Widens every column at least to its header title, now and after every reset of the model, so longer translations
/// (German) are not clipped. Cheap: looks at the headers only, never at the rows, so it suits tables with thousands
/// of rows.
void fitColumnsToHeaders(QTableView *table);

} // namespace Mailpulse::Ui
