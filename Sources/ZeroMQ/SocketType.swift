import CZeroMQ

/// The ZeroMQ socket types this module supports, named as in the zguide.
public enum SocketType: Sendable, CaseIterable, CustomStringConvertible {
    /// Publisher: fans messages out to subscribers, dropping them at the high-water mark.
    case pub
    /// Subscriber: receives the messages whose first frame starts with a subscribed prefix.
    case sub
    /// Publisher that also receives subscription messages (proxies, last-value caches).
    case xpub
    /// Subscriber that sends subscriptions as messages (proxies).
    case xsub
    /// Exclusive pair: one peer, both directions.
    case pair
    /// Pipeline producer: round-robins messages to pullers.
    case push
    /// Pipeline consumer: fair-queues messages from pushers.
    case pull
    /// Asynchronous reply side; prefixes each message with its peer's routing id.
    case router
    /// Synchronous reply side: strictly receive, then send.
    case rep
    /// Synchronous request side: strictly send, then receive.
    case req
    /// Asynchronous request side: round-robins sends, fair-queues receives.
    case dealer

    /// The `ZMQ_*` constant for `zmq_socket`.
    var rawValue: Int32 {
        switch self {
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .xpub: ZMQ_XPUB
        case .xsub: ZMQ_XSUB
        case .pair: ZMQ_PAIR
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        case .router: ZMQ_ROUTER
        case .rep: ZMQ_REP
        case .req: ZMQ_REQ
        case .dealer: ZMQ_DEALER
        }
    }

    public var description: String {
        switch self {
        case .pub: "PUB"
        case .sub: "SUB"
        case .xpub: "XPUB"
        case .xsub: "XSUB"
        case .pair: "PAIR"
        case .push: "PUSH"
        case .pull: "PULL"
        case .router: "ROUTER"
        case .rep: "REP"
        case .req: "REQ"
        case .dealer: "DEALER"
        }
    }
}
