/// The owner's node runtime: outbox, overlay, sync client (node-core issue).
@_exported import Services
