// The database objects the plugin's module owns: one table per DML model, and the migration records Medusa keeps
// for them in `mikro_orm_migrations` (shared by every module; our rows are named after our migration files).
// A reinstall after an uninstall must find no record, or `db:migrate` would skip the migrations and leave no tables.
import fs from "node:fs"
import path from "node:path"
import { AuditLog } from "../../modules/personalization/models/audit-log"
import { BehaviorEvent } from "../../modules/personalization/models/behavior-event"
import { ConsentRecord } from "../../modules/personalization/models/consent-record"
import { CustomerProfile } from "../../modules/personalization/models/customer-profile"
import { Experiment } from "../../modules/personalization/models/experiment"
import { Exposure } from "../../modules/personalization/models/exposure"
import { ModelRun } from "../../modules/personalization/models/model-run"
import { Placement } from "../../modules/personalization/models/placement"
import { PlacementVariant } from "../../modules/personalization/models/placement-variant"
import { ProductSimilarity } from "../../modules/personalization/models/product-similarity"
import { Segment } from "../../modules/personalization/models/segment"
import { SegmentAlert } from "../../modules/personalization/models/segment-alert"
import { SegmentMembership } from "../../modules/personalization/models/segment-membership"
import { SegmentSnapshot } from "../../modules/personalization/models/segment-snapshot"

export const MIGRATIONS_TABLE = "mikro_orm_migrations"

// Every model of the module (a unit test checks this list against models/, so a new model cannot be forgotten).
export const MODELS = [
  AuditLog,
  BehaviorEvent,
  ConsentRecord,
  CustomerProfile,
  Experiment,
  Exposure,
  ModelRun,
  Placement,
  PlacementVariant,
  ProductSimilarity,
  Segment,
  SegmentAlert,
  SegmentMembership,
  SegmentSnapshot,
]

export function pluginTables(): string[] {
  return MODELS.map((m) => m.parse().tableName).sort()
}

/** Names of the module's migrations (the class names Medusa records), from the migrations folder shipped with it. */
export function pluginMigrationNames(dir = path.join(__dirname, "../../modules/personalization/migrations")): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^(Migration\d+)\.(js|ts)$/.exec(f)?.[1])
    .filter((n): n is string => !!n)
    .sort()
}
