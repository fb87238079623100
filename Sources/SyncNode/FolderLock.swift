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

/// `node init` builds a node in a staging folder beside its target (`<target>.init-<random>`) and moves it into place
/// at the end; a failure removes it, but a killed `node init` left it behind (with a partial replica). A staging
/// folder's `node.lock` is held, exclusively, by the `node init` building it, so the next `node init` for the same
/// target removes every staging folder whose lock it can take.
enum StagingFolder {
    /// Creates `folder` (mode 0700) and locks it; the descriptor holds the lock until it is closed.
    static func create(_ folder: String) throws(SyncError) -> Int32 {
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SyncError(.badInput, "cannot create \(folder): \(error.localizedDescription)")
        }
        let descriptor = Glibc.open(folder + "/node.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            try? FileManager.default.removeItem(atPath: folder)
            throw SyncError(.badInput, "cannot lock \(folder)/node.lock: \(reason)")
        }
        return descriptor
    }

    /// Removes the staging folders of `target` that no running `node init` holds. One without a lock file is left
    /// alone for a minute: a `node init` may have just created it.
    static func removeAbandoned(of target: String) {
        let url = URL(fileURLWithPath: target).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".init-"
        let files = FileManager.default
        guard let names = try? files.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(prefix) {
            let folder = parent + "/" + name
            let descriptor = Glibc.open(folder + "/node.lock", O_RDWR | O_CLOEXEC)
            if descriptor < 0 {
                let modified = (try? files.attributesOfItem(atPath: folder)[.modificationDate]) as? Date
                guard let modified, modified.timeIntervalSinceNow < -60 else { continue }
            } else {
                defer { close(descriptor) }
                guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }  // a node init is building it
            }
            try? files.removeItem(atPath: folder)
        }
    }
}
