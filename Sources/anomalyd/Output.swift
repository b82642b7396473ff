import Foundation

/// Writes one line to stderr: failures carry a one-line reason there (SPEC §6).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes one line to stdout at once (unbuffered), so a pipe sees each alert as it arrives.
func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
