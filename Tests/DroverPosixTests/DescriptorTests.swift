import DroverPosix
import Foundation
import Testing

@Suite("Descriptor helpers")
struct DescriptorTests {
    @Test func socketPairIsConnectedAndCloseOnExec() throws {
        let (first, second) = try Posix.socketPair()
        defer { [first, second].forEach(Posix.close) }
        #expect(try Posix.isCloseOnExec(first))
        #expect(try Posix.isCloseOnExec(second))
        #expect(write(first, "ping", 4) == 4)
        var buffer = [UInt8](repeating: 0, count: 4)
        #expect(read(second, &buffer, 4) == 4)
        #expect(buffer == Array("ping".utf8))
    }

    @Test func pipeEndsAreCloseOnExec() throws {
        let (readEnd, writeEnd) = try Posix.pipe()
        defer { [readEnd, writeEnd].forEach(Posix.close) }
        #expect(try Posix.isCloseOnExec(readEnd))
        #expect(try Posix.isCloseOnExec(writeEnd))
    }

    @Test func closeOnExecAndNonBlockingCanBeToggled() throws {
        let (first, second) = try Posix.socketPair()
        defer { [first, second].forEach(Posix.close) }
        try Posix.setCloseOnExec(first, false)
        #expect(try !Posix.isCloseOnExec(first))
        try Posix.setCloseOnExec(first)
        #expect(try Posix.isCloseOnExec(first))

        try Posix.setNonBlocking(first)
        var byte: UInt8 = 0
        #expect(read(first, &byte, 1) == -1)
        #expect(Errno.current == .wouldBlock)
        try Posix.setNonBlocking(first, false)
        #expect(fcntl(first, F_GETFL) & O_NONBLOCK == 0)
    }

    @Test func helpersOnAClosedDescriptorThrowBadFileDescriptor() throws {
        // Never opened (a just-closed number could be reused by a test running alongside).
        let first: Int32 = 999_999
        #expect(!Posix.isOpen(first))
        let error = #expect(throws: PosixError.self) { try Posix.setNonBlocking(first) }
        #expect(error?.code == .badFileDescriptor)
        #expect(error?.message.contains("F_GETFL") == true)
    }

    @Test func currentEnvironmentIsKeyValueStrings() {
        let environment = Posix.currentEnvironment()
        #expect(environment.allSatisfy { $0.contains("=") })
    }
}
