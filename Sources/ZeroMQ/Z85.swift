/// Z85, ZeroMQ's printable encoding of binary data (RFC 32): every 4 bytes become 5 characters
/// from an 85-character alphabet that is safe in source code, config files and shell arguments.
/// CURVE keys travel as 40-character Z85 strings.
public enum Z85 {
    /// The RFC 32 alphabet, indexed by digit value.
    static let alphabet = Array(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    /// Digit value per ASCII code, or 0xFF for characters outside the alphabet.
    static let digits: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    /// Encodes `bytes`, whose count must be a multiple of 4.
    public static func encode(_ bytes: some Collection<UInt8>) throws(Z85Error) -> String {
        guard bytes.count % 4 == 0 else { throw .invalidLength(bytes.count) }
        var characters = [UInt8]()
        characters.reserveCapacity(bytes.count / 4 * 5)
        var value: UInt32 = 0
        for (offset, byte) in bytes.enumerated() {
            value = value << 8 | UInt32(byte)
            guard offset % 4 == 3 else { continue }
            var divisor: UInt32 = 85 * 85 * 85 * 85
            while divisor > 0 {
                characters.append(alphabet[Int(value / divisor % 85)])
                divisor /= 85
            }
            value = 0
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Decodes `string`, whose length must be a multiple of 5.
    public static func decode(_ string: String) throws(Z85Error) -> [UInt8] {
        let characters = Array(string.utf8)
        guard characters.count % 5 == 0 else { throw .invalidLength(characters.count) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(characters.count / 5 * 4)
        var index = 0
        while index < characters.count {
            var value: UInt64 = 0
            for character in characters[index..<index + 5] {
                let digit = digits[Int(character)]
                guard digit != 0xFF else { throw .invalidCharacter(offset: index) }
                value = value * 85 + UInt64(digit)
            }
            guard value <= UInt64(UInt32.max) else { throw .overflow(offset: index) }
            bytes.append(UInt8(truncatingIfNeeded: value >> 24))
            bytes.append(UInt8(truncatingIfNeeded: value >> 16))
            bytes.append(UInt8(truncatingIfNeeded: value >> 8))
            bytes.append(UInt8(truncatingIfNeeded: value))
            index += 5
        }
        return bytes
    }
}

/// Why ``Z85`` could not encode or decode its input.
public enum Z85Error: Error, Sendable, Equatable {
    /// Binary input must be a multiple of 4 bytes, text a multiple of 5 characters.
    case invalidLength(Int)
    /// A character outside the Z85 alphabet, in the 5-character group starting at `offset`.
    case invalidCharacter(offset: Int)
    /// The 5-character group starting at `offset` encodes more than 32 bits.
    case overflow(offset: Int)
}
