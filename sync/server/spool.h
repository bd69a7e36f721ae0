// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>

namespace survey::server {

/// Bytes on their way through the server (a request body, a response): held in memory up
/// to a limit, then in an unnamed temporary file that disappears with the spool. Nothing is
/// ever named after what a client sent.
class Spool
{
public:
    Spool(std::string tempDir, std::size_t memoryLimit);
    ~Spool();
    Spool(const Spool &) = delete;
    Spool &operator=(const Spool &) = delete;

    /// False when the bytes cannot be kept (the disk is full): the spool is then failed().
    bool append(const char *data, std::size_t size);
    /// Copies up to `size` bytes from `offset`; returns how many (0 at the end or on error).
    std::size_t read(std::size_t offset, char *out, std::size_t size) const;
    std::size_t size() const { return m_size; }
    bool failed() const { return m_failed; }
    bool onDisk() const { return m_fd >= 0; }

private:
    bool spill();

    std::string m_dir;
    std::size_t m_memoryLimit;
    std::string m_memory;
    int m_fd = -1;
    std::size_t m_size = 0;
    bool m_failed = false;
};

} // namespace survey::server
