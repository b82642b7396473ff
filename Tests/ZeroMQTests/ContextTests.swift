import Foundation
import Testing
import ZeroMQ

/// Context shutdown unblocks socket-owning threads, which then close their sockets.
@Suite struct ContextTests {
    @Test func shutdownUnblocksAReceiveOnAnotherThread() throws {
        let context = try Context()
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let outcome = OutcomeBox()
        let thread = Thread {
            do {
                let pull = try context.socket(.pull)  // no receive timeout: blocks until ETERM
                try pull.bind("inproc://shutdown-test")
                started.signal()
                _ = try pull.receiveMessage()
                outcome.set("received")
            } catch let error as ZMQError {
                outcome.set(error.isContextTerminated ? "terminated" : error.description)
            } catch {
                outcome.set("\(error)")
            }
            finished.signal()
        }
        thread.start()
        #expect(started.wait(timeout: .now() + 10) == .success)
        Thread.sleep(forTimeInterval: 0.1)
        context.shutdown()
        context.shutdown()  // idempotent
        #expect(context.isShuttingDown)
        #expect(finished.wait(timeout: .now() + 10) == .success)
        #expect(outcome.value == "terminated")
        #expect(throws: ZMQError.self) { try context.socket(.pub) }
    }

    @Test func versionIsLibzmq4() {
        #expect(ZeroMQModule.version.major == 4)
    }
}

/// A string set by one thread and read by another.
private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = ""
    func set(_ value: String) { lock.withLock { stored = value } }
    var value: String { lock.withLock { stored } }
}
