import MAACContracts

/// The contacts CSV routes of `contacts.md` §5.2 (G13): the streamed multipart import upload
/// and the `text/csv` downloads.
extension GatewayRoutes {
  /// `"METHOD template"` of the routes whose request body is streamed, not buffered.
  static let streamedUploads: Set<String> = ["POST /api/member/v1/imports"]

  static var csv: [Route] {
    let base = "/api/member/v1"
    return [
      Route(
        method: .POST, template: PathTemplate("\(base)/imports"), family: .contacts,
        upstream: "contacts", rpc: Contacts.CreateImportTask.descriptor, int64Parameters: [],
        extraTokenUses: [], timeout: .seconds(10), acceptsBody: true,
        invoke: ImportUpload.invoke),
      .csvDownload(
        "\(base)/exports/{task_id}/file", upstream: "contacts",
        rpc: Contacts.DownloadExport.descriptor,
        request: Maac_Contacts_V1_GetExportTaskRequest.self
      ) { "contacts-export-\($0["task_id"] ?? "").csv" },
      .csvDownload(
        "\(base)/imports/{task_id}/failure-report", upstream: "contacts",
        rpc: Contacts.GetImportFailureReport.descriptor,
        request: Maac_Contacts_V1_GetImportTaskRequest.self
      ) { "import-\($0["task_id"] ?? "")-failures.csv" },
      .csvDownload(
        "\(base)/import-templates/{target}", upstream: "contacts",
        rpc: Contacts.GetImportTemplate.descriptor,
        request: Maac_Contacts_V1_GetImportTemplateRequest.self,
        pathEnums: ["target": "IMPORT_TARGET_"]
      ) { "import-template-\($0["target"] ?? "").csv" },
    ]
  }
}
