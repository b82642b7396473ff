import Daemon
import Foundation
import Logging
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let quiet = Logger(label: "lifecycle-test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Stands in for the daemon's work: runs until graceful shutdown, then records that it stopped.
private struct WorkService: Service {
    let stopped: AsyncStream<Void>.Continuation
    func run() async throws {
        try? await gracefulShutdown()
        stopped.yield()
    }
}

@Suite struct HeartbeatTests {
    @Test func ageCountsFromTheLastBeat() {
        let start = ContinuousClock.now
        let heartbeat = Heartbeat(now: start)
        #expect(heartbeat.age(now: start + .seconds(3)) == .seconds(3))
        #expect(heartbeat.isFresh(within: .seconds(5), now: start + .seconds(3)))
        #expect(!heartbeat.isFresh(within: .seconds(5), now: start + .seconds(6)))
        heartbeat.beat(now: start + .seconds(6))
        #expect(heartbeat.age(now: start + .seconds(7)) == .seconds(1))
        #expect(heartbeat.isFresh(within: .seconds(5), now: start + .seconds(7)))
    }

    @Test func beatsPingTheWatchdogAtItsInterval() throws {
        let sink = try NotifyDatagramSink()
        // WATCHDOG_USEC = 2 s, so a ping is due every second.
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": sink.path, "WATCHDOG_USEC": "2000000"])
        let start = ContinuousClock.now
        let heartbeat = Heartbeat(notifier: notifier, now: start)
        heartbeat.beat(now: start)
        #expect(sink.drain() == ["WATCHDOG=1"])
        heartbeat.beat(now: start + .milliseconds(500))
        heartbeat.beat(now: start + .milliseconds(900))
        #expect(sink.drain() == [])
        heartbeat.beat(now: start + .milliseconds(1_000))
        #expect(sink.drain() == ["WATCHDOG=1"])
        // A loop that stops beating stops the pings, however long it is stuck.
        #expect(sink.drain() == [])
    }

    @Test func withoutWatchdogBeatsSendNothing() throws {
        let sink = try NotifyDatagramSink()
        let heartbeat = Heartbeat(notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": sink.path]))
        heartbeat.beat()
        #expect(sink.drain() == [])
    }
}

@Suite(.serialized) struct DaemonServiceGroupTests {
    @Test func sighupReloadsInsideReloadingAndReadyThenShutdownSendsStopping() async throws {
        let sink = try NotifyDatagramSink()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": sink.path])
        let (reloads, reloaded) = AsyncStream.makeStream(of: Int.self)
        let (stops, stopped) = AsyncStream.makeStream(of: Void.self)
        let attempts = AttemptCounter()
        let group = await DaemonServiceGroup(
            services: [WorkService(stopped: stopped)], notifier: notifier, logger: quiet
        ) {
            let attempt = await attempts.next()
            reloaded.yield(attempt)
            if attempt == 2 { throw ReloadRejected() }
            return "serving 3 series"
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var reloadNumbers = reloads.makeAsyncIterator()

            // The trap is installed by the initializer, so SIGHUP cannot kill the test process.
            kill(getpid(), SIGHUP)
            #expect(await reloadNumbers.next() == 1)
            #expect(sink.receive()?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true)
            #expect(sink.receive() == "READY=1\nSTATUS=serving 3 series")

            kill(getpid(), SIGHUP)
            #expect(await reloadNumbers.next() == 2)
            #expect(sink.receive()?.hasPrefix("RELOADING=1") == true)
            let rejected = try #require(sink.receive())
            #expect(rejected.hasPrefix("READY=1\nSTATUS=reload rejected, running configuration kept: bad key"))
            #expect(!rejected.dropFirst("READY=1\n".count).contains("\n"))

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(sink.receive() == "STOPPING=1")
        var stopIterator = stops.makeAsyncIterator()
        #expect(await stopIterator.next() != nil)
    }

    @Test func aServiceThatDiesEndsTheGroup() async throws {
        struct Crashing: Service {
            func run() async throws { throw ReloadRejected() }
        }
        let (_, stopped) = AsyncStream.makeStream(of: Void.self)
        let group = await DaemonServiceGroup(
            services: [WorkService(stopped: stopped), Crashing()],
            notifier: SystemdNotifier(environment: [:]), logger: quiet
        ) { "" }
        await #expect(throws: ReloadRejected.self) { try await group.run() }
    }
}

private struct ReloadRejected: Error, CustomStringConvertible {
    var description: String { "bad key\ninput.bind: not an endpoint" }
}

private actor AttemptCounter {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}
