@testable import DroverLoadTest
import NIOCore
import Testing

@Suite("Load test: response scanner")
struct ResponseScannerTests {
    /// Every step the scanner takes over `text`, fed whole or in pieces of `piece` bytes.
    func steps(_ text: String, piece: Int? = nil, head: Bool = false) -> [ResponseScanner.Step] {
        var scanner = ResponseScanner(answersHaveNoBody: head)
        var buffer = ByteBuffer()
        var found: [ResponseScanner.Step] = []
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: piece ?? bytes.count) {
            buffer.writeBytes(bytes[start..<min(start + (piece ?? bytes.count), bytes.count)])
            while true {
                let step = scanner.scan(&buffer)
                if case .needMore = step { break }
                found.append(step)
                if case .malformed = step { return found }
            }
        }
        if let last = scanner.endOfStream(bufferedBytes: buffer.readableBytes) { found.append(last) }
        return found
    }

    @Test("each framing ends the response where it ends, whether the bytes come whole or one at a time", arguments: [
        ("HTTP/1.1 202 Accepted\r\nContent-Length: 5\r\n\r\nhello", 202, true),
        ("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n", 200, true),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 201, true),
        ("HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n", 204, true),
        ("HTTP/1.1 503 Busy\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 2\r\n\r\n{}", 503, false),
        ("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, false),
        ("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", 200, true),
        ("HTTP/1.1 200 OK\r\nConnection: close, Upgrade\r\nContent-Length: 2\r\n\r\nok", 200, false),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n3\t;x\r\nabc\r\n0\r\n\r\n", 200, true),
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", 101, false),
    ])
    func framings(text: String, status: Int, keepAlive: Bool) {
        for piece in [nil, 1, 7] {
            #expect(steps(text, piece: piece) == [.response(status: status, keepAlive: keepAlive)], "pieces of \(piece ?? 0)")
        }
    }

    @Test("a body without a length runs until the server closes")
    func untilClose() {
        #expect(steps("HTTP/1.1 200 OK\r\n\r\nsome body bytes") == [.response(status: 200, keepAlive: false)])
    }

    @Test("a transfer coding other than chunked last runs until close, whatever Content-Length says")
    func otherFinalCoding() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 3\r\n\r\nabcdef"
        #expect(steps(text) == [.response(status: 200, keepAlive: false)])
    }

    @Test("an answer to HEAD has no body, whatever its Content-Length says")
    func headAnswers() {
        let two = "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"
        #expect(steps(two, head: true) == [.response(status: 200, keepAlive: true), .response(status: 200, keepAlive: true)])
    }

    @Test("two answers in one read are two responses")
    func pipelined() {
        let two = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        #expect(steps(two) == [.response(status: 200, keepAlive: true), .response(status: 404, keepAlive: true)])
    }

    @Test("what is not HTTP/1.1 framing is malformed, and a response cut short is named", arguments: [
        ("THIS IS NOT HTTP\r\n\r\n", "status line"),
        ("HTTP/1.1 2xx OK\r\n\r\n", "status line"),
        ("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "Content-Length"),
        ("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "colon"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size"),
        // Signed sizes: Int(_:radix:) would take them, and a negative one would move the reader back.
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "chunk size"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n", "chunk size"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n", "chunk size"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY", "CRLF"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", "closed the connection"),
    ])
    func malformed(text: String, names: String) {
        guard case .malformed(let problem) = steps(text).last else {
            Issue.record("expected malformed, got \(steps(text))")
            return
        }
        #expect(problem.contains(names), "\(problem)")
    }

    @Test("a head that never ends is refused once it passes the limit, not buffered forever")
    func endlessHead() {
        let endless = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Filler: 0123456789\r\n", count: ResponseScanner.maxHeadBytes / 20)
        guard case .malformed(let problem) = steps(endless, piece: 4_096).last else {
            Issue.record("expected malformed")
            return
        }
        #expect(problem.contains("head over"))
    }

    @Test("a connection closed between responses ends nothing")
    func idleClose() {
        var scanner = ResponseScanner()
        #expect(scanner.endOfStream(bufferedBytes: 0) == nil)
    }

    @Test("request numbers: each share takes those of its own connections, in order, and together they take each number once")
    func requestNumbers() {
        // 3 connections on 2 event loops: one share has two connections, the other one.
        var first = RequestNumbers(connections: [0, 2], of: 3)
        var second = RequestNumbers(connections: [1], of: 3)
        let a = (0..<6).map { _ in first.take() }
        let b = (0..<3).map { _ in second.take() }
        #expect(a == [0, 2, 3, 5, 6, 8])
        #expect(b == [1, 4, 7])
        #expect(Set(a + b) == Set(0..<9))
    }
}
