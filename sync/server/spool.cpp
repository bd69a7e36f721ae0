// SPDX-License-Identifier: GPL-3.0-or-later
#include "spool.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace survey::server {

Spool::Spool(std::string tempDir, std::size_t memoryLimit)
    : m_dir(std::move(tempDir))
    , m_memoryLimit(memoryLimit)
{}

Spool::~Spool()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool Spool::spill()
{
    // An unnamed file (O_TMPFILE): it has no name to find, and goes when closed.
    m_fd = ::open(m_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (m_fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        std::string name = m_dir + "/spool-XXXXXX";
        m_fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (m_fd >= 0)
            ::unlink(name.c_str());
    }
    if (m_fd < 0)
        return false;
    std::size_t done = 0;
    while (done < m_memory.size()) {
        const ssize_t n = ::write(m_fd, m_memory.data() + done, m_memory.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    m_memory = std::string();
    return true;
}

bool Spool::append(const char *data, std::size_t size)
{
    if (m_failed)
        return false;
    if (m_fd < 0 && m_memory.size() + size > m_memoryLimit && !spill()) {
        m_failed = true;
        return false;
    }
    if (m_fd < 0) {
        m_memory.append(data, size);
    } else {
        std::size_t done = 0;
        while (done < size) {
            const ssize_t n =
                ::pwrite(m_fd, data + done, size - done, static_cast<off_t>(m_size + done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                m_failed = true;
                return false;
            }
            done += static_cast<std::size_t>(n);
        }
    }
    m_size += size;
    return true;
}

std::size_t Spool::read(std::size_t offset, char *out, std::size_t size) const
{
    if (offset >= m_size)
        return 0;
    size = std::min(size, m_size - offset);
    if (m_fd < 0) {
        m_memory.copy(out, size, offset);
        return size;
    }
    for (;;) {
        const ssize_t n = ::pread(m_fd, out, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 ? 0 : static_cast<std::size_t>(n);
    }
}

} // namespace survey::server
