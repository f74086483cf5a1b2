/// What an upstream's `Cache-Control` header allows a shared cache to do with its answer.
///
/// Drover is a shared cache, so `private` forbids storing, and `s-maxage` wins over `max-age`.
/// `no-cache` would allow storing with revalidation on every use; Drover cannot revalidate a POST,
/// so it does not store those answers either. A directive it cannot read forbids storing.
public struct CacheControl: Sendable, Hashable {
    /// `no-store`, `no-cache`, `private`, or an unreadable lifetime.
    public var forbidsStoring = false
    /// Seconds from `s-maxage`, else `max-age`; `nil` when neither is given.
    public var maxAgeSeconds: Int?

    /// Reads every `Cache-Control` header value of one answer (a comma-separated list each).
    public init(headerValues: [String]) {
        var maxAge: Int?, sharedMaxAge: Int?
        for directive in headerValues.flatMap({ $0.split(separator: ",") }) {
            let parts = directive.split(separator: "=", maxSplits: 1)
            let name = parts.first.map { $0.trimmingSpaces.lowercased() } ?? ""
            let argument = parts.count > 1 ? parts[1].trimmingSpaces.trimmingQuotes : nil
            switch name {
            case "no-store", "no-cache", "private":
                forbidsStoring = true
            case "max-age", "s-maxage":
                guard let seconds = argument.flatMap({ Int($0) }), seconds >= 0 else {
                    forbidsStoring = true
                    continue
                }
                if name == "max-age" { maxAge = min(maxAge ?? seconds, seconds) } else { sharedMaxAge = min(sharedMaxAge ?? seconds, seconds) }
            default:
                continue
            }
        }
        maxAgeSeconds = sharedMaxAge ?? maxAge
    }

    /// How long the answer may be cached when Drover's own lifetime for it is `defaultSeconds`;
    /// `nil` when it must not be stored at all.
    public func lifetime(default defaultSeconds: Int) -> Int? {
        guard !forbidsStoring else { return nil }
        let seconds = min(defaultSeconds, maxAgeSeconds ?? defaultSeconds)
        return seconds > 0 ? seconds : nil
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }

    fileprivate var trimmingQuotes: Substring {
        count >= 2 && first == "\"" && last == "\"" ? dropFirst().dropLast() : self
    }
}
