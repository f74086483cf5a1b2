import DroverQueue
import Testing

@Suite("DecimalText.fixed")
struct DecimalTextTests {
    @Test func writesExactlyTheDigitsAsked() {
        #expect(DecimalText.fixed(2.5, 2) == "2.50")
        #expect(DecimalText.fixed(0.125, 3) == "0.125")
        #expect(DecimalText.fixed(-1.26, 1) == "-1.3")
        #expect(DecimalText.fixed(-0.004, 2) == "0.00")
        #expect(DecimalText.fixed(1234.5, 0) == "1235")
    }

    @Test func writesWhatNoIntCanHoldAsSwiftDoes() {
        #expect(DecimalText.fixed(9.3e18, 0) == "9.3e+18")
        #expect(DecimalText.fixed(-1e300, 3) == "-1e+300")
        #expect(DecimalText.fixed(1e16, 3) == "1e+16")
        #expect(DecimalText.fixed(.infinity, 1) == "inf")
        #expect(DecimalText.fixed(.nan, 1) == "nan")
    }

    @Test func takesANegativeDigitCountAsNone() {
        #expect(DecimalText.fixed(2.5, -1) == "3")
    }
}
