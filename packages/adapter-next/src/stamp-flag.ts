// Internal: the process-wide flag `installSenderStamp()` sets (module copies in different bundles
// share it through the global symbol registry).
export const SENDER_STAMP_FLAG = Symbol.for('hookgate.adapter-next.senderStamp');
