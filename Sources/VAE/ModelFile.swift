import CZlib
import Foundation

/// One Float32 tensor of a model file: its shape and row-major values.
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// shape.reduce(1, *) values, row-major.
    public var values: [Float]

    /// A tensor; `values.count` must equal the product of `shape`.
    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }
}

/// Why a model file could not be read or written.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file is not safetensors at all (a CSV, say): no JSON header after the 8-byte length.
    case notSafetensors(String)
    /// The file ends before its header or data does.
    case truncated(String)
    /// The header is not the JSON object safetensors requires.
    case invalidHeader(String)
    /// A tensor has a dtype other than F32.
    case unsupportedDType(tensor: String, dtype: String)
    /// A tensor's data offsets fall outside the data or disagree with its shape.
    case badOffsets(tensor: String)
    /// A tensor the model needs is absent.
    case missingTensor(String)
    /// A tensor has another shape than the architecture requires.
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])
    /// A tensor holds NaN or ±infinity.
    case nonFinite(tensor: String)
    /// A metadata key the model needs is absent or malformed.
    case badMetadata(key: String, reason: String)
    /// The file is not an anomalyd model (its `format` metadata says otherwise).
    case unsupportedFormat(String)
    /// The file's format version is newer or older than this build reads.
    case unsupportedFormatVersion(found: String, supported: Int)
    /// The CRC-32 of the tensor data (`part` "tensor data") or of the other metadata ("metadata")
    /// differs from the one the header records: the bytes changed after they were written (a bit
    /// flip on disk, a torn copy).
    case checksumMismatch(part: String, expected: String, found: String)
    /// An operating-system error while reading or writing.
    case io(String)

    public var description: String {
        switch self {
        case .notSafetensors(let s): return "not a safetensors model file: \(s)"
        case .truncated(let s): return "model file truncated: \(s)"
        case .invalidHeader(let s): return "model file header invalid: \(s)"
        case .unsupportedDType(let t, let d): return "tensor \(t) has dtype \(d); only F32 is supported"
        case .badOffsets(let t): return "tensor \(t) has data offsets outside the file or inconsistent with its shape"
        case .missingTensor(let t): return "model file lacks tensor \(t)"
        case .shapeMismatch(let t, let e, let f): return "tensor \(t) has shape \(f), expected \(e)"
        case .nonFinite(let t): return "tensor \(t) holds NaN or infinite values"
        case .badMetadata(let k, let r): return "model file metadata \(k): \(r)"
        case .unsupportedFormat(let f): return "not an anomalyd VAE model file (format \(f))"
        case .unsupportedFormatVersion(let f, let s): return "model format version \(f) is not supported (this build reads \(s))"
        case .checksumMismatch(let p, let e, let f):
            return "\(p) checksum mismatch: CRC-32 \(f), the header records \(e) (the file was damaged after it was written)"
        case .io(let s): return "model file I/O: \(s)"
        }
    }
}

/// A safetensors file (docs/DESIGN.md §7): an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to {dtype "F32", shape, data_offsets} plus `__metadata__` (string → string), then
/// the raw little-endian data. Python's `safetensors` package reads what this writes.
///
/// Every file written carries the CRC-32 of its data section in the metadata key
/// ``checksumKey``, and the CRC-32 of the other metadata entries (sorted, as written) in
/// ``metadataChecksumKey``, both checked on every read: a bit flip in the tensor data or in a
/// metadata value (a calibration number, say) fails the read with
/// ``ModelFileError/checksumMismatch(part:expected:found:)`` instead of loading a silently
/// different model. Files written before checksums existed have no such key and are read as before
/// (``checksum`` is then nil, for the caller to warn about); the format version did not change,
/// since such a file is no less valid than it was.
public struct ModelFile: Sendable, Equatable {
    /// Tensors by name.
    public var tensors: [String: Tensor]
    /// Free-form string metadata (JSON documents are stored as strings). The checksum keys are
    /// not among them: ``serialized()`` adds them and ``init(bytes:)`` removes them.
    public var metadata: [String: String]
    /// The data section's CRC-32 as read and verified, nil for a file written without one (and
    /// for a file made in memory).
    public private(set) var checksum: UInt32?

    /// The `__metadata__` key of the data checksum: `crc32:` and 8 lowercase hex digits.
    public static let checksumKey = "data_checksum"
    /// The `__metadata__` key of the checksum of the other metadata entries, in the same form.
    public static let metadataChecksumKey = "metadata_checksum"

    /// Largest header accepted when reading (the format's own limit is 100 MB).
    static let maxHeaderBytes = 100_000_000

    /// A file from tensors and metadata.
    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
        self.metadata[Self.checksumKey] = nil
        self.metadata[Self.metadataChecksumKey] = nil
    }

    /// The metadata entries as the header holds them, `"key":"value"` in key order joined by
    /// commas: what ``metadataChecksumKey`` covers.
    static func headerText(_ metadata: [String: String]) -> String {
        metadata.keys.sorted().map { "\(JSONText.quote($0)):\(JSONText.quote(metadata[$0]!))" }.joined(separator: ",")
    }

    /// Files are equal by content; whether one was read with a checksum does not count.
    public static func == (a: ModelFile, b: ModelFile) -> Bool { a.tensors == b.tensors && a.metadata == b.metadata }

    /// zlib's CRC-32 (the IEEE polynomial, as in gzip and PNG) of `bytes`.
    public static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CZlib.crc32(0, nil, 0)
        var rest = bytes
        // zlib takes a 32-bit length: feed it in chunks.
        while !rest.isEmpty {
            let n = min(rest.count, 1 << 30)
            crc = CZlib.crc32(crc, rest.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(n))
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        return UInt32(crc)
    }

    /// The CRC-32 of a string's UTF-8 bytes.
    static func crc32(text: String) -> UInt32 {
        var text = text
        return text.withUTF8 { crc32(UnsafeRawBufferPointer($0)) }
    }

    /// `crc32:` and the checksum as 8 lowercase hex digits, as stored under ``checksumKey``.
    public static func checksumText(_ crc: UInt32) -> String {
        let hex = String(crc, radix: 16)
        return "crc32:" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Every tensor and metadata key under `prefix` (`member1.`), to be merged into another
    /// file as a namespace of its own: several models in one file.
    public func namespaced(_ prefix: String) -> ModelFile {
        ModelFile(
            tensors: Dictionary(uniqueKeysWithValues: tensors.map { (prefix + $0.key, $0.value) }),
            metadata: Dictionary(uniqueKeysWithValues: metadata.map { (prefix + $0.key, $0.value) }))
    }

    /// The entries under `prefix`, with the prefix removed: what ``namespaced(_:)`` merged in.
    public func namespace(_ prefix: String) -> ModelFile {
        func strip<V>(_ entries: [String: V]) -> [String: V] {
            var out: [String: V] = [:]
            for (key, value) in entries where key.hasPrefix(prefix) { out[String(key.dropFirst(prefix.count))] = value }
            return out
        }
        return ModelFile(tensors: strip(tensors), metadata: strip(metadata))
    }

    /// Adds `other`'s tensors and metadata; `other` wins where both have a key.
    public mutating func merge(_ other: ModelFile) {
        tensors.merge(other.tensors) { $1 }
        metadata.merge(other.metadata) { $1 }
    }

    // MARK: Writing

    /// The file's bytes: tensors in name order, header padded with spaces to 8 bytes, the data's
    /// CRC-32 in the metadata.
    public func serialized() -> [UInt8] {
        let names = tensors.keys.sorted()
        var data = [UInt8]()
        data.reserveCapacity(names.reduce(0) { $0 + tensors[$1]!.values.count * 4 })
        for name in names {
            for v in tensors[name]!.values {
                withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        var metadata = self.metadata
        (metadata[Self.checksumKey], metadata[Self.metadataChecksumKey]) = (nil, nil)
        metadata[Self.metadataChecksumKey] = Self.checksumText(Self.crc32(text: Self.headerText(metadata)))
        metadata[Self.checksumKey] = Self.checksumText(data.withUnsafeBytes { Self.crc32($0) })
        var header = "{"
        header += "\"__metadata__\":{"
        header += Self.headerText(metadata)
        header += "}"
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let bytes = t.values.count * 4
            header += ","
            header += "\(JSONText.quote(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],"
            header += "\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + headerBytes.count + data.count)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        out.append(contentsOf: data)
        return out
    }

    /// Writes atomically: a temporary file in the same directory, fsync, rename over `path`, fsync
    /// of the directory. A crash at any instant leaves the old file or the new one, never a torn one.
    public func write(to path: String) throws {
        try AtomicFile.write(serialized(), to: path)
    }

    // MARK: Reading

    /// Reads and validates the file at `path` (its checksum too, where it has one).
    public static func read(from path: String) throws -> ModelFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError.io("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        do {
            return try ModelFile(bytes: [UInt8](data))
        } catch ModelFileError.notSafetensors(let reason) {
            throw ModelFileError.notSafetensors("\(path) (\(reason))")
        }
    }

    /// Parses safetensors bytes, checking every length and offset; never traps on bad input.
    public init(bytes: [UInt8]) throws {
        // A safetensors header is a JSON object: `{` right after the length. Anything else is
        // another kind of file, not a damaged model.
        if bytes.isEmpty { throw ModelFileError.notSafetensors("the file is empty") }
        if bytes.count > 8, bytes[8] != UInt8(ascii: "{") {
            throw ModelFileError.notSafetensors("no JSON header after the 8-byte length")
        }
        guard bytes.count >= 8 else { throw ModelFileError.truncated("\(bytes.count) bytes, no header length") }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(Self.maxHeaderBytes) else { throw ModelFileError.invalidHeader("header length \(length) too large") }
        let headerEnd = 8 + Int(length)
        guard headerEnd <= bytes.count else {
            throw ModelFileError.truncated("header of \(length) bytes, file of \(bytes.count)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]), options: [])
        } catch {
            throw ModelFileError.invalidHeader("not JSON")
        }
        guard let header = object as? [String: Any] else { throw ModelFileError.invalidHeader("not a JSON object") }
        let dataSize = bytes.count - headerEnd
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let dict = value as? [String: Any] else { throw ModelFileError.invalidHeader("__metadata__ is not an object") }
                for (k, v) in dict {
                    guard let s = v as? String else { throw ModelFileError.invalidHeader("metadata \(k) is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw ModelFileError.invalidHeader("entry \(name) is not an object") }
            guard let dtype = info["dtype"] as? String else { throw ModelFileError.invalidHeader("tensor \(name) has no dtype") }
            guard dtype == "F32" else { throw ModelFileError.unsupportedDType(tensor: name, dtype: dtype) }
            guard let shape = Self.integers(info["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw ModelFileError.invalidHeader("tensor \(name) has no valid shape")
            }
            guard let offsets = Self.integers(info["data_offsets"]), offsets.count == 2 else {
                throw ModelFileError.invalidHeader("tensor \(name) has no valid data_offsets")
            }
            var count = 1
            for d in shape {
                let (p, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, p <= dataSize else { throw ModelFileError.badOffsets(tensor: name) }
                count = p
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataSize, end - begin == count * 4 else {
                throw end > dataSize ? ModelFileError.truncated("tensor \(name) ends past the data") : ModelFileError.badOffsets(tensor: name)
            }
            var values = [Float](repeating: 0, count: count)
            let base = headerEnd + begin
            for i in 0..<count {
                let p = base + 4 * i
                let bits = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        var checksum: UInt32?
        let recordedData = metadata.removeValue(forKey: Self.checksumKey)
        if let recorded = metadata.removeValue(forKey: Self.metadataChecksumKey) {
            let found = Self.checksumText(Self.crc32(text: Self.headerText(metadata)))
            guard recorded == found else { throw ModelFileError.checksumMismatch(part: "metadata", expected: recorded, found: found) }
        }
        if let recorded = recordedData {
            let found = Self.checksumText(bytes.withUnsafeBytes { Self.crc32(UnsafeRawBufferPointer(rebasing: $0[headerEnd...])) })
            guard recorded == found else {
                throw ModelFileError.checksumMismatch(part: "tensor data", expected: recorded, found: found)
            }
            checksum = UInt32(found.dropFirst("crc32:".count), radix: 16)
        }
        self.init(tensors: tensors, metadata: metadata)
        self.checksum = checksum
    }

    /// An array of non-negative integral JSON numbers, or nil.
    static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var out: [Int] = []
        for element in array {
            guard let n = element as? NSNumber else { return nil }
            let d = n.doubleValue
            guard d.isFinite, d == d.rounded(), abs(d) < 9e15 else { return nil }
            out.append(Int(d))
        }
        return out
    }
}

/// Minimal JSON text helpers for headers and metadata values.
enum JSONText {
    /// `s` as a JSON string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
