import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261126194714 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_personalization_behavior_event_type_occurred_at" ON "personalization_behavior_event" ("type", "occurred_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_personalization_behavior_event_type_occurred_at";`);
  }

}
