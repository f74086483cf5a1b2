/// Fixed-point number formatting without Foundation's `String(format:)`.
public enum DecimalText {
    /// `value` with exactly `digits` digits after the point (`fixed(2.5, 2)` is `"2.50"`); a value
    /// too large for that many digits in an `Int` is written as Swift writes it (`1e+20`).
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<max(0, digits) { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        // Also false for NaN and infinities. Past 2^63 the conversions below would trap.
        guard scaled < 9e18 else { return "\(value)" }
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(whole) }
        let text = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
