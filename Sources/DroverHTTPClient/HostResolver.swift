import Glibc
import NIOPosix

/// Resolves host names to numeric addresses with `getaddrinfo`, off the caller's thread.
public enum HostResolver {
    /// Every address `host` resolves to (IPv4 and IPv6, numeric text, without duplicates).
    public static func resolve(_ host: String) async throws(HTTPClientError) -> [String] {
        do {
            return try await NIOThreadPool.singleton.runIfActive { try resolveBlocking(host) }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(.resolutionFailed, "cannot resolve \(host): \(error)")
        }
    }

    static func resolveBlocking(_ host: String) throws(HTTPClientError) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            throw HTTPClientError(.resolutionFailed, "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var node = list
        while let entry = node?.pointee {
            if let text = numericText(entry), !addresses.contains(text) { addresses.append(text) }
            node = entry.ai_next
        }
        guard !addresses.isEmpty else { throw HTTPClientError(.resolutionFailed, "\(host) resolves to no address") }
        return addresses
    }

    private static func numericText(_ entry: addrinfo) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = getnameinfo(entry.ai_addr, entry.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
        guard status == 0 else { return nil }
        return String(cString: buffer)
    }
}
