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
            return RouteCandidate(key: routeKey(slot.id), worker: id, activeJobs: worker.activeJobs, overloaded: overloaded)
        }
    }
}

extension SupervisorCore {
    /// This supervisor's entry for the pool registry: every live worker, with its routing key, load
    /// and whether the router may send it jobs.
    public func hostEntry() -> HostEntry {
        let routable = Set(routeCandidates().map(\.worker))
        let registered = workers.compactMap { worker -> RegisteredWorker? in
            guard worker.state.isLive else { return nil }
            let slot = slots.first { $0.id == worker.slot }
            let overloaded: Bool
            if case .overloaded = worker.state { overloaded = true } else { overloaded = false }
            return RegisteredWorker(
                worker: worker.id, key: routeKey(worker.slot), activeJobs: worker.activeJobs, overloaded: overloaded,
                routable: routable.contains(worker.id), breaker: slot?.breaker.state.name ?? "closed")
        }
        return HostEntry(instance: instance, workers: registered)
    }

    /// What users hash against for a slot: stable across the slot's restarts, unique across hosts.
    func routeKey(_ slot: SlotID) -> String {
        instance.isEmpty ? slot.description : "\(instance)-\(slot)"
    }
}
