import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Which processes use a node's folder. Every process that opens the node holds a shared `flock` on
/// `<folder>/node.lock` until it exits (the kernel drops it then, whatever the cause). `node rebuild` holds it
/// exclusively while it runs: it replaces the store, and a process that had the old one open (`node serve`, a command
/// writing) would go on writing into the replaced file, and that write would be lost.
enum FolderLock {
    private static let lock = NSLock()
    /// One descriptor per folder, per process, open until the process exits. Guarded by `lock`.
    nonisolated(unsafe) private static var descriptors: [String: Int32] = [:]

    /// Takes a shared lock on the folder, once per process; refused while a rebuild holds it.
    static func share(_ folder: String) throws(SyncError) {
        let (descriptor, new) = try open(folder)
        guard new else { return }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else {
            throw SyncError(.badInput, "\(folder) is being rebuilt (`hutsync node rebuild`): try again when it is done")
        }
    }

    /// Runs `body` holding the folder's lock exclusively (no other process has the node open), then shares it again.
    static func exclusively<T>(_ folder: String, _ body: () throws(SyncError) -> T) throws(SyncError) -> T {
        let (descriptor, _) = try open(folder)
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            // Converting a lock may drop it before failing: take the shared one back.
            _ = flock(descriptor, LOCK_SH | LOCK_NB)
            throw SyncError(
                .badInput,
                "another process has the node in \(folder) open (`hutsync node serve`, or a command still running): stop it, then rebuild"
            )
        }
        defer { _ = flock(descriptor, LOCK_SH) }
        return try body()
    }

    /// The folder's lock file, opened (and created, mode 0600) on first use; `new` when this call opened it.
    private static func open(_ folder: String) throws(SyncError) -> (descriptor: Int32, new: Bool) {
        let key = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
        lock.lock()
        defer { lock.unlock() }
        if let descriptor = descriptors[key] { return (descriptor, false) }
        let descriptor = Glibc.open(key + "/node.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SyncError(.badInput, "cannot open \(folder)/node.lock: \(String(cString: strerror(errno)))")
        }
        descriptors[key] = descriptor
        return (descriptor, true)
    }
}
