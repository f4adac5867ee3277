import Foundation

/// Binding a customer id (C47, C48, C50).
public enum BindingRules {
  /// The validated customer id to bind: 1..1,024 characters after trimming (C12).
  public static func validateCustomerID(_ raw: String, field: String = "customer_id")
    throws(DomainError) -> String
  {
    let value = Text.normalize(raw)
    guard !value.isEmpty else {
      throw .invalid(.invalidSelector, field: field, "\(field) must not be empty")
    }
    do {
      try Text.checkLength(value, limit: FieldLimits.customerID, field: field)
    } catch { throw error.asDomainError }
    return value
  }

  /// The contact after binding `customerID`, or `nil` when it already holds it (no-op, no event).
  public static func bind(_ customerID: String, to contact: Contact, at time: Date) -> Contact? {
    guard contact.customerID != customerID else { return nil }
    var next = contact
    next.customerID = customerID
    next.updatedAt = time
    return next
  }

  /// The contact after unbinding, or `nil` when it is not bound (no-op, no event).
  public static func unbind(_ contact: Contact, at time: Date) -> Contact? {
    guard contact.isBound else { return nil }
    var next = contact
    next.customerID = nil
    next.updatedAt = time
    return next
  }
}
