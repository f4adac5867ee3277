import Foundation

/// How a route builds its RPC request's JSON (proto3 JSON mapping, snake_case field names)
/// from the HTTP request: the body, path parameters and query parameters merged into one
/// object that swift-protobuf decodes.
public struct RequestMapping: Sendable {
  /// Where the JSON body goes.
  public enum Body: Sendable {
    /// No body is read (bodiless routes; a body is ignored, G13).
    case none
    /// The body object's keys are request fields.
    case fields
    /// The body object goes under one request field (e.g. `fields` of UpdateContact).
    case nested(String)
    /// A JSON merge patch: keys go under `into` (or the top level when `nil`), and the keys
    /// present become the FieldMask `mask`, relative to `into` (a key with `null` clears the
    /// field).
    /// `renames` maps body keys to request fields that are not part of the mask.
    case mergePatch(into: String?, mask: String, renames: [String: String])
  }

  public var body: Body
  /// Path parameter → request field (default: the same name; `name[]` for a repeated field).
  public var pathFields: [String: String]
  /// Query parameter → request field. Undeclared query parameters are ignored.
  public var queryFields: [String: String]
  /// Body keys renamed to request fields (e.g. `limit` → `page_size` in a search body).
  public var bodyRenames: [String: String]
  /// Enum fields of the request by dotted path (body, query and path values alike): the
  /// documented lower-case value (`source=maac`, `"channel_type": "email"`) becomes the proto
  /// name (`TAG_SOURCE_MAAC`); any other value is refused naming the field.
  public var enums: EnumPaths
  /// Repeated fields whose items may be given as a bare string, standing for an object with
  /// that one key (CDH's documented `{"unify_keys": ["display_mobile"]}` for
  /// `[{"attribute": "display_mobile"}]`).
  public var scalarItems: [String: String]
  /// When set, the only body keys a route accepts; any other key is refused naming it (e.g.
  /// CDH's application routes act on the caller's own scope: a `unify_scope_id` from the
  /// client is not taken).
  public var acceptedBodyKeys: Set<String>?
  /// Fields set to a fixed JSON value (e.g. the documented `tag_source` default).
  public var constants: [String: String]

  public init(
    body: Body = .none, pathFields: [String: String] = [:], queryFields: [String: String] = [:],
    bodyRenames: [String: String] = [:], enums: EnumPaths = [:],
    scalarItems: [String: String] = [:], acceptedBodyKeys: Set<String>? = nil,
    constants: [String: String] = [:]
  ) {
    self.acceptedBodyKeys = acceptedBodyKeys
    self.enums = enums
    self.scalarItems = scalarItems
    self.bodyRenames = bodyRenames
    self.body = body
    self.pathFields = pathFields
    self.queryFields = queryFields
    self.constants = constants
  }

  /// The standard paging parameters (G17): `cursor` → `page_token`, `limit` → `page_size`.
  public static let paging = ["cursor": "page_token", "limit": "page_size"]

  /// The request as proto3 JSON.
  func json(
    body bytes: [UInt8], path: [String: String], query: [(String, String)],
    repeatedQuery: Set<String>
  )
    throws(HTTPInputError) -> Data
  {
    let (object, bodyParsed) = try self.object(
      body: bytes, path: path, query: query, repeatedQuery: repeatedQuery)
    return try encodeJSON(object, bodyParsed: bodyParsed)
  }

  /// The request, encoded.
  enum EncodedRequest {
    /// Protobuf wire bytes, written by a ``ProtoRequestEncoder``.
    case binary([UInt8])
    /// Proto3 JSON, for swift-protobuf to decode.
    case json(Data)
  }

  /// The request as wire bytes when `encoder` can write it directly (bodiless, top-level
  /// scalars), else as proto3 JSON.
  func encoded(
    body bytes: [UInt8], path: [String: String], query: [(String, String)],
    repeatedQuery: Set<String>, encoder: ProtoRequestEncoder?
  ) throws(HTTPInputError) -> EncodedRequest {
    let (object, bodyParsed) = try self.object(
      body: bytes, path: path, query: query, repeatedQuery: repeatedQuery)
    if !bodyParsed, constants.isEmpty, let binary = encoder?.encode(object) {
      return .binary(binary)
    }
    return .json(try encodeJSON(object, bodyParsed: bodyParsed))
  }

  /// The request's fields by name, merged from the body, query and path, with enum values
  /// already mapped to proto names; `bodyParsed` says whether a client body is in it.
  private func object(
    body bytes: [UInt8], path: [String: String], query: [(String, String)],
    repeatedQuery: Set<String>
  ) throws(HTTPInputError) -> (object: [String: Any], bodyParsed: Bool) {
    var object: [String: Any] = [:]
    var bodyParsed = false
    if case .none = body {
    } else if !bytes.isEmpty {
      let parsed: Any
      do {
        parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
      } catch {
        throw HTTPInputError(field: "body", reason: "is not valid JSON")
      }
      bodyParsed = true
      guard let bodyObject = parsed as? [String: Any] else {
        throw HTTPInputError(field: "body", reason: "must be a JSON object")
      }
      if let acceptedBodyKeys,
        let refused = bodyObject.keys.sorted().first(where: { !acceptedBodyKeys.contains($0) })
      {
        throw HTTPInputError(field: refused, reason: "is not accepted on this route")
      }
      switch body {
      case .none: break
      case .fields:
        for (key, value) in bodyObject { object[bodyRenames[key] ?? key] = value }
      case .nested(let field): object[field] = bodyObject
      case .mergePatch(let into, let mask, let renames):
        var patched: [String: Any] = [:]
        var paths: [String] = []
        for (key, value) in bodyObject {
          if let renamed = renames[key] {
            object[renamed] = value
            continue
          }
          patched[key] = value
          // Mask paths name the patched fields themselves (relative to `into`): contacts'
          // UpdateContact masks ContactFields names (`display_name`, not `fields.display_name`).
          paths.append(Self.lowerCamel(key))
        }
        if let into { object[into] = patched } else { object.merge(patched) { $1 } }
        object[mask] = paths.sorted().joined(separator: ",")
      }
    }
    // Enum query values are mapped here, so a refusal names the parameter the client sent.
    var mappedFromQuery: Set<String> = []
    for (name, value) in query {
      guard let field = queryFields[name] else { continue }
      let scalar: Any
      if let mapping = enums[field] {
        guard let proto = mapping.proto(value) else {
          throw HTTPInputError(field: name, reason: mapping.mustBeOneOf)
        }
        scalar = proto
        mappedFromQuery.insert(field)
      } else {
        scalar = Self.queryScalar(value)
      }
      if repeatedQuery.contains(field) {
        var values = object[field] as? [Any] ?? []
        values.append(scalar)
        object[field] = values
      } else {
        object[field] = scalar
      }
    }
    for (name, value) in path {
      let field = pathFields[name] ?? name
      // `field[]` puts the one path value into a repeated field (e.g. DetachTags.contact_ids).
      if field.hasSuffix("[]") {
        object[String(field.dropLast(2))] = [value]
      } else {
        object[field] = value
      }
    }
    for (field, raw) in constants {
      object[field] =
        (try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: [.fragmentsAllowed]))
        ?? raw
    }
    for (field, key) in scalarItems {
      guard let items = object[field] as? [Any] else { continue }
      object[field] = items.map { item in item is String ? [key: item] : item }
    }
    for (path, mapping) in enums where !mappedFromQuery.contains(path) {
      try Self.mapEnum(
        in: &object, path: path.split(separator: ".").map(String.init)[...],
        fullPath: path, mapping)
    }
    return (object, bodyParsed)
  }

  private func encodeJSON(_ object: [String: Any], bodyParsed: Bool) throws(HTTPInputError)
    -> Data
  {
    // Without a body every value is one the gateway made (strings, booleans, arrays of them).
    if !bodyParsed, constants.isEmpty, let bytes = ScalarJSONWriter.write(object) {
      return Data(bytes)
    }
    do {
      return try JSONSerialization.data(withJSONObject: object)
    } catch {
      throw HTTPInputError(field: "body", reason: "could not be re-encoded")
    }
  }

  /// Replaces the external enum names at `path` (arrays are walked through) by proto names.
  private static func mapEnum(
    in object: inout [String: Any], path: ArraySlice<String>, fullPath: String, _ mapping: JSONEnum
  ) throws(HTTPInputError) {
    guard let key = path.first, let value = object[key] else { return }
    let rest = path.dropFirst()
    object[key] = try mapEnum(value: value, rest: rest, fullPath: fullPath, mapping)
  }

  private static func mapEnum(
    value: Any, rest: ArraySlice<String>, fullPath: String, _ mapping: JSONEnum
  ) throws(HTTPInputError) -> Any {
    if let array = value as? [Any] {
      var mapped: [Any] = []
      for item in array {
        mapped.append(try mapEnum(value: item, rest: rest, fullPath: fullPath, mapping))
      }
      return mapped
    }
    if rest.isEmpty {
      if value is NSNull { return value }
      guard let name = value as? String, let proto = mapping.proto(name) else {
        throw HTTPInputError(field: fullPath, reason: mapping.mustBeOneOf)
      }
      return proto
    }
    guard var nested = value as? [String: Any] else { return value }
    try mapEnum(in: &nested, path: rest, fullPath: fullPath, mapping)
    return nested
  }

  /// Query values are strings; `true`/`false` become JSON booleans so bool fields decode.
  /// Numbers stay strings, which proto3 JSON accepts for every integer type.
  private static func queryScalar(_ value: String) -> Any {
    switch value {
    case "true": true
    case "false": false
    default: value
    }
  }

  /// FieldMask JSON uses lowerCamelCase paths.
  private static func lowerCamel(_ path: String) -> String {
    path.split(separator: ".").map { component in
      let words = component.split(separator: "_")
      guard let first = words.first else { return "" }
      return
        ([String(first)] + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() })
        .joined()
    }.joined(separator: ".")
  }
}

/// A request the gateway refuses before calling a service: 400 naming the field and reason.
public struct HTTPInputError: Error, Sendable {
  public var field: String
  public var reason: String
  public init(field: String, reason: String) {
    self.field = field
    self.reason = reason
  }
}
