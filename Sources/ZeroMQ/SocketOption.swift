import CZeroMQ

/// A typed socket option: the `ZMQ_*` code together with how its value crosses the C boundary.
///
/// Use the static members with ``Socket/set(_:to:)`` and ``Socket/get(_:)``:
/// ```swift
/// try socket.set(.receiveHighWaterMark, to: 100_000)
/// try socket.set(.receiveTimeout, to: .seconds(2))
/// let port = try socket.get(.lastEndpoint)
/// ```
/// Durations travel as whole milliseconds; an optional duration of `nil` means "forever" (-1).
public struct SocketOption<Value>: Sendable {
    /// The option's name for error messages, e.g. `ZMQ_RCVHWM`.
    public let name: String
    /// The `ZMQ_*` option code.
    public let code: Int32
    let write: @Sendable (UnsafeMutableRawPointer, Int32, Value) -> Int32
    let read: @Sendable (UnsafeMutableRawPointer, Int32) -> Value?

    init(
        _ name: String, _ code: Int32,
        write: @escaping @Sendable (UnsafeMutableRawPointer, Int32, Value) -> Int32,
        read: @escaping @Sendable (UnsafeMutableRawPointer, Int32) -> Value?
    ) {
        self.name = name
        self.code = code
        self.write = write
        self.read = read
    }
}

extension Socket {
    /// Sets `option` to `value`.
    public func set<Value>(_ option: SocketOption<Value>, to value: Value) throws {
        let handle = try openHandle("zmq_setsockopt(\(option.name))")
        try check(option.write(handle, option.code, value), "zmq_setsockopt(\(option.name))")
    }

    /// Reads `option`'s current value.
    public func get<Value>(_ option: SocketOption<Value>) throws -> Value {
        let handle = try openHandle("zmq_getsockopt(\(option.name))")
        guard let value = option.read(handle, option.code) else {
            throw ZMQError.last("zmq_getsockopt(\(option.name))")
        }
        return value
    }
}

// MARK: - Codecs for the C representations

/// How each C representation of an option value is written and read.
enum OptionCodec {
    static func setInt32(_ handle: UnsafeMutableRawPointer, _ code: Int32, _ value: Int32) -> Int32 {
        var value = value
        return zmq_setsockopt(handle, code, &value, MemoryLayout<Int32>.size)
    }

    static func getInt32(_ handle: UnsafeMutableRawPointer, _ code: Int32) -> Int32? {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return zmq_getsockopt(handle, code, &value, &size) == 0 ? value : nil
    }

    static func setInt64(_ handle: UnsafeMutableRawPointer, _ code: Int32, _ value: Int64) -> Int32 {
        var value = value
        return zmq_setsockopt(handle, code, &value, MemoryLayout<Int64>.size)
    }

    static func getInt64(_ handle: UnsafeMutableRawPointer, _ code: Int32) -> Int64? {
        var value: Int64 = 0
        var size = MemoryLayout<Int64>.size
        return zmq_getsockopt(handle, code, &value, &size) == 0 ? value : nil
    }

    static func setBytes(_ handle: UnsafeMutableRawPointer, _ code: Int32, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { zmq_setsockopt(handle, code, $0.baseAddress, $0.count) }
    }

    /// Reads up to `capacity` bytes; libzmq reports the actual size back.
    static func getBytes(_ handle: UnsafeMutableRawPointer, _ code: Int32, capacity: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: capacity)
        var size = capacity
        let result = bytes.withUnsafeMutableBytes { zmq_getsockopt(handle, code, $0.baseAddress, &size) }
        guard result == 0 else { return nil }
        bytes.removeSubrange(size...)
        return bytes
    }

    /// Writes a string without its terminator (libzmq takes the length explicitly).
    static func setString(_ handle: UnsafeMutableRawPointer, _ code: Int32, _ string: String) -> Int32 {
        setBytes(handle, code, Array(string.utf8))
    }

    /// Reads a NUL-terminated string option such as `ZMQ_LAST_ENDPOINT` or a Z85 key.
    static func getString(_ handle: UnsafeMutableRawPointer, _ code: Int32, capacity: Int = 1024) -> String? {
        guard var bytes = getBytes(handle, code, capacity: capacity) else { return nil }
        if let end = bytes.firstIndex(of: 0) { bytes.removeSubrange(end...) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func int(_ name: String, _ code: Int32) -> SocketOption<Int> {
        SocketOption(
            name, code,
            write: { setInt32($0, $1, Int32(clamping: $2)) },
            read: { getInt32($0, $1).map(Int.init) })
    }

    static func bool(_ name: String, _ code: Int32) -> SocketOption<Bool> {
        SocketOption(
            name, code,
            write: { setInt32($0, $1, $2 ? 1 : 0) },
            read: { getInt32($0, $1).map { $0 != 0 } })
    }

    /// A duration in milliseconds where 0 means "off".
    static func duration(_ name: String, _ code: Int32) -> SocketOption<Duration> {
        SocketOption(
            name, code,
            write: { setInt32($0, $1, $2.zmqMilliseconds) },
            read: { getInt32($0, $1).map { Duration(zmqMilliseconds: $0) } })
    }

    /// A duration in milliseconds where -1 (`nil`) means "forever".
    static func timeout(_ name: String, _ code: Int32) -> SocketOption<Duration?> {
        SocketOption(
            name, code,
            write: { setInt32($0, $1, $2?.zmqMilliseconds ?? -1) },
            read: { getInt32($0, $1).map { $0 < 0 ? nil : Duration(zmqMilliseconds: $0) } })
    }

    /// A Z85 CURVE key: written as its 40 characters, read back as Z85 (41 bytes with the NUL).
    static func curveKey(_ name: String, _ code: Int32) -> SocketOption<String> {
        SocketOption(
            name, code,
            write: { setString($0, $1, $2) },
            read: { getString($0, $1, capacity: 41) })
    }
}
