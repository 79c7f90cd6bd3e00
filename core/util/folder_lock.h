#pragma once
// An exclusive claim on a run folder for one process, so that two runs given the same folder
// refuse instead of interleaving their logs and overwriting each other's model. The lock is
// flock(2) on <folder>/.tleg-lock with the holder's PID written in it: the kernel drops it when
// the process ends, kill -9 included, so a lock file left behind is stale by construction and
// is simply taken over. Taking the lock also removes the temporary files ("*.tmp-<pid>-<n>")
// that a killed run may have left in the folder.
// Usage:
//   FolderLock lock("runs/aux-net");   // throws tleg::Error naming the holder's PID if taken
//   ... write the run's files ...      // released when lock goes out of scope
#include <string>

namespace tleg {

class FolderLock {
public:
    /// Creates folder if needed and locks it; throws tleg::Error when another process (or
    /// another job of this process) holds it, or when the folder cannot be written.
    explicit FolderLock(const std::string& folder);
    ~FolderLock();
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

    /// The lock file's name inside a run folder.
    static constexpr const char* kFileName = ".tleg-lock";

private:
    int m_fd = -1;
};

} // namespace tleg
