/// The replicated store: schema, records, the pure apply function, the state digest and availability queries.
@_exported import Wire
