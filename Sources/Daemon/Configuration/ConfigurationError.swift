/// One problem in a configuration file: the dotted key it concerns and what is wrong.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// Dotted key path, e.g. `group[0].training.epochs`; empty for a file-level problem.
    public var key: String
    /// What is wrong, in one line.
    public var message: String

    /// A problem about `key`.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { key.isEmpty ? message : "\(key): \(message)" }
}

/// A configuration that cannot be used: every problem found, so a user fixes them in one pass.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// Where the configuration came from (a path, or `<string>`).
    public var source: String
    /// Every problem found.
    public var problems: [ConfigurationProblem]

    public var description: String {
        problems.map { "\(source): \($0)" }.joined(separator: "\n")
    }
}
