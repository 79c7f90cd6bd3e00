#include "util/folder_lock.h"

#include "util/error.h"
#include "util/files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace tleg {

namespace {

std::string readAll(int fd)
{
    std::string text;
    char buf[64];
    ssize_t n = 0;
    ::lseek(fd, 0, SEEK_SET);
    while ((n = ::read(fd, buf, sizeof buf)) > 0 && text.size() < 256)
        text.append(buf, static_cast<size_t>(n));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

/// Temporary files of interrupted writes ("<name>.tmp-<pid>-<n>"): nobody else writes in a
/// folder we hold, so every one of them is left over from a run that was killed.
void removeLeftovers(const std::string& folder)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::error_code typeError;
        if (name.find(".tmp-") != std::string::npos && it->is_regular_file(typeError))
            fs::remove(it->path(), typeError);
    }
}

} // namespace

FolderLock::FolderLock(const std::string& folder)
{
    makeDirs(folder);
    const std::string path = joinPath(folder, kFileName);
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0)
        throw fileError(folder, std::string("cannot be written (") + std::strerror(errno) + ")");
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        const int why = errno;
        const std::string holder = readAll(m_fd);
        ::close(m_fd);
        m_fd = -1;
        if (why == EWOULDBLOCK)
            throw fileError(folder, "another run is writing into this folder (" +
                                        (holder.empty() ? std::string("process unknown")
                                                        : "process " + holder) +
                                        "); choose another run folder or wait for it");
        throw fileError(folder, std::string("cannot be locked: ") + std::strerror(why));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(m_fd, 0) == 0)
        (void)!::pwrite(m_fd, pid.data(), pid.size(), 0);
    removeLeftovers(folder);
}

FolderLock::~FolderLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // closing the last descriptor releases the flock
}

} // namespace tleg
