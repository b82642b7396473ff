import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What ``Socket/receiveFrame(into:)`` copied into a caller's byte buffer.
public struct ReceivedFrame: Sendable, Equatable {
    /// The frame's full size in bytes, which may exceed the buffer.
    public let size: Int
    /// The bytes actually copied: `min(size, buffer.count)`.
    public let copiedCount: Int
    /// `true` if more frames of the same message follow.
    public let hasMore: Bool

    /// `true` if the frame did not fit and its tail was discarded.
    public var isTruncated: Bool { size > copiedCount }
}

extension Socket {
    // MARK: Whole messages into a reusable buffer

    /// Receives the next whole message into `buffer`, replacing its previous contents; waits at
    /// most ``SocketOption/receiveTimeout``.
    ///
    /// This is the steady-state path: it allocates nothing once `buffer` has enough frame slots.
    /// - Throws: ``ZMQError``; ``ZMQError/isWouldBlock`` when the timeout expired,
    ///   ``ZMQError/isInterrupted`` when a signal arrived before the first frame,
    ///   ``ZMQError/isContextTerminated`` after ``Context/shutdown()``.
    public func receive(into buffer: MessageBuffer) throws {
        _ = try receive(into: buffer, firstFrameFlags: 0)
    }

    /// Receives a message into `buffer` if one is queued, without waiting.
    /// - Returns: `false` if none was queued (`EAGAIN`); `buffer` is then empty.
    public func tryReceive(into buffer: MessageBuffer) throws -> Bool {
        try receive(into: buffer, firstFrameFlags: ZMQ_DONTWAIT)
    }

    private func receive(into buffer: MessageBuffer, firstFrameFlags: Int32) throws -> Bool {
        let handle = try openHandle("zmq_msg_recv")
        buffer.beginMessage()
        var flags = firstFrameFlags
        while true {
            let slot = buffer.nextSlot()
            if zmq_msg_recv(slot, handle, flags) < 0 {
                let code = zmq_errno()
                let isFirstFrame = buffer.frameCount == 0 && !buffer.isTruncated
                if isFirstFrame {
                    if code == EAGAIN && firstFrameFlags & ZMQ_DONTWAIT != 0 { return false }
                } else if code == EINTR {
                    continue  // The rest of a multipart message is already queued; finish it.
                }
                throw ZMQError(operation: "zmq_msg_recv", code: code)
            }
            buffer.commitFrame()
            if zmq_msg_more(slot) == 0 { return true }
            flags = 0
        }
    }

    // MARK: Convenience copies

    /// Receives the next whole message as an array of frames (allocates; for tests and tools).
    /// - Throws: ``ZMQError``; ``ZMQError/isWouldBlock`` when ``SocketOption/receiveTimeout``
    ///   expired.
    public func receiveMessage() throws -> [[UInt8]] {
        let buffer = MessageBuffer(maxFrames: .max)
        try receive(into: buffer)
        return buffer.map(Array.init)
    }

    /// Receives a message if one is queued, without waiting; `nil` if none was (`EAGAIN`).
    public func tryReceiveMessage() throws -> [[UInt8]]? {
        let buffer = MessageBuffer(maxFrames: .max)
        guard try tryReceive(into: buffer) else { return nil }
        return buffer.map(Array.init)
    }

    // MARK: Single frames into caller bytes

    /// Receives one frame into `bytes` (`zmq_recv`), reporting truncation and whether more
    /// frames of the message follow; waits at most ``SocketOption/receiveTimeout``.
    /// - Throws: ``ZMQError``; ``ZMQError/isWouldBlock`` when the timeout expired.
    public func receiveFrame(into bytes: UnsafeMutableRawBufferPointer) throws -> ReceivedFrame {
        guard let frame = try receiveFrame(into: bytes, flags: 0) else {
            throw ZMQError(operation: "zmq_recv", code: EAGAIN)  // unreachable without DONTWAIT
        }
        return frame
    }

    /// Receives one frame into `bytes` if one is queued; `nil` if none was (`EAGAIN`).
    public func tryReceiveFrame(into bytes: UnsafeMutableRawBufferPointer) throws -> ReceivedFrame? {
        try receiveFrame(into: bytes, flags: ZMQ_DONTWAIT)
    }

    private func receiveFrame(
        into bytes: UnsafeMutableRawBufferPointer, flags: Int32
    ) throws -> ReceivedFrame? {
        let handle = try openHandle("zmq_recv")
        let size = zmq_recv(handle, bytes.baseAddress, bytes.count, flags)
        if size < 0 {
            let code = zmq_errno()
            if code == EAGAIN && flags & ZMQ_DONTWAIT != 0 { return nil }
            throw ZMQError(operation: "zmq_recv", code: code)
        }
        let fullSize = Int(size)
        return ReceivedFrame(
            size: fullSize, copiedCount: min(fullSize, bytes.count), hasMore: try hasMoreFrames)
    }

    /// `ZMQ_RCVMORE`: `true` if the last frame received was followed by more of its message.
    public var hasMoreFrames: Bool {
        get throws {
            let handle = try openHandle("zmq_getsockopt(ZMQ_RCVMORE)")
            guard let more = OptionCodec.getInt32(handle, ZMQ_RCVMORE) else {
                throw ZMQError.last("zmq_getsockopt(ZMQ_RCVMORE)")
            }
            return more != 0
        }
    }
}
