/// The replicated store: schema, records, the pure apply function and availability queries.
///
/// Built by the store issue on top of `Wire`. Until then this target only re-exports the wire types it will apply.
@_exported import Wire
