import DroverHTTPClient
import Histogram

/// What one share of a load test saw: latencies of answered requests, answers by status, failures
/// by kind. Shares merge into the whole.
struct LoadRecorder: Sendable {
    /// Microseconds, up to an hour, to three significant digits.
    var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    var byStatus: [Int: Int] = [:]
    var errors: [HTTPClientError.Code: Int] = [:]
    /// One message per kind of failure, to show what went wrong.
    var errorSamples: [HTTPClientError.Code: String] = [:]
    /// Open loop: requests not started because every connection was busy at their time.
    var skipped = 0

    mutating func record(status: Int, micros: Int64) {
        _ = latency.record(UInt64(max(0, micros)))
        byStatus[status, default: 0] += 1
    }

    mutating func record(_ error: HTTPClientError) {
        errors[error.code, default: 0] += 1
        if errorSamples[error.code] == nil { errorSamples[error.code] = error.message }
    }

    mutating func record(_ result: Result<Int, HTTPClientError>, micros: Int64) {
        switch result {
        case .success(let status): record(status: status, micros: micros)
        case .failure(let error): record(error)
        }
    }

    mutating func merge(_ other: LoadRecorder) {
        latency.add(other.latency)
        byStatus.merge(other.byStatus, uniquingKeysWith: +)
        errors.merge(other.errors, uniquingKeysWith: +)
        errorSamples.merge(other.errorSamples) { mine, _ in mine }
        skipped += other.skipped
    }
}
