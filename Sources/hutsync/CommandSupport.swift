import ArgumentParser
import Foundation
import Wire

/// Options every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The data folder (default: $HUTSYNC_DATA, then ./hutsync-node or ./hutsync-relay).")
    var data: String?

    @Flag(help: "Print exactly one JSON object on stdout (nothing on stdout on failure).")
    var json = false

    @Flag(help: "Log at debug level on stderr.")
    var verbose = false
}

/// A failure with the exit code of `interfaces.md` and one line for stderr.
struct CommandFailure: Error {
    /// 1 bad input or refused; 2 relay unreachable; 3 integrity; 4 not enrolled; 5 upgrade needed.
    let exitCode: Int32
    let message: String

    static func badInput(_ message: String) -> CommandFailure { CommandFailure(exitCode: 1, message: message) }

    /// Maps a wire error to its exit code: format versions and operations this build does not know are "upgrade
    /// HutSync" (5), bad signatures are integrity failures (3), everything else is bad input (1).
    init(_ error: WireError) {
        switch error.code {
        case .unsupportedVersion, .unknownOperation: self.init(exitCode: 5, message: error.message)
        case .badSignature: self.init(exitCode: 3, message: error.message)
        default: self.init(exitCode: 1, message: "\(error.code): \(error.message)")
        }
    }

    init(exitCode: Int32, message: String) {
        self.exitCode = exitCode
        self.message = message
    }
}

/// A command that produces one JSON result; `run()` prints it and turns failures into one stderr line and an exit
/// code.
protocol ResultCommand: ParsableCommand {
    var global: GlobalOptions { get }
    func execute() throws(CommandFailure) -> JSONValue
}

extension ResultCommand {
    func run() throws {
        let result: JSONValue
        do {
            result = try execute()
        } catch {
            writeStandardError("hutsync: \(error.message)\n")
            throw ExitCode(error.exitCode)
        }
        printResult(result, json: global.json)
    }
}

/// One JSON object on stdout: canonical with `--json`, indented for people otherwise.
func printResult(_ result: JSONValue, json: Bool) {
    if json, let bytes = try? CanonicalJSON.encodeUnlimited(result) {
        print(String(decoding: bytes, as: UTF8.self))
    } else {
        print(result.pretty())
    }
}

func writeStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Reads a whole file, or standard input for `-`.
func readInput(_ path: String) throws(CommandFailure) -> [UInt8] {
    let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path)
    guard let handle else { throw .badInput("cannot read \(path)") }
    guard let data = try? handle.read(upToCount: WireLimits.pushBytes + 1) else { return [] }
    guard data.count <= WireLimits.pushBytes else { throw .badInput("\(path) is larger than 4 MiB") }
    return Array(data)
}
