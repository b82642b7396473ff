#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A POSIX thread that runs one closure and can be joined, so that a stop is complete (the
/// thread has closed its socket) when ``join()`` returns.
final class JoinableThread {
    #if canImport(Darwin)
    private var thread: pthread_t?
    #else
    private var thread = pthread_t()
    #endif
    private var isJoined = false

    /// Starts a thread running `body`.
    init(_ body: @escaping @Sendable () -> Void) throws {
        final class Payload {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let payload = Unmanaged.passRetained(Payload(body)).toOpaque()
        let result = pthread_create(&thread, nil, { argument in
            #if canImport(Darwin)
            let payload = Unmanaged<Payload>.fromOpaque(argument).takeRetainedValue()
            #else
            let payload = Unmanaged<Payload>.fromOpaque(argument!).takeRetainedValue()
            #endif
            payload.body()
            return nil
        }, payload)
        if result != 0 {
            Unmanaged<Payload>.fromOpaque(payload).release()
            throw ZMQError(operation: "pthread_create", code: result)
        }
    }

    /// Waits for the thread to finish. Idempotent; must not be called from the thread itself.
    func join() {
        guard !isJoined else { return }
        isJoined = true
        #if canImport(Darwin)
        if let thread { pthread_join(thread, nil) }
        #else
        pthread_join(thread, nil)
        #endif
    }
}
