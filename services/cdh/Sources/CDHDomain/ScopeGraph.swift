/// The unification graph of one scope (cdh.md §2.2 unification_edge, U8–U14), kept as an
/// in-memory index: per entity its match values for all five candidate attributes (U14), per
/// `(attribute, match value)` the entities holding it. Components under the applied key set
/// are found either incrementally (BFS from the changed entities, O(affected component)) or
/// for the whole scope with union-find (the re-unification job, U18).
public struct ScopeGraph: Sendable {
  struct PostingKey: Hashable, Sendable {
    var attribute: UInt8
    var value: String
  }

  public let scopeID: Int64
  /// The key set the current components were computed with (set by the job, U18).
  public internal(set) var keys: [UnifyAttribute]
  var refs: [MemberRef] = []
  var slots: [MemberRef: Int32] = [:]
  var alive: [Bool] = []
  /// `slot * 5 + attribute.ordinal` → match value.
  var matchValues: [String?] = []
  var postings: [PostingKey: [Int32]] = [:]

  public init(scopeID: Int64, keys: [UnifyAttribute]) {
    self.scopeID = scopeID
    self.keys = keys
  }

  public var liveCount: Int { alive.lazy.filter { $0 }.count }

  public func contains(_ member: MemberRef) -> Bool {
    guard let slot = slots[member] else { return false }
    return alive[Int(slot)]
  }

  /// The slot of a member, created on first use.
  mutating func slot(for member: MemberRef) -> Int {
    if let slot = slots[member] {
      alive[Int(slot)] = true
      return Int(slot)
    }
    let slot = refs.count
    refs.append(member)
    slots[member] = Int32(slot)
    alive.append(true)
    matchValues.append(contentsOf: repeatElement(nil, count: 5))
    return slot
  }

  public func matchValue(of member: MemberRef, _ attribute: UnifyAttribute) -> String? {
    guard let slot = slots[member] else { return nil }
    return matchValues[Int(slot) * 5 + attribute.ordinal]
  }

  /// Sets one match value; returns whether it changed (U14: kept for every attribute).
  @discardableResult
  mutating func setMatchValue(_ value: String?, of member: MemberRef, _ attribute: UnifyAttribute)
    -> Bool
  {
    let slot = self.slot(for: member)
    let position = slot * 5 + attribute.ordinal
    let old = matchValues[position]
    guard old != value else { return false }
    let attributeCode = UInt8(attribute.ordinal)
    if let old {
      let key = PostingKey(attribute: attributeCode, value: old)
      if var list = postings[key] {
        if let index = list.firstIndex(of: Int32(slot)) { list.swapAt(index, list.count - 1) }
        list.removeLast()
        postings[key] = list.isEmpty ? nil : list
      }
    }
    if let value {
      postings[PostingKey(attribute: attributeCode, value: value), default: []].append(Int32(slot))
    }
    matchValues[position] = value
    return true
  }

  /// Removes a member and all its edges (U16, scope moves).
  mutating func remove(_ member: MemberRef) {
    guard let slot = slots[member], alive[Int(slot)] else { return }
    for attribute in UnifyAttribute.allCases { setMatchValue(nil, of: member, attribute) }
    alive[Int(slot)] = false
  }

  /// Direct links of a member under the applied keys (U8: OR across keys; U10: only
  /// non-empty values are indexed).
  func neighbors(of slot: Int, into visit: (Int) -> Void) {
    for attribute in keys {
      guard let value = matchValues[slot * 5 + attribute.ordinal],
        let list = postings[PostingKey(attribute: UInt8(attribute.ordinal), value: value)]
      else { continue }
      for other in list where Int(other) != slot { visit(Int(other)) }
    }
  }

  /// The connected components (U9) containing `seeds`, each sorted by member.
  public func components(containing seeds: [MemberRef]) -> [[MemberRef]] {
    var seen = Set<Int>()
    var result: [[MemberRef]] = []
    for seed in seeds {
      guard let start = slots[seed].map(Int.init), alive[start], !seen.contains(start) else {
        continue
      }
      var component: [MemberRef] = []
      var stack = [start]
      seen.insert(start)
      while let slot = stack.popLast() {
        component.append(refs[slot])
        neighbors(of: slot) { other in
          if seen.insert(other).inserted { stack.append(other) }
        }
      }
      component.sort()
      result.append(component)
    }
    return result
  }

  /// Every component of the scope with union-find over the postings of the applied keys
  /// (U18 step 2). Runs in O(N α(N)) for N entities.
  public func allComponents() -> [[MemberRef]] {
    let count = refs.count
    var parent = [Int32](0..<Int32(count))
    func find(_ start: Int32) -> Int32 {
      var root = start
      while parent[Int(root)] != root { root = parent[Int(root)] }
      var node = start
      while parent[Int(node)] != root {
        let next = parent[Int(node)]
        parent[Int(node)] = root
        node = next
      }
      return root
    }
    let keyCodes = Set(keys.map { UInt8($0.ordinal) })
    for (key, list) in postings where keyCodes.contains(key.attribute) && list.count > 1 {
      for other in list.dropFirst() {
        let first = find(list[0])
        let root = find(other)
        if root != first {
          // The smaller slot becomes the root; path compression keeps trees flat.
          if root < first { parent[Int(first)] = root } else { parent[Int(root)] = first }
        }
      }
    }
    var groups: [Int32: Int] = [:]
    var result: [[MemberRef]] = []
    for slot in 0..<count where alive[slot] {
      let root = find(Int32(slot))
      if let index = groups[root] {
        result[index].append(refs[slot])
      } else {
        groups[root] = result.count
        result.append([refs[slot]])
      }
    }
    for index in result.indices where result[index].count > 1 { result[index].sort() }
    return result
  }
}
