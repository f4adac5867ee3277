import ContactsDomain
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Checks whether an email domain can receive mail (C39). Replaceable so tests use a stand-in.
public protocol EmailDomainResolver: Sendable {
  func check(domain: String) async -> EmailDomainCheck
}

/// Resolves the domain's addresses with the system resolver (the A/AAAA half of C39; MX
/// lookups need a DNS library the platform does not ship). A name that does not exist is
/// invalid; any other failure is "unverified" and never suppresses.
public struct SystemEmailDomainResolver: EmailDomainResolver {
  public init() {}

  public func check(domain: String) async -> EmailDomainCheck {
    await withCheckedContinuation { continuation in
      Thread.detachNewThread {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(domain, nil, &hints, &result)
        if let result { freeaddrinfo(result) }
        switch status {
        case 0: continuation.resume(returning: .valid)
        case EAI_NONAME: continuation.resume(returning: .invalid)
        default: continuation.resume(returning: .unverified)
        }
      }
    }
  }
}
