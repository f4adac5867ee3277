import CDHDomain
import Foundation
import GRPCCore
import MAACContracts
import ServiceKit

/// `maac.cdh.v1.ImportService` (U40, U41).
public struct ImportServiceHandler: Maac_Cdh_V1_ImportService.SimpleServiceProtocol {
  let runtime: CDHRuntime?

  public init(runtime: CDHRuntime? = nil) { self.runtime = runtime }

  static func task(_ task: ImportTaskRecord) -> Maac_Cdh_V1_ImportTask {
    .with {
      $0.taskID = task.id
      $0.orgID = task.organizationID
      $0.status = ContractMapping.importStatus(task.status)
      $0.totalRows = task.totalRows
      $0.processedRows = task.processedRows
      $0.failedRows = task.failedRows
      $0.errors = task.errors.map { error in
        .with {
          $0.row = Int64(error.row)
          $0.memberID = error.memberID
          $0.code = error.code.rawValue
          $0.message = error.message
        }
      }
      $0.createdAt = .init(date: task.createdAt)
      if let started = task.startedAt { $0.startedAt = .init(date: started) }
      if let finished = task.finishedAt { $0.finishedAt = .init(date: finished) }
      $0.unifyScopeID = task.scopeID
      $0.createdBy = task.createdBy
    }
  }

  public func submitImportTask(request: Maac_Cdh_V1_SubmitImportTaskRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_ImportTask
  {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    let rows = request.rows.map {
      ImportRowInput(memberID: $0.memberID, updates: ContractMapping.fieldUpdates($0.updates))
    }
    return Self.task(
      try await runtime.submitImport(
        caller: caller.org, rows: rows, idempotencyKey: request.idempotencyKey, actor: caller.actor)
    )
  }

  public func getImportTask(request: Maac_Cdh_V1_GetImportTaskRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_ImportTask
  {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    return Self.task(try await runtime.importTask(request.taskID, caller: caller.org))
  }

  public func listImportTasks(request: Maac_Cdh_V1_ListImportTasksRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_ListImportTasksResponse
  {
    let caller = try HandlerSupport.caller()
    let runtime = try HandlerSupport.runtime(runtime)
    let pageSize = Int(request.pageSize == 0 ? 100 : request.pageSize)
    guard (1...1000).contains(pageSize) else {
      throw ServiceError.invalidArgument(field: "page_size", "page_size must be between 1 and 1000")
    }
    var before = Int64.max
    if !request.pageToken.isEmpty {
      guard
        let decoded = Data(base64Encoded: request.pageToken).flatMap({
          String(data: $0, encoding: .utf8)
        }),
        decoded.hasPrefix("import:"), let id = Int64(decoded.dropFirst("import:".count))
      else { throw ServiceError.invalidArgument(field: "page_token", "invalid page_token") }
      before = id
    }
    let statuses = request.statuses.compactMap { status -> String? in
      switch status {
      case .pending: "pending"
      case .running: "running"
      case .succeeded: "complete"
      case .failed: "failed"
      default: nil
      }
    }
    let tasks = try await runtime.listImports(
      caller: caller.org, statuses: statuses, before: before, limit: pageSize + 1)
    return .with {
      $0.tasks = tasks.prefix(pageSize).map(Self.task)
      if tasks.count > pageSize, let last = tasks.prefix(pageSize).last {
        $0.nextPageToken = Data("import:\(last.id)".utf8).base64EncodedString()
      }
    }
  }
}
