/// Substring search over UTF-8, for the shipped targets that do not import
/// `_StringProcessing` (where `String.contains(_:)` and `firstRange(of:)` live;
/// see `Package.swift`).
extension StringProtocol {
  /// The first range where `needle` occurs, compared byte for byte; nil if it does not.
  /// An empty needle matches at the start.
  public func range(ofText needle: some StringProtocol) -> Range<String.Index>? {
    let hay = utf8
    let pattern = Array(needle.utf8)
    guard let first = pattern.first else { return startIndex..<startIndex }
    var i = hay.startIndex
    while i != hay.endIndex {
      if hay[i] == first {
        var h = i
        var matched = true
        for byte in pattern {
          guard h != hay.endIndex, hay[h] == byte else {
            matched = false
            break
          }
          h = hay.index(after: h)
        }
        if matched { return i..<h }
      }
      i = hay.index(after: i)
    }
    return nil
  }

  /// Whether `needle` occurs in this text, compared byte for byte (the empty
  /// text always does).
  public func contains(text needle: some StringProtocol) -> Bool {
    range(ofText: needle) != nil
  }
}
