/// The port a listener ended up bound to, for callers that wait on it (port 0 binds anywhere).
/// Resolved once: with the port when the socket is listening, or with an error if it never will be.
actor BoundPort {
    private var result: Result<Int, any Error>?
    private var waiters: [CheckedContinuation<Int, any Error>] = []

    /// Waits until the port is known.
    func value() async throws -> Int {
        if let result { return try result.get() }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    /// Settles the port; later calls are ignored.
    func resolve(_ outcome: Result<Int, any Error>) {
        guard result == nil else { return }
        result = outcome
        for waiter in waiters { waiter.resume(with: outcome) }
        waiters = []
    }
}
