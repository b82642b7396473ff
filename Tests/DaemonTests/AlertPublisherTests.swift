@testable import Detector
import Foundation
import Synchronization
import Testing
import ZeroMQ

@testable import Daemon

/// A stalled alert subscriber (connected, never reading) costs the other subscribers nothing, and
/// what it misses is counted (`alerts_missed_total`), over real TCP sockets on loopback.
@Suite struct AlertPublisherTests {
    static func alert(_ n: Int) -> AlertMessage {
        AlertMessage(
            event: AlertEvent(
                state: .open, episodeID: String(format: "%016x", n), time: 1_700_000_000 + Double(n), score: 14.2,
                threshold: 9.7, severity: 1.46, anomalyScore: 0.999,
                window: AlertWindow(start: 1_699_999_000, end: 1_700_000_000 + Double(n), points: 120)),
            series: "pump-\(n % 50)", group: "pumps", reconstructionNLL: 812.3, reconstructionScore: 11.0,
            latentDistance: 6.1, latentScore: 3.2,
            fields: [.init(name: "temp", contribution: 0.83, value: 98.1, expected: 71.0)],
            model: .init(version: 7, trainedAt: "2026-11-24T19:00:00Z"), host: "test")
    }

    /// Counts what a subscriber receives, on its own thread, until told to stop.
    final class Reader: @unchecked Sendable {
        let received = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        let done = DispatchSemaphore(value: 0)

        init(context: Context, endpoint: String) throws {
            let ready = DispatchSemaphore(value: 0)
            Thread { [self] in
                defer { done.signal() }
                guard let socket = try? context.socket(.sub) else {
                    ready.signal()
                    return
                }
                defer { socket.close(linger: .zero) }
                try? socket.set(.receiveHighWaterMark, to: 0)
                try? socket.set(.receiveTimeout, to: .milliseconds(50))
                try? socket.subscribe("")
                try? socket.connect(endpoint)
                ready.signal()
                let buffer = MessageBuffer()
                while !stopping.load(ordering: .relaxed) {
                    if (try? socket.receive(into: buffer)) != nil { received.add(1, ordering: .relaxed) }
                }
            }.start()
            ready.wait()
        }

        func stop() {
            stopping.store(true, ordering: .relaxed)
            done.wait()
        }
    }

    @Test func aStalledSubscriberMissesCountedAlertsWhileTheOthersGetEveryOne() async throws {
        let context = try Context()
        let pub = try context.socket(.pub)
        try pub.set(.sendHighWaterMark, to: 1_000)
        try pub.set(.xpubNoDrop, to: true)  // as SocketSet sets it
        try pub.bind("tcp://127.0.0.1:*")
        let endpoint = try pub.lastEndpoint
        // The stalled one: connected and subscribed, with a tiny kernel buffer, never reading.
        let stalled = try context.socket(.sub)
        try stalled.set(.receiveHighWaterMark, to: 1)
        try stalled.set(.receiveBuffer, to: 4096)
        try stalled.subscribe("")
        try stalled.connect(endpoint)
        let reader = try Reader(context: context, endpoint: endpoint)
        try await Task.sleep(for: .milliseconds(500))  // both subscriptions reach the PUB

        let metrics = DaemonMetrics()
        let publisher = AlertPublisher(socket: pub, topicPrefix: "alert.", metrics: metrics)
        let detector = StreamingDetector(groups: [GroupConfiguration()])
        // In chunks the reader drains between, so only the stalled subscriber can fall behind.
        let chunk = 500, chunks = 60
        var sent = 0
        for _ in 0..<chunks {
            for _ in 0..<chunk {
                publisher.detector(detector, alert: Self.alert(sent))
                sent += 1
            }
            let caughtUp = await waitUntil(seconds: 10) { reader.received.load(ordering: .relaxed) == sent }
            #expect(caughtUp, "reader has \(reader.received.load(ordering: .relaxed)) of \(sent)")
            if !caughtUp { break }
        }
        reader.stop()
        var exposition: [UInt8] = []
        metrics.emit(into: &exposition)
        let line = String(decoding: exposition, as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix("anomalyd_alerts_missed_total ") }
        let missed = try #require(line.flatMap { Double($0.split(separator: " ")[1]) }.map { Int($0) })
        #expect(reader.received.load(ordering: .relaxed) == sent, "the reading subscriber got every alert")
        #expect(missed > 0, "the stalled subscriber's queue never filled")
        #expect(missed < sent)
        #expect(publisher.failedSends == 0)
        stalled.close(linger: .zero)
        pub.close(linger: .zero)
    }

    func waitUntil(seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }
}
