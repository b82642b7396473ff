import Daemon
import Logging
import Testing

@Suite struct LoggingTests {
    @Test func journaldLinesCarryPriority() {
        let line = JournalLogHandler.format(
            level: .error, label: "ingest", message: "rejected records", metadata: ["reason": "malformed"],
            journald: true, now: nil)
        #expect(line == "<3>ingest: rejected records reason=malformed\n")
    }

    @Test func plainLinesCarryTimestampAndLevel() {
        let line = JournalLogHandler.format(
            level: .warning, label: "daemon", message: "two\nlines", metadata: [:],
            journald: false, now: "2026-11-25T00:00:00.000Z")
        #expect(line == "2026-11-25T00:00:00.000Z WARNING daemon: two\\nlines\n")
    }

    @Test func prioritiesFollowSyslog() {
        #expect(JournalLogHandler.priority(of: .critical) == 2)
        #expect(JournalLogHandler.priority(of: .info) == 6)
        #expect(JournalLogHandler.priority(of: .debug) == 7)
    }

    @Test func rateLimiterAdmitsOncePerIntervalAndCountsTheRest() {
        var limiter = LogRateLimiter<String>(interval: .seconds(10))
        let start = ContinuousClock.now
        #expect(limiter.admit("malformed", now: start) == (true, 0))
        #expect(limiter.admit("malformed", now: start + .seconds(1)) == (false, 0))
        #expect(limiter.admit("malformed", now: start + .seconds(2)) == (false, 0))
        #expect(limiter.admit("too_large", now: start + .seconds(2)) == (true, 0))
        #expect(limiter.admit("malformed", now: start + .seconds(11)) == (true, 2))
        #expect(limiter.admit("malformed", now: start + .seconds(12)) == (false, 0))
    }
}
