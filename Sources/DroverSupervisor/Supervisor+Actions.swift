import DroverControl
import DroverControlSocket
import DroverPosix
import DroverSupervisorCore
import DroverSystemd
import Glibc
import Logging

extension Supervisor {
    /// Carries out actions in order; an action whose result is itself an event (a spawn) feeds
    /// that event back to the core at once, so its follow-up actions run before the next input.
    func perform(_ actions: [SupervisorAction]) async {
        var pending = actions[...]
        while let action = pending.popFirst() {
            if let event = await carryOut(action) {
                pending = core.handle(event, now: now())[...] + pending
            }
        }
        publishRoutes()
    }

    private func carryOut(_ action: SupervisorAction) async -> SupervisorEvent? {
        switch action {
        case .spawn(let slot, let id):
            return await spawn(id, standby: slot.isSpare)
        case .send(let id, let command):
            guard let endpoint = endpoints[id] else { return nil }
            let message: SupervisorMessage
            switch command {
            case .drain: message = .drain
            case .stop: message = .stop
            case .cancelJob(let job): message = .cancelJob(id: job)
            case .activate: message = .activate
            }
            do {
                try endpoint.send(message)
            } catch {
                logger.warning("control message not delivered", metadata: ["worker": "\(id)", "error": "\(error)"])
            }
            // A draining worker reserves nothing more: its sticky jobs go to the others now.
            if command == .drain { releaseStickyInBackground(id) }
            return nil
        case .signal(let pid, let signal):
            let number: Signal
            switch signal {
            case .terminate: number = .sigterm
            case .abort: number = .sigabrt
            case .kill: number = .sigkill
            }
            try? Posix.kill(pid, number)
            return nil
        case .requeueLeases(let id, let counting):
            forget(id)
            requeueInBackground(id, countingAttempt: counting)
            return nil
        case .notify(let notice):
            notify(notice)
            return nil
        case .reloadConfiguration:
            guard let reloader else { return .reloadFailed(reason: "this supervisor has no configuration file to reload") }
            do {
                let (policy, desired) = try await reloader.reload()
                return .reloaded(policy, desiredWorkers: desired)
            } catch {
                return .reloadFailed(reason: "\(error)")
            }
        case .exit(let code):
            exitCode = code
            return nil
        case .log(let level, let message, let metadata):
            var meta = Logger.Metadata()
            for (key, value) in metadata { meta[key] = "\(value)" }
            logger.log(level: Logger.Level(level), "\(message)", metadata: meta)
            return nil
        }
    }

    private func notify(_ notice: SystemdNotice) {
        do {
            switch notice {
            case .ready: try notifier.ready()
            case .reloading: try notifier.reloading()
            case .stopping: try notifier.stopping()
            case .status(let text):
                try notifier.status(text)
                // Without systemd the log is where an operator sees the pool degrade; once per
                // change of wording, not for every tick of a countdown.
                let wording = String(text.filter { !$0.isNumber })
                if wording != lastStatusWording {
                    lastStatusWording = wording
                    logger.log(level: text.hasPrefix("degraded") ? .warning : .info, "status", metadata: ["status": "\(text)"])
                }
            case .extendTimeout(let ms): try notifier.extendTimeout(by: .milliseconds(ms))
            }
        } catch {
            logger.warning("systemd notification failed", metadata: ["error": "\(error)"])
        }
    }

    /// Puts a worker's leases back without holding up the loop: with Redis slow or down, the
    /// replacement still starts and the watchdog still gets its pings. Tried a few times; if Redis
    /// stays away, the leases run out and the next reserve reclaims them.
    func requeueInBackground(_ id: WorkerID, countingAttempt: Bool) {
        requeueCount &+= 1
        let key = requeueCount
        let task = Task { [queue, logger] in
            defer { self.requeueFinished(key) }
            var delay = Duration.milliseconds(200)
            for attempt in 1...5 {
                do {
                    let moved = try await queue.requeueLeases(ofWorker: id.rawValue, countingAttempt: countingAttempt)
                    if moved > 0 {
                        logger.info("leases put back", metadata: ["worker": "\(id)", "jobs": "\(moved)", "attemptCounted": "\(countingAttempt)"])
                    }
                    return
                } catch {
                    if attempt == 5 || Task.isCancelled {
                        logger.error("could not put leases back; they will expire and be reclaimed", metadata: ["worker": "\(id)", "error": "\(error)"])
                        return
                    }
                    try? await Task.sleep(for: delay)
                    delay = delay * 2
                }
            }
        }
        requeues[key] = task
    }

    func requeueFinished(_ key: UInt64) {
        requeues.removeValue(forKey: key)
    }

    /// Waits (bounded) for lease requeues still under way: Redis must outlive them.
    func finishRequeues(within limit: Duration) async {
        let pending = Array(requeues.values)
        requeues = [:]
        let all = Task { for task in pending { await task.value } }
        let timer = Task { try? await Task.sleep(for: limit); all.cancel(); for task in pending { task.cancel() } }
        await all.value
        timer.cancel()
    }

    /// Drops what we kept for a worker that is gone.
    func forget(_ id: WorkerID) {
        endpoints.removeValue(forKey: id)?.close()
        cacheCounts.removeValue(forKey: id)
        if let pid = pids.removeValue(forKey: id) { cpuTicks.removeValue(forKey: pid) }
    }
}

extension Logger.Level {
    init(_ level: DroverSupervisorCore.LogLevel) {
        self = Logger.Level(rawValue: level.rawValue) ?? .info
    }
}
