import Foundation
import Testing
import ZeroMQ

/// An XSUB/XPUB proxy forwards messages and subscriptions, and stops when told to.
@Suite struct ProxyTests {
    @Test func forwardsPubSubAndStopsOnTerminate() throws {
        let context = try Context()
        let endpoints = EndpointBox()
        let ready = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { finished.signal() }
            do {
                let frontend = try context.socket(.xsub)
                let backend = try context.socket(.xpub)
                let control = try context.socket(.pair)
                try control.bind("inproc://proxy-control")
                endpoints.set(try frontend.bindLoopback(), try backend.bindLoopback())
                ready.signal()
                try Proxy.run(frontend: frontend, backend: backend, control: control)
                endpoints.finish(error: nil)
            } catch {
                endpoints.finish(error: "\(error)")
                ready.signal()
            }
        }
        thread.start()
        #expect(ready.wait(timeout: .now() + 10) == .success)
        let (frontend, backend) = try #require(endpoints.endpoints)

        let publisher = try context.testSocket(.pub)
        let subscriber = try context.testSocket(.sub)
        try publisher.connect(frontend)
        try subscriber.connect(backend)
        try subscriber.subscribe()
        try awaitSubscription(publisher: publisher, subscriber: subscriber)
        try publisher.send(["alert.pumps.pump-7", "{}"])
        #expect(try receiveSkippingProbes(subscriber) == [bytes("alert.pumps.pump-7"), bytes("{}")])

        let control = try context.testSocket(.pair)
        try control.connect("inproc://proxy-control")
        try control.send(Proxy.terminateCommand)
        #expect(finished.wait(timeout: .now() + 10) == .success)
        #expect(endpoints.error == nil)
    }
}

/// Endpoints and outcome reported by the proxy thread.
private final class EndpointBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (String, String)?
    private var finalError: String?
    func set(_ frontend: String, _ backend: String) { lock.withLock { stored = (frontend, backend) } }
    func finish(error: String?) { lock.withLock { finalError = error } }
    var endpoints: (String, String)? { lock.withLock { stored } }
    var error: String? { lock.withLock { finalError } }
}
