import Foundation

/// Writes one line to stderr: failures carry a one-line reason there (SPEC §6).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
