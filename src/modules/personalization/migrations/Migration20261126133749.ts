import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261126133749 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "personalization_segment_membership" drop constraint if exists "personalization_segment_membership_segment_id_profile_id_unique";`);
    this.addSql(`alter table if exists "personalization_segment" drop constraint if exists "personalization_segment_handle_unique";`);
    this.addSql(`alter table if exists "personalization_customer_profile" drop constraint if exists "personalization_customer_profile_visitor_id_unique";`);
    this.addSql(`alter table if exists "personalization_customer_profile" drop constraint if exists "personalization_customer_profile_customer_id_unique";`);
    this.addSql(`alter table if exists "personalization_behavior_event" drop constraint if exists "personalization_behavior_event_profile_id_client_id_unique";`);
    this.addSql(`create table if not exists "personalization_behavior_event" ("id" text not null, "profile_id" text not null, "client_id" text not null, "type" text not null, "properties" jsonb not null default '{}', "occurred_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_behavior_event_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_behavior_event_deleted_at" ON "personalization_behavior_event" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_personalization_behavior_event_profile_id_client_id_unique" ON "personalization_behavior_event" ("profile_id", "client_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_behavior_event_profile_id_type_occurred_at" ON "personalization_behavior_event" ("profile_id", "type", "occurred_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_behavior_event_occurred_at" ON "personalization_behavior_event" ("occurred_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_consent_record" ("id" text not null, "profile_id" text not null, "customer_id" text null, "purpose" text not null, "status" text check ("status" in ('granted', 'denied', 'withdrawn')) not null, "source" text check ("source" in ('store', 'admin', 'import')) not null, "policy_version" text null, "recorded_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_consent_record_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_consent_record_deleted_at" ON "personalization_consent_record" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_consent_record_profile_id_purpose_recorded_at" ON "personalization_consent_record" ("profile_id", "purpose", "recorded_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_consent_record_customer_id" ON "personalization_consent_record" ("customer_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_customer_profile" ("id" text not null, "customer_id" text null, "visitor_id" text null, "orders_count" integer not null default 0, "total_spent" numeric not null default 0, "aov" numeric not null default 0, "currency_code" text null, "first_order_at" timestamptz null, "last_order_at" timestamptz null, "carts_created" integer not null default 0, "carts_abandoned" integer not null default 0, "abandonment_rate" real not null default 0, "last_seen_at" timestamptz null, "country" text null, "has_account" boolean not null default false, "email_domain" text null, "customer_created_at" timestamptz null, "rfm_r" integer null, "rfm_f" integer null, "rfm_m" integer null, "rfm_group" text null, "churn_risk" real null, "traits" jsonb not null default '{}', "consent" jsonb not null default '{}', "next_change_at" timestamptz null, "merged_into_id" text null, "raw_total_spent" jsonb not null default '{"value":"0","precision":20}', "raw_aov" jsonb not null default '{"value":"0","precision":20}', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_customer_profile_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_customer_profile_deleted_at" ON "personalization_customer_profile" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_personalization_customer_profile_customer_id_unique" ON "personalization_customer_profile" ("customer_id") WHERE customer_id IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_personalization_customer_profile_visitor_id_unique" ON "personalization_customer_profile" ("visitor_id") WHERE visitor_id IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_customer_profile_next_change_at" ON "personalization_customer_profile" ("next_change_at") WHERE next_change_at IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_segment" ("id" text not null, "handle" text not null, "name" text not null, "description" text null, "rule" jsonb not null, "rule_text" text not null, "status" text check ("status" in ('draft', 'active', 'archived')) not null default 'draft', "purpose" text not null default 'personalization', "is_public" boolean not null default false, "customer_group_id" text null, "version" integer not null default 1, "member_count" integer not null default 0, "last_refreshed_at" timestamptz null, "refresh_state" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_segment_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_segment_deleted_at" ON "personalization_segment" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_personalization_segment_handle_unique" ON "personalization_segment" ("handle") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_segment_status" ON "personalization_segment" ("status") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "personalization_segment_membership" ("id" text not null, "segment_id" text not null, "profile_id" text not null, "customer_id" text null, "entered_at" timestamptz not null, "exited_at" timestamptz null, "reason" text null, "exit_reason" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_segment_membership_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_segment_membership_segment_id" ON "personalization_segment_membership" ("segment_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_segment_membership_deleted_at" ON "personalization_segment_membership" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_personalization_segment_membership_segment_id_profile_id_unique" ON "personalization_segment_membership" ("segment_id", "profile_id") WHERE exited_at IS NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_segment_membership_profile_id" ON "personalization_segment_membership" ("profile_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_segment_membership_customer_id" ON "personalization_segment_membership" ("customer_id") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "personalization_segment_membership" add constraint "personalization_segment_membership_segment_id_foreign" foreign key ("segment_id") references "personalization_segment" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "personalization_segment_membership" drop constraint if exists "personalization_segment_membership_segment_id_foreign";`);

    this.addSql(`drop table if exists "personalization_behavior_event" cascade;`);

    this.addSql(`drop table if exists "personalization_consent_record" cascade;`);

    this.addSql(`drop table if exists "personalization_customer_profile" cascade;`);

    this.addSql(`drop table if exists "personalization_segment" cascade;`);

    this.addSql(`drop table if exists "personalization_segment_membership" cascade;`);
  }

}
