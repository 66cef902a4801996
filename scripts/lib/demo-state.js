// What the demo store holds, read with plain SQL (no Medusa boot): used by `npm run dev` (scripts/dev.js) to decide
// whether to run the seed — a store an older seed made lacks placements, offers, … and is topped up — and to fill the
// printed lines with the real key and ids; and by the demo tests, to compare a store before and after another seed run.
// Names come from src/scripts/demo/manifest.json, the file the seed itself reads.
const manifest = require("../../src/scripts/demo/manifest.json")

const visitorIds = () =>
  Array.from({ length: manifest.visitors.count }, (_, i) => `${manifest.visitors.prefix}${String(i + 1).padStart(2, "0")}`)
const shopperEmails = () => Object.values(manifest.shoppers).map((s) => s.email)

/** `query(sql, params) → rows`; a missing table (never migrated) reads as nothing there. */
async function rowsOr(query, sql, params = []) {
  try {
    return await query(sql, params)
  } catch {
    return null
  }
}

/**
 * { token, seeded, missing, ids }: `seeded` when the store has everything the current seed makes (publishable key,
 * segments, placements, the VIP promotion, the member price list, the experiment, the two shopper accounts with their
 * logins, the visitors); `missing` names what is not there. `ids` fill the printed lines.
 */
async function demoState(query) {
  const missing = []
  const first = async (what, sql, params) => {
    const rows = await rowsOr(query, sql, params)
    if (!rows?.length) missing.push(what)
    return rows?.[0] ?? null
  }
  const key = await first(
    "publishable key",
    `SELECT token FROM api_key WHERE title = $1 AND type = 'publishable' AND revoked_at IS NULL AND deleted_at IS NULL ORDER BY created_at LIMIT 1`,
    [manifest.keyTitle]
  )
  const segments = (await rowsOr(query, `SELECT id, handle FROM personalization_segment WHERE handle = ANY($1) AND deleted_at IS NULL`, [manifest.segments])) ?? []
  for (const h of manifest.segments) if (!segments.some((s) => s.handle === h)) missing.push(`segment ${h}`)
  const placements = (await rowsOr(query, `SELECT handle FROM personalization_placement WHERE handle = ANY($1) AND deleted_at IS NULL`, [manifest.placements])) ?? []
  for (const h of manifest.placements) if (!placements.some((p) => p.handle === h)) missing.push(`placement ${h}`)
  const promotion = await first(`promotion ${manifest.promotionCode}`, `SELECT id FROM promotion WHERE code = $1 AND deleted_at IS NULL LIMIT 1`, [
    manifest.promotionCode,
  ])
  await first(`price list '${manifest.priceListTitle}'`, `SELECT id FROM price_list WHERE title = $1 AND deleted_at IS NULL LIMIT 1`, [manifest.priceListTitle])
  const experiment = await first(
    `experiment '${manifest.experimentName}'`,
    `SELECT id FROM personalization_experiment WHERE name = $1 AND deleted_at IS NULL ORDER BY created_at LIMIT 1`,
    [manifest.experimentName]
  )
  const accounts =
    (await rowsOr(
      query,
      `SELECT c.email FROM customer c
        WHERE c.email = ANY($1) AND c.has_account AND c.deleted_at IS NULL
          AND EXISTS (SELECT 1 FROM provider_identity pi WHERE pi.entity_id = c.email AND pi.provider = 'emailpass' AND pi.deleted_at IS NULL)`,
      [shopperEmails()]
    )) ?? []
  for (const e of shopperEmails()) if (!accounts.some((a) => a.email === e)) missing.push(`shopper ${e}`)
  const visitors = (await rowsOr(query, `SELECT count(*)::int AS n FROM personalization_customer_profile WHERE visitor_id = ANY($1) AND deleted_at IS NULL`, [visitorIds()]))?.[0]?.n ?? 0
  if (visitors < manifest.visitors.count) missing.push(`visitors (${visitors}/${manifest.visitors.count})`)

  const product =
    (await rowsOr(query, `SELECT id FROM product WHERE handle = $1 AND deleted_at IS NULL`, [manifest.tryProductHandle]))?.[0] ??
    (await rowsOr(query, `SELECT id FROM product WHERE handle LIKE 'demo-%' AND deleted_at IS NULL ORDER BY handle LIMIT 1`))?.[0] ??
    null
  const token = key?.token
  return {
    token,
    seeded: !!token && missing.length === 0,
    missing,
    ids: {
      publishableKey: token ?? null,
      productId: product?.id ?? null,
      experimentId: experiment?.id ?? null,
      vipSegmentId: segments.find((s) => s.handle === "vip")?.id ?? null,
      promotionId: promotion?.id ?? null,
    },
  }
}

/**
 * Counts of everything the demo seed makes, scoped to the demo's own records (handles, the demo.example domain, the
 * demo visitor ids, the demo key/offers/experiment names), so traffic of other customers on the same store does not
 * move them. Two seed runs that end in the same demo give equal counts; a duplicate shows as a bigger number.
 */
async function demoCounts(query) {
  const one = async (sql, params = []) => Number((await query(sql, params))[0].n)
  const demoCustomers = `SELECT id FROM customer WHERE email LIKE '%@demo.example' AND deleted_at IS NULL`
  const demoProfiles = `SELECT id FROM personalization_customer_profile WHERE deleted_at IS NULL AND (customer_id IN (${demoCustomers}) OR visitor_id = ANY($1))`
  const counts = {
    regions: await one(`SELECT count(*) AS n FROM region WHERE name = 'Europe' AND deleted_at IS NULL`),
    publishable_keys: await one(`SELECT count(*) AS n FROM api_key WHERE title = $1 AND deleted_at IS NULL`, [manifest.keyTitle]),
    admins: await one(`SELECT count(*) AS n FROM "user" WHERE email = $1 AND deleted_at IS NULL`, [manifest.admin.email]),
    products: await one(`SELECT count(*) AS n FROM product WHERE handle LIKE 'demo-%' AND deleted_at IS NULL`),
    variants: await one(`SELECT count(*) AS n FROM product_variant v JOIN product p ON p.id = v.product_id WHERE p.handle LIKE 'demo-%' AND v.deleted_at IS NULL`),
    categories: await one(`SELECT count(*) AS n FROM product_category WHERE deleted_at IS NULL`),
    customers: await one(`SELECT count(*) AS n FROM (${demoCustomers}) c`),
    accounts: await one(`SELECT count(*) AS n FROM customer WHERE email = ANY($1) AND has_account AND deleted_at IS NULL`, [shopperEmails()]),
    logins: await one(`SELECT count(*) AS n FROM provider_identity WHERE entity_id = ANY($1) AND deleted_at IS NULL`, [shopperEmails()]),
    orders: await one(`SELECT count(*) AS n FROM "order" WHERE customer_id IN (${demoCustomers}) AND deleted_at IS NULL`),
    segments: await one(`SELECT count(*) AS n FROM personalization_segment WHERE handle = ANY($1) AND deleted_at IS NULL`, [manifest.segments]),
    profiles: await one(`SELECT count(*) AS n FROM (${demoProfiles}) p`, [visitorIds()]),
    visitor_profiles: await one(`SELECT count(*) AS n FROM personalization_customer_profile WHERE visitor_id = ANY($1) AND deleted_at IS NULL`, [visitorIds()]),
    visitor_events: await one(
      `SELECT count(*) AS n FROM personalization_behavior_event e JOIN personalization_customer_profile p ON p.id = e.profile_id
        WHERE p.visitor_id = ANY($1) AND e.deleted_at IS NULL`,
      [visitorIds()]
    ),
    consent_records: await one(`SELECT count(*) AS n FROM personalization_consent_record WHERE profile_id IN (${demoProfiles}) AND deleted_at IS NULL`, [visitorIds()]),
    open_memberships: await one(
      `SELECT count(*) AS n FROM personalization_segment_membership WHERE profile_id IN (${demoProfiles}) AND exited_at IS NULL AND deleted_at IS NULL`,
      [visitorIds()]
    ),
    memberships: await one(`SELECT count(*) AS n FROM personalization_segment_membership WHERE profile_id IN (${demoProfiles}) AND deleted_at IS NULL`, [visitorIds()]),
    group_links: await one(`SELECT count(*) AS n FROM customer_group_customer WHERE customer_id IN (${demoCustomers}) AND deleted_at IS NULL`),
    placements: await one(`SELECT count(*) AS n FROM personalization_placement WHERE handle = ANY($1) AND deleted_at IS NULL`, [manifest.placements]),
    placement_variants: await one(
      `SELECT count(*) AS n FROM personalization_placement_variant v JOIN personalization_placement p ON p.id = v.placement_id
        WHERE p.handle = ANY($1) AND v.deleted_at IS NULL AND p.deleted_at IS NULL`,
      [manifest.placements]
    ),
    promotions: await one(`SELECT count(*) AS n FROM promotion WHERE code = $1 AND deleted_at IS NULL`, [manifest.promotionCode]),
    promotion_rules: await one(
      `SELECT count(*) AS n FROM promotion_rule r JOIN promotion_promotion_rule pr ON pr.promotion_rule_id = r.id JOIN promotion p ON p.id = pr.promotion_id
        WHERE p.code = $1 AND r.deleted_at IS NULL AND p.deleted_at IS NULL`,
      [manifest.promotionCode]
    ),
    price_lists: await one(`SELECT count(*) AS n FROM price_list WHERE title = $1 AND deleted_at IS NULL`, [manifest.priceListTitle]),
    price_list_prices: await one(
      `SELECT count(*) AS n FROM price pr JOIN price_list l ON l.id = pr.price_list_id WHERE l.title = $1 AND pr.deleted_at IS NULL AND l.deleted_at IS NULL`,
      [manifest.priceListTitle]
    ),
    price_list_rules: await one(
      `SELECT count(*) AS n FROM price_list_rule r JOIN price_list l ON l.id = r.price_list_id WHERE l.title = $1 AND r.deleted_at IS NULL AND l.deleted_at IS NULL`,
      [manifest.priceListTitle]
    ),
    experiments: await one(`SELECT count(*) AS n FROM personalization_experiment WHERE name = $1 AND deleted_at IS NULL`, [manifest.experimentName]),
    exposures: await one(
      `SELECT count(*) AS n FROM personalization_exposure x JOIN personalization_experiment e ON e.id = x.experiment_id
        WHERE e.name = $1 AND x.deleted_at IS NULL AND e.deleted_at IS NULL`,
      [manifest.experimentName]
    ),
  }
  return counts
}

module.exports = { demoState, demoCounts, manifest, visitorIds }
