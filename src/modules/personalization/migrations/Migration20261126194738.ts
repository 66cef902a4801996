import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261126194738 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "personalization_customer_profile" add column if not exists "evaluated_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "personalization_customer_profile" drop column if exists "evaluated_at";`);
  }

}
