// Bench data, set-based: profiles and behaviour events made by Postgres itself with generate_series (no row loops
// in JS), in chunks so 1M profiles / 10M events show progress. Profiles are anonymous visitors `bench_v_<i>` with
// `personalization` consent granted; their traits are spread deterministically so the bench segments match a few
// percent to half of them.
const CATEGORIES = ["sofas", "chairs", "lamps", "tables", "rugs", "beds", "desks", "shelves", "mirrors", "plants"]
const TYPES = ["product_viewed", "product_viewed", "product_viewed", "x_cart_viewed", "x_search_performed"]

export async function generate(client, { profiles, eventsPerProfile, log = () => {} }) {
  await client.query(`DELETE FROM personalization_behavior_event WHERE id LIKE 'pev_bench_%'`)
  await client.query(`DELETE FROM personalization_segment_membership WHERE profile_id LIKE 'pprof_bench_%'`)
  await client.query(`DELETE FROM personalization_customer_profile WHERE id LIKE 'pprof_bench_%'`)
  const consent = JSON.stringify({ personalization: { status: "granted", recorded_at: "2026-01-01T00:00:00.000Z" } })
  const chunk = 250_000
  let t0 = Date.now()
  for (let from = 1; from <= profiles; from += chunk) {
    const to = Math.min(profiles, from + chunk - 1)
    await client.query(
      `INSERT INTO personalization_customer_profile
         (id, visitor_id, orders_count, total_spent, raw_total_spent, aov, raw_aov, currency_code, first_order_at,
          last_order_at, carts_created, carts_abandoned, abandonment_rate, last_seen_at, country, consent, traits,
          created_at, updated_at)
       SELECT 'pprof_bench_' || lpad(i::text, 8, '0'), 'bench_v_' || i,
              o, (o * 37.5)::numeric, jsonb_build_object('value', (o * 37.5)::text, 'precision', 20),
              CASE WHEN o > 0 THEN 37.5 ELSE 0 END, jsonb_build_object('value', CASE WHEN o > 0 THEN '37.5' ELSE '0' END, 'precision', 20),
              'eur',
              CASE WHEN o > 0 THEN now() - ((i % 700) || ' days')::interval END,
              CASE WHEN o > 0 THEN now() - ((i % 400) || ' days')::interval END,
              i % 5, i % 3, ((i % 3)::real / 5), now() - ((i % 60) || ' days')::interval,
              (ARRAY['NL','DE','US','FR','GB'])[1 + i % 5], $3::jsonb, '{}'::jsonb, now(), now()
         FROM generate_series($1::bigint, $2::bigint) AS i, LATERAL (SELECT (i * 7919) % 13 AS o) AS x`,
      [from, to, consent]
    )
    log(`profiles ${to}/${profiles}`)
  }
  log(`profiles done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  t0 = Date.now()
  const total = profiles * eventsPerProfile
  const evChunk = 1_000_000
  for (let from = 1; from <= total; from += evChunk) {
    const to = Math.min(total, from + evChunk - 1)
    // Times rise with j over the last 30 days, as a real event table is appended in time order (a random layout
    // would put a 7-day window's rows on every heap page). Each run of `profiles` consecutive j gives every profile
    // one event, in a pseudo-random order (j * 7919 mod profiles; 7919 is prime), so a profile's events are one per
    // 30/eventsPerProfile days at a varying offset.
    await client.query(
      `INSERT INTO personalization_behavior_event (id, profile_id, client_id, type, properties, occurred_at, created_at, updated_at)
       SELECT 'pev_bench_' || j, 'pprof_bench_' || lpad((1 + (j * 7919) % $3::bigint)::text, 8, '0'), 'c' || j,
              ($4::text[])[1 + (j / 7) % array_length($4::text[], 1)],
              jsonb_build_object('category', ($5::text[])[1 + ((j * 31) / 3) % array_length($5::text[], 1)], 'product_id', 'prod_' || (j % 500)),
              now() - ((($6::bigint - j) * 30 * 86400 / $6::bigint) || ' seconds')::interval, now(), now()
         FROM generate_series($1::bigint, $2::bigint) AS j`,
      [from, to, profiles, TYPES, CATEGORIES, total]
    )
    log(`events ${to}/${total}`)
  }
  log(`events done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  await client.query(`ANALYZE personalization_customer_profile`)
  await client.query(`ANALYZE personalization_behavior_event`)
  await client.query(`ANALYZE personalization_segment_membership`)
}

/** 20 bench segments: trait rules, behavioural windows, mixes. */
export const BENCH_SEGMENTS = [
  ["bench-repeat", "orders_count >= 3"],
  ["bench-big", "total_spent > 300"],
  ["bench-lapsed", "orders_count >= 1 AND last_order_at < -90d"],
  ["bench-one-time", "orders_count = 1"],
  ["bench-nl", "country = 'NL'"],
  ["bench-de-buyers", "country = 'DE' AND orders_count >= 1"],
  ["bench-abandoners", "carts_abandoned >= 2"],
  ["bench-recent", "last_seen_at > -7d"],
  ["bench-aov", "aov >= 37.5 AND orders_count >= 5"],
  ["bench-new", "orders_count = 0"],
  ["bench-sofa-7d", "event('product_viewed', category = 'sofas').count(last 7d) >= 1"],
  ["bench-chair-30d", "event('product_viewed', category = 'chairs').count(last 30d) >= 2"],
  ["bench-lamp-24h", "event('product_viewed', category = 'lamps').count(last 24h) >= 1"],
  ["bench-cart-7d", "event('x_cart_viewed').count(last 7d) >= 1"],
  ["bench-search-3d", "event('x_search_performed').count(last 3d) >= 1"],
  ["bench-vip-browsers", "orders_count >= 5 AND event('product_viewed').count(last 7d) >= 2"],
  ["bench-fr-rugs", "country = 'FR' AND event('product_viewed', category = 'rugs').count(last 30d) >= 1"],
  ["bench-gb", "country = 'GB'"],
  ["bench-us-big", "country = 'US' AND total_spent > 200"],
  ["bench-desk-14d", "event('product_viewed', category = 'desks').count(last 14d) >= 1"],
]
