import Foundation
import Synchronization

/// What other threads ask of the work loop: stop, or apply a new configuration. The loop checks
/// it once per turn (at least every poll interval), so requests are served within milliseconds.
public final class WorkLoopControl: Sendable {
    private let stopFlag = Atomic<Bool>(false)
    private let reload = Mutex<ReloadRequest?>(nil)

    /// A configuration waiting to be applied, and where the outcome goes.
    struct ReloadRequest: Sendable {
        var configuration: Configuration
        var completion: @Sendable (Result<String, any Error>) -> Void
    }

    /// A fresh control, not stopped.
    public init() {}

    /// Asks the loop to stop: it finishes the message at hand, flushes, checkpoints and returns.
    public func requestStop() { stopFlag.store(true, ordering: .releasing) }

    /// Whether a stop was requested.
    public var isStopRequested: Bool { stopFlag.load(ordering: .acquiring) }

    /// Hands a validated configuration to the loop and waits until it is applied (or failed).
    public func apply(_ configuration: Configuration) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let request = ReloadRequest(configuration: configuration) { continuation.resume(with: $0) }
            let replaced = reload.withLock { pending in
                defer { pending = request }
                return pending
            }
            replaced?.completion(.failure(CancellationError()))
        }
    }

    /// The pending reload, taken by the loop.
    func takeReload() -> ReloadRequest? {
        reload.withLock { pending in
            defer { pending = nil }
            return pending
        }
    }
}
