import GRPCCore
import MAACContracts

/// Server skeleton of `maac.cdh.v1.ImportService`: every method answers UNIMPLEMENTED until the cdh issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct ImportServiceHandler: Maac_Cdh_V1_ImportService.SimpleServiceProtocol {
  public init() {}

  public func submitImportTask(request: Maac_Cdh_V1_SubmitImportTaskRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_ImportTask
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_ImportService.Method.SubmitImportTask.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getImportTask(request: Maac_Cdh_V1_GetImportTaskRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_ImportTask
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_ImportService.Method.GetImportTask.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listImportTasks(request: Maac_Cdh_V1_ListImportTasksRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_ListImportTasksResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_ImportService.Method.ListImportTasks.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
