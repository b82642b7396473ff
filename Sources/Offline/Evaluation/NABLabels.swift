import Foundation  // JSONSerialization for combined_windows.json

/// A labelled anomaly window: the rows whose timestamps lie in `start...end` (both inclusive).
public struct LabelledWindow: Codable, Equatable, Sendable {
    /// Seconds since the epoch of the window's first labelled instant.
    public var start: Double
    /// Seconds since the epoch of its last labelled instant.
    public var end: Double

    /// Creates a window.
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

/// NAB's `combined_windows.json`: for each data file (a path such as
/// `realTraffic/speed_6005.csv`), its labelled anomaly windows in time order.
public struct NABLabels: Equatable, Sendable {
    /// A labels file that cannot be read or is not shaped as NAB writes it.
    public struct FormatError: Error, Equatable, CustomStringConvertible {
        /// What is wrong, naming the file entry where there is one.
        public var message: String

        public var description: String { "labels: \(message)" }
    }

    /// Windows by relative data-file path.
    public var windows: [String: [LabelledWindow]]

    /// Creates labels from windows by file.
    public init(windows: [String: [LabelledWindow]]) { self.windows = windows }

    /// Reads a labels file.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(message: "cannot read \(path)")
        }
        try self.init(json: data)
    }

    /// Parses labels JSON: an object mapping each file to `[[start, end], …]` with times as
    /// strings (`"2014-04-10 07:15:00.000000"`) or epoch seconds.
    public init(json: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw FormatError(message: "expected an object of file → windows")
        }
        var windows: [String: [LabelledWindow]] = [:]
        for (file, value) in object {
            guard let pairs = value as? [[Any]] else {
                throw FormatError(message: "'\(file)' is not a list of [start, end] pairs")
            }
            windows[file] = try pairs.map { pair in
                guard pair.count == 2, let start = Self.time(pair[0]), let end = Self.time(pair[1]), start <= end else {
                    throw FormatError(message: "'\(file)' has a malformed window \(pair)")
                }
                return LabelledWindow(start: start, end: end)
            }.sorted { $0.start < $1.start }
        }
        self.windows = windows
    }

    private static func time(_ value: Any) -> Double? {
        if let text = value as? String { return TimestampParser.seconds(from: text) }
        if let number = value as? NSNumber { return number.doubleValue }
        return nil
    }
}

extension NABLabels {
    /// The label key a file path ends with (`…/realTraffic/speed_6005.csv` →
    /// `realTraffic/speed_6005.csv`), or the path itself.
    public func key(matching path: String) -> String {
        if windows[path] != nil { return path }
        return windows.keys.filter { path.hasSuffix("/" + $0) }.max { $0.count < $1.count } ?? path
    }
}
