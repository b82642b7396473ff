#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A decimal number read from a line.
struct DecimalNumber {
    /// The correctly rounded value; ±infinity when the literal overflows a Double.
    var value: Double
    /// The index just past the number's last byte.
    var end: Int
}

/// Exact powers of ten: every one of them is a Double without rounding.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// Reads a decimal number starting at `base[start]`, stopping at the first byte that
/// cannot continue it; the caller checks what follows.
///
/// `json: true` accepts exactly RFC 8259's grammar `-? (0 | [1-9][0-9]*) (.[0-9]+)?
/// ([eE][+-]?[0-9]+)?`. `json: false` is the lenient grammar of Influx and Graphite
/// floats: an optional `+` or `-`, leading zeros, and a bare `.5` or `5.`.
///
/// The conversion is correctly rounded. Up to 19 significant digits are gathered into
/// an integer; when it is at most 2^53 and the decimal exponent within ±22, one IEEE
/// multiplication or division of two exact values gives the answer (Clinger's fast path).
/// Anything else is rewritten as `digits e exponent` (no radix character, so the C locale
/// does not matter) in the scratch text buffer and handed to `strtod`.
@inline(__always)
func scanDecimal(
    _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, json: Bool, scratch: RecordScratch
) throws(LineError) -> DecimalNumber {
    var i = start
    var negative = false
    if i < end && base[i] == UInt8(ascii: "-") {
        negative = true
        i += 1
    } else if !json && i < end && base[i] == UInt8(ascii: "+") {
        i += 1
    }
    var mantissa: UInt64 = 0
    var significant = 0
    var exponent = 0
    var digits = 0

    if json {
        guard i < end, base[i] &- 0x30 < 10 else { throw .malformed(i, "invalid number") }
        if base[i] == UInt8(ascii: "0") {
            i += 1
            digits = 1
        }
    }
    if digits == 0 {
        while i < end {
            let digit = base[i] &- 0x30
            if digit >= 10 { break }
            if mantissa == 0 && digit == 0 {
                // A leading zero carries no precision.
            } else if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                significant += 1
            } else {
                significant += 1
                exponent += 1
            }
            digits += 1
            i += 1
        }
    }
    if i < end && base[i] == UInt8(ascii: ".") {
        i += 1
        var fractionDigits = 0
        while i < end {
            let digit = base[i] &- 0x30
            if digit >= 10 { break }
            if mantissa == 0 && digit == 0 {
                exponent -= 1
            } else if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                significant += 1
                exponent -= 1
            } else {
                significant += 1
            }
            fractionDigits += 1
            i += 1
        }
        if json && fractionDigits == 0 { throw .malformed(i, "invalid number") }
        digits += fractionDigits
    }
    if digits == 0 { throw .malformed(i, "invalid number") }
    let mantissaEnd = i
    var explicitExponent = 0
    if i < end && (base[i] | 0x20) == UInt8(ascii: "e") {
        i += 1
        var exponentNegative = false
        if i < end && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) {
            exponentNegative = base[i] == UInt8(ascii: "-")
            i += 1
        }
        let exponentStart = i
        while i < end {
            let digit = base[i] &- 0x30
            if digit >= 10 { break }
            if explicitExponent < 100_000_000 { explicitExponent = explicitExponent * 10 + Int(digit) }
            i += 1
        }
        if i == exponentStart { throw .malformed(i, "invalid number") }
        if exponentNegative { explicitExponent = -explicitExponent }
    }
    exponent += explicitExponent

    var value: Double
    if mantissa == 0 {
        value = 0
    } else if significant <= 19 && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
        value = Double(mantissa)
        value = exponent < 0 ? value / exactPowersOfTen[-exponent] : value * exactPowersOfTen[exponent]
    } else {
        value = convertWithStrtod(base, start, mantissaEnd, explicitExponent, scratch)
        return DecimalNumber(value: value, end: i)
    }
    return DecimalNumber(value: negative ? -value : value, end: i)
}

/// The slow, always correct conversion: `[-]DIGITSe<exponent>` in the scratch text, then
/// `strtod`. `start..<mantissaEnd` holds the sign, digits and point already validated.
private func convertWithStrtod(
    _ base: UnsafePointer<UInt8>, _ start: Int, _ mantissaEnd: Int, _ explicitExponent: Int,
    _ scratch: RecordScratch
) -> Double {
    let text = scratch.text
    var out = 0
    var fractionDigits = 0
    var inFraction = false
    var i = start
    while i < mantissaEnd {
        let byte = base[i]
        if byte == UInt8(ascii: ".") {
            inFraction = true
        } else if byte != UInt8(ascii: "+") {
            text[out] = byte
            out += 1
            if inFraction { fractionDigits += 1 }
        }
        i += 1
    }
    text[out] = UInt8(ascii: "e")
    out += 1
    var exponent = explicitExponent - fractionDigits
    if exponent < 0 {
        text[out] = UInt8(ascii: "-")
        out += 1
        exponent = -exponent
    }
    // Decimal digits of the exponent, most significant first.
    var reversed = 0
    var count = 0
    repeat {
        reversed = reversed * 10 + exponent % 10
        exponent /= 10
        count += 1
    } while exponent > 0
    while count > 0 {
        text[out] = UInt8(0x30 + reversed % 10)
        out += 1
        reversed /= 10
        count -= 1
    }
    text[out] = 0
    return UnsafeMutableRawPointer(text).withMemoryRebound(to: CChar.self, capacity: out + 1) {
        strtod($0, nil)
    }
}

/// Whether `base[start..<end]` is exactly `nan`, `inf` or `infinity` in any case, with an
/// optional sign: the spellings of missing values that Graphite and Influx floats allow.
func isNonFiniteWord(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    var i = start
    if i < end && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) { i += 1 }
    @inline(__always) func matches(_ word: StaticString) -> Bool {
        guard end - i == word.utf8CodeUnitCount else { return false }
        let letters = word.utf8Start
        var k = 0
        while k < word.utf8CodeUnitCount {
            if base[i + k] | 0x20 != letters[k] { return false }
            k += 1
        }
        return true
    }
    return matches("nan") || matches("inf") || matches("infinity")
}
