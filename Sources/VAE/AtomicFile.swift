import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe replacement of a file: write a temporary sibling (`<path>.tmp-<pid>-<random>`),
/// fsync it, rename it over the target, fsync the directory so the rename itself is durable. A
/// failure at any step (a full disk, an I/O error) removes the temporary file and leaves the old
/// target as it was; a crash leaves the old or the new target and at most a temporary file, which
/// the daemon removes at its next start.
public enum AtomicFile {
    #if DEBUG
    /// Fault injection for the crash harness (debug builds only):
    /// `ANOMALYD_FAULT_SLOW_WRITES=<milliseconds>` sleeps that long after each 4 KiB written, so
    /// a `kill -9` at a random moment often lands inside a write.
    static let slowWrites = ProcessInfo.processInfo.environment["ANOMALYD_FAULT_SLOW_WRITES"].flatMap(Double.init)
    #endif

    /// Replaces the file at `path` with `bytes`, or throws ``ModelFileError/io(_:)`` naming the
    /// step and the path, the old file untouched.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ModelFileError.io("cannot create \(temporary): \(errorText())") }
        var ok = false
        defer { if !ok { unlink(temporary) } }
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { raw -> String? in
            while written < raw.count {
                var chunk = raw.count - written
                #if DEBUG
                if let slowWrites {
                    chunk = min(chunk, 4096)
                    if written > 0 { usleep(UInt32(slowWrites * 1000)) }
                }
                #endif
                let n = systemWrite(fd, raw.baseAddress! + written, chunk)
                if n < 0 {
                    if errno == EINTR { continue }
                    return "write \(temporary): \(errorText())"
                }
                written += n
            }
            return nil
        }
        if let failure { close(fd); throw ModelFileError.io(failure) }
        guard fsync(fd) == 0 else { let e = errorText(); close(fd); throw ModelFileError.io("fsync \(temporary): \(e)") }
        guard close(fd) == 0 else { throw ModelFileError.io("close \(temporary): \(errorText())") }
        guard rename(temporary, path) == 0 else { throw ModelFileError.io("rename to \(path): \(errorText())") }
        ok = true
        let dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    @inline(__always)
    private static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, buffer, count)
        #else
        return Darwin.write(fd, buffer, count)
        #endif
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
