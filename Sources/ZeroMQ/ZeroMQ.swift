import CZeroMQ

/// Facts about the libzmq this module runs on.
public enum ZeroMQModule {
    /// libzmq's version as `(major, minor, patch)`, e.g. `(4, 3, 4)`.
    public static var version: (major: Int, minor: Int, patch: Int) {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (Int(major), Int(minor), Int(patch))
    }
}
