import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Flags for ``Socket/send(_:flags:)``.
public struct SendFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `ZMQ_DONTWAIT`: fail instead of blocking; the send then returns `false`.
    public static let dontWait = SendFlags(rawValue: ZMQ_DONTWAIT)
    /// `ZMQ_SNDMORE`: more frames of the same message follow.
    public static let sendMore = SendFlags(rawValue: ZMQ_SNDMORE)
}

extension Socket {
    /// Sends one frame, copying `frame` into a libzmq message.
    ///
    /// - Returns: `false` only when `flags` has ``SendFlags/dontWait`` and the message could not
    ///   be queued (`EAGAIN`). A PUB socket never refuses: at its high-water mark it drops.
    /// - Throws: ``ZMQError``; `EAGAIN` if a blocking send timed out (``SocketOption/sendTimeout``).
    @discardableResult
    public func send(_ frame: UnsafeRawBufferPointer, flags: SendFlags = []) throws -> Bool {
        let handle = try openHandle("zmq_send")
        while zmq_send(handle, frame.baseAddress, frame.count, flags.rawValue) < 0 {
            let code = zmq_errno()
            if code == EAGAIN && flags.contains(.dontWait) { return false }
            // A frame after the first must not be lost to a signal, or the message would be torn.
            if code == EINTR && flags.contains(.sendMore) { continue }
            throw ZMQError(operation: "zmq_send", code: code)
        }
        return true
    }

    /// Sends one frame of bytes; see the raw-buffer overload.
    @discardableResult
    public func send<Bytes: Collection<UInt8>>(_ frame: Bytes, flags: SendFlags = []) throws -> Bool {
        if let sent = try frame.withContiguousStorageIfAvailable({
            try send(UnsafeRawBufferPointer($0), flags: flags)
        }) {
            return sent
        }
        return try Array(frame).withUnsafeBytes { try send($0, flags: flags) }
    }

    /// Sends one frame holding `string`'s UTF-8 bytes (no terminator).
    @discardableResult
    public func send(_ string: String, flags: SendFlags = []) throws -> Bool {
        var string = string
        return try string.withUTF8 { try send(UnsafeRawBufferPointer($0), flags: flags) }
    }

    /// Sends a multipart message: every frame but the last goes with ``SendFlags/sendMore``.
    ///
    /// ``SendFlags/dontWait`` applies to the first frame; once it is queued, libzmq accepts the
    /// rest of the message, so a multipart message is never half-sent. A ``SendFlags/sendMore``
    /// in `flags` leaves the message open after the last of `frames`.
    /// - Returns: `false` if `dontWait` was given and nothing was queued.
    @discardableResult
    public func send<Frames: Collection>(_ frames: Frames, flags: SendFlags = []) throws -> Bool
    where Frames.Element: Collection<UInt8> {
        guard !frames.isEmpty else { throw ZMQError(operation: "zmq_send(no frames)", code: EINVAL) }
        var index = frames.startIndex
        var isFirst = true
        while index != frames.endIndex {
            let next = frames.index(after: index)
            var frameFlags = isFirst ? flags : flags.subtracting(.dontWait)
            if next != frames.endIndex { frameFlags.insert(.sendMore) }
            if !(try send(frames[index], flags: frameFlags)) { return false }
            isFirst = false
            index = next
        }
        return true
    }

    /// Sends a multipart message of UTF-8 strings, e.g. `[topic, payload]`.
    @discardableResult
    public func send(_ frames: [String], flags: SendFlags = []) throws -> Bool {
        try send(frames.map(\.utf8), flags: flags)
    }

    /// Sends the message in `buffer` on, frame by frame, moving each frame's content rather than
    /// copying it (`zmq_msg_send` takes ownership of the received `zmq_msg_t`): a forwarder passes
    /// large messages between threads over `inproc` at no cost per byte. The buffer is empty
    /// afterwards. Only the kept frames are sent (see ``MessageBuffer/isTruncated``).
    ///
    /// - Returns: `false` only when `flags` has ``SendFlags/dontWait`` and the message could not be
    ///   queued (`EAGAIN`); the buffer then still holds it.
    @discardableResult
    public func send(moving buffer: MessageBuffer, flags: SendFlags = []) throws -> Bool {
        let handle = try openHandle("zmq_msg_send")
        let count = buffer.frameCount
        guard count > 0 else { throw ZMQError(operation: "zmq_msg_send(no frames)", code: EINVAL) }
        for index in 0..<count {
            var frameFlags = index == 0 ? flags : flags.subtracting(.dontWait)
            if index < count - 1 { frameFlags.insert(.sendMore) }
            while zmq_msg_send(buffer.slot(at: index), handle, frameFlags.rawValue) < 0 {
                let code = zmq_errno()
                if index == 0 && code == EAGAIN && flags.contains(.dontWait) { return false }
                // Once the first frame is queued the rest must follow, or the message is torn.
                if code == EINTR && index > 0 { continue }
                throw ZMQError(operation: "zmq_msg_send", code: code)
            }
        }
        buffer.beginMessage()
        return true
    }
}
