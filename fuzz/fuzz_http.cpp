// SPDX-License-Identifier: GPL-3.0-or-later
// Any bytes as a request reaching the server's front: head, then a chunked body.
#include "fuzzbodies.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (!survey::fuzz::runHttp(data, size))
        std::abort(); // an invariant broke: keep the input
    return 0;
}
