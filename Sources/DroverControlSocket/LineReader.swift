import Glibc

/// Reads one newline-terminated line from a blocking socket, bounded in length.
enum LineReader {
    enum Outcome: Equatable {
        /// The line, without its newline (also when the peer ended the stream after it unterminated).
        case line([UInt8])
        /// The peer closed before sending anything.
        case empty
        /// More than `limit` bytes came without a newline.
        case tooLong
        /// The socket's receive timeout passed.
        case timedOut
        /// The peer closed mid-line with nothing usable, or the read failed.
        case failed(Int32)
    }

    static func read(_ fd: Int32, limit: Int) -> Outcome {
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress!, $0.count, 0) }
            if count < 0 {
                let errno = Glibc.errno
                if errno == EINTR {
                    continue
                }
                return errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .failed(errno)
            }
            if count == 0 {
                return line.isEmpty ? .empty : .line(line)
            }
            if let newline = chunk[0 ..< count].firstIndex(of: UInt8(ascii: "\n")) {
                line += chunk[0 ..< newline]
                guard line.count <= limit else {
                    return .tooLong
                }
                if line.last == UInt8(ascii: "\r") {
                    line.removeLast()
                }
                return .line(line)
            }
            line += chunk[0 ..< count]
            // Refused as soon as it is known, without reading (or buffering) the rest.
            guard line.count <= limit else {
                return .tooLong
            }
        }
    }
}
