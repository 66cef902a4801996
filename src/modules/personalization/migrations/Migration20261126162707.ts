import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261126162707 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "personalization_segment_snapshot" drop constraint if exists "personalization_segment_snapshot_segment_id_day_unique";`);
    this.addSql(`alter table if exists "personalization_segment_alert" drop constraint if exists "personalization_segment_alert_segment_id_metric_day_unique";`);
    this.addSql(`alter table if exists "personalization_product_similarity" drop constraint if exists "personalization_product_similarity_product_id_neighbor_id_unique";`);
    this.addSql(`alter table if exists "personalization_placement" drop constraint if exists "personalization_placement_handle_unique";`);
    this.addSql(`alter table if exists "personalization_exposure" drop constraint if exists "personalization_exposure_experiment_id_subject_key_unique";`);
    this.addSql(`create table if not exists "personalization_experiment" ("id" text not null, "name" text not null, "target_type" text check ("target_type" in ('placement_variant', 'promotion')) not null, "target_id" text not null, "holdout_percent" integer not null default 10, "salt" text not null, "status" text check ("status" in ('running', 'stopped')) not null default 'running', "conversion_window_days" integer not null default 7, "min_sample" integer not null default 100, "started_at" timestamptz not null, "ended_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_experiment_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_experiment_deleted_at" ON "personalization_experiment" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_experiment_target_type_target_id" ON "personalization_experiment" ("target_type", "target_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_exposure" ("id" text not null, "experiment_id" text not null, "subject_key" text not null, "customer_id" text null, "profile_id" text null, "arm" text check ("arm" in ('treatment', 'control')) not null, "exposed_at" timestamptz not null, "last_exposed_at" timestamptz not null, "exposures" integer not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_exposure_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_exposure_deleted_at" ON "personalization_exposure" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_personalization_exposure_experiment_id_subject_key_unique" ON "personalization_exposure" ("experiment_id", "subject_key") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_exposure_experiment_id_arm" ON "personalization_exposure" ("experiment_id", "arm") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_exposure_customer_id" ON "personalization_exposure" ("customer_id") WHERE customer_id IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_model_run" ("id" text not null, "kind" text not null, "status" text check ("status" in ('trained', 'insufficient_data', 'failed')) not null, "trained_at" timestamptz not null, "train_size" integer not null default 0, "holdout_size" integer not null default 0, "auc" real null, "params" jsonb not null default '{}', "metrics" jsonb not null default '{}', "note" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_model_run_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_model_run_deleted_at" ON "personalization_model_run" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_model_run_kind_trained_at" ON "personalization_model_run" ("kind", "trained_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_placement" ("id" text not null, "handle" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_placement_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_placement_deleted_at" ON "personalization_placement" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_personalization_placement_handle_unique" ON "personalization_placement" ("handle") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_placement_variant" ("id" text not null, "name" text not null, "segment_id" text null, "priority" integer not null default 0, "status" text check ("status" in ('active', 'draft')) not null default 'active', "content" jsonb not null, "placement_id" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_placement_variant_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_placement_variant_placement_id" ON "personalization_placement_variant" ("placement_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_placement_variant_deleted_at" ON "personalization_placement_variant" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_placement_variant_segment_id" ON "personalization_placement_variant" ("segment_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_product_similarity" ("id" text not null, "product_id" text not null, "neighbor_id" text not null, "score" real not null, "support" integer not null default 0, "reason" text check ("reason" in ('bought_together', 'viewed_together')) not null, "rank" integer not null default 0, "computed_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_product_similarity_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_product_similarity_deleted_at" ON "personalization_product_similarity" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_personalization_product_similarity_product_id_neighbor_id_unique" ON "personalization_product_similarity" ("product_id", "neighbor_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_product_similarity_product_id_rank" ON "personalization_product_similarity" ("product_id", "rank") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_segment_alert" ("id" text not null, "segment_id" text not null, "metric" text check ("metric" in ('size', 'conversion')) not null, "day" timestamptz not null, "value" real not null, "mean" real not null, "lower" real not null, "upper" real not null, "direction" text check ("direction" in ('above', 'below')) not null, "acknowledged_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_segment_alert_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_segment_alert_deleted_at" ON "personalization_segment_alert" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_personalization_segment_alert_segment_id_metric_day_unique" ON "personalization_segment_alert" ("segment_id", "metric", "day") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_segment_alert_acknowledged_at" ON "personalization_segment_alert" ("acknowledged_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_segment_snapshot" ("id" text not null, "segment_id" text not null, "day" timestamptz not null, "members" integer not null default 0, "entered" integer not null default 0, "exited" integer not null default 0, "orders" integer not null default 0, "ordering_members" integer not null default 0, "repeat_members" integer not null default 0, "carts" integer not null default 0, "converted_carts" integer not null default 0, "conversion_rate" real null, "repeat_rate" real null, "revenue" numeric not null default 0, "aov" numeric not null default 0, "revenue_per_member" numeric not null default 0, "currency_code" text null, "raw_revenue" jsonb not null default '{"value":"0","precision":20}', "raw_aov" jsonb not null default '{"value":"0","precision":20}', "raw_revenue_per_member" jsonb not null default '{"value":"0","precision":20}', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_segment_snapshot_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_segment_snapshot_deleted_at" ON "personalization_segment_snapshot" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_personalization_segment_snapshot_segment_id_day_unique" ON "personalization_segment_snapshot" ("segment_id", "day") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "personalization_placement_variant" add constraint "personalization_placement_variant_placement_id_foreign" foreign key ("placement_id") references "personalization_placement" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "personalization_placement_variant" drop constraint if exists "personalization_placement_variant_placement_id_foreign";`);

    this.addSql(`drop table if exists "personalization_experiment" cascade;`);

    this.addSql(`drop table if exists "personalization_exposure" cascade;`);

    this.addSql(`drop table if exists "personalization_model_run" cascade;`);

    this.addSql(`drop table if exists "personalization_placement" cascade;`);

    this.addSql(`drop table if exists "personalization_placement_variant" cascade;`);

    this.addSql(`drop table if exists "personalization_product_similarity" cascade;`);

    this.addSql(`drop table if exists "personalization_segment_alert" cascade;`);

    this.addSql(`drop table if exists "personalization_segment_snapshot" cascade;`);
  }

}
