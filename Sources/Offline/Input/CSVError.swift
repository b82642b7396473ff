/// A CSV input problem, with the 1-based line it was found on.
public struct CSVError: Error, Equatable, CustomStringConvertible {
    /// The 1-based line number (1 is the header; 0 when the problem is not on one line).
    public var line: Int
    /// What is wrong, naming the column where there is one.
    public var message: String

    /// Creates an error.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}
