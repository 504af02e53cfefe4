// `@hookgate/core`: what an application uses. Adapter-, store- and provider-building pieces are
// in `@hookgate/core/adapter`, `/store` and `/provider`; test helpers in `/testing`. Everything
// else is internal: add a name here only on purpose (the API report in api/ shows the change).

// Handlers and gateways
export { HASHED_EVENT_ID_PREFIX, MAX_PLAIN_EVENT_ID_LENGTH } from './dedupe-key.js';
export {
  createWebhookHandler,
  DEFAULT_DEDUPE_WINDOW_SECONDS,
  DEFAULT_LEASE_SECONDS,
  DEFAULT_MAX_BODY_BYTES,
  type AnyListener,
  type ErrorListener,
  type EventListener,
  type HandleOptions,
  type HandlerContext,
  type HandlerLogger,
  type RedeliverInput,
  type WebhookEndpoint,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from './handler.js';
export { createGateway, type Gateway, type GatewayOptions, type GatewayRouter } from './gateway.js';
export { createFetchHandler, type FetchHandlerOptions } from './fetch.js';
// Inbox mode: answer at once, run listeners in a worker with retries; replay stored deliveries
export {
  DEFAULT_RETRY_POLICY,
  normalizeRetryPolicy,
  retryDelayMs,
  type AttemptResult,
  type DeliveryAttempt,
  type DeliveryInbox,
  type HandlerMode,
  type InboxJob,
  type InboxSubscription,
  type InboxWorkOptions,
  type ResolvedRetryPolicy,
  type RetryPolicy,
} from './inbox.js';
export { startWorker, type Worker, type WorkerOptions } from './worker.js';
export {
  countReplayable,
  MAX_REPLAY_BATCH,
  REPLAYABLE_STATUSES,
  replayDeliveries,
  replayDelivery,
  type ReplayBatchResult,
  type ReplayOptions,
  type ReplayResult,
} from './replay.js';
export { DEFAULT_MAX_JSON_DEPTH } from './json-body.js';
export type { HeadersInput, WebhookRequest } from './request.js';
export { CREDENTIAL_HEADERS, CREDENTIAL_NAME_PATTERN, getHeader, REDACTED } from './headers.js';
export { OUTCOME_STATUS, type HandleOutcome, type OutcomeKind, type OutcomeResponseBody } from './outcome.js';
export { HookgateError, type HookgateErrorCode } from './errors.js';

// Providers and verification strategies
export {
  defineProvider,
  type DiscriminatedEvents,
  type DiscriminatedMap,
  type DiscriminatedProviderOptions,
  type EventMapOf,
  type EventSelection,
  type OneOfMap,
  type OneOfProviderOptions,
  type OneOfVariant,
  type ParsedEventLike,
  type Provider,
  type ProviderReply,
  withProviderId,
} from './provider.js';
export {
  hmac,
  hmacWithTimestamp,
  type HmacAlgorithm,
  type HmacOptions,
  type HmacWithTimestampOptions,
  type SignInput,
  type VerificationFailure,
  type VerificationFailureReason,
  type VerificationResult,
  type VerificationStrategy,
  type VerificationSuccess,
} from './verify-hmac.js';
export type { KeyValueSignatureFormat, SignatureFormat, VersionedSignatureFormat } from './signature-header.js';
export { diagnoseVerification, type DiagnoseOptions, type DiagnosisCode, type DiagnosisFinding, type VerificationDiagnosis } from './diagnose.js';
export type { DigestEncoding } from './digest-encoding.js';
export type { MessageChunk } from './message-template.js';
export type { Secret, SecretFormat, SecretKeys } from './secrets.js';
export type { HmacKey } from './crypto-backend.js';
export type { FastParse, FastParseResult, StandardSchemaV1 } from './standard-schema.js';
export type {
  AnyPayloadOf,
  EventMap,
  EventName,
  InvalidPayload,
  InvalidPayloadReason,
  ParsedEvent,
  ParsedPayload,
  ParseResult,
  PayloadOf,
  SignatureVerificationFailure,
  UnknownEvent,
  UnknownEventReason,
  VariantName,
  VerifyAndParseResult,
} from './results.js';

// Recorded deliveries
export { DEFAULT_MEMORY_HISTORY_BYTES, MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export {
  DELIVERY_STATUSES,
  listSummaries,
  type Delivery,
  type DeliveryPage,
  type DeliverySummary,
  type DeliveryStatus,
  type DeliveryStore,
  type ListQuery,
  type StatsBucket,
  type StatsQuery,
  type StatsResult,
} from './delivery-store.js';
export { DEFAULT_LIST_LIMIT, DEFAULT_SEARCH_WINDOW, MAX_LIST_LIMIT } from './list-query.js';
export { bucketStart, STATS_BUCKET_MS } from './delivery-stats.js';

// Signing test and demo deliveries (the CLI's `send` and `demo` use these too)
export { signDelivery, signRequest, type DeliveryBody, type DeliverySignInput, type SignedDelivery } from './sign.js';
