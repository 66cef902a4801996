/**
 * A throwaway Postgres database with the personalization tables, for tests that run compiled SQL.
 * The DDL mirrors the module's migration (src/modules/personalization/migrations): same table and column names
 * and types for every column the rule compiler reads (the migration has a few more, unused here), and its indexes
 * on events and memberships.
 */
import { randomBytes } from "node:crypto"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const pg = require("pg")

export const DDL = `
CREATE TABLE personalization_customer_profile (
  id text PRIMARY KEY,
  customer_id text NULL,
  visitor_id text NULL,
  orders_count integer NOT NULL DEFAULT 0,
  total_spent numeric NOT NULL DEFAULT 0,
  aov numeric NOT NULL DEFAULT 0,
  first_order_at timestamptz NULL,
  last_order_at timestamptz NULL,
  carts_created integer NOT NULL DEFAULT 0,
  carts_abandoned integer NOT NULL DEFAULT 0,
  abandonment_rate real NOT NULL DEFAULT 0,
  last_seen_at timestamptz NULL,
  country text NULL,
  has_account boolean NOT NULL DEFAULT false,
  email_domain text NULL,
  customer_created_at timestamptz NULL,
  rfm_r integer NULL,
  rfm_f integer NULL,
  rfm_m integer NULL,
  rfm_group text NULL,
  churn_risk real NULL,
  traits jsonb NOT NULL DEFAULT '{}',
  consent jsonb NOT NULL DEFAULT '{}',
  next_change_at timestamptz NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz NULL
);
CREATE TABLE personalization_behavior_event (
  id text PRIMARY KEY,
  profile_id text NOT NULL,
  client_id text NOT NULL,
  type text NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}',
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz NULL
);
CREATE TABLE personalization_segment (
  id text PRIMARY KEY,
  handle text NOT NULL,
  name text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'draft',
  rule jsonb NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz NULL
);
CREATE TABLE personalization_segment_membership (
  id text PRIMARY KEY,
  segment_id text NOT NULL,
  profile_id text NOT NULL,
  customer_id text NULL,
  entered_at timestamptz NOT NULL,
  exited_at timestamptz NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz NULL
);
-- The migration's indexes that the compiled SQL relies on.
CREATE INDEX ON personalization_behavior_event (profile_id, type, occurred_at) WHERE deleted_at IS NULL;
CREATE INDEX ON personalization_behavior_event (type, occurred_at) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX ON personalization_segment (handle) WHERE deleted_at IS NULL;
CREATE INDEX ON personalization_segment_membership (profile_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX ON personalization_segment_membership (segment_id, profile_id) WHERE exited_at IS NULL AND deleted_at IS NULL;
`

export interface TestDb {
  client: { query: (text: string, values?: unknown[]) => Promise<{ rows: any[] }> }
  drop: () => Promise<void>
}

function config(database: string) {
  return {
    host: process.env.DB_HOST ?? "127.0.0.1",
    port: Number(process.env.DB_PORT ?? 5432),
    user: process.env.DB_USERNAME ?? "postgres",
    password: process.env.DB_PASSWORD ?? "postgres",
    database,
  }
}

/** Creates `rules_<prefix>_<random>` with the tables; drop() removes it. The session runs in a non-UTC zone. */
export async function createTestDb(prefix: string): Promise<TestDb> {
  const name = `rules_${prefix}_${randomBytes(4).toString("hex")}`
  const admin = new pg.Client(config("postgres"))
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const client = new pg.Client(config(name))
  await client.connect()
  // UTC+13:45: compiled SQL must not depend on the session time zone.
  await client.query("SET TimeZone = 'Pacific/Chatham'")
  await client.query(DDL)
  return {
    client,
    drop: async () => {
      await client.end()
      const a = new pg.Client(config("postgres"))
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await a.end()
    },
  }
}
