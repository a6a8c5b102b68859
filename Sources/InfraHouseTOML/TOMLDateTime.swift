/// A TOML local date (`1979-05-27`).
public struct TOMLLocalDate: Sendable, Hashable, CustomStringConvertible {
  /// 0...9999.
  public var year: UInt16
  /// 1...12.
  public var month: UInt8
  /// 1...31, valid for the month and year.
  public var day: UInt8

  /// Creates a date; the parser only builds valid ones.
  public init(year: UInt16, month: UInt8, day: UInt8) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// RFC 3339 `full-date`.
  public var description: String {
    TOMLDateFormatting.pad(Int(year), 4) + "-" + TOMLDateFormatting.pad(Int(month), 2) + "-"
      + TOMLDateFormatting.pad(Int(day), 2)
  }

  /// Whether `day` exists in `month` of `year` (proleptic Gregorian calendar).
  public static func isValid(year: Int, month: Int, day: Int) -> Bool {
    guard (1...12).contains(month), day >= 1 else { return false }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return day <= lengths[month - 1]
  }
}

/// A TOML local time (`07:32:00.999999`).
public struct TOMLLocalTime: Sendable, Hashable, CustomStringConvertible {
  /// 0...23.
  public var hour: UInt8
  /// 0...59.
  public var minute: UInt8
  /// 0...59 (leap seconds are rejected, as Python's `tomllib` does).
  public var second: UInt8
  /// The fraction of the second in nanoseconds; digits past the ninth are truncated.
  public var nanosecond: UInt32
  /// How many fraction digits the source wrote (capped at 9); 0 when it wrote none.
  public var fractionDigits: UInt8

  /// Creates a time; the parser only builds valid ones.
  public init(
    hour: UInt8, minute: UInt8, second: UInt8, nanosecond: UInt32 = 0, fractionDigits: UInt8 = 0
  ) {
    self.hour = hour
    self.minute = minute
    self.second = second
    self.nanosecond = nanosecond
    self.fractionDigits = fractionDigits
  }

  /// RFC 3339 `partial-time`, with the fraction digits the source wrote.
  public var description: String {
    var text =
      TOMLDateFormatting.pad(Int(hour), 2) + ":" + TOMLDateFormatting.pad(Int(minute), 2) + ":"
      + TOMLDateFormatting.pad(Int(second), 2)
    if fractionDigits > 0 {
      let nine = TOMLDateFormatting.pad(Int(nanosecond), 9)
      text += "." + nine.prefix(Int(fractionDigits))
    }
    return text
  }
}

/// A TOML local date-time (`1979-05-27T07:32:00`): no offset.
public struct TOMLLocalDateTime: Sendable, Hashable, CustomStringConvertible {
  /// The date part.
  public var date: TOMLLocalDate
  /// The time part.
  public var time: TOMLLocalTime

  /// Creates a local date-time.
  public init(date: TOMLLocalDate, time: TOMLLocalTime) {
    self.date = date
    self.time = time
  }

  /// `date` `T` `time`.
  public var description: String { "\(date)T\(time)" }
}

/// A TOML offset date-time (`1979-05-27T07:32:00-07:00`, `...Z`).
public struct TOMLOffsetDateTime: Sendable, Hashable, CustomStringConvertible {
  /// The date part, in local time at `offsetMinutes`.
  public var date: TOMLLocalDate
  /// The time part, in local time at `offsetMinutes`.
  public var time: TOMLLocalTime
  /// The offset from UTC in minutes (`Z` is 0), -1439...1439.
  public var offsetMinutes: Int16

  /// Creates an offset date-time.
  public init(date: TOMLLocalDate, time: TOMLLocalTime, offsetMinutes: Int16) {
    self.date = date
    self.time = time
    self.offsetMinutes = offsetMinutes
  }

  /// RFC 3339 `date-time`; a zero offset renders as `Z`.
  public var description: String {
    guard offsetMinutes != 0 else { return "\(date)T\(time)Z" }
    let magnitude = Int(offsetMinutes.magnitude)
    let sign = offsetMinutes < 0 ? "-" : "+"
    return "\(date)T\(time)\(sign)" + TOMLDateFormatting.pad(magnitude / 60, 2) + ":"
      + TOMLDateFormatting.pad(magnitude % 60, 2)
  }
}

/// Zero-padding for the date types' descriptions.
enum TOMLDateFormatting {
  static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width
      ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}
