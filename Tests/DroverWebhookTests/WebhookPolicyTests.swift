import DroverHTTPClient
import DroverWebhooks
import Testing

@Suite("Webhook policy (SSRF guard)")
struct WebhookPolicyTests {
    let open = WebhookPolicy()

    @Test("with no allow-list, public hosts and addresses are accepted", arguments: [
        "http://hooks.example.com/done", "http://93.184.216.34:8080/x", "http://[2606:4700:4700::1111]/x",
    ])
    func acceptsPublic(url: String) throws {
        _ = try open.validate(url)
    }

    @Test("with no allow-list, loopback, private, link-local, metadata and internal names are refused", arguments: [
        "http://127.0.0.1/", "http://127.8.9.10:9000/", "http://0.0.0.0/", "http://10.1.2.3/", "http://172.16.0.1/",
        "http://172.31.255.255/", "http://192.168.1.1/", "http://100.64.0.1/", "http://169.254.169.254/latest/meta-data",
        "http://169.254.170.2/", "http://100.100.100.200/", "http://224.0.0.1/", "http://255.255.255.255/",
        "http://[::1]/", "http://[::]/", "http://[fd00:ec2::254]/", "http://[fc00::1]/", "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::]/", "http://[ff02::1]/", "http://localhost:8080/", "http://api.localhost/",
        "http://metadata.google.internal/computeMetadata/v1/", "http://metadata/", "http://redis:6379/",
    ])
    func refusesRestricted(url: String) {
        #expect(throws: WebhookRefusal.self) { try open.validate(url) }
    }

    @Test("refusals say why, and name the setting that would allow the host")
    func refusalMessages() {
        do {
            _ = try open.validate("http://169.254.169.254/")
            Issue.record("expected a refusal")
        } catch {
            #expect(error.message.contains("metadata"))
            #expect(error.message.contains("http.webhooks.allowHosts"))
        }
    }

    @Test("https, other schemes, bad and overlong URLs are refused", arguments: [
        "https://hooks.example.com/", "ftp://hooks.example.com/", "hooks.example.com/x", "http://", "http://exa mple.com/",
        "http://hooks.example.com/" + String(repeating: "a", count: 3_000),
    ])
    func refusesBadURLs(url: String) {
        #expect(throws: WebhookRefusal.self) { try open.validate(url) }
    }

    @Test("with an allow-list, only listed hosts are called, and a listed loopback host is fine")
    func allowList() throws {
        let policy = WebhookPolicy(allowHosts: ["127.0.0.1", "Hooks.Internal."])
        _ = try policy.validate("http://127.0.0.1:9000/hook")
        _ = try policy.validate("http://hooks.internal/hook")
        #expect(throws: WebhookRefusal.self) { try policy.validate("http://hooks.example.com/") }
        #expect(throws: WebhookRefusal.self) { try policy.validate("http://169.254.169.254/") }
        let url = try HTTPURL(parsing: "http://hooks.internal/hook")
        #expect(try policy.addressToCall(url, resolved: ["10.0.0.7"]) == "10.0.0.7")
    }

    @Test("every resolved address is checked: one private address among public ones refuses the host (DNS rebinding)")
    func checksEveryAddress() throws {
        let url = try HTTPURL(parsing: "http://hooks.example.com/done")
        #expect(try open.addressToCall(url, resolved: ["93.184.216.34", "2606:4700::1"]) == "93.184.216.34")
        #expect(throws: WebhookRefusal.self) { try open.addressToCall(url, resolved: ["93.184.216.34", "127.0.0.1"]) }
        #expect(throws: WebhookRefusal.self) { try open.addressToCall(url, resolved: ["::ffff:10.0.0.1"]) }
        #expect(throws: WebhookRefusal.self) { try open.addressToCall(url, resolved: []) }
        #expect(throws: WebhookRefusal.self) { try open.addressToCall(url, resolved: ["not-an-address"]) }
    }

    @Test("a listed name that resolves to a metadata address is still refused, unless that address is listed")
    func metadataStaysRefused() throws {
        let url = try HTTPURL(parsing: "http://hooks.internal/hook")
        let policy = WebhookPolicy(allowHosts: ["hooks.internal"])
        #expect(throws: WebhookRefusal.self) { try policy.addressToCall(url, resolved: ["169.254.169.254"]) }
        #expect(throws: WebhookRefusal.self) { try policy.addressToCall(url, resolved: ["fd00:ec2::254"]) }
        let trusting = WebhookPolicy(allowHosts: ["hooks.internal", "169.254.169.254"])
        #expect(try trusting.addressToCall(url, resolved: ["169.254.169.254"]) == "169.254.169.254")
    }

    @Test("addresses parse from every text form and print canonically")
    func addressForms() {
        #expect(IPAddress("10.0.0.1")?.description == "10.0.0.1")
        #expect(IPAddress("[FE80::1%eth0]")?.description == "fe80::1")
        #expect(IPAddress("hooks.example.com") == nil)
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("8.8.8.8")?.restrictedRange == nil)
        #expect(IPAddress("172.32.0.1")?.restrictedRange == nil)
        #expect(IPAddress("172.15.255.255")?.restrictedRange == nil)
    }
}

@Suite("Webhook backoff")
struct WebhookBackoffTests {
    @Test("delays double per attempt, stay within their jitter band, and stop at the cap")
    func doublesWithJitterAndCap() {
        let backoff = WebhookBackoff(baseMs: 100, maxMs: 1_000)
        #expect(backoff.delayMs(afterAttempt: 1, unitRandom: 0) == 50)
        #expect(backoff.delayMs(afterAttempt: 1, unitRandom: 0.999) == 99)
        #expect(backoff.delayMs(afterAttempt: 2, unitRandom: 0) == 100)
        #expect(backoff.delayMs(afterAttempt: 3, unitRandom: 0) == 200)
        #expect(backoff.delayMs(afterAttempt: 10, unitRandom: 0) == 500)
        #expect(backoff.delayMs(afterAttempt: 10, unitRandom: 1) == 1_000)
        #expect(backoff.delayMs(afterAttempt: 1_000, unitRandom: 0.5) == 750)
    }
}
