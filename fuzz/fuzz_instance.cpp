// SPDX-License-Identifier: GPL-3.0-or-later
// Any bytes as a submission the analysis reads (the instance scanner and the columns).
#include "fuzzbodies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    survey::fuzz::runInstance(data, size);
    return 0;
}
