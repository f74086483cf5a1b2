import DroverHTTPHandler
import Testing

/// How long an upstream answer may be cached, from its `Cache-Control` headers and Drover's own lifetime.
@Suite("Cache-Control")
struct CacheControlTests {
    @Test("lifetimes a shared cache reads from Cache-Control", arguments: [
        ([], 3_600 as Int?),
        (["public"], 3_600),
        (["max-age=60"], 60),
        (["max-age=99999"], 3_600),
        (["max-age=600, s-maxage=30"], 30),
        (["s-maxage=\"120\"", "max-age=10"], 120),
        (["MAX-AGE = 45"], 45),
        (["no-store"], nil),
        (["public", "No-Cache"], nil),
        (["private, max-age=600"], nil),
        (["max-age=0"], nil),
        (["max-age=-5"], nil),
        (["max-age=later"], nil),
    ])
    func lifetime(_ headers: [String], _ expected: Int?) {
        #expect(CacheControl(headerValues: headers).lifetime(default: 3_600) == expected)
    }
}
