// SPDX-License-Identifier: GPL-3.0-or-later
// Any bytes as a form: load, and when it loads, start a session, walk and serialize it.
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    survey::fuzz::runXform(data, size);
    return 0;
}
