import Foundation
import Testing
@testable import VAE

@Suite struct ModelFileTests {
    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vae-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// Removes the temporary directory holding `path`.
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    static let extraMetadata = ["normalization": "{\"mean\":0.5,\"std\":2}", "note": "quotes \" and \\ and\nnewline ünïcödé"]

    @Test func saveLoadScoreIsBitExact() throws {
        let model = Trained.result.model
        let path = Self.temporaryPath("model.safetensors")
        defer { Self.remove(path) }
        try model.write(to: path, version: 7, metadata: Self.extraMetadata)
        let (loaded, metadata) = try VAEModel.read(from: path)
        #expect(loaded == model)
        #expect(metadata["version"] == "7" && metadata["format"] == "anomalyd-vae" && metadata["format_version"] == "1")
        for (k, v) in Self.extraMetadata { #expect(metadata[k] == v) }
        let a = Scorer(model: model).score(Trained.normalWindows)
        let b = Scorer(model: loaded).score(Trained.normalWindows)
        #expect(a.map(\.nll.bitPattern) == b.map(\.nll.bitPattern))
        #expect(a.map(\.latentDistance.bitPattern) == b.map(\.latentDistance.bitPattern))
        // No temporary file is left next to the model.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(siblings == ["model.safetensors"])
    }

    @Test func rewritingReplacesTheFileAtomically() throws {
        let path = Self.temporaryPath("m.safetensors")
        defer { Self.remove(path) }
        let model = try VAEModel(config: Synthetic.smallConfig(window: 8), seed: 1)
        try model.write(to: path, version: 1)
        try model.write(to: path, version: 2)
        #expect(try VAEModel.read(from: path).metadata["version"] == "2")
    }

    @Test func truncatedFilesThrow() throws {
        let bytes = try VAEModel(config: Synthetic.smallConfig(window: 8), seed: 1).modelFile().serialized()
        for length in [0, 3, 8, 20, bytes.count / 2, bytes.count - 1] {
            #expect(throws: ModelFileError.self) { _ = try VAEModel(file: try ModelFile(bytes: Array(bytes.prefix(length)))) }
        }
    }

    @Test func corruptedHeadersThrow() throws {
        let bytes = try VAEModel(config: Synthetic.smallConfig(window: 8), seed: 1).modelFile().serialized()
        var huge = bytes; huge[7] = 0x7F                      // header length ≈ 9e18
        var notJSON = bytes; notJSON[8] = UInt8(ascii: "x")
        var badDType = bytes
        let f32 = Array("\"F32\"".utf8)
        let at = try #require((8..<(bytes.count - f32.count)).first { Array(bytes[$0..<($0 + f32.count)]) == f32 })
        badDType[at + 2] = UInt8(ascii: "1")                 // "F12"
        for corrupt in [huge, notJSON, badDType] {
            #expect(throws: ModelFileError.self) { _ = try VAEModel(file: try ModelFile(bytes: corrupt)) }
        }
        // Random byte flips never crash: each either throws or yields a model of the same shape.
        var rng = SeededRandom(seed: 17)
        for _ in 0..<300 {
            var b = bytes
            for _ in 0..<3 { b[Int(rng.next() % UInt64(b.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
            if let model = try? VAEModel(file: try ModelFile(bytes: b)) { #expect(model.parameterCount > 0) }
        }
    }

    /// The data checksum: every written file carries one; a bit flip anywhere in the tensor data
    /// fails the read with a checksum mismatch; a file written without one (before checksums)
    /// still reads, with ``ModelFile/checksum`` nil.
    @Test func aBitFlipInTensorDataFailsTheChecksumAndAFileWithoutOneStillReads() throws {
        let model = try VAEModel(config: Synthetic.smallConfig(window: 8), seed: 1)
        let bytes = model.modelFile().serialized()
        let clean = try ModelFile(bytes: bytes)
        let crc = try #require(clean.checksum)
        #expect(clean.metadata[ModelFile.checksumKey] == nil, "the checksum is not model metadata")
        #expect(clean == model.modelFile())
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        let dataStart = 8 + Int(length)
        let header = String(decoding: bytes[8..<dataStart], as: UTF8.self)
        #expect(header.contains("\"\(ModelFile.checksumKey)\":\"\(ModelFile.checksumText(crc))\""), "\(header.prefix(300))")
        // Every bit of a sample of positions, the first and last data byte included: a flip
        // that leaves the value finite (most do) would otherwise load as a different model.
        var rng = SeededRandom(seed: 5)
        var positions = [dataStart, bytes.count - 1]
        for _ in 0..<40 { positions.append(dataStart + Int(rng.next() % UInt64(bytes.count - dataStart))) }
        for position in positions {
            for bit in 0..<8 {
                var flipped = bytes
                flipped[position] ^= UInt8(1 << bit)
                #expect(throws: ModelFileError.self) { _ = try ModelFile(bytes: flipped) }
                do {
                    _ = try ModelFile(bytes: flipped)
                } catch let error as ModelFileError {
                    guard case .checksumMismatch("tensor data", let expected, _) = error else {
                        Issue.record("byte \(position) bit \(bit): \(error), not a checksum mismatch")
                        continue
                    }
                    #expect(expected == ModelFile.checksumText(crc))
                    #expect(error.description.contains("checksum"))
                }
            }
        }
        // A changed metadata value (the header stays valid JSON) fails the metadata checksum.
        let version = "\"version\":\"1\""
        #expect(header.contains(version))
        var changed = Array(bytes[0..<8]) + Array(header.replacingOccurrences(of: version, with: "\"version\":\"7\"").utf8)
        changed += bytes[dataStart...]
        #expect(throws: ModelFileError.self) { _ = try ModelFile(bytes: changed) }
        do {
            _ = try ModelFile(bytes: changed)
        } catch let error as ModelFileError {
            guard case .checksumMismatch("metadata", _, _) = error else {
                Issue.record("a changed metadata value: \(error), not a metadata checksum mismatch")
                return
            }
        }
        // A file without the key (as an older build wrote it): the same bytes, the key taken out
        // of the header and the header padded back to its length, so the offsets still hold.
        let entry = ",\"\(ModelFile.checksumKey)\":\"\(ModelFile.checksumText(crc))\""
        let withoutKey = header.replacingOccurrences(of: entry, with: "")
        #expect(withoutKey.count == header.count - entry.count)
        var old = Array(bytes[0..<8]) + Array(withoutKey.utf8) + [UInt8](repeating: 0x20, count: entry.utf8.count)
        old += bytes[dataStart...]
        let legacy = try ModelFile(bytes: old)
        #expect(legacy.checksum == nil)
        #expect(try VAEModel(file: legacy) == model)
    }

    @Test func wrongShapesVersionsAndFormatsThrowClearErrors() throws {
        let model = try VAEModel(config: Synthetic.smallConfig(window: 8), seed: 1)
        var file = model.modelFile()
        file.tensors["decoder.mu.weight"]!.shape = [4, 32]
        file.tensors["decoder.mu.weight"]!.values = [Float](repeating: 0, count: 128)
        #expect(throws: ModelFileError.shapeMismatch(tensor: "decoder.mu.weight", expected: [8, 32], found: [4, 32])) {
            _ = try VAEModel(file: try ModelFile(bytes: file.serialized()))
        }
        var newer = model.modelFile()
        newer.metadata["format_version"] = "2"
        #expect(throws: ModelFileError.unsupportedFormatVersion(found: "2", supported: 1)) {
            _ = try VAEModel(file: try ModelFile(bytes: newer.serialized()))
        }
        var other = model.modelFile()
        other.metadata["format"] = "something-else"
        #expect(throws: ModelFileError.unsupportedFormat("something-else")) { _ = try VAEModel(file: other) }
        var missing = model.modelFile()
        missing.tensors["encoder.layers.0.bias"] = nil
        #expect(throws: ModelFileError.missingTensor("encoder.layers.0.bias")) { _ = try VAEModel(file: missing) }
        var badArchitecture = model.modelFile()
        badArchitecture.metadata["architecture"] = "{\"input_size\":-1}"
        #expect(throws: ModelFileError.self) { _ = try VAEModel(file: badArchitecture) }
        #expect(throws: ModelFileError.self) { _ = try ModelFile.read(from: "/nonexistent/dir/m.safetensors") }
        #expect(throws: ModelFileError.self) { try model.write(to: "/nonexistent/dir/m.safetensors") }
        let error = ModelFileError.shapeMismatch(tensor: "t", expected: [2], found: [3])
        #expect(error.description.contains("t") && error.description.contains("[2]"))
    }

    @Test func pythonSafetensorsReadsOurFile() throws {
        let model = Trained.result.model
        let path = Self.temporaryPath("py.safetensors")
        defer { Self.remove(path) }
        try model.write(to: path, version: 3, metadata: Self.extraMetadata)
        let script = """
        import json, sys
        from safetensors import safe_open
        from safetensors.numpy import load_file
        tensors = load_file(sys.argv[1])
        with safe_open(sys.argv[1], framework="numpy") as f:
            meta = f.metadata()
        print(json.dumps({"shapes": {k: list(v.shape) for k, v in tensors.items()},
                          "dtypes": sorted({str(v.dtype) for v in tensors.values()}),
                          "sum": float(sum(float(v.astype("float64").sum()) for v in tensors.values())),
                          "metadata": meta}))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with safetensors failed (is it installed?): \(errors)")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let shapes = try #require(json["shapes"] as? [String: [Int]])
        for (name, shape) in model.tensorShapes { #expect(shapes[name] == shape, "\(name)") }
        #expect(shapes["latent.covariance"] == [4, 4])
        #expect(json["dtypes"] as? [String] == ["float32"])
        let metadata = try #require(json["metadata"] as? [String: String])
        #expect(metadata["version"] == "3" && metadata["format_version"] == "1")
        for (k, v) in Self.extraMetadata { #expect(metadata[k] == v) }
        let architecture = try #require(metadata["architecture"])
        #expect(architecture.contains("\"latent\":4") && architecture.contains("\"hidden\":[32,32]"))
        let stats = try #require(model.latentStatistics)
        let all: [Float] = model.parameters + stats.mean + stats.covariance
        let expected: Double = all.reduce(0.0) { $0 + Double($1) }
        #expect(abs((json["sum"] as? Double ?? .nan) - expected) < 1e-6 * max(1, abs(expected)))
    }
}
