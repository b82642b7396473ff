/// An endpoint without a transport, such as `127.0.0.1:5556` for `tcp://127.0.0.1:5556`: refused
/// before libzmq sees it, which would only answer "Invalid argument".
public struct EndpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The endpoint as given.
    public let endpoint: String

    /// The error for `endpoint` when it names no transport (`tcp://`, `ipc://`, `inproc://`, …);
    /// nil when it does.
    public init?(checking endpoint: String) {
        guard !endpoint.contains("://") else { return nil }
        self.endpoint = endpoint
    }

    public var description: String {
        let tcp = endpoint.contains(":") ? "tcp://\(endpoint)" : "tcp://\(endpoint.isEmpty ? "HOST" : endpoint):PORT"
        return "endpoint '\(endpoint)' has no transport: write tcp://host:port (here \(tcp)), ipc://path or inproc://name"
    }
}
