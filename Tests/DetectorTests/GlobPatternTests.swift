import Detector
import Testing

@Suite struct GlobPatternTests {
    @Test(arguments: [
        ("*", "anything", true), ("*", "", true), ("pump-*", "pump-7", true), ("pump-*", "pump-", true),
        ("pump-*", "pumps", false), ("pump-?", "pump-7", true), ("pump-?", "pump-17", false),
        ("*.cpu", "servers.web1.cpu", true), ("*.cpu", "servers.web1.mem", false),
        ("servers.*.cpu", "servers.web1.cpu", true), ("a*b*c", "aXbYc", true), ("a*b*c", "aXbY", false),
        ("[abc]x", "bx", true), ("[abc]x", "dx", false), ("[!abc]x", "dx", true), ("[a-c]*", "cat", true),
        ("[a-c]*", "dog", false), ("\\*", "*", true), ("\\*", "a", false), ("[", "[", true),
        ("*a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", false), ("**x", "yx", true),
    ])
    func matching(pattern: String, key: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(key) == expected)
    }
}
