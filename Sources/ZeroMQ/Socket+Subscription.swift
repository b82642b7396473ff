import CZeroMQ

extension Socket {
    /// On a SUB socket, receives the messages whose first frame starts with `prefix`;
    /// the empty prefix receives everything. Subscriptions reach the publisher asynchronously
    /// (the zguide's "slow joiner"), so messages published right after may still be missed.
    public func subscribe(_ prefix: String = "") throws {
        try subscribe(bytes: Array(prefix.utf8))
    }

    /// Subscribes to a binary topic prefix; see ``subscribe(_:)``.
    public func subscribe(bytes prefix: [UInt8]) throws {
        let handle = try openHandle("zmq_setsockopt(ZMQ_SUBSCRIBE)")
        try check(OptionCodec.setBytes(handle, ZMQ_SUBSCRIBE, prefix), "zmq_setsockopt(ZMQ_SUBSCRIBE)")
    }

    /// Removes one earlier subscription to exactly `prefix`.
    public func unsubscribe(_ prefix: String = "") throws {
        try unsubscribe(bytes: Array(prefix.utf8))
    }

    /// Removes one earlier subscription to the binary `prefix`.
    public func unsubscribe(bytes prefix: [UInt8]) throws {
        let handle = try openHandle("zmq_setsockopt(ZMQ_UNSUBSCRIBE)")
        try check(
            OptionCodec.setBytes(handle, ZMQ_UNSUBSCRIBE, prefix), "zmq_setsockopt(ZMQ_UNSUBSCRIBE)")
    }
}
