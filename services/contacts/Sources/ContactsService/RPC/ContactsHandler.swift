import GRPCCore
import MAACContracts

/// Server skeleton of `maac.contacts.v1.Contacts`: every method answers UNIMPLEMENTED until the contacts issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct ContactsHandler: Maac_Contacts_V1_Contacts.SimpleServiceProtocol {
  public init() {}

  public func createContact(request: Maac_Contacts_V1_CreateContactRequest, context: ServerContext)
    async throws -> Maac_Contacts_V1_Contact
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.CreateContact.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getContact(request: Maac_Contacts_V1_GetContactRequest, context: ServerContext)
    async throws -> Maac_Contacts_V1_Contact
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.GetContact.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateContact(request: Maac_Contacts_V1_UpdateContactRequest, context: ServerContext)
    async throws -> Maac_Contacts_V1_Contact
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.UpdateContact.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func deleteContact(request: Maac_Contacts_V1_DeleteContactRequest, context: ServerContext)
    async throws -> Maac_Contacts_V1_DeleteContactResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.DeleteContact.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func bindCustomerId(
    request: Maac_Contacts_V1_BindCustomerIdRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_Contact {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.BindCustomerId.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func unbindCustomerId(
    request: Maac_Contacts_V1_UnbindCustomerIdRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_Contact {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.UnbindCustomerId.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func searchContacts(
    request: Maac_Contacts_V1_SearchContactsRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_SearchContactsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.SearchContacts.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func searchEmailContacts(
    request: Maac_Contacts_V1_SearchEmailContactsRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_SearchEmailContactsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.SearchEmailContacts.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getContactStats(
    request: Maac_Contacts_V1_GetContactStatsRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ContactStats {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.GetContactStats.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listContactHistory(
    request: Maac_Contacts_V1_ListContactHistoryRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ListContactHistoryResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.ListContactHistory.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func uploadImportFile(
    request: RPCAsyncSequence<Maac_Contacts_V1_FileChunk, any Swift.Error>, context: ServerContext
  ) async throws -> Maac_Contacts_V1_UploadRef {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.UploadImportFile.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func createImportTask(
    request: Maac_Contacts_V1_CreateImportTaskRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ImportTask {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.CreateImportTask.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getImportTask(request: Maac_Contacts_V1_GetImportTaskRequest, context: ServerContext)
    async throws -> Maac_Contacts_V1_ImportTask
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.GetImportTask.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listImportTasks(
    request: Maac_Contacts_V1_ListImportTasksRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ListImportTasksResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.ListImportTasks.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listImportRowResults(
    request: Maac_Contacts_V1_ListImportRowResultsRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ListImportRowResultsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.ListImportRowResults.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getImportFailureReport(
    request: Maac_Contacts_V1_GetImportTaskRequest, response: RPCWriter<Maac_Contacts_V1_FileChunk>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.GetImportFailureReport.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getImportTemplate(
    request: Maac_Contacts_V1_GetImportTemplateRequest,
    response: RPCWriter<Maac_Contacts_V1_FileChunk>, context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.GetImportTemplate.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func createExportTask(
    request: Maac_Contacts_V1_CreateExportTaskRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ExportTask {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.CreateExportTask.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getExportTask(request: Maac_Contacts_V1_GetExportTaskRequest, context: ServerContext)
    async throws -> Maac_Contacts_V1_ExportTask
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.GetExportTask.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func downloadExport(
    request: Maac_Contacts_V1_GetExportTaskRequest, response: RPCWriter<Maac_Contacts_V1_FileChunk>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_Contacts.Method.DownloadExport.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
