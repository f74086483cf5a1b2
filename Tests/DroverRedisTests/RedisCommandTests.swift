@testable import DroverRedis
import Testing

@Suite("Redis commands and scripts, without a server")
struct RedisCommandTests {
    @Test func argumentsKeepEveryByteAndTheirOrder() {
        var command = RedisCommand("SET")
        command.append("key")
        command.append([0, 1, 0, 255, 13, 10] as [UInt8])
        command.append("")
        command.append(-42)
        command.append(Int64.min)
        command.append(Int64.max)
        command.append(1.5)
        #expect(command.count == 8)
        #expect(command.arguments == [
            Array("SET".utf8), Array("key".utf8), [0, 1, 0, 255, 13, 10], [], Array("-42".utf8),
            Array("-9223372036854775808".utf8), Array("9223372036854775807".utf8), Array("1.5".utf8),
        ])
    }

    @Test func anArrayLiteralIsNameThenArguments() {
        let command: RedisCommand = ["HSET", "h", "f", "ü"]
        #expect(command.count == 4)
        #expect(command.arguments.map { String(decoding: $0, as: UTF8.self) } == ["HSET", "h", "f", "ü"])
        #expect(command == { var c = RedisCommand("HSET"); c.append("h"); c.append("f"); c.append("ü"); return c }())
    }

    @Test func anEmptyArgumentListCanBeExtendedByAnother() {
        var arguments = RedisCommand()
        #expect(arguments.count == 0)
        arguments.append(contentsOf: ["a", "b"])
        arguments.append(7)
        #expect(arguments.count == 3)
        #expect(arguments.arguments == [Array("a".utf8), Array("b".utf8), Array("7".utf8)])
    }

    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (String(repeating: "a", count: 1000), "291e9a6c66994949b57ba5e650361e98fc36b1ba"),
    ])
    func scriptsAreNamedByTheSHA1OfTheirSource(source: String, sha1: String) {
        #expect(RedisScript(name: "t", source: source).sha1 == sha1)
    }

    @Test func replyAccessorsReadTheMatchingTypesOnly() {
        #expect(RedisReply.text("42").int == 42)
        #expect(RedisReply.integer(7).int == 7)
        #expect(RedisReply.text("x").int == nil)
        #expect(RedisReply.status("OK").string == "OK")
        #expect(RedisReply.status("OK").bytes == nil)
        #expect(RedisReply.string([0, 65]).bytes == [0, 65])
        #expect(RedisReply.null.isNull)
        #expect(!RedisReply.integer(0).isNull)
        #expect(RedisReply.map([.text("k"), .integer(1)]).array == [.text("k"), .integer(1)])
        #expect(RedisReply.integer(1).array == nil)
    }
}
