#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Key files: 64 lower-case hex characters of the 32-byte Ed25519 seed and a newline, mode 0600.
package enum KeyFile {
    /// Reads a key file. Surrounding whitespace is tolerated; anything else that is not the seed is refused.
    package static func read(path: String) throws(WireError) -> SigningKey {
        guard let file = fopen(path, "r") else {
            throw WireError(.io, "cannot read the key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = fread(&buffer, 1, buffer.count, file)
        let text = String(decoding: buffer.prefix(count), as: UTF8.self)
            .trimmingWhitespace()
        guard count < buffer.count, Hex.isValid(text, byteCount: 32) else {
            throw WireError(.badKeyFile, "\(path) is not a key file (64 lower-case hex characters of a seed)")
        }
        return try SigningKey(seed: try Hex.decode(text, byteCount: 32))
    }

    /// Writes `key`'s seed to a new file at `path` with mode 0600, atomically: the file appears complete or not at
    /// all, and an existing file is never replaced.
    package static func create(_ key: SigningKey, path: String) throws(WireError) {
        let contents = Array((Hex.encode(key.seed) + "\n").utf8)
        let temporary = path + ".tmp-" + Hex.encode(Sodium.randomBytes(6))
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw ioError("cannot create", temporary) }
        var failure: WireError?
        if fchmod(descriptor, 0o600) != 0 || write(descriptor, contents, contents.count) != contents.count
            || fsync(descriptor) != 0
        {
            failure = ioError("cannot write", temporary)
        }
        close(descriptor)
        defer { unlink(temporary) }
        if let failure { throw failure }
        // link(2) refuses to replace an existing file, unlike rename(2).
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { throw WireError(.keyFileExists, "\(path) already exists; not replacing a key") }
            throw ioError("cannot create", path)
        }
        syncDirectory(of: path)
    }

    private static func ioError(_ what: String, _ path: String) -> WireError {
        WireError(.io, "\(what) \(path): \(String(cString: strerror(errno)))")
    }

    private static func syncDirectory(of path: String) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    package func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        return String(self.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
