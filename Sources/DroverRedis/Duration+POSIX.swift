import Glibc

extension Duration {
    /// This duration as a `timeval`, at least 1 ms: hiredis and `SO_RCVTIMEO` read zero as "wait forever".
    var timevalAtLeastOneMillisecond: timeval {
        let micros = Swift.max(microseconds, 1_000)
        return timeval(tv_sec: micros / 1_000_000, tv_usec: micros % 1_000_000)
    }

    /// Whole microseconds, rounded down; negative durations count as zero.
    var microseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (product, overflow) = Int(seconds).multipliedReportingOverflow(by: 1_000_000)
        return overflow ? Int.max : product + Int(attoseconds / 1_000_000_000_000)
    }

    /// Milliseconds for `poll(2)`, rounded up so a short wait is not a busy loop, capped at `Int32.max`.
    var pollMilliseconds: Int32 {
        Int32(clamping: (microseconds + 999) / 1_000)
    }

    /// Blocks the calling thread; only for the dedicated Redis threads, never the cooperative pool.
    func sleepBlockingThread() {
        let micros = microseconds
        var request = timespec(tv_sec: micros / 1_000_000, tv_nsec: (micros % 1_000_000) * 1_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR {
            request = remaining
        }
    }
}
