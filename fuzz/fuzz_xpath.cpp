// SPDX-License-Identifier: GPL-3.0-or-later
// Any text as an XPath expression, compiled and evaluated against a small document.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    survey::fuzz::runXpath(data, size);
    return 0;
}
