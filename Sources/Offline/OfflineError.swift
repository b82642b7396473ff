/// A failure of an offline run that is not about one line of a CSV file (see ``CSVError``),
/// reported as its one-line reason.
public struct OfflineError: Error, Equatable, CustomStringConvertible {
    /// The reason.
    public let description: String

    /// A failure with `description` as its reason.
    public init(_ description: String) {
        self.description = description
    }
}
