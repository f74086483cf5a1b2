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
    }

    private func carryOut(_ action: SupervisorAction) async -> SupervisorEvent? {
        switch action {
        case .spawn(_, let id):
            return await spawn(id)
        case .send(let id, let command):
            guard let endpoint = endpoints[id] else { return nil }
            let message: SupervisorMessage
            switch command {
            case .drain: message = .drain
            case .stop: message = .stop
            case .cancelJob(let job): message = .cancelJob(id: job)
            }
            do {
                try endpoint.send(message)
            } catch {
                logger.warning("control message not delivered", metadata: ["worker": "\(id)", "error": "\(error)"])
            }
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
            do {
                let moved = try await queue.requeueLeases(ofWorker: id.rawValue, countingAttempt: counting)
                if moved > 0 {
                    logger.info("leases put back", metadata: ["worker": "\(id)", "jobs": "\(moved)", "attemptCounted": "\(counting)"])
                }
            } catch {
                // The leases run out on their own and the next reserve reclaims them.
                logger.error("could not put leases back; they will expire", metadata: ["worker": "\(id)", "error": "\(error)"])
            }
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
            case .status(let text): try notifier.status(text)
            case .extendTimeout(let ms): try notifier.extendTimeout(by: .milliseconds(ms))
            }
        } catch {
            logger.warning("systemd notification failed", metadata: ["error": "\(error)"])
        }
    }

    /// Drops what we kept for a worker that is gone.
    func forget(_ id: WorkerID) {
        endpoints.removeValue(forKey: id)?.close()
        if let pid = pids.removeValue(forKey: id) { cpuTicks.removeValue(forKey: pid) }
    }
}

extension Logger.Level {
    init(_ level: DroverSupervisorCore.LogLevel) {
        self = Logger.Level(rawValue: level.rawValue) ?? .info
    }
}
