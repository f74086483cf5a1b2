// The circuit breakers: failures a slot's workers are to blame for take it out of routing.
extension SupervisorCore {
    mutating func recordBreakerFailure(slot: SlotID, cause: String, now: Instant) {
        guard let s = slotIndex(slot) else { return }
        if slots[s].breaker.recordFailure(at: now, policy: policy.breaker) {
            log(.warning, "circuit breaker open for \(slot): \(cause); out of routing for \(policy.breaker.openMs) ms",
                ["slot": slot.description])
        }
    }

    mutating func recordBreakerSuccess(slot: SlotID, now: Instant) {
        guard let s = slotIndex(slot), slots[s].breaker.state == .halfOpen else { return }
        slots[s].breaker.recordSuccess(at: now)
        log(.notice, "circuit breaker closed for \(slot): a job completed", ["slot": slot.description])
    }

    mutating func advanceBreakers(now: Instant) {
        for s in slots.indices where slots[s].breaker.advance(to: now) {
            log(.notice, "circuit breaker half-open for \(slots[s].id): back in routing on trial", ["slot": slots[s].id.description])
        }
    }
}
