import Detector
import Foundation
import Logging
import Records
import ZeroMQ

/// The daemon's work loop: receive → parse → window → score → publish, on one thread, with the
/// VAE passes of a batch on the ``ScoringThread`` when there is one (two cores or more).
///
/// One turn polls the input socket (at most ``pollInterval``) and drains every message already
/// queued (up to ``burstLimit``). While more messages wait, the windows completed so far go to the
/// scoring thread whenever it is idle, so it scores while this thread parses; once the input is
/// drained the rest is scored here, in one BLAS batch, and the alerts leave at once: under load
/// the batches grow, when idle a record's alert leaves within the turn, with no thread hand-over.
/// Between bursts it beats the heartbeat (which sends `WATCHDOG=1`: a stuck loop stops the
/// pings), installs models the training thread finished, hands it the next job, checkpoints, and
/// applies reloads.
///
/// The steady state allocates nothing per record: the message buffer, the parser's scratch, the
/// series table and the batch buffers are all reused.
final class WorkLoop {
    static let pollInterval = Duration.milliseconds(50)
    static let burstLimit = 4096
    static let statusInterval = Duration.seconds(10)

    private let context: Context
    private let metrics: DaemonMetrics
    private let heartbeat: Heartbeat
    private let notifier: SystemdNotifier
    private let control: WorkLoopControl
    private let logger: Logger
    private let training: TrainingWorker
    /// Scores batches on another core while this thread windows the next records; nil where the
    /// split does not pay (see ``ScoringThread/pays``).
    private let scoring: ScoringThread?
    private let store: ModelStore
    private let episodeStore: EpisodeStore
    private var configuration: Configuration
    private var sockets: SocketSet
    private var poller = Poller()
    private var publisher: AlertPublisher
    private var detector: StreamingDetector
    private var parser: RecordParser
    private let message = MessageBuffer()
    private var rejectLog = LogRateLimiter<RejectReason>()
    private var lastCheckpoint = ContinuousClock.now
    private var lastStatus = ContinuousClock.now
    private var recordsSinceStatus = 0
    /// Why the loop stopped on its own, if it did (the service then ends the daemon with an error).
    private(set) var failure: (any Error)?
    private var lastRate = 0.0
    /// Records stamped later than this are rejected as `future_timestamp` (the burst's clock plus
    /// `limits.max_future`).
    private var futureHorizon = Double.infinity
    /// The model of each group as last written (its version and live calibration), so a
    /// checkpoint writes only what changed.
    private var savedModels: [Int: TrainedModel] = [:]
    /// The bytes of the episodes file as last written.
    private var savedEpisodes: [UInt8]?
    /// When each activity epoch of the detector began (``StreamingDetector/activityEpoch``): a
    /// series whose last record predates an epoch that began `series_idle` ago is idle.
    private var epochStarts: [(epoch: Int32, at: ContinuousClock.Instant)] = [(0, .now)]
    private var lastExpiryScan = ContinuousClock.now
    /// The last time of receipt handed out, so those of records without a timestamp strictly increase.
    private var lastReceipt = -Double.infinity
    /// The ZAP handler's counts already copied into the metrics.
    private var curveCounted = (allowed: 0, denied: 0)
    #if DEBUG
    /// Fault injection for tests (debug builds only): `ANOMALYD_FAULT_HANG_WORK_LOOP_AFTER=<seconds>`
    /// makes the loop hang for good that long after it starts, so the watchdog pings must stop.
    private let hangAfter = ProcessInfo.processInfo.environment["ANOMALYD_FAULT_HANG_WORK_LOOP_AFTER"].flatMap(Double.init)
    #endif

    /// Binds the sockets, builds the detector and loads saved models. Throws what stops start-up.
    init(setup: IngestService.Setup) throws {
        let configuration = setup.configuration
        self.configuration = configuration
        context = setup.context
        metrics = setup.metrics
        heartbeat = setup.heartbeat
        notifier = setup.notifier
        control = setup.control
        store = setup.store
        episodeStore = EpisodeStore(directory: setup.store.directory)
        logger = setup.logger
        sockets = try SocketSet(context: context, configuration: configuration, metrics: metrics)
        // Only once nothing below can throw: the training and scoring threads live until `stop()`.
        training = TrainingWorker()
        scoring = ScoringThread.pays ? ScoringThread() : nil
        _ = poller.register(sockets.input, for: .readable)
        publisher = AlertPublisher(
            socket: sockets.output, topicPrefix: configuration.output.topicPrefix, metrics: metrics)
        parser = Self.parser(for: configuration)
        detector = Self.detector(for: configuration)
        detector.sink = publisher
        detector.scoringExecutor = scoring
        detector.scoringObserver = metrics
        let stale = store.removeStaleTemporaryFiles()
        if !stale.isEmpty {
            logger.notice("removed the temporary files of unfinished writes", metadata: ["files": "\(stale)"])
        }
        loadModels()
        logger.info(
            "listening",
            metadata: [
                "input": "\(sockets.inputEndpoints + configuration.input.connect)",
                "output": "\(sockets.outputEndpoints)", "curve": "\(configuration.security.curve)",
            ])
    }

    /// Endpoints bound by the input and output sockets.
    var boundEndpoints: (input: [String], output: [String]) { (sockets.inputEndpoints, sockets.outputEndpoints) }

    /// Runs until ``WorkLoopControl/requestStop()``, then flushes, checkpoints and closes.
    func run() {
        metrics.setReady(true)
        notifier.ready(status: statusLine())
        #if DEBUG
        let started = ContinuousClock.now
        #endif
        while !control.isStopRequested {
            #if DEBUG
            if let hangAfter, ContinuousClock.now - started >= .milliseconds(Int64(hangAfter * 1000)) {
                logger.warning("fault injection: the work loop hangs now (ANOMALYD_FAULT_HANG_WORK_LOOP_AFTER)")
                while true { sleep(3600) }
            }
            #endif
            heartbeat.beat()
            if let reload = control.takeReload() { apply(reload) }
            manageTraining()
            housekeeping()
            do {
                guard try poller.poll(timeout: Self.pollInterval) > 0 else {
                    detector.finishScoring()  // a burst that ended at the limit: its last alerts
                    continue
                }
                try drain()
            } catch let error as ZMQError where error.isInterrupted {
                continue
            } catch let error as ZMQError where error.isContextTerminated {
                break
            } catch {
                logger.error("receive failed", metadata: ["error": "\(error)"])
            }
        }
        shutdown()
    }

    // MARK: Receiving

    private func drain() throws {
        publisher.burstStarted = .now
        // Read once per burst: a record is "from the future" against the clock of its burst.
        futureHorizon = Self.wallClock() + configuration.limits.maxFuture
        var received = 0
        var more = try sockets.input.tryReceive(into: message)
        while more {
            received += 1
            handleMessage()
            guard received < Self.burstLimit else { break }
            more = try sockets.input.tryReceive(into: message)
            // Split: with more input waiting, hand the windows so far to the scoring thread
            // whenever it is idle (and send the alerts of a batch it has finished), so it scores
            // while this thread parses; alerts no longer wait for the end of a backlog.
            if more && scoring != nil { detector.flushIfScorerIdle() }
        }
        if received == Self.burstLimit {
            // More is waiting: the last batch is scored on the other core while the next burst
            // is received.
            detector.flush()
        } else {
            // Drained: nothing to overlap the scoring with, so it runs here (alerts out now),
            // without a hand-over to wait for.
            detector.flushInline()
        }
        metrics.seriesActive.set(Int64(detector.seriesCount))
    }

    private func handleMessage() {
        // The receiver counted the message into the queue's bytes; it leaves the queue now.
        defer { sockets.receiver.release(InputReceiver.cost(of: message)) }
        // [topic, payload] or [payload] (docs/DESIGN.md §3); frames after the topic are each a payload.
        let payloads = message.frameCount > 1 ? 1..<message.frameCount : 0..<message.frameCount
        var bytes = 0
        for index in payloads { bytes += message[index].count }
        var records = 0, accepted = 0
        if bytes > configuration.input.maxMessageBytes || message.isTruncated {
            // Not parsed, but its records are counted, so received = accepted + rejected holds.
            // (At least one: a message of blank lines over the limit is still refused once.)
            for index in payloads { records += parser.recordCount(in: message[index]) }
            records = max(records, 1)
            reject(.tooLarge, count: records, sample: nil)
        } else {
            for index in payloads {
                let payload = message[index]
                parser.parse(payload) { record in
                    records += 1
                    // The clock is read only for records without a timestamp (docs/DESIGN.md §3: missing →
                    // time of receipt), once per record: a burst of them must not share one time,
                    // or all but the first of a series would be dropped as duplicates.
                    let receivedAt = record.recordTime == nil ? receiptTime() : 0
                    if let time = record.recordTime, time > futureHorizon {
                        reject(.futureTimestamp, sample: (payload, record.line))
                    } else if case .rejected(let reason) = detector.ingest(record, receivedAt: receivedAt) {
                        reject(reason, sample: (payload, record.line))
                    } else {
                        accepted += 1
                    }
                } onReject: { error in
                    records += 1
                    reject(error.reason, sample: (payload, error.line))
                }
            }
        }
        metrics.messageReceived(bytes: bytes, records: records, accepted: accepted)
        recordsSinceStatus += records
    }

    /// The wall clock, nudged forward when it has not moved since the last call: times of receipt
    /// strictly increase.
    private func receiptTime() -> Double {
        let now = max(Self.wallClock(), lastReceipt.nextUp)
        lastReceipt = now
        return now
    }

    /// Counts `count` records rejected for `reason` and logs one, rate-limited, with its sample.
    private func reject(
        _ reason: RejectReason, count: Int = 1, sample: (payload: UnsafeRawBufferPointer, line: Range<Int>)?
    ) {
        metrics.recordRejected(reason, count: Int64(count))
        let (admitted, suppressed) = rejectLog.admit(reason)
        guard admitted else { return }
        var metadata: Logger.Metadata = ["reason": "\(reason.label)", "suppressed": "\(suppressed)"]
        if let sample {
            let line = sample.line.clamped(to: 0..<sample.payload.count)
            let shown = line.prefix(200)
            metadata["sample"] = "\(String(decoding: UnsafeRawBufferPointer(rebasing: sample.payload[shown]), as: UTF8.self))"
        }
        logger.warning("rejected record", metadata: metadata)
    }

    // MARK: Training, checkpoints, status

    private func manageTraining() {
        for outcome in training.takeFinished() {
            switch outcome.result {
            case .success(let model):
                let event = detector.install(model)
                let result: DaemonMetrics.TrainingResult = event.action == .rejected ? .rejected : .trained
                metrics.modelTrained(result, duration: outcome.duration)
                var metadata: Logger.Metadata = [
                    "group": "\(event.group)", "version": "\(event.version)",
                    "windows": "\(event.trainingWindows)", "seconds": "\(Self.seconds(outcome.duration))",
                ]
                if !event.reason.isEmpty { metadata["reason"] = "\(event.reason)" }
                logger.info("model \(event.action.rawValue)", metadata: metadata)
            case .failure(let error):
                detector.abandon(outcome.job)
                metrics.modelTrained(.failed, duration: outcome.duration)
                logger.error("training failed", metadata: ["group": "\(outcome.job.configuration.name)", "error": "\(error)"])
            }
        }
        if !training.isBusy, let job = detector.nextTrainingJob() {
            training.submit(job)
        }
    }

    private func housekeeping() {
        let now = ContinuousClock.now
        countCurve()
        metrics.seriesActive.set(Int64(detector.seriesCount))
        metrics.inputQueueBytes.set(Int64(sockets.receiver.queued))
        expireIdleSeries(now: now)
        if now - lastCheckpoint >= .seconds(configuration.state.checkpointEvery) {
            checkpoint()
            lastCheckpoint = now
        }
        if now - lastStatus >= Self.statusInterval {
            let seconds = (now - lastStatus) / .seconds(1)
            lastRate = Double(recordsSinceStatus) / seconds
            notifier.status(statusLine())
            recordsSinceStatus = 0
            lastStatus = now
        }
    }

    /// Every eighth of `series_idle` (between 0.1 s and an hour), forgets the series idle for at
    /// least `series_idle` (at most an eighth more) and starts a new activity epoch. One scan is a
    /// pass over the series; a compaction only when some expired.
    private func expireIdleSeries(now: ContinuousClock.Instant) {
        let idle = configuration.limits.seriesIdle
        let interval = Duration.milliseconds(Int64(min(max(idle / 8, 0.1), 3600) * 1000))
        guard now - lastExpiryScan >= interval else { return }
        lastExpiryScan = now
        if let cutoff = epochStarts.last(where: { now - $0.at >= .milliseconds(Int64(idle * 1000)) }) {
            let expired = detector.expireSeries(idleBefore: cutoff.epoch)
            if !expired.isEmpty {
                metrics.seriesExpired.increment(by: Int64(expired.count))
                metrics.seriesActive.set(Int64(detector.seriesCount))
                logger.info(
                    "idle series expired",
                    metadata: ["count": "\(expired.count)", "first": "\(expired.prefix(5))", "idle_seconds": "\(idle)"])
            }
            epochStarts.removeAll { $0.epoch < cutoff.epoch }
        }
        detector.activityEpoch += 1
        epochStarts.append((detector.activityEpoch, now))
    }

    /// Copies the ZAP handler's admitted and refused counts into the metrics (docs/DESIGN.md §9: refusals
    /// are counted). The handler counts on its own thread; this adds what is new since last time.
    private func countCurve() {
        guard let authenticator = sockets.authenticator else { return }
        let allowed = authenticator.allowedCount, denied = authenticator.deniedCount
        if allowed > curveCounted.allowed { metrics.curveAllowed.increment(by: Int64(allowed - curveCounted.allowed)) }
        if denied > curveCounted.denied { metrics.curveDenied.increment(by: Int64(denied - curveCounted.denied)) }
        curveCounted = (allowed, denied)
    }

    /// The one-line `STATUS=`: series, the record rate over the last status interval, models ready.
    private func statusLine() -> String {
        let ready = (0..<configuration.groups.count).filter { detector.trainedModel(group: $0) != nil }.count
        return "\(detector.seriesCount) series, \(Int(lastRate.rounded())) records/s, "
            + "models ready \(ready)/\(configuration.groups.count)"
    }

    /// A duration in seconds, for log metadata.
    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }

    /// Saves every group model whose version or live calibration (the judge's online state)
    /// changed since it was last written, and the open episodes when they changed; with `force`
    /// (at shutdown) all of them. A write that fails leaves the previous file as it was (the
    /// write is atomic): it is logged with the file and counted, and the daemon goes on serving;
    /// the next checkpoint tries again.
    private func checkpoint(force: Bool = false) {
        for group in configuration.groups.indices {
            guard let model = detector.trainedModel(group: group) else { continue }
            if !force, let saved = savedModels[group], saved.version == model.version,
               saved.evidenceTail == model.evidenceTail, saved.rangeCalibration == model.rangeCalibration
            {
                continue
            }
            do {
                try store.save(model)
                savedModels[group] = model
                metrics.modelFilesWritten.increment()
            } catch {
                metrics.checkpointFailures.increment()
                logger.error(
                    "checkpoint failed; the previous model file is kept",
                    metadata: ["group": "\(model.group)", "file": "\(store.path(ofGroup: model.group))", "error": "\(error)"])
            }
        }
        do {
            let bytes = try episodeStore.serialized(detector.openEpisodes())
            guard force || bytes != savedEpisodes else { return }
            try episodeStore.write(bytes)
            savedEpisodes = bytes
        } catch {
            metrics.checkpointFailures.increment()
            logger.error(
                "checkpoint of the open episodes failed; the previous file is kept",
                metadata: ["file": "\(episodeStore.path)", "error": "\(error)"])
        }
    }

    /// Installs each group's saved model. A file that cannot be used is logged with its path and
    /// the cause, and the group trains afresh; the start goes on (no crash loop under systemd's
    /// restart policy). A damaged file (truncated, a checksum mismatch, malformed) is moved aside
    /// as `<file>.corrupt-<UTC time>`, the newest three kept; a valid file that does not fit the
    /// configuration (another configuration hash, other fields, a newer format) stays where it
    /// is until the group's next checkpoint replaces it. Then restores the open episodes.
    private func loadModels() {
        for (index, group) in configuration.groups.enumerated() {
            do {
                guard let loaded = try store.load(group: group) else { continue }
                let event: ModelEvent
                do {
                    event = try detector.load(loaded.model, intoGroup: index)
                } catch {
                    throw SavedModelError(path: loaded.path, error: error)
                }
                if loaded.checksummed {
                    savedModels[index] = loaded.model
                } else {
                    // Left out of savedModels: the next checkpoint rewrites it with a checksum.
                    logger.warning(
                        "saved model has no checksum (written by an older build); used, and rewritten with one",
                        metadata: ["group": "\(group.name)", "file": "\(loaded.path)"])
                }
                logger.info(
                    "model loaded", metadata: ["group": "\(group.name)", "version": "\(event.version)", "file": "\(loaded.path)"])
            } catch let error as SavedModelError {
                var metadata: Logger.Metadata = [
                    "group": "\(group.name)", "file": "\(error.path)", "kind": "\(error.kind.rawValue)", "error": "\(error.cause)",
                ]
                if error.kind == .damaged {
                    metrics.modelFilesDamaged.increment()
                    do {
                        metadata["moved_to"] = "\(try store.moveAside(error.path))"
                    } catch let move {
                        metadata["move_failed"] = "\(move)"
                    }
                }
                logger.warning("saved model not used; the group trains afresh", metadata: metadata)
            } catch {
                logger.warning("saved model not used; the group trains afresh", metadata: ["group": "\(group.name)", "error": "\(error)"])
            }
        }
        do {
            let episodes = try episodeStore.load()
            detector.restoreEpisodes(episodes)
            savedEpisodes = try episodeStore.serialized(detector.openEpisodes())
            if !episodes.isEmpty {
                logger.info("open episodes restored", metadata: ["series": "\(episodes.count)", "file": "\(episodeStore.path)"])
            }
        } catch {
            // Episodes are lost, not the models: the next checkpoint writes a good file.
            logger.warning("saved episodes not used", metadata: ["file": "\(episodeStore.path)", "error": "\(error)"])
        }
    }

    // MARK: Reload and shutdown

    private func apply(_ request: WorkLoopControl.ReloadRequest) {
        let new = request.configuration
        do {
            // The authorised keys are re-read on every reload (an operator adds a client's key
            // and sends SIGHUP); a key file that cannot be read rejects the reload before
            // anything changes.
            let keys = new.security.curve ? try CurveKeys(settings: new.security) : nil
            var rewired = false
            if new.input != configuration.input || new.security != configuration.security
                || new.output.bind != configuration.output.bind || new.output.sendHWM != configuration.output.sendHWM
            {
                // The same endpoints cannot be bound twice: close first, and on failure reopen
                // the running configuration's sockets.
                countCurve()
                drainToTheEnd()
                sockets.close()
                do {
                    sockets = try SocketSet(
                        context: context, configuration: new, metrics: metrics, retryingBusyAddresses: true)
                } catch {
                    do {
                        sockets = try SocketSet(
                            context: context, configuration: configuration, metrics: metrics,
                            retryingBusyAddresses: true)
                        rewire(topicPrefix: configuration.output.topicPrefix)
                    } catch let reopen {
                        // Neither configuration can be served (an endpoint was taken meanwhile):
                        // stop with an error rather than run deaf.
                        logger.critical(
                            "cannot reopen the running configuration's sockets; stopping",
                            metadata: ["error": "\(reopen)"])
                        control.requestStop()
                        failure = reopen
                    }
                    throw error
                }
                rewire(topicPrefix: new.output.topicPrefix)
                rewired = true
            } else if let keys, let authenticator = sockets.authenticator {
                authenticator.replaceAuthorizedKeys(with: keys.authorizedKeys)
            }
            if !rewired && new.output.topicPrefix != configuration.output.topicPrefix {
                // Only the topics change: the sockets stay, and so do their connections.
                publisher = AlertPublisher(socket: sockets.output, topicPrefix: new.output.topicPrefix, metrics: metrics)
                detector.sink = publisher
            }
            if new.groups != configuration.groups || new.limits != configuration.limits {
                checkpoint()
                // Let a running training job finish (its model belongs to the old groups), beating
                // meanwhile: the loop is waiting on bounded work, not stuck.
                let deadline = ContinuousClock.now + .seconds(30)
                while !training.waitUntilIdle(timeout: .milliseconds(200)), ContinuousClock.now < deadline {
                    heartbeat.beat()
                }
                _ = training.takeFinished()
                configuration = new
                detector.finishScoring()  // the old detector's batch in flight: its results, and the executor free
                detector = Self.detector(for: new)
                epochStarts = [(0, .now)]
                detector.sink = publisher
                detector.scoringExecutor = scoring
                detector.scoringObserver = metrics
                savedModels = [:]
                loadModels()
            }
            configuration = new
            parser = Self.parser(for: new)
            logger.info(
                "new configuration applied",
                metadata: [
                    "input": "\(sockets.inputEndpoints + new.input.connect)", "output": "\(sockets.outputEndpoints)",
                    "curve": "\(new.security.curve)", "topic_prefix": "\(new.output.topicPrefix)",
                ])
            // The reload service logs "configuration reloaded" / "…rejected" and sends READY=1.
            request.completion(.success(statusLine()))
        } catch {
            request.completion(.failure(error))
        }
    }

    /// Points the poller, a new publisher (with `topicPrefix`) and the detector at the current sockets.
    private func rewire(topicPrefix: String) {
        poller = Poller()
        _ = poller.register(sockets.input, for: .readable)
        publisher = AlertPublisher(socket: sockets.output, topicPrefix: topicPrefix, metrics: metrics)
        detector.sink = publisher
        curveCounted = (0, 0)
    }

    /// Stops the receiver and handles every message it queued, so that a reload or a stop loses
    /// nothing that reached the daemon.
    private func drainToTheEnd() {
        sockets.receiver.stop()
        do {
            while try sockets.input.tryReceive(into: message) { handleMessage() }
        } catch {
            logger.error("draining the input queue failed", metadata: ["error": "\(error)"])
        }
        detector.flush()
    }

    private func shutdown() {
        metrics.setReady(false)
        drainToTheEnd()  // ends with a flush
        detector.finishScoring()
        scoring?.stop()
        training.stop()
        checkpoint(force: true)  // the live calibration and the open episodes, whether or not the schedule was due
        countCurve()
        sockets.close()
        logger.info("stopped")
    }

    // MARK: Construction

    static func parser(for configuration: Configuration) -> RecordParser {
        let format: RecordFormat =
            switch configuration.input.format {
            case .auto: .auto
            case .json: .json
            case .influx: .influx
            case .graphite: .graphite
            }
        return RecordParser(
            format: format,
            influxPrecision: InfluxPrecision(rawValue: configuration.input.influxPrecision) ?? .nanoseconds,
            maxFields: configuration.limits.maxFields)
    }

    static func detector(for configuration: Configuration) -> StreamingDetector {
        let detector = StreamingDetector(
            groups: configuration.groups,
            limits: DetectorLimits(maxSeries: configuration.limits.maxSeries, maxFields: configuration.limits.maxFields))
        detector.host = ProcessInfo.processInfo.hostName
        return detector
    }

    /// Seconds since the epoch, for records without a timestamp.
    static func wallClock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }
}
