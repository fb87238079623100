/// The relay runtime: sequencer, push and pull over HTTP (relay issue).
@_exported import Services
