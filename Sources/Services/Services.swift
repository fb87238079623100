/// Pricing, bookings, payments, conversation and notifications, over `Store`.
///
/// Filled by later issues; kept so the fixed layout builds and dependencies point down from the first commit.
@_exported import Store
