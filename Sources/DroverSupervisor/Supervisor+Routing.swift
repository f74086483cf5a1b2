import DroverQueue
import DroverSupervisorCore

extension Supervisor {
    /// The worker a job of this user should go to, as `JobRequest.targetWorker`; nil sends it to
    /// the shared queues (sticky routing off, no worker ready, or every worker overloaded).
    ///
    /// Safe from any thread and cheap (a lock and a hash per ready worker): the HTTP server calls it
    /// per request. A worker that drains or dies between this answer and the enqueue is no loss:
    /// the queue sends jobs routed to a released worker to the shared queues.
    public nonisolated func route(userID: String) -> String? {
        guard settings.stickyRouting else { return nil }
        return router.withLock { $0.route(userID: userID)?.rawValue }
    }

    /// The router as it is now: its candidates (ready, not draining, not tripped workers) and their load.
    public nonisolated var routingSnapshot: StickyRouter {
        router.withLock { $0 }
    }

    /// Refreshes the router after the core or the registry changed; called at the end of every
    /// `perform` and after each registry beat.
    func publishRoutes() {
        let candidates = core.routeCandidates() + remoteCandidates
        router.withLock { router in
            if router.candidates != candidates.sorted(by: { $0.key < $1.key }) {
                router = StickyRouter(candidates: candidates)
            }
        }
    }

    /// Sends a draining worker's sticky jobs to the shared queues, beside the loop. If Redis is
    /// away, the requeue when the worker exits releases them instead.
    func releaseStickyInBackground(_ id: WorkerID) {
        Task { [queue, logger] in
            do {
                let moved = try await queue.releaseStickyJobs(ofWorker: id.rawValue)
                if moved > 0 {
                    logger.info("sticky jobs released to the shared queue", metadata: ["worker": "\(id)", "jobs": "\(moved)"])
                }
            } catch {
                logger.warning("could not release sticky jobs now; the worker's exit will", metadata: ["worker": "\(id)", "error": "\(error)"])
            }
        }
    }
}
