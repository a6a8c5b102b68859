extension GitHubActions {
  /// Keeps a fresh runner registration token in a Secrets Manager secret, or
  /// removes it: the seed's `ensure_registration_token(secret, present=...)`.
  ///
  /// `present: true` asks GitHub for a new token (`POST .../registration-token`)
  /// and writes it to `secret` (creating it if needed); `present: false` deletes
  /// the secret, and an absent secret counts as done. The token never reaches a log.
  public func ensureRegistrationToken(
    _ secret: Secret, present: Bool, deadline: ContinuousClock.Instant? = nil
  ) async throws {
    if present {
      let token = try await registrationToken(deadline: deadline).token
      try await secret.ensurePresent(token, description: "GitHub Actions runner registration token")
    } else {
      try await secret.ensureAbsent()
    }
  }
}
