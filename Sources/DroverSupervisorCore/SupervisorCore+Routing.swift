// Who the sticky router may send jobs to.
extension SupervisorCore {
    /// The current worker of every active slot that is ready, not being replaced, and whose breaker
    /// lets it be routed to; empty unless the pool is running.
    public func routeCandidates() -> [RouteCandidate] {
        guard case .running = phase else { return [] }
        return slots.compactMap { slot in
            guard !slot.retiring, slot.breaker.state.allowsRouting, let id = slot.current,
                  let worker = workers.first(where: { $0.id == id }), worker.state.isReady, worker.retireReason == nil
            else { return nil }
            let overloaded: Bool
            if case .overloaded = worker.state { overloaded = true } else { overloaded = false }
            let key = instance.isEmpty ? slot.id.description : "\(instance)-\(slot.id)"
            return RouteCandidate(key: key, worker: id, activeJobs: worker.activeJobs, overloaded: overloaded)
        }
    }
}
