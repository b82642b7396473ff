import CZeroMQ

// The options anomalyd uses, named after what they mean rather than their C spelling.

extension SocketOption where Value == Int {
    /// `ZMQ_SNDHWM`: outgoing messages queued per peer before PUB drops or others block.
    public static var sendHighWaterMark: Self { OptionCodec.int("ZMQ_SNDHWM", ZMQ_SNDHWM) }
    /// `ZMQ_RCVHWM`: incoming messages queued per peer before the sender is pushed back on.
    public static var receiveHighWaterMark: Self { OptionCodec.int("ZMQ_RCVHWM", ZMQ_RCVHWM) }
    /// `ZMQ_RCVBUF`: the kernel's receive buffer for the socket's connections, in bytes
    /// (`SO_RCVBUF`; 0 or -1 leaves the OS default).
    public static var receiveBuffer: Self { OptionCodec.int("ZMQ_RCVBUF", ZMQ_RCVBUF) }
}

extension SocketOption where Value == Int? {
    /// `ZMQ_MAXMSGSIZE`: the largest inbound message in bytes; a peer sending a bigger one is
    /// disconnected. `nil` means no limit.
    public static var maxMessageSize: Self {
        SocketOption(
            "ZMQ_MAXMSGSIZE", ZMQ_MAXMSGSIZE,
            write: { OptionCodec.setInt64($0, $1, $2.map(Int64.init) ?? -1) },
            read: { OptionCodec.getInt64($0, $1).map { $0 < 0 ? nil : Int($0) } })
    }
}

extension SocketOption where Value == Duration? {
    /// `ZMQ_LINGER`: how long unsent messages are kept after close; `nil` means until delivered.
    public static var linger: Self { OptionCodec.timeout("ZMQ_LINGER", ZMQ_LINGER) }
    /// `ZMQ_RCVTIMEO`: how long a blocking receive waits before failing with `EAGAIN`;
    /// `nil` means forever.
    public static var receiveTimeout: Self { OptionCodec.timeout("ZMQ_RCVTIMEO", ZMQ_RCVTIMEO) }
    /// `ZMQ_SNDTIMEO`: how long a blocking send waits before failing with `EAGAIN`;
    /// `nil` means forever.
    public static var sendTimeout: Self { OptionCodec.timeout("ZMQ_SNDTIMEO", ZMQ_SNDTIMEO) }
}

extension SocketOption where Value == Duration {
    /// `ZMQ_HEARTBEAT_IVL`: how often to send ZMTP PINGs; zero disables heartbeats.
    public static var heartbeatInterval: Self {
        OptionCodec.duration("ZMQ_HEARTBEAT_IVL", ZMQ_HEARTBEAT_IVL)
    }
    /// `ZMQ_HEARTBEAT_TIMEOUT`: how long to wait for any traffic after a PING before dropping
    /// the connection; zero means the interval.
    public static var heartbeatTimeout: Self {
        OptionCodec.duration("ZMQ_HEARTBEAT_TIMEOUT", ZMQ_HEARTBEAT_TIMEOUT)
    }
    /// `ZMQ_HEARTBEAT_TTL`: asks the peer to drop the connection if it hears nothing from us for
    /// this long (sent with our PINGs; libzmq keeps deciseconds).
    public static var heartbeatTimeToLive: Self {
        OptionCodec.duration("ZMQ_HEARTBEAT_TTL", ZMQ_HEARTBEAT_TTL)
    }
    /// `ZMQ_RECONNECT_IVL`: the pause before reconnecting a dropped connection.
    public static var reconnectInterval: Self {
        OptionCodec.duration("ZMQ_RECONNECT_IVL", ZMQ_RECONNECT_IVL)
    }
    /// `ZMQ_HANDSHAKE_IVL`: how long a ZMTP (and CURVE) handshake may take; zero means forever.
    public static var handshakeInterval: Self {
        OptionCodec.duration("ZMQ_HANDSHAKE_IVL", ZMQ_HANDSHAKE_IVL)
    }
}

extension SocketOption where Value == Bool {
    /// `ZMQ_IMMEDIATE`: queue messages only to completed connections, not to peers still
    /// connecting.
    public static var immediate: Self { OptionCodec.bool("ZMQ_IMMEDIATE", ZMQ_IMMEDIATE) }
    /// `ZMQ_CURVE_SERVER`: act as CURVE server; also set ``curveSecretKey``.
    public static var curveServer: Self { OptionCodec.bool("ZMQ_CURVE_SERVER", ZMQ_CURVE_SERVER) }
    /// `ZMQ_XPUB_VERBOSE`: pass every subscription to the XPUB reader, not just new ones.
    /// Write-only in libzmq.
    public static var xpubVerbose: Self { OptionCodec.bool("ZMQ_XPUB_VERBOSE", ZMQ_XPUB_VERBOSE) }
    /// `ZMQ_XPUB_NODROP` (PUB and XPUB): at a subscriber's high-water mark a non-blocking send
    /// fails with `EAGAIN` instead of silently dropping the message for that subscriber, so the
    /// sender learns of it. Write-only in libzmq.
    public static var xpubNoDrop: Self { OptionCodec.bool("ZMQ_XPUB_NODROP", ZMQ_XPUB_NODROP) }
}

extension SocketOption where Value == String {
    /// `ZMQ_CURVE_PUBLICKEY`: this socket's long-term public key (Z85, 40 characters).
    public static var curvePublicKey: Self {
        OptionCodec.curveKey("ZMQ_CURVE_PUBLICKEY", ZMQ_CURVE_PUBLICKEY)
    }
    /// `ZMQ_CURVE_SECRETKEY`: this socket's long-term secret key (Z85, 40 characters).
    public static var curveSecretKey: Self {
        OptionCodec.curveKey("ZMQ_CURVE_SECRETKEY", ZMQ_CURVE_SECRETKEY)
    }
    /// `ZMQ_CURVE_SERVERKEY`: on a CURVE client, the server's public key (Z85, 40 characters).
    public static var curveServerKey: Self {
        OptionCodec.curveKey("ZMQ_CURVE_SERVERKEY", ZMQ_CURVE_SERVERKEY)
    }
    /// `ZMQ_ZAP_DOMAIN`: the domain sent to the ZAP handler with each authentication request.
    public static var zapDomain: Self {
        SocketOption(
            "ZMQ_ZAP_DOMAIN", ZMQ_ZAP_DOMAIN,
            write: { OptionCodec.setString($0, $1, $2) },
            read: { OptionCodec.getString($0, $1, capacity: 256) })
    }
    /// `ZMQ_LAST_ENDPOINT` (read-only): see ``Socket/lastEndpoint``.
    public static var lastEndpoint: Self {
        SocketOption(
            "ZMQ_LAST_ENDPOINT", ZMQ_LAST_ENDPOINT,
            write: { handle, code, _ in zmq_setsockopt(handle, code, nil, 0) },  // EINVAL: read-only
            read: { OptionCodec.getString($0, $1) })
    }
}

extension SocketOption where Value == [UInt8] {
    /// `ZMQ_ROUTING_ID`: the identity a ROUTER peer sees for this socket (1–255 bytes, not
    /// starting with a zero byte). Set before connecting.
    public static var routingID: Self {
        SocketOption(
            "ZMQ_ROUTING_ID", ZMQ_ROUTING_ID,
            write: { OptionCodec.setBytes($0, $1, $2) },
            read: { OptionCodec.getBytes($0, $1, capacity: 255) })
    }
}
