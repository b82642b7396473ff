import ArgumentParser
import Foundation

/// Writes one line to stderr: failures carry a one-line reason there (docs/DESIGN.md §6).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes one line to stdout at once (unbuffered), so a pipe sees each alert as it arrives.
func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Runs a command's body with docs/DESIGN.md §6's exit codes: any error becomes the one line
/// `name: reason` on stderr and exit code 1; an `ExitCode` passes through.
func runReportingFailure(_ name: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        let reason = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
        printError("\(name): \(reason)")
        throw ExitCode.failure
    }
}

/// Writes a command's output text to the file at `path`, or to stdout without one.
func writeOutput(_ text: String, to path: String?) throws {
    guard let path else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
        throw CommandFailure("cannot write \(path)")
    }
}
