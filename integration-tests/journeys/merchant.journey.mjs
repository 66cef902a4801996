// Journey c — the merchant: previews a rule (the count equals an independent SQL count), saves it as an active
// segment (members = the preview = SQL), gates a promotion and a price list to it, reads the members and a member's
// and a non-member's explanation, exports the segments and re-imports them as a dry run (no change), edits the
// rule (the preview's leavers leave), and finds the edit in the segment's history.
import { ok } from "./lib/context.mjs"
import { createSegment, memberIds } from "./lib/merchant.mjs"
import { activatePriceList, createGatedPromotion, createSalePriceList, customerSegments, gatePriceList, pricedProducts } from "./lib/admin-helpers.mjs"

// Seeded shoppers only (the journeys' own customers register at another domain), so no concurrent journey moves
// the counts while this one compares them.
const DOMAIN = "demo.example"
const COUNTRIES = ["DE", "NL"]
const RULE = `email_domain = '${DOMAIN}' AND country IN ('DE', 'NL') AND orders_count >= 2`
const TIGHTER = `email_domain = '${DOMAIN}' AND country IN ('DE', 'NL') AND orders_count >= 3`

/** The rule written by hand over the profile table, with the consent gate (required, purpose personalization). */
async function sqlMembers(ctx, minOrders) {
  const rows = await ctx.sql(
    `SELECT customer_id FROM personalization_customer_profile
      WHERE deleted_at IS NULL AND email_domain = $1 AND country = ANY($2::text[]) AND orders_count >= $3
        AND consent -> 'personalization' ->> 'status' = 'granted'
      ORDER BY customer_id`,
    [DOMAIN, COUNTRIES, minOrders]
  )
  return rows.map((r) => r.customer_id)
}

export default {
  name: "merchant",
  async run(ctx) {
    const { step, expect, expectEqual, sql } = ctx
    const handle = ctx.unique("loyal-benelux-de")
    const name = `Loyal DE+NL ${handle}`
    let preview, segment, promotion, priceList, exported

    await step("preview: a broken rule is a 400 at line and column; a valid one counts what an independent SQL count finds", async () => {
      const bad = await ctx.admin("POST", "/admin/personalization/segments/preview", { rule_text: "orders_count 2" })
      expectEqual(bad.status, 400, "preview of a broken rule")
      expect(/^rule_text: .*1:14/.test(bad.body?.message), `the 400 names rule_text and the position: ${JSON.stringify(bad.body)}`)
      const unknownTrait = await ctx.admin("POST", "/admin/personalization/segments/preview", { rule_text: "cuntry = 'DE'" })
      expectEqual(unknownTrait.status, 400, "preview with an unknown trait")
      expect(/unknown trait 'cuntry'/.test(unknownTrait.body?.message), `the 400 names the trait: ${JSON.stringify(unknownTrait.body)}`)

      preview = ok(await ctx.admin("POST", "/admin/personalization/segments/preview", { rule_text: RULE, sample_size: 100 }), "preview")
      const expected = await sqlMembers(ctx, 2)
      const [{ unconsented }] = await sql(
        `SELECT count(*)::int AS unconsented FROM personalization_customer_profile WHERE deleted_at IS NULL AND email_domain = $1
           AND country = ANY($2::text[]) AND orders_count >= 2 AND (consent -> 'personalization' ->> 'status') IS DISTINCT FROM 'granted'`,
        [DOMAIN, COUNTRIES]
      )
      ctx.log(`   preview ${preview.count} (SQL ${expected.length}; ${unconsented} more match without consent) in ${preview.took_ms} ms`)
      expect(expected.length > 0, "the demo store has matching consenting shoppers")
      expectEqual(preview.count, expected.length, "preview count = SQL count")
      expectEqual(preview.sample.map((s) => s.customer_id).sort(), expected, "preview sample (all of them) = SQL members")
      expect(preview.sample.every((s) => s.email?.endsWith(`@${DOMAIN}`)), "sample rows carry the customers' emails")
    })

    await step("save as an active segment: members = preview = SQL; a second segment with the same handle is a 409", async () => {
      segment = await createSegment(ctx, { handle, name, rule_text: RULE })
      expectEqual(segment.rule_text, RULE, "stored canonical rule_text")
      const ids = await ctx.waitFor(async () => {
        const list = await memberIds(ctx, segment.id)
        return list.length === preview.count ? list : null
      }, `${preview.count} members after save`)
      expectEqual(ids, preview.sample.map((s) => s.customer_id).sort(), "members = the previewed customers")
      expectEqual(ids, await sqlMembers(ctx, 2), "members = SQL")
      const { segment: read } = ok(await ctx.admin("GET", `/admin/personalization/segments/${segment.id}`), "GET segment")
      expectEqual(read.member_count, preview.count, "member_count")
      const again = ok(await ctx.admin("POST", "/admin/personalization/segments/preview", { rule_text: RULE, segment_id: segment.id }), "preview against the segment")
      expectEqual([again.count, again.entering.count, again.exiting.count], [preview.count, 0, 0], "preview vs the saved segment: count, entering, exiting")
      const dup = await ctx.admin("POST", "/admin/personalization/segments", { handle, name: "dup", rule_text: RULE })
      expectEqual(dup.status, 409, "a taken handle")
      const [{ group_members }] = await sql(
        `SELECT count(*)::int AS group_members FROM customer_group_customer WHERE customer_group_id = $1 AND deleted_at IS NULL`,
        [segment.customer_group_id]
      )
      expectEqual(group_members, preview.count, "managed group size (SQL)")
    })

    await step("gate a promotion and a price list: both listed by the preview; unknown ids 404; deleting the gated segment is a 409", async () => {
      const [product] = pricedProducts(ctx, 1)
      const base = Number(product.variants[0].calculated_price.calculated_amount)
      priceList = await createSalePriceList(ctx, { title: `Loyal prices ${handle}`, prices: [{ variant_id: product.variants[0].id, amount: Math.max(1, base - 5) }] })
      await gatePriceList(ctx, segment, priceList)
      await activatePriceList(ctx, priceList)
      promotion = await createGatedPromotion(ctx, segment, { code: ctx.unique("LOYAL").toUpperCase(), type: "percentage", value: 15 })
      const again = ok(await ctx.admin("POST", `/admin/personalization/segments/${segment.id}/gate`, { promotion_id: promotion.id }), "gate again")
      expectEqual(again.gate.changed, false, "gating twice changes nothing")
      const unknown = await ctx.admin("POST", `/admin/personalization/segments/${segment.id}/gate`, { promotion_id: "promo_nope" })
      expectEqual(unknown.status, 404, "gate an unknown promotion")
      expect(/promo_nope/.test(unknown.body?.message), `the 404 names the promotion: ${JSON.stringify(unknown.body)}`)
      const both = await ctx.admin("POST", `/admin/personalization/segments/${segment.id}/gate`, { promotion_id: promotion.id, price_list_id: priceList.id })
      expectEqual(both.status, 400, "gate with both ids")
      const p = ok(await ctx.admin("POST", "/admin/personalization/segments/preview", { rule_text: RULE, segment_id: segment.id }), "preview")
      expectEqual(p.promotions.map((x) => x.id), [promotion.id], "gated promotions in the preview")
      expectEqual(p.price_lists.map((x) => x.id), [priceList.id], "gated price lists in the preview")
      const del = await ctx.admin("DELETE", `/admin/personalization/segments/${segment.id}`)
      expectEqual(del.status, 409, "delete a gated segment")
      expect(del.body?.message?.includes(promotion.id) || del.body?.message?.includes(promotion.code), `the 409 names the promotion: ${JSON.stringify(del.body)}`)
      ok(await ctx.admin("GET", `/admin/personalization/segments/${segment.id}`), "the segment is still there")
    })

    await step("members and explanations: a member matches on every condition, a non-member is shown the failing one", async () => {
      const page = ok(await ctx.admin("GET", `/admin/personalization/segments/${segment.id}/members?limit=2&offset=0`), "GET members")
      expectEqual(page.count, preview.count, "members count")
      expectEqual(page.members.length, Math.min(2, preview.count), "page size")
      const m = page.members[0]
      expect(m.customer?.email?.endsWith(`@${DOMAIN}`) && m.entered_at && /orders_count >= 2/.test(m.reason ?? ""), `member row: ${JSON.stringify(m)}`)
      const yes = ok(await ctx.admin("GET", `/admin/personalization/segments/${segment.id}/explain/${m.customer_id}`), "explain a member").explanation
      expectEqual([yes.match, yes.member, yes.should_be_member, yes.in_sync, yes.consent.satisfied], [true, true, true, true, true], "a member's explanation")
      const leaves = flatten(yes.trace)
      expectEqual(leaves.map((l) => [l.trait, l.pass]), [["email_domain", true], ["country", true], ["orders_count", true]], "a member's conditions")
      const [profile] = await sql(`SELECT orders_count, country FROM personalization_customer_profile WHERE customer_id = $1 AND deleted_at IS NULL`, [m.customer_id])
      const orders = leaves.find((l) => l.trait === "orders_count")
      expectEqual([orders.actual, orders.expected], [profile.orders_count, 2], "orders_count actual (the stored value, a number) and expected")
      expectEqual(typeof orders.actual, typeof orders.expected, "actual and expected have the same JSON type")

      // a consenting seeded shopper with ≥ 2 orders outside DE/NL: fails on the country only
      const [other] = await sql(
        `SELECT customer_id, country FROM personalization_customer_profile WHERE deleted_at IS NULL AND email_domain = $1 AND orders_count >= 2
           AND country <> ALL($2::text[]) AND consent -> 'personalization' ->> 'status' = 'granted' ORDER BY customer_id LIMIT 1`,
        [DOMAIN, COUNTRIES]
      )
      const no = ok(await ctx.admin("GET", `/admin/personalization/segments/${segment.id}/explain/${other.customer_id}`), "explain a non-member").explanation
      expectEqual([no.match, no.member, no.should_be_member, no.in_sync], [false, false, false, true], "a non-member's explanation")
      const failing = flatten(no.trace).filter((l) => !l.pass)
      expectEqual(failing.map((l) => [l.trait, l.actual]), [["country", other.country]], "the failing condition and the customer's value")
      const unknown = await ctx.admin("GET", `/admin/personalization/segments/${segment.id}/explain/cus_nope`)
      expectEqual(unknown.status, 404, "explain an unknown customer")
    })

    await step("export, then import the same document as a dry run: no change; a broken document is refused and writes nothing", async () => {
      exported = ok(await ctx.admin("GET", "/admin/personalization/segments/export"), "export")
      const mine = exported.segments.find((s) => s.handle === handle)
      expectEqual(
        { name: mine?.name, status: mine?.status, rule_text: mine?.rule_text, is_public: mine?.is_public },
        { name, status: "active", rule_text: RULE, is_public: false },
        "our segment in the export"
      )
      expect(!JSON.stringify(exported).includes(segment.customer_group_id), "the export holds no store-specific group id")
      const dry = ok(await ctx.admin("POST", "/admin/personalization/segments/import", { ...exported, dry_run: true }), "import dry run")
      expectEqual([dry.dry_run, dry.segments.created, dry.segments.changed], [true, [], []], "dry run: no segment created or changed")
      expect(dry.segments.unchanged.includes(handle), `dry run lists ${handle} as unchanged: ${JSON.stringify(dry.segments.unchanged)}`)
      expectEqual(dry.segments.unchanged.length, exported.segments.length, "every exported segment unchanged")
      expectEqual([dry.placements?.created, dry.placements?.changed], [[], []], "placements: nothing created or changed")

      const broken = structuredClone(exported)
      const i = broken.segments.findIndex((s) => s.handle === handle)
      broken.segments[i] = { ...broken.segments[i], rule: undefined, rule_text: "orders_count >=" }
      delete broken.segments[i].rule
      const refused = await ctx.admin("POST", "/admin/personalization/segments/import", broken)
      expectEqual(refused.status, 400, "import of a broken rule")
      expect(refused.body?.message?.startsWith(`segments.${i}.rule_text`), `the 400 names segments.${i}.rule_text: ${JSON.stringify(refused.body)}`)
      const after = ok(await ctx.admin("GET", "/admin/personalization/segments/export"), "export after the refused import")
      expectEqual(after.segments.find((s) => s.handle === handle), mine, "our segment untouched by the refused import")
    })

    let leavers = []
    await step("edit the rule: the preview's leavers are the members who leave; members = SQL again", async () => {
      const p = ok(await ctx.admin("POST", "/admin/personalization/segments/preview", { rule_text: TIGHTER, segment_id: segment.id, sample_size: 100 }), "preview the edit")
      const stay = await sqlMembers(ctx, 3)
      leavers = (await sqlMembers(ctx, 2)).filter((id) => !stay.includes(id))
      ctx.log(`   ${p.count} stay, ${p.exiting.count} leave`)
      expect(leavers.length > 0, "the tighter rule makes someone leave")
      expectEqual([p.count, p.entering.count, p.exiting.count], [stay.length, 0, leavers.length], "preview of the edit: count, entering, exiting")
      expectEqual(p.exiting.sample.map((s) => s.customer_id).sort(), leavers, "who the preview says will leave")
      const { segment: edited } = ok(
        await ctx.admin("POST", `/admin/personalization/segments/${segment.id}`, { rule_text: TIGHTER, description: "Three orders or more" }),
        "edit the segment"
      )
      expectEqual([edited.rule_text, edited.description, edited.version], [TIGHTER, "Three orders or more", segment.version + 1], "the edited segment")
      const ids = await ctx.waitFor(async () => {
        const list = await memberIds(ctx, segment.id)
        return list.length === stay.length ? list : null
      }, `${stay.length} members after the edit`)
      expectEqual(ids, stay, "members after the edit = SQL")
      const { history } = await customerSegments(ctx, leavers[0])
      const closed = history.find((h) => h.segment.id === segment.id)
      expect(closed?.exited_at && closed.exit_reason, `a leaver's closed stay with its reason: ${JSON.stringify(closed)}`)
    })

    await step("history: the audit log shows the edit (fields, version), the gates and the creation; the old export now differs", async () => {
      const { entries } = ok(await ctx.admin("GET", `/admin/personalization/audit?target_type=segment&target_id=${segment.id}&limit=50`), "GET audit")
      expectEqual(entries.map((e) => e.action), ["segment.updated", "segment.gated", "segment.gated", "segment.created"], "the segment's history, newest first")
      const update = entries[0]
      expectEqual([update.actor_type, update.details.version], ["user", segment.version + 1], "who edited it, and the new version")
      expect(["rule", "rule_text", "description"].every((f) => update.details.changed.includes(f)), `changed fields: ${JSON.stringify(update.details.changed)}`)
      expectEqual(entries.slice(1, 3).map((e) => e.details.promotion_id ?? e.details.price_list_id).sort(), [priceList.id, promotion.id].sort(), "the gates")
      const dry = ok(await ctx.admin("POST", "/admin/personalization/segments/import", { ...exported, dry_run: true }), "import the old export as a dry run")
      const change = dry.segments.changed.find((c) => c.handle === handle)
      expectEqual(change?.fields.slice().sort(), ["description", "rule"], `the old export's changes: ${JSON.stringify(dry.segments.changed)}`)
    })
  },
}

/** The leaf conditions of an explain trace, left to right. */
function flatten(node) {
  if (!node) return []
  if (node.children) return node.children.flatMap(flatten)
  if (node.rules) return node.rules.flatMap(flatten)
  if (node.rule) return flatten(node.rule)
  return [node]
}
