import DroverQueue
import DroverSupervisorCore
import Logging

extension Supervisor {
    /// Distributed mode, once per sample interval and beside the loop: publishes this host's
    /// workers, reads the other hosts' for the router, and recovers the dead hosts this
    /// supervisor claimed. At most one beat in flight, so a slow Redis never stacks them up.
    func beatRegistryIfDue() {
        guard let registry = settings.registry, beating == nil else { return }
        guard ContinuousClock.now - lastBeat >= settings.sampleInterval - settings.tickInterval / 2 else { return }
        lastBeat = ContinuousClock.now
        let own = core.hostEntry()
        let forgetting = recoveredHosts
        beating = Task { [queue, logger] in
            do {
                let view = try await registry.beat(own, forgetting: forgetting)
                recoveredHosts.removeAll { forgetting.contains($0) }
                for (instance, reason) in view.rejected.sorted(by: { $0.key < $1.key }) where !rejectedEntries.contains(instance) {
                    rejectedEntries.insert(instance)
                    logger.warning("registry entry ignored", metadata: ["drover.instance": "\(instance)", "reason": "\(reason)"])
                }
                if view.declaredDead {
                    logger.warning("this host missed its registry deadline and was taken for dead; its workers' users lose locality until they are replaced")
                }
                remoteCandidates = view.remoteCandidates
                publishRoutes()
                for orphan in view.orphans where await Self.recover(orphan, queue: queue, logger: logger) {
                    recoveredHosts.append(orphan.instance)
                }
                if registryFailing { logger.notice("registry beat works again") }
                registryFailing = false
            } catch {
                // The last view stands: a job routed to a host that died meanwhile waits in its
                // sticky queue until that host's recovery releases it. Warned once per outage.
                if !registryFailing { logger.warning("registry beat failed; routing keeps the last view", metadata: ["error": "\(error)"]) }
                registryFailing = true
            }
            self.beatFinished()
        }
    }

    func beatFinished() {
        beating = nil
    }

    /// Sends a dead host's sticky jobs to the shared queues; its leases expire and the queue's
    /// reaper puts those jobs back. False if Redis failed: the claim lapses and someone retries.
    static func recover(_ host: HostEntry, queue: any JobQueue, logger: Logger) async -> Bool {
        logger.warning("host left the registry; releasing its workers' sticky jobs", metadata: [
            "drover.instance": "\(host.instance)", "workers": "\(host.workers.count)",
        ])
        var moved = 0
        for worker in host.workers {
            do {
                moved += try await queue.releaseStickyJobs(ofWorker: worker.worker.rawValue)
            } catch {
                logger.warning("could not release a dead host's sticky jobs; will retry", metadata: [
                    "worker": "\(worker.worker)", "error": "\(error)",
                ])
                return false
            }
        }
        logger.info("dead host recovered", metadata: ["drover.instance": "\(host.instance)", "jobs": "\(moved)"])
        return true
    }
}
