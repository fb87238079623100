import Foundation

/// A one-line progress display on a terminal for long pulls: entries applied of total, rate, time left.
final class ProgressLine {
    private let enabled: Bool
    private let start: Int
    private let began = Date()
    private var shown = false

    init(enabled: Bool, start: Int) {
        self.enabled = enabled
        self.start = start
    }

    func update(applied: Int, head: Int) {
        guard enabled, head > start else { return }
        let done = applied - start
        let total = head - start
        let elapsed = max(Date().timeIntervalSince(began), 0.001)
        let rate = Double(done) / elapsed
        let left = rate > 0 ? Int(Double(total - done) / rate) : 0
        writeStandardError(String(format: "\rsyncing: %d of %d entries (%.0f/s, %ds left)   ", done, total, rate, left))
        shown = true
    }

    /// Shows a free-form step (the benchmarks), replacing what the line showed.
    func update(_ text: String) {
        guard enabled else { return }
        writeStandardError("\r\u{1B}[2K" + text)
        shown = true
    }

    func finish() { if shown { writeStandardError("\n") } }
}
