// Resource shapes of DESIGN §4 (field names are the server's contract).

export type RunStatus = 'queued' | 'running' | 'waiting' | 'retrying' | 'succeeded' | 'failed' | 'cancelled';
export const RUN_STATUSES: RunStatus[] = ['queued', 'running', 'waiting', 'retrying', 'succeeded', 'failed', 'cancelled'];
export const FINISHED: RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface ErrorInfo {
  type?: string;
  message?: string;
  step?: string;
  retryable?: boolean;
}

export interface Run {
  id: string;
  recipe: string;
  recipeVersion: number;
  status: RunStatus;
  origin: string;
  replayOf: string | null;
  eventId: string | null;
  attempt: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  nextAttemptAt: string | null;
  output: unknown;
  error: ErrorInfo | null;
  deadLetterId: string | null;
  waitReason: string | null;
  parentRunId: string | null;
  keys?: Record<string, string>;
  trigger?: unknown;
  /** One run's answer only: the runs replaying it and its call: children. */
  replays?: RunLink[];
  children?: RunLink[];
  steps?: Step[];
}

export interface RunLink {
  id: string;
  recipe: string;
  status: RunStatus;
  origin: string;
  createdAt: string;
}

export interface Step {
  path: string;
  status: string;
  attempts: number;
  input: unknown;
  output: unknown;
  error: ErrorInfo | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface LogLine {
  step: string | null;
  level: string;
  message: string;
  at: string;
}

export interface DeadLetter {
  id: string;
  runId: string | null;
  recipe: string;
  step: string | null;
  error: ErrorInfo | null;
  payload: unknown;
  status: 'open' | 'replayed' | 'discarded';
  createdAt: string;
  replayRunId: string | null;
  replays: { runId: string; at: string; by: string | null; from: string }[];
}

export interface Recipe {
  slug: string;
  name: string;
  description: string | null;
  version: number;
  currentVersion?: number;
  enabled: boolean;
  triggerType: string;
  definition: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface RecipeVersion {
  version: number;
  createdAt: string;
  createdBy: string | null;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  items?: JsonSchema;
  'x-secret'?: boolean;
  [key: string]: unknown;
}

export interface Connector {
  name: string;
  description: string;
  connectionSchema: JsonSchema | null;
  actions: { name: string; description: string }[];
}

export interface Connection {
  name: string;
  connector: string;
  settings: Record<string, unknown>;
  secretFields: string[];
  createdAt?: string;
  updatedAt?: string;
}
