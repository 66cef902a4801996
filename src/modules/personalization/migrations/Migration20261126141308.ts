import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261126141308 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "personalization_audit_log" ("id" text not null, "actor_type" text not null, "actor_id" text null, "action" text not null, "target_type" text not null, "target_id" text not null, "at" timestamptz not null, "details" jsonb not null default '{}', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "personalization_audit_log_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_audit_log_deleted_at" ON "personalization_audit_log" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_audit_log_at" ON "personalization_audit_log" ("at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_audit_log_action_at" ON "personalization_audit_log" ("action", "at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_audit_log_target_type_target_id_at" ON "personalization_audit_log" ("target_type", "target_id", "at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_audit_log_actor_id_at" ON "personalization_audit_log" ("actor_id", "at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "personalization_audit_log" cascade;`);
  }

}
