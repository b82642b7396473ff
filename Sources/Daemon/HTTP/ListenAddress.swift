/// Where the metrics listener binds: `metrics.listen` as `host:port` (docs/DESIGN.md §5), with IPv6 hosts in
/// brackets (`[::1]:9464`). Port 0 asks the kernel for a free port; ``MetricsServer/localPort()``
/// then tells which one it got.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A host name or literal address, without brackets.
    public var host: String
    /// The TCP port, 0...65535.
    public var port: Int

    /// An address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `metrics.listen`. Returns nil for the empty string, which disables the listener.
    /// - Throws: ``ListenAddressError`` naming the key and the bad value.
    public init?(parsing text: String, key: String = "metrics.listen") throws {
        if text.isEmpty { return nil }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw ListenAddressError(key: key, value: text)
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw ListenAddressError(key: key, value: text) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            // An unbracketed host with a colon is an IPv6 literal that needs brackets.
            guard !host.contains(":") else { throw ListenAddressError(key: key, value: text) }
        }
        guard !host.isEmpty, !portText.isEmpty, portText.allSatisfy({ ("0"..."9").contains($0) }),
            let port = Int(portText), port <= 65535
        else {
            throw ListenAddressError(key: key, value: text)
        }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, bracketing IPv6 literals.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
