/**
 * What every accepted telemetry item carries: the envelope's instrumentation key, time and context tags, and the item's
 * `properties` (Application Insights' customDimensions) as strings, as the portal shows them.
 */
interface ItemCommon {
  /** The envelope's `name`, e.g. `Microsoft.ApplicationInsights.RemoteDependency`. */
  envelopeName: string;
  iKey: string;
  /** ISO 8601, as sent. */
  time: string;
  /** Context tags (`ai.cloud.role`, `ai.operation.id`, …), as sent. */
  tags: Readonly<Record<string, string>>;
  /** `ai.cloud.role`: the cloud role name (the service name). */
  cloudRole: string | undefined;
  /** `ai.operation.id`: the trace id. */
  operationId: string | undefined;
  /** `ai.operation.parentId`: the parent span id. */
  parentId: string | undefined;
  /** customDimensions: `baseData.properties`, values as strings. */
  properties: Readonly<Record<string, string>>;
}

/** A server or consumer span (RequestData). */
export interface RequestItem extends ItemCommon {
  type: "request";
  id: string;
  name: string;
  /** `d.hh:mm:ss.fffffff`, as sent. */
  duration: string;
  success: boolean;
  responseCode: string;
}

/** A client, producer or internal span (RemoteDependencyData). */
export interface DependencyItem extends ItemCommon {
  type: "dependency";
  id: string;
  name: string;
  duration: string;
  success: boolean;
  resultCode: string;
  /** `type`: HTTP, InProc, … */
  dependencyType: string;
  target: string;
  data: string;
}

/** A log record (MessageData). */
export interface MessageItem extends ItemCommon {
  type: "message";
  message: string;
  /** Verbose, Information, Warning, Error or Critical. */
  severityLevel: string;
}

/** One metric point (MetricData with one metric, as the exporter sends them). */
export interface MetricItem extends ItemCommon {
  type: "metric";
  name: string;
  /** A sum or gauge's value; a histogram's sum. */
  value: number;
  count: number | undefined;
  min: number | undefined;
  max: number | undefined;
}

/** A log record or span event with an exception (ExceptionData). */
export interface ExceptionItem extends ItemCommon {
  type: "exception";
  severityLevel: string | undefined;
  exceptions: readonly { typeName: string; message: string }[];
}

/** A custom event (EventData). */
export interface EventItem extends ItemCommon {
  type: "event";
  name: string;
}

/** Any other type Application Insights ingests (AvailabilityData, PageViewData, PageViewPerformanceData). */
export interface OtherItem extends ItemCommon {
  type: "other";
  baseType: string;
  baseData: Readonly<Record<string, unknown>>;
}

/** A telemetry item Application Insights accepted, decoded from its envelope. */
export type AppInsightsItem =
  RequestItem | DependencyItem | MessageItem | MetricItem | ExceptionItem | EventItem | OtherItem;

/** One POST to the ingestion endpoint, as the stand-in answered it. Never holds the token. */
export interface TrackAttempt {
  at: Date;
  /** The request path, e.g. `/v2.1/track`. */
  path: string;
  status: number;
  /** Whether the body came gzip-compressed. */
  gzip: boolean;
  /** What the Authorization header held: nothing, a token the stand-in refused, or a valid token. */
  authorization: "none" | "invalid" | "valid";
  /** The valid token's `oid` (the identity's principal id) and `appid` (its client id). */
  principalId: string | null;
  appId: string | null;
  itemsReceived: number;
  itemsAccepted: number;
  /** The data types in the body (`data.baseType`: RequestData, MetricData, …), first seen first, refused or not. */
  baseTypes: readonly string[];
  /** Why the request, or its items, were refused: the status line's reason and the item errors. Empty when none. */
  refusals: readonly string[];
}

/** What the stand-in holds: the items it accepted and every request, oldest first. */
export interface ReceivedAppInsights {
  items: AppInsightsItem[];
  attempts: TrackAttempt[];
}
