/// A shell-style glob over series keys: `*` any run of bytes, `?` one byte, `[abc]`, `[a-z]` and
/// `[!abc]` a byte class, `\x` a literal `x`. Matching is on UTF-8 bytes, anchored at both ends.
///
/// Used by model groups (docs/DESIGN.md §5: `match = "pump-*"`); the first group whose glob matches wins.
public struct GlobPattern: Sendable, Equatable, CustomStringConvertible {
    private enum Token: Equatable, Sendable {
        case byte(UInt8)
        case any  // ?
        case star  // *
        case set(negated: Bool, ranges: [ClosedRange<UInt8>])
    }

    /// The pattern as written.
    public let description: String
    private let tokens: [Token]

    /// Compiles `pattern`; an unclosed `[` is read as a literal `[`.
    public init(_ pattern: String) {
        description = pattern
        let bytes = Array(pattern.utf8)
        var tokens: [Token] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "*"):
                if tokens.last != .star { tokens.append(.star) }
                i += 1
            case UInt8(ascii: "?"):
                tokens.append(.any)
                i += 1
            case UInt8(ascii: "\\") where i + 1 < bytes.count:
                tokens.append(.byte(bytes[i + 1]))
                i += 2
            case UInt8(ascii: "["):
                if let (token, next) = Self.parseSet(bytes, from: i) {
                    tokens.append(token)
                    i = next
                } else {
                    tokens.append(.byte(b))
                    i += 1
                }
            default:
                tokens.append(.byte(b))
                i += 1
            }
        }
        self.tokens = tokens
    }

    private static func parseSet(_ bytes: [UInt8], from start: Int) -> (Token, Int)? {
        var i = start + 1
        var negated = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "!") || bytes[i] == UInt8(ascii: "^") {
            negated = true
            i += 1
        }
        var ranges: [ClosedRange<UInt8>] = []
        var first = true
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "]") && !first { return (.set(negated: negated, ranges: ranges), i + 1) }
            first = false
            if i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "-"), bytes[i + 2] != UInt8(ascii: "]") {
                ranges.append(min(b, bytes[i + 2])...max(b, bytes[i + 2]))
                i += 3
            } else {
                ranges.append(b...b)
                i += 1
            }
        }
        return nil
    }

    /// Whether the whole of `key` matches.
    public func matches(_ key: UnsafeRawBufferPointer) -> Bool {
        // Iterative wildcard matching with one backtrack point (the last `*`): linear in practice,
        // O(pattern × key) at worst, never exponential.
        var t = 0, k = 0
        var starToken = -1, starKey = 0
        while k < key.count {
            if t < tokens.count {
                switch tokens[t] {
                case .star:
                    starToken = t
                    starKey = k
                    t += 1
                    continue
                case .any:
                    t += 1
                    k += 1
                    continue
                case .byte(let b) where b == key[k]:
                    t += 1
                    k += 1
                    continue
                case .set(let negated, let ranges) where ranges.contains { $0.contains(key[k]) } != negated:
                    t += 1
                    k += 1
                    continue
                default:
                    break
                }
            }
            guard starToken >= 0 else { return false }
            t = starToken + 1
            starKey += 1
            k = starKey
        }
        while t < tokens.count, tokens[t] == .star { t += 1 }
        return t == tokens.count
    }

    /// Whether the whole of `key` matches.
    public func matches(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }
}
