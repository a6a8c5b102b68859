import Testing

@testable import InfraHouseCore

/// FIPS 180-2 and RFC 4231 vectors.
@Suite struct CryptoTests {
  @Test func sha256() {
    #expect(
      Crypto.hex(Crypto.sha256(Array("abc".utf8)))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      Crypto.hex(Crypto.sha256([]))
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test func hmacSHA256() {
    #expect(
      Crypto.hex(
        Crypto.hmacSHA256(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)))
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    // A key longer than the block is hashed first.
    #expect(
      Crypto.hex(
        Crypto.hmacSHA256(
          key: [UInt8](repeating: 0xaa, count: 131),
          Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
        == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
  }
}
