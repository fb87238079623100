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
    /// One descriptor per folder, per process, open until the process exits, holding a shared lock. Guarded by `lock`.
    nonisolated(unsafe) private static var descriptors: [String: Int32] = [:]

    /// Takes a shared lock on the folder, once per process; refused while a rebuild holds it. A folder whose lock file
    /// cannot be created (read-only) is used without one: nothing there can be rebuilt either.
    static func share(_ folder: String) throws(SyncError) {
        let key = self.key(folder)
        lock.lock()
        defer { lock.unlock() }
        if descriptors[key] != nil { return }
        let descriptor = open(key + "/node.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else {
            close(descriptor)
            throw SyncError(.badInput, "\(folder) is being rebuilt (`hutsync node rebuild`): try again when it is done")
        }
        descriptors[key] = descriptor
    }

    /// Runs `body` holding the folder's lock exclusively (no other process has the node open), then shares it again.
    static func exclusively<T>(_ folder: String, _ body: () throws(SyncError) -> T) throws(SyncError) -> T {
        try share(folder)
        let key = self.key(folder)
        guard let descriptor = lock.withLock({ descriptors[key] }) else {
            throw SyncError(.badInput, "cannot lock \(folder)/node.lock: is the folder writable?")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            // Converting a lock may drop it before failing: take the shared one back, or forget the descriptor.
            if flock(descriptor, LOCK_SH | LOCK_NB) != 0 { forget(key) }
            throw SyncError(
                .badInput,
                "another process has the node in \(folder) open (`hutsync node serve`, or a command still running): stop it, then rebuild"
            )
        }
        defer { _ = flock(descriptor, LOCK_SH) }
        return try body()
    }

    private static func forget(_ key: String) {
        lock.withLock {
            if let descriptor = descriptors.removeValue(forKey: key) { close(descriptor) }
        }
    }

    private static func key(_ folder: String) -> String {
        URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

/// `node init` builds a node in a staging folder beside its target (`<target>.init-` and 8 hex digits) and moves it
/// into place at the end; a failure removes it, but a killed `node init` left it behind (with a partial replica). The
/// `node init` building a staging folder holds a shared lock on its `node.lock` (put in place already locked), so the
/// next `node init` for the same target removes every staging folder whose lock it can take exclusively.
enum StagingFolder {
    /// Creates `folder` (mode 0700) with its lock held; the descriptor holds the lock until it is closed, and goes on
    /// holding it (shared, as any process with the node open) once the folder has moved into place.
    static func create(_ folder: String) throws(SyncError) -> Int32 {
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SyncError(.badInput, "cannot create \(folder): \(error.localizedDescription)")
        }
        // Locked under another name, then renamed: another `node init` never sees this lock file unlocked.
        let descriptor = open(folder + "/node.lock.new", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_SH | LOCK_NB) == 0,
            rename(folder + "/node.lock.new", folder + "/node.lock") == 0
        else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            try? FileManager.default.removeItem(atPath: folder)
            throw SyncError(.badInput, "cannot lock \(folder)/node.lock: \(reason)")
        }
        return descriptor
    }

    /// Whether `name` is the name of one of `target`'s staging folders.
    static func isStaging(_ name: String, of target: String) -> Bool {
        let prefix = target + ".init-"
        guard name.hasPrefix(prefix) else { return false }
        let suffix = name.utf8.dropFirst(prefix.utf8.count)
        return suffix.count == 8 && suffix.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Removes the staging folders of `target` that no running `node init` holds. One without a lock file is left
    /// alone for a minute: a `node init` may have just created it.
    static func removeAbandoned(of target: String) {
        let url = URL(fileURLWithPath: target).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let files = FileManager.default
        guard let names = try? files.contentsOfDirectory(atPath: parent) else { return }
        for name in names where isStaging(name, of: url.lastPathComponent) {
            let folder = parent + "/" + name
            let descriptor = open(folder + "/node.lock", O_RDWR | O_CLOEXEC)
            if descriptor < 0 {
                let modified = (try? files.attributesOfItem(atPath: folder)[.modificationDate]) as? Date
                guard let modified, modified.timeIntervalSinceNow < -60 else { continue }
                try? files.removeItem(atPath: folder)
                continue
            }
            // Removed while the lock is held, so no `node init` can take the folder up meanwhile.
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { try? files.removeItem(atPath: folder) }
            close(descriptor)
        }
    }
}
