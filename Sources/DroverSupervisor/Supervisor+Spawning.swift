import DroverControl
import DroverControlSocket
import DroverPosix
import DroverQueue
import DroverSupervisorCore
import DroverSystemd
import Glibc

extension Supervisor {
    /// The environment variables that tell a worker who it is and where its channel is.
    static let workerIDVariable = "DROVER_WORKER_ID"
    static let supervisorPIDVariable = "DROVER_SUPERVISOR_PID"
    /// Set for a spare: boot, connect, then wait for `.activate` before reserving.
    static let standbyVariable = "DROVER_STANDBY"

    /// Starts `drover worker` with its end of a fresh socketpair as fd 3; answers `.spawned` or `.spawnFailed`.
    func spawn(_ id: WorkerID, standby: Bool) async -> SupervisorEvent {
        let channel: (endpoint: SupervisorEndpoint, workerFD: Int32)
        do {
            channel = try SupervisorEndpoint.makeWorkerChannel()
        } catch {
            return .spawnFailed(id, reason: "control channel: \(error)")
        }
        var environment = SystemdNotifier.childEnvironment(from: settings.environment)
        environment[ControlProtocol.fileDescriptorEnvironmentKey] = String(ControlProtocol.workerFileDescriptor)
        environment[Self.workerIDVariable] = id.rawValue
        environment[Self.supervisorPIDVariable] = String(getpid())
        if standby { environment[Self.standbyVariable] = "1" }
        let request = SpawnRequest(
            executablePath: settings.executablePath,
            arguments: ["worker", "--worker-id", id.rawValue] + settings.workerArguments,
            environment: environment.map { $0.key + "=" + $0.value }.sorted(),
            fileDescriptors: [.init(source: channel.workerFD, target: ControlProtocol.workerFileDescriptor)],
            // Its own group: a Ctrl-C meant for the supervisor must not reach workers directly;
            // the supervisor drains them in order.
            processGroup: .new
        )
        let child: WatchedChild
        do {
            child = try await watcher.spawn(request)
        } catch {
            Posix.close(channel.workerFD)
            channel.endpoint.close()
            return .spawnFailed(id, reason: "\(error)")
        }
        // Only the worker may hold its end now, so its death gives us EOF.
        Posix.close(channel.workerFD)
        endpoints[id] = channel.endpoint
        pids[id] = child.pid
        logger.info("worker spawned", metadata: ["worker": "\(id)", "pid": "\(child.pid)"])
        listen(to: channel.endpoint, of: id)
        return .spawned(id, pid: child.pid)
    }

    /// Turns a worker's control messages into events, until its channel closes.
    private func listen(to endpoint: SupervisorEndpoint, of id: WorkerID) {
        let post = self.post
        Task {
            do {
                for try await message in endpoint.messages {
                    switch message {
                    case .hello: post.yield(.event(.hello(id)))
                    case .ready: post.yield(.event(.ready(id)))
                    case .heartbeat(let beat):
                        post.yield(.event(.heartbeat(id, Self.stats(beat))))
                        post.yield(.cacheCounts(id, beat.cache))
                    case .draining, .drained: break
                    }
                }
            } catch {
                // A bad frame: the worker can no longer be trusted to report; the core aborts it.
                post.yield(.event(.channelBroken(id, reason: "\(error)")))
            }
        }
    }

    /// The longest time a heartbeat may name: a year. The protocol carries any finite figure; past
    /// this one it is a worker's bug, and clamping keeps the core's deadline arithmetic from overflowing.
    static let longestReportedMs: Int64 = 31_536_000_000

    static func stats(_ beat: WorkerHeartbeat) -> HeartbeatStats {
        func clamped(_ ms: Int) -> Int64 { Int64(min(ms, Int(longestReportedMs))) }
        return HeartbeatStats(
            activeJobs: beat.activeJobs, completedJobs: beat.completedJobs, failedJobs: beat.failedJobs,
            avgLatencyMs: beat.avgLatencyMs, memoryUsageMB: beat.memoryUsageMB, cpuPercent: beat.cpuPercent,
            uptimeMs: Int64(min(beat.uptimeSeconds * 1000, Double(longestReportedMs))),
            // A job whose timeout the worker did not say (0) is left to the worker's own sweeper.
            runningJobs: beat.activeJobIDs.indices.filter { beat.activeJobTimeoutMs[$0] > 0 }.map { i in
                RunningJob(id: beat.activeJobIDs[i], elapsedMs: clamped(beat.activeJobElapsedMs[i]), timeoutMs: clamped(beat.activeJobTimeoutMs[i]))
            })
    }

    /// Reads every live worker's RSS and CPU from /proc, rather than trusting its heartbeat.
    func sampleResources() async {
        let nowInstant = ContinuousClock.now
        for (id, pid) in pids {
            guard let sample = ProcessStats.sample(of: pid) else { continue }
            var percent = 0.0
            if let last = cpuTicks[pid] {
                let seconds = (nowInstant - last.at).inSeconds
                if seconds > 0 {
                    percent = Double(sample.cpuTicks - last.ticks) / Double(ProcessStats.clockTicksPerSecond) / seconds * 100
                }
            }
            cpuTicks[pid] = (sample.cpuTicks, nowInstant)
            await perform(core.handle(.resources(id, ResourceSample(rssBytes: Int64(sample.residentBytes), cpuPercent: percent)), now: now()))
        }
    }
}
