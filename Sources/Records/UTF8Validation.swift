/// The length of the well-formed UTF-8 sequence that starts with the non-ASCII byte at
/// `base[i]` and ends before `end`, or 0 if it is ill-formed (Unicode Table 3-7: no
/// overlong forms, no surrogates, nothing above U+10FFFF).
@inline(__always)
func utf8SequenceLength(_ base: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
    let lead = base[i]
    @inline(__always) func continuation(_ at: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
        at < end && base[at] >= low && base[at] <= high
    }
    switch lead {
    case 0xC2...0xDF:
        return continuation(i + 1) ? 2 : 0
    case 0xE0:
        return continuation(i + 1, 0xA0) && continuation(i + 2) ? 3 : 0
    case 0xE1...0xEC, 0xEE...0xEF:
        return continuation(i + 1) && continuation(i + 2) ? 3 : 0
    case 0xED:
        return continuation(i + 1, 0x80, 0x9F) && continuation(i + 2) ? 3 : 0
    case 0xF0:
        return continuation(i + 1, 0x90) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
    case 0xF1...0xF3:
        return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
    case 0xF4:
        return continuation(i + 1, 0x80, 0x8F) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
    default:
        return 0
    }
}

/// Writes the UTF-8 encoding of `scalar` (at most 4 bytes) at `out` and returns its length.
@inline(__always)
func encodeUTF8(_ scalar: UInt32, into out: UnsafeMutablePointer<UInt8>) -> Int {
    switch scalar {
    case 0..<0x80:
        out[0] = UInt8(scalar)
        return 1
    case 0x80..<0x800:
        out[0] = UInt8(0xC0 | (scalar >> 6))
        out[1] = UInt8(0x80 | (scalar & 0x3F))
        return 2
    case 0x800..<0x10000:
        out[0] = UInt8(0xE0 | (scalar >> 12))
        out[1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
        out[2] = UInt8(0x80 | (scalar & 0x3F))
        return 3
    default:
        out[0] = UInt8(0xF0 | (scalar >> 18))
        out[1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
        out[2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
        out[3] = UInt8(0x80 | (scalar & 0x3F))
        return 4
    }
}
