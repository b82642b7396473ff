import CZeroMQ

/// Caller-owned, reusable storage for received multipart messages.
///
/// It keeps one initialized `zmq_msg_t` per frame slot and hands them to `zmq_msg_recv`, which
/// releases a slot's previous content before filling it. Slots are only ever added, so once the
/// buffer has seen the largest frame count of a stream, receiving allocates nothing on the Swift
/// side (libzmq stores frames of up to 33 bytes inline and reference-counts larger ones).
///
/// Frames are exposed as `UnsafeRawBufferPointer`s that stay valid until the next receive into
/// the buffer, ``removeAll()``, or deinitialization. Copy what must outlive that. Like ``Socket``,
/// a buffer belongs to one thread at a time.
///
/// A message with more than ``maxFrames`` frames is still consumed whole (so the stream stays in
/// step), but only the first ``maxFrames`` are kept and ``isTruncated`` is set.
public final class MessageBuffer: RandomAccessCollection {
    /// The most frames kept per message.
    public let maxFrames: Int
    /// Frame slots, each individually allocated so that growing never moves a `zmq_msg_t`.
    private var slots: [UnsafeMutablePointer<zmq_msg_t>] = []
    /// Receives (and drops) the frames beyond ``maxFrames``.
    private let overflow: UnsafeMutablePointer<zmq_msg_t>
    /// The number of frames of the last message kept in the buffer.
    public private(set) var frameCount = 0
    /// `true` if the last message had more than ``maxFrames`` frames.
    public private(set) var isTruncated = false
    /// How many frames of the last message were dropped because of ``maxFrames``.
    public private(set) var droppedFrameCount = 0

    /// Creates an empty buffer.
    /// - Parameters:
    ///   - maxFrames: frames kept per message; later frames are received and dropped.
    ///   - reservingFrames: slots to create up front (more are added on demand).
    public init(maxFrames: Int = 64, reservingFrames: Int = 2) {
        precondition(maxFrames > 0, "a message has at least one frame")
        self.maxFrames = maxFrames
        overflow = MessageBuffer.makeSlot()
        for _ in 0..<Swift.min(reservingFrames, maxFrames) { slots.append(MessageBuffer.makeSlot()) }
    }

    deinit {
        for slot in slots { MessageBuffer.destroy(slot) }
        MessageBuffer.destroy(overflow)
    }

    // MARK: Collection

    public var startIndex: Int { 0 }
    public var endIndex: Int { frameCount }

    /// The bytes of frame `index`, valid until the buffer is next written.
    public subscript(index: Int) -> UnsafeRawBufferPointer {
        precondition(index >= 0 && index < frameCount, "frame index out of range")
        let message = slots[index]
        return UnsafeRawBufferPointer(start: zmq_msg_data(message), count: zmq_msg_size(message))
    }

    /// A copy of frame `index`.
    public func bytes(at index: Int) -> [UInt8] { Array(self[index]) }

    /// Frame `index` decoded as UTF-8 (invalid sequences become U+FFFD).
    public func string(at index: Int) -> String { String(decoding: self[index], as: UTF8.self) }

    /// The total size of the kept frames in bytes.
    public var byteCount: Int { reduce(0) { $0 + $1.count } }

    /// Releases every frame's content now (slots are kept for reuse).
    public func removeAll() {
        for slot in slots {
            zmq_msg_close(slot)
            zmq_msg_init(slot)
        }
        frameCount = 0
        isTruncated = false
        droppedFrameCount = 0
    }

    // MARK: Filling (used by Socket.receive(into:))

    /// Starts a new message; old frame contents are released as their slots are reused.
    func beginMessage() {
        frameCount = 0
        isTruncated = false
        droppedFrameCount = 0
    }

    /// The slot for the next frame: a kept slot, or the overflow slot past ``maxFrames``.
    func nextSlot() -> UnsafeMutablePointer<zmq_msg_t> {
        if frameCount < maxFrames {
            if frameCount == slots.count { slots.append(MessageBuffer.makeSlot()) }
            return slots[frameCount]
        }
        return overflow
    }

    /// The `zmq_msg_t` of kept frame `index`, for ``Socket/send(moving:flags:)``.
    func slot(at index: Int) -> UnsafeMutablePointer<zmq_msg_t> {
        precondition(index >= 0 && index < frameCount, "frame index out of range")
        return slots[index]
    }

    /// Records that the frame returned by the last ``nextSlot()`` was received.
    func commitFrame() {
        if frameCount < maxFrames {
            frameCount += 1
        } else {
            isTruncated = true
            droppedFrameCount += 1
        }
    }

    private static func makeSlot() -> UnsafeMutablePointer<zmq_msg_t> {
        let slot = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        zmq_msg_init(slot)
        return slot
    }

    private static func destroy(_ slot: UnsafeMutablePointer<zmq_msg_t>) {
        zmq_msg_close(slot)
        slot.deallocate()
    }
}

/// A buffer belongs to one thread at a time, like the socket it is filled from.
@available(*, unavailable)
extension MessageBuffer: Sendable {}
