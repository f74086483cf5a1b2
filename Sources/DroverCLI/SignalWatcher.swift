import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Turns Unix signals into calls on a private queue: a signal handler itself does nothing but wake
/// Dispatch, so no work ever runs inside the handler.
final class SignalWatcher: Sendable {
    // nonisolated(unsafe): written once in init, then only `cancel()` is called on the sources,
    // and DispatchSource's cancel is thread-safe.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "drover.signals")
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            // Dispatch watches the signal; the default action must be off or the process would die.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
