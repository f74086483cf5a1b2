import DroverHTTP
import DroverQueue
import DroverWebhooks
import Testing

@Suite("A job's webhook is checked against http.webhooks.allowHosts when it is submitted")
struct SubmissionWebhookTests {
    /// One submission: the allow list in force, the webhook sent, and whether the policy lets it through.
    struct Case: Sendable, CustomTestStringConvertible {
        let allowHosts: [String]
        let webhook: String
        let accepted: Bool
        var testDescription: String { "\(webhook) with allowHosts \(allowHosts)" }
    }

    static let cases: [Case] = [
        Case(allowHosts: [], webhook: "http://hooks.example.com/done", accepted: true),
        Case(allowHosts: [], webhook: "http://203.0.114.1:8080/done", accepted: true),
        Case(allowHosts: [], webhook: "http://127.0.0.1:9000/done", accepted: false),
        Case(allowHosts: [], webhook: "http://10.1.2.3/done", accepted: false),
        Case(allowHosts: [], webhook: "http://169.254.169.254/latest/meta-data", accepted: false),
        Case(allowHosts: [], webhook: "http://localhost/done", accepted: false),
        Case(allowHosts: [], webhook: "http://intranet/done", accepted: false),
        Case(allowHosts: [], webhook: "https://hooks.example.com/done", accepted: false),
        Case(allowHosts: [], webhook: "not a url", accepted: false),
        Case(allowHosts: ["hooks.internal"], webhook: "http://hooks.internal:8080/done", accepted: true),
        Case(allowHosts: ["hooks.internal"], webhook: "http://hooks.example.com/done", accepted: false),
    ]

    @Test("a refused webhook gets 400 with the policy's own message and no job; an allowed one is queued", arguments: cases)
    func webhookAtSubmission(_ example: Case) async throws {
        let (api, queue) = makeAPI { $0.webhookAllowHosts = example.allowHosts }
        let body = JSONValue.object(["query": .string("what is rag?"), "webhook": .string(example.webhook)]).serialized()
        let response = await api.call("POST", "/api/rag/ask?mode=async", body: body)
        var refusal: WebhookRefusal?
        do {
            _ = try WebhookPolicy(allowHosts: example.allowHosts).validate(example.webhook)
        } catch {
            refusal = error
        }
        #expect((refusal == nil) == example.accepted, "the table disagrees with the policy: \(refusal?.message ?? "accepted")")
        let waiting = try await queue.counts(of: .ask).waiting
        if example.accepted {
            #expect(response.status == 202, "\(String(decoding: response.body, as: UTF8.self))")
            #expect(waiting == 1)
        } else {
            #expect(response.status == 400)
            #expect(errorCode(response) == "invalid_request")
            #expect(response.jsonBody?["error"]?["message"]?.stringValue == refusal?.message)
            #expect(waiting == 0)
        }
    }
}
