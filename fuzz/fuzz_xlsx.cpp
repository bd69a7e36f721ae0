// SPDX-License-Identifier: GPL-3.0-or-later
// Any bytes as a spreadsheet: read as .xlsx (or markdown), convert, load what converts.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    survey::fuzz::runXlsx(data, size);
    return 0;
}
