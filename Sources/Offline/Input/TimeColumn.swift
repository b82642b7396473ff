/// The time column of a CSV file as it is read, row by row: each cell parsed (a date, or an epoch
/// number in the file's ``EpochUnit``), checked to lie in the years 1–9999 and not to go back in
/// time. Equal times are allowed (the detector drops duplicates as the daemon does).
struct TimeColumn {
    /// The column's name, for messages.
    let name: String
    /// Seconds since the epoch, one per row so far.
    private(set) var seconds: [Double] = []
    /// The unit of the file's epoch numbers, once the first one decided it.
    private(set) var unit: EpochUnit?
    private var previous: (line: Int, text: String)?

    init(name: String) {
        self.name = name
    }

    /// 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years a time may fall in.
    private static let range = -62_135_596_800.0..<253_402_300_800.0

    /// Reads the time cell `text` of line `line`.
    mutating func append(_ text: String, line: Int) throws {
        let time: Double
        if let date = TimestampParser.date(from: text[...]) {
            time = date
        } else if let number = Double(text), number.isFinite {
            let unit = self.unit ?? EpochUnit(firstValue: number)
            self.unit = unit
            time = number / unit.perSecond
            guard Self.range.contains(time) else {
                throw CSVError(line: line, message: "column '\(name)': \(text) is not a time in \(unit.rawValue)"
                    + " since the epoch, this file's unit (decided by its first epoch number's magnitude)")
            }
        } else {
            throw CSVError(line: line, message: "column '\(name)': cannot read '\(text)' as a time")
        }
        if let last = seconds.last, time < last, let previous {
            throw CSVError(line: line, message: "column '\(name)': \(text) is earlier than \(previous.text) on line"
                + " \(previous.line): rows must be in ascending time order (sort the file by time first)")
        }
        seconds.append(time)
        previous = (line, text)
    }
}
