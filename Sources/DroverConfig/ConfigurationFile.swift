import Glibc

/// Reads a configuration file's bytes once, turning each way it can fail into a clear error.
enum ConfigurationFile {
    /// A configuration file is a page of text; anything bigger is a wrong path, not a config.
    static let maximumBytes = 4 << 20

    static func read(path: String) throws(ConfigurationError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw failure(path: path, errno: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path: path, errno: errno)
            }
            bytes.append(contentsOf: chunk[..<count])
            guard bytes.count <= maximumBytes else {
                throw ConfigurationError(
                    .fileUnreadable, keyPath: nil,
                    reason: "\(path): larger than \(maximumBytes >> 20) MiB; is this a configuration file?")
            }
        }
        return bytes
    }

    private static func failure(path: String, errno code: Int32) -> ConfigurationError {
        switch code {
        case ENOENT, ENOTDIR:
            return ConfigurationError(.fileNotFound, keyPath: nil, reason: "\(path): no such file")
        case EACCES, EPERM:
            return ConfigurationError(.fileUnreadable, keyPath: nil, reason: "\(path): permission denied")
        case EISDIR:
            return ConfigurationError(.fileUnreadable, keyPath: nil, reason: "\(path): is a directory, not a file")
        default:
            let message = String(cString: strerror(code))
            return ConfigurationError(.fileUnreadable, keyPath: nil, reason: "\(path): cannot read: \(message)")
        }
    }
}
