import ArgumentParser

/// Operator commands the launcher (`./maac`) and operators use; each subcommand is one file.
@main
struct MAACOps: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "maac-ops",
    abstract: "Operator commands for the MAAC platform.",
    subcommands: [ProvisionDatabase.self, DeadLetters.self]
  )
}
