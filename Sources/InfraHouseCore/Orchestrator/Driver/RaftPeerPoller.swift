/// Reads every queryable peer concurrently, each bounded by a timeout, and
/// turns the answers into the planner's observations.
///
/// A peer that cannot be read and is not in anyone's peer list is a
/// candidate: it is observed as reachable (with no state, leader or peers)
/// when the backend says it may be added (``RaftBackend/candidateAnswers(_:)``),
/// so the planner's "add only a peer whose API answers" rule holds for both
/// backends.
struct RaftPeerPoller: Sendable {
  let backend: any RaftBackend
  let peerTimeout: Duration

  /// One peer's read: the report, or why there is none.
  struct Read: Sendable {
    var instance: RaftInstance
    var endpoint: RaftPeerEndpoint
    var report: RaftPeerReport?
    var error: String?
    var candidateAnswers = false
  }

  /// What one round of reads found.
  struct Poll: Sendable {
    var reads: [Read]
    var observations: [RaftPeerObservation]
    /// Addresses any reachable peer lists.
    var knownPeers: [String]
  }

  func endpoint(of instance: RaftInstance) -> RaftPeerEndpoint {
    RaftPeerEndpoint(
      host: instance.privateIP ?? instance.hostname ?? "", instanceID: instance.instanceID)
  }

  func poll(_ instances: [RaftInstance]) async -> Poll {
    let queried = RaftReconcilePlanner.instancesToQuery(instances)
    var reads = await withTaskGroup(of: Read.self) { group in
      for instance in queried {
        let endpoint = endpoint(of: instance)
        group.addTask { [backend, peerTimeout] in
          do {
            let report = try await withTimeout(peerTimeout) {
              try await backend.report(from: endpoint)
            }
            return Read(instance: instance, endpoint: endpoint, report: report)
          } catch {
            return Read(instance: instance, endpoint: endpoint, error: String(describing: error))
          }
        }
      }
      var out: [Read] = []
      for await read in group { out.append(read) }
      return out
    }
    reads.sort { $0.instance.instanceID < $1.instance.instanceID }

    var known = Set<String>()
    for r in reads { for p in r.report?.peers ?? [] { known.insert(p) } }
    let knownPeers = known.sorted()
    // Unanswering non-members: may they be added?
    for i in reads.indices where reads[i].report == nil {
      let isMember = knownPeers.contains {
        RaftPeerAddress.match($0, in: [reads[i].instance]) != nil
      }
      if !isMember {
        let endpoint = reads[i].endpoint
        reads[i].candidateAnswers =
          await
          (try? withTimeout(peerTimeout) { [backend] in
            await backend.candidateAnswers(endpoint)
          }) ?? false
      }
    }
    let observations = reads.map { r -> RaftPeerObservation in
      if let report = r.report {
        return RaftPeerObservation(
          instanceID: r.instance.instanceID, reachable: true, state: report.state,
          healthy: report.healthy, leader: report.leader, peers: report.peers)
      }
      if r.candidateAnswers {
        return RaftPeerObservation(instanceID: r.instance.instanceID, reachable: true)
      }
      return .unreachable(r.instance.instanceID)
    }
    return Poll(reads: reads, observations: observations, knownPeers: knownPeers)
  }
}
