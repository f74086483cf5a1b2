#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time since the epoch: the clock job timestamps, due dates and leases are kept in.
public enum WallClock {
    public static func microseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
    }

    public static func milliseconds() -> Int64 { microseconds() / 1_000 }
}
