import Foundation
import SyncNode
import Wire

#if canImport(Glibc)
    import Glibc
#endif

/// P3's pushing client: one keep-alive HTTP/1.1 connection to the relay on loopback, driven with blocking socket
/// calls from its own thread.
///
/// It sends what a node's ``HTTPRelayTransport`` sends — the same push body, signed with the same request signature
/// (fresh time and nonce per request) — and reads the answer with the same ``PushResult`` parser, but without
/// URLSession: on Linux, URLSession drives libcurl through dispatch sources and an event thread, and a push of 100
/// change sets cost the bench process about 28 ms of CPU (mostly the kernel switching between those threads), more
/// than the relay spent ingesting it. The pushers share the relay's two cores, so that overhead was measured as
/// relay slowness.
final class BenchHTTPClient {
    private let descriptor: Int32
    private let hostHeader: String
    private let key: SigningKey
    /// Bytes read past the end of the previous answer (none in practice: one request at a time).
    private var pending: [UInt8] = []

    /// Connects to the relay at `url` (`http://127.0.0.1:PORT`).
    init(url: URL, key: SigningKey) throws {
        guard url.scheme == "http", let host = url.host, let port = url.port else {
            throw BenchError("P3: the relay's URL is not http://host:port: \(url)")
        }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchError("P3: socket() failed (errno \(errno))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw BenchError("P3: cannot connect to \(url) (errno \(errno))")
        }
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        self.descriptor = descriptor
        self.hostHeader = "\(host):\(port)"
        self.key = key
    }

    deinit { close(descriptor) }

    /// `POST /v1/push` with `body` (``HTTPRelayTransport/pushBody(_:)``), signed now; the relay's answer.
    func push(body: [UInt8]) throws -> PushResult {
        let (status, answer) = try send(method: "POST", path: "/v1/push", body: body)
        guard [200, 400, 409, 413].contains(status) else {
            throw BenchError("P3: the relay answered \(status): \(String(decoding: answer, as: UTF8.self))")
        }
        do { return try PushResult(json: answer) } catch { throw BenchError("P3: \(error.message)") }
    }

    private func send(method: String, path: String, body: [UInt8]) throws -> (status: Int, body: [UInt8]) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nContent-Type: application/json\r\n"
        head += "Content-Length: \(body.count)\r\n"
        for (name, value) in RequestSignature.sign(
            method: method, path: path, query: "", body: body, key: key, time: UTCTime.now())
        {
            head += "\(name): \(value)\r\n"
        }
        try write(Array((head + "\r\n").utf8) + body)
        return try readResponse()
    }

    private func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw BenchError("P3: sending to the relay failed (errno \(errno))") }
            sent += count
        }
    }

    /// Reads more bytes into `pending`.
    private func fill() throws {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw BenchError("P3: the relay closed the connection (errno \(errno))") }
            pending += buffer[..<count]
            return
        }
    }

    /// One answer: the status line, the headers, and a `Content-Length` or chunked body.
    private func readResponse() throws -> (status: Int, body: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var end: Int?
        while end == nil {
            end = pending.firstRange(of: separator)?.upperBound
            if end == nil { try fill() }
        }
        let head = String(decoding: pending[..<end!], as: UTF8.self)
        pending.removeSubrange(..<end!)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
            let status = Int(statusLine.dropFirst(9).prefix(3))
        else { throw BenchError("P3: a malformed answer: \(head)") }
        var length: Int?
        var chunked = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].lowercased()
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { length = Int(value) }
            if name == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
        }
        if chunked { return (status, try readChunked()) }
        guard let length else { throw BenchError("P3: an answer without a length") }
        return (status, try take(length))
    }

    private func take(_ count: Int) throws -> [UInt8] {
        while pending.count < count { try fill() }
        let bytes = Array(pending[..<count])
        pending.removeSubrange(..<count)
        return bytes
    }

    private func line() throws -> String {
        let separator: [UInt8] = Array("\r\n".utf8)
        while true {
            if let range = pending.firstRange(of: separator) {
                let text = String(decoding: pending[..<range.lowerBound], as: UTF8.self)
                pending.removeSubrange(..<range.upperBound)
                return text
            }
            try fill()
        }
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeText = try line().split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw BenchError("P3: a malformed chunk size")
            }
            if size == 0 {
                while try !line().isEmpty {}  // trailers, then the blank line
                return body
            }
            body += try take(size)
            _ = try take(2)
        }
    }
}
