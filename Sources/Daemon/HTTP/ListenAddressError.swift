/// A `metrics.listen` value that is not `host:port`.
public struct ListenAddressError: Error, Equatable, CustomStringConvertible {
    /// The configuration key, e.g. `metrics.listen`.
    public var key: String
    /// The rejected value.
    public var value: String

    /// An error for `value` of `key`.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    public var description: String {
        "\(key): \"\(value)\" is not host:port (IPv6 as [addr]:port, port 0-65535, \"\" to disable)"
    }
}
