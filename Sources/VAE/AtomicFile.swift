import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe replacement of a file: write a temporary sibling, fsync it, rename it over the
/// target, fsync the directory so the rename itself is durable.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
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
                let n = systemWrite(fd, raw.baseAddress! + written, raw.count - written)
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
