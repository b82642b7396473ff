/// The version this build reports in `anomalyd --version`, model files and `anomalyd_build_info`.
public enum BuildInfo {
    /// Semantic version of anomalyd.
    public static let version = "0.1.0"
}
