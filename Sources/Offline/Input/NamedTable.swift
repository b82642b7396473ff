import Foundation  // FileManager

/// A table and the name it is evaluated under: a results file's path relative to its results
/// directory, which is also its key in NAB's labels (`realTraffic/speed_6005.csv`).
public struct NamedTable: Sendable {
    /// The relative path.
    public var name: String
    /// The rows.
    public var table: CSVTable

    /// Pairs `table` with `name`.
    public init(name: String, table: CSVTable) {
        self.name = name
        self.table = table
    }

    /// The `.csv` files under `directory`, as sorted relative paths.
    public static func csvFiles(under directory: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw CSVError(line: 0, message: "cannot read directory \(directory)")
        }
        var names: [String] = []
        while let name = enumerator.nextObject() as? String {
            if name.hasSuffix(".csv") { names.append(name) }
        }
        return names.sorted()
    }
}
