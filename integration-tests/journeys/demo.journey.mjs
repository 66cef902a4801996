// Journey f — the demo store (issue #25): what `npm run dev` seeds shows the whole product in its first minute.
// On the store as the seed makes it (the runner boots it exactly as `npm run dev` seeds it):
//   - scripts/dev.js would find it complete (no top-up), and another seed run — a second `npm run dev` — changes
//     nothing: the demo's own records counted before and after are equal (nothing twice);
//   - every line `npm run dev` prints ("Try it", with this store's key and ids) and every line of README's Try-it
//     block (which must be exactly the readme flavour of the same list) runs in bash and answers what it promises:
//     the member, the non-member and the visitor get different segments, sections, prices and offers;
//   - the member's cart gets the VIP promotion and member prices, the non-member's neither;
//   - every other README example that calls the store (curl and js-sdk) runs against it and answers non-empty.
// Runs after the other journeys (not in run.mjs's ORDER): their traffic (other segments, promotions, shoppers) is on the
// store too, so checks name the demo's own records.
import fs from "node:fs"
import path from "node:path"
import { createRequire } from "node:module"
import { ROOT, databaseOf } from "../lib/store-harness.mjs"
import { ok } from "./lib/context.mjs"
import { codeBlocks, runCommand, runSdkSnippet, runShellLines } from "./lib/demo-lines.mjs"

const require = createRequire(import.meta.url)
const { demoState, demoCounts, manifest } = require("../../scripts/lib/demo-state.js")
const { tryItEntries, tryItText, VISITOR } = require("../../scripts/lib/demo-try-it.js")

const README_BASE = "http://localhost:9000"
const MEMBER_PRICE_FACTOR = 0.85 // src/scripts/demo/offers.ts
const isJwt = (t) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(t ?? "")
const json = (r, what) => {
  if (!r) throw new Error(`${what}: the line did not run`)
  try {
    return JSON.parse(r.out)
  } catch {
    throw new Error(`${what}: not JSON (exit ${r.code}): ${r.out.slice(0, 300)}`)
  }
}
const price = (p) => p.variants[0].calculated_price

export default {
  name: "demo",
  async run(ctx) {
    const { step, expect, expectEqual, sql } = ctx
    const query = (text, params) => sql(text, params)
    let state, ids, db

    await step("curl and jq are on PATH (the printed lines and README examples use them)", async () => {
      const { code, output } = await runCommand("bash", ["-c", "command -v curl && command -v jq"])
      expectEqual(code, 0, `curl and jq found (${output.trim()}); scripts/ci/journeys-leg.sh installs them when missing`)
    })

    await step("dev.js's check: the store holds everything the seed makes (nothing missing, no top-up)", async () => {
      state = await demoState(query)
      expectEqual([state.seeded, state.missing], [true, []], "demoState")
      ids = state.ids
      expectEqual(ids.publishableKey, ctx.publishableKey, "the key dev.js prints = the store's demo key")
      for (const k of ["productId", "experimentId", "vipSegmentId", "promotionId"]) expect(ids[k], `${k} found`)
    })

    await step("a second seed run (a second `npm run dev`) changes nothing: the demo's own records, counted before and after, are equal", async () => {
      db = process.env.JOURNEYS_DATABASE_URL ?? urlOf(databaseOf())
      const before = await demoCounts(query)
      ctx.log(`   demo counts: ${JSON.stringify(before)}`)
      expect(before.accounts === 2 && before.logins === 2 && before.placements === 2 && before.experiments === 1, `the showcase is there: ${JSON.stringify(before)}`)
      const t = Date.now()
      const env = { ...process.env, DATABASE_URL: db, MEDUSA_DISABLE_TELEMETRY: "true", NODE_ENV: "development" }
      delete env.REDIS_URL // one process, like the store under test (the harness boots it without Redis)
      const { code, output } = await runCommand(path.join(ROOT, "node_modules/.bin/medusa"), ["exec", "./src/scripts/seed-demo.ts"], { cwd: ROOT, env })
      ctx.log(`   seed run took ${((Date.now() - t) / 1000).toFixed(1)} s`)
      expectEqual(code, 0, `seed exit code; output tail:\n${output.split("\n").slice(-15).join("\n")}`)
      const said = output.split("\n").filter((l) => l.includes("[demo-seed]") && !l.includes("[demo-seed] {"))
      expect(said.some((l) => l.includes("demo store already seeded; skipping the store data")), "the seed saw the store seeded")
      expect(said.some((l) => l.includes("segments created: none")), "no segment created")
      const made = said.filter((l) => /created|orders|consenting visitors|exposures/.test(l) && !l.includes("segments created: none"))
      expectEqual(made, [], "what the second run says it made")
      expectEqual(await demoCounts(query), before, "demo counts after the second seed run")
      expectEqual((await demoState(query)).seeded, true, "still complete")
    })

    await step("README's Try-it block is exactly the readme flavour of the lines npm run dev prints", async () => {
      const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8")
      const block = codeBlocks(readme).find((b) => b.marker.startsWith("demo: try-it"))
      expect(block, "README has a block marked <!-- demo: try-it … -->")
      expectEqual(block.text, tryItText({ base: README_BASE, flavour: "readme" }), "README Try-it block")
    })

    const expected = await step("what the lines must answer, read with SQL (home products, VIP count, exposures per arm, the member price list)", () =>
      expectedAnswers(ctx, ids)
    )

    await step("the printed lines (this store's key and ids filled in) each answer what they promise, each pasted on its own", async () => {
      const entries = tryItEntries({ base: ctx.origin, flavour: "banner", ...ids })
      const logins = await runShellLines({ entries: entries.filter((e) => e.sets) })
      // the request lines without the login lines before them: no TOKEN/MEMBER/NONMEMBER is set, so each line must
      // fetch its own token (the banner's promise: any one line can be copied by itself)
      const alone = await runShellLines({ entries: entries.filter((e) => !e.sets) })
      checkAnswers(ctx, entries, { ...logins.results, ...alone.results }, expected, logins.stderr + alone.stderr)
    })

    let readmeVars
    await step("README's Try-it lines (ids looked up by its own lines) each answer the same", async () => {
      const entries = tryItEntries({ base: README_BASE, flavour: "readme" }).map((e) => ({ ...e, text: onThisStore(ctx, e.text) }))
      const { results, stderr } = await runShellLines({ entries })
      checkAnswers(ctx, entries, results, expected, stderr)
      readmeVars = Object.fromEntries(entries.filter((e) => e.sets).map((e) => [e.sets, results[e.id].out]))
      const region = ctx.demo.regionId
      const [category] = await sql(`SELECT id FROM product_category WHERE handle = 'home' AND deleted_at IS NULL`)
      expectEqual(
        [readmeVars.PK, readmeVars.PRODUCT, readmeVars.EXPERIMENT, readmeVars.REGION, readmeVars.SEGMENT, readmeVars.PROMOTION, readmeVars.CATEGORY, readmeVars.VID],
        [ids.publishableKey, ids.productId, ids.experimentId, region, ids.vipSegmentId, ids.promotionId, category.id, VISITOR],
        "the README's looked-up ids = the store's"
      )
    })

    await step("the member's cart: VIP10 applied and member prices; the non-member's: neither (same product)", async () => {
      const product = expected.memberPriceProduct
      for (const who of ["member", "nonmember"]) {
        const s = manifest.shoppers[who]
        const sdk = ctx.sdk()
        const token = await sdk.auth.login("customer", "emailpass", { email: s.email, password: s.password })
        const { cart } = await sdk.store.cart.create({ region_id: ctx.demo.regionId })
        await sdk.store.cart.createLineItem(cart.id, { variant_id: product.variants[0].id, quantity: 1 })
        const read = ok(await ctx.store("GET", `/store/carts/${cart.id}?fields=+promotions.code,+items.unit_price,+items.compare_at_unit_price,+discount_total`, { token }), "GET cart").cart
        const codes = (read.promotions ?? []).map((p) => p.code)
        const original = Number(product.variants[0].calculated_price.original_amount)
        if (who === "member") {
          expect(codes.includes(manifest.promotionCode), `the member's cart has ${manifest.promotionCode}: ${JSON.stringify(codes)}`)
          expectEqual(Number(read.items[0].unit_price), Math.max(1, Math.round(original * MEMBER_PRICE_FACTOR)), "the member's unit price (member prices)")
          expect(Number(read.discount_total) > 0, `the member's cart is discounted: ${read.discount_total}`)
        } else {
          expect(!codes.includes(manifest.promotionCode), `the non-member's cart has no ${manifest.promotionCode}: ${JSON.stringify(codes)}`)
          expectEqual(Number(read.items[0].unit_price), original, "the non-member's unit price (regular)")
        }
      }
    })

    await step("every other README example that calls the store runs on it and answers non-empty", async () => {
      const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8")
      const blocks = codeBlocks(readme).filter((b) => !b.marker.startsWith("demo: try-it"))
      const preamble = tryItEntries({ base: README_BASE, flavour: "readme" }).filter((e) => e.sets)
      const shell = blocks.filter((b) => b.lang === "bash" && /\bcurl\b/.test(b.text))
      const snippets = blocks.filter((b) => b.lang === "ts" && /sdk\.client\.fetch/.test(b.text))
      const checks = readmeChecks(ctx, ids, readmeVars)
      const entries = [
        ...preamble.map((e) => ({ ...e, text: onThisStore(ctx, e.text) })),
        ...shell.map((b, i) => ({ id: `readme-${i}`, text: onThisStore(ctx, b.text) })),
      ]
      const { results, stderr } = await runShellLines({ entries })
      const seen = []
      for (const [i, b] of shell.entries()) {
        const check = checks.find((c) => c.lang === "bash" && c.match.test(b.text))
        expect(check, `README example without a check (add one to readmeChecks): ${b.text.slice(0, 160)}`)
        const r = results[`readme-${i}`]
        try {
          check.verify(json(r, check.name))
        } catch (e) {
          throw new Error(`README example '${check.name}': ${e.message}\n${stderr.slice(-500)}`)
        }
        seen.push(check.name)
      }
      const member = ctx.sdk()
      await member.auth.login("customer", "emailpass", { email: manifest.shoppers.member.email, password: manifest.shoppers.member.password })
      const Medusa = (await import("@medusajs/js-sdk")).default
      for (const b of snippets) {
        const check = checks.find((c) => c.lang === "ts" && c.match.test(b.text))
        expect(check, `README js-sdk example without a check: ${b.text.slice(0, 160)}`)
        const out = await runSdkSnippet(b.text, {
          Medusa,
          MEDUSA: ctx.origin,
          PK: ids.publishableKey,
          regionId: ctx.demo.regionId,
          visitorId: VISITOR,
          productId: ids.productId,
          sdk: member,
        })
        check.verify(out)
        seen.push(check.name)
      }
      ctx.log(`   ran ${seen.length} README examples: ${seen.join(", ")}`)
      expectEqual(seen.slice().sort(), checks.map((c) => c.name).sort(), "README examples run = the checks (each example once)")
    })
  },
}

/** A line written for localhost:9000, pointed at the store under test. */
function onThisStore(ctx, text) {
  const host = ctx.origin.replace(/^https?:\/\//, "")
  return text.replaceAll(README_BASE, ctx.origin).replaceAll("localhost:9000", host)
}

const urlOf = (d) => `postgres://${encodeURIComponent(d.user)}:${encodeURIComponent(d.password)}@${d.host}:${d.port}/${d.database}`

/** What the lines must answer, from the store itself (SQL, independent of the routes under test). */
async function expectedAnswers(ctx, ids) {
  const { sql } = ctx
  const home = (await sql(`SELECT p.id FROM product p JOIN product_category_product cp ON cp.product_id = p.id
                            JOIN product_category c ON c.id = cp.product_category_id WHERE c.handle = 'home' AND p.deleted_at IS NULL`)).map((r) => r.id)
  const [{ vips }] = await sql(
    `SELECT count(*)::int AS vips FROM personalization_customer_profile
      WHERE deleted_at IS NULL AND merged_into_id IS NULL AND orders_count >= 6 AND total_spent >= 2000
        AND consent -> 'personalization' ->> 'status' = 'granted'`
  )
  const arms = Object.fromEntries(
    (await sql(`SELECT arm, count(*)::int AS n FROM personalization_exposure WHERE experiment_id = $1 AND deleted_at IS NULL GROUP BY arm`, [ids.experimentId])).map((r) => [r.arm, r.n])
  )
  const [list] = await sql(`SELECT id FROM price_list WHERE title = $1 AND deleted_at IS NULL`, [manifest.priceListTitle])
  const onList = (
    await sql(`SELECT DISTINCT v.product_id FROM price pr JOIN product_variant_price_set vps ON vps.price_set_id = pr.price_set_id
                JOIN product_variant v ON v.id = vps.variant_id WHERE pr.price_list_id = $1 AND pr.deleted_at IS NULL`, [list.id])
  ).map((r) => r.product_id)
  const memberPriceProduct = ctx.demo.products.find((p) => onList.includes(p.id))
  if (!memberPriceProduct) throw new Error("no product of the member price list in the store's product list")
  return { home, vips, arms, onList, memberPriceProduct }
}

/** Checks each line's answer (by entry id); the member, non-member, visitor and anyone differ. */
function checkAnswers(ctx, entries, results, x, stderr) {
  const { expect, expectEqual } = ctx
  const problems = []
  const at = (id) => results[id]
  const check = (id, fn) => {
    try {
      fn()
    } catch (e) {
      problems.push(`${id}: ${e.message}`)
    }
  }
  for (const e of entries.filter((e) => e.id)) expect(at(e.id), `line ${e.id} ran (stderr: ${stderr.slice(-300)})`)
  for (const e of entries.filter((e) => e.sets)) check(e.id, () => expect(at(e.id).out.length > 0, `${e.sets} is empty`))
  for (const id of ["login-admin", "login-member", "login-nonmember"]) check(id, () => expect(isJwt(at(id).out), `not a token: ${at(id).out.slice(0, 80)}`))

  check("me-member", () => {
    const b = json(at("me-member"), "me-member")
    expectEqual([b.subject.type, b.segments.map((s) => s.handle).sort(), b.consent.personalization.status], ["customer", ["repeat-buyers", "vip"], "granted"], "member /me")
  })
  check("me-visitor", () => {
    const b = json(at("me-visitor"), "me-visitor")
    expectEqual([b.subject.type, b.segments, b.consent.personalization.status], ["visitor", [{ handle: "home-lovers", name: "Home & living lovers" }], "granted"], "visitor /me")
  })
  const hero = (id) => json(at(id), id).sections[0]
  check("hero-member", () => {
    const s = hero("hero-member")
    expectEqual([s.variant.name, s.variant.targeted, s.variant.segment?.handle], ["Welcome back", true, "repeat-buyers"], "member's hero")
    expect(s.products.length > 0, "member's hero has products")
    for (const p of s.products) {
      const c = price(p)
      expectEqual(c.calculated_amount, Math.max(1, Math.round(c.original_amount * MEMBER_PRICE_FACTOR)), `member price of ${p.handle}`)
    }
  })
  check("hero-nonmember", () => {
    const s = hero("hero-nonmember")
    expectEqual([s.variant.name, s.variant.targeted], ["We miss you", true], "non-member's hero")
    expectEqual(s.variant.segment, null, "a non-public segment is never named")
    expect(s.products.length > 0, "non-member's hero has products")
    for (const p of s.products) expectEqual(price(p).calculated_amount, price(p).original_amount, `regular price of ${p.handle} for the non-member`)
  })
  check("hero-visitor", () => {
    const s = hero("hero-visitor")
    expectEqual([s.variant.name, s.variant.segment?.handle], ["Picked for your home", "home-lovers"], "visitor's hero")
    expect(s.products.length > 0 && s.products.every((p) => x.home.includes(p.id)), `the visitor's hero lists home products: ${s.products.map((p) => p.handle)}`)
  })
  check("hero-anonymous", () => {
    const s = hero("hero-anonymous")
    expectEqual([s.variant.name, s.variant.targeted], ["New in", false], "anyone's hero")
    expect(s.products.length > 0, "anyone's hero has products")
  })
  check("offers-member", () => {
    const b = json(at("offers-member"), "offers-member")
    expectEqual([b.promotions.map((p) => p.code), b.price_lists.map((l) => l.title)], [[manifest.promotionCode], [manifest.priceListTitle]], "member offers")
    expectEqual([b.promotions[0].is_automatic, b.promotions[0].segments, b.price_lists[0].product_count], [true, [{ handle: "vip", name: "VIP customers" }], x.onList.length], "member offers' details")
  })
  check("offers-nonmember", () => expectEqual(json(at("offers-nonmember"), "offers-nonmember"), { promotions: [], price_lists: [] }, "non-member offers"))
  check("recs-member", () => {
    const b = json(at("recs-member"), "recs-member")
    expect(b.personalized === true && b.recommendations.length > 0 && b.recommendations.some((r) => r.reason === "bought_together"), `member recommendations: ${JSON.stringify(b).slice(0, 300)}`)
  })
  check("recs-product", () => {
    const b = json(at("recs-product"), "recs-product")
    expect(b.strategy === "similar" && b.recommendations.length > 0 && b.recommendations.some((r) => r.reason === "bought_together"), `product page recommendations: ${JSON.stringify(b).slice(0, 300)}`)
  })
  check("preview", () => {
    const b = json(at("preview"), "preview")
    expectEqual([b.count, b.sample.length], [x.vips, Math.min(3, x.vips)], "preview count (= SQL) and sample size")
    expect(x.vips > 0, "the preview finds VIPs")
  })
  check("experiment", () => {
    const e = json(at("experiment"), "experiment").experiment
    expectEqual([e.name, e.status, e.holdout_percent], [manifest.experimentName, "running", 30], "experiment")
    const a = e.results.arms
    expectEqual([a.control.subjects, a.treatment.subjects], [x.arms.control, x.arms.treatment], "subjects per arm = exposures (SQL)")
    expect(a.control.subjects >= e.min_sample && a.treatment.subjects >= e.min_sample, `each arm reaches min_sample ${e.min_sample}`)
    expect(a.control.conversions > 0 && a.treatment.conversions > 0, `conversions in both arms: ${a.control.conversions} / ${a.treatment.conversions}`)
    expect(e.results.verdict.code !== "not_enough_data", `a verdict: ${e.results.verdict.message}`)
  })
  const names = ["hero-member", "hero-nonmember", "hero-visitor", "hero-anonymous"].map((id) => {
    try {
      return hero(id).variant.name
    } catch {
      return null
    }
  })
  check("hero", () => expectEqual(new Set(names).size, 4, `four different heroes: ${names}`))
  if (problems.length) throw new Error(problems.join("\n"))
}

/** One check per README example that calls the store (matched by its text). */
function readmeChecks(ctx, ids, vars) {
  const { expect, expectEqual } = ctx
  return [
    {
      name: "segments as code (export, import dry run)",
      lang: "bash",
      match: /segments\/export/,
      verify: (b) => expectEqual([b.dry_run, b.segments.created, b.segments.changed, b.placements?.created, b.placements?.changed], [true, [], [], [], []], "dry run of the store's own export"),
    },
    {
      name: "create a segment",
      lang: "bash",
      match: /admin\/personalization\/segments -H/,
      verify: (b) => expectEqual([b.segment?.handle, b.segment?.status, b.segment?.rule_text], ["frequent-buyers", "active", "orders_count >= 4"], "created segment"),
    },
    {
      name: "create a placement",
      lang: "bash",
      match: /admin\/personalization\/placements/,
      verify: (b) =>
        expectEqual(
          [b.placement?.handle, b.placement?.variants.map((v) => [v.name, v.segment_id ?? null]).sort()],
          ["home.grid", [["Everyone", null], ["VIP customers", ids.vipSegmentId]]],
          "created placement"
        ),
    },
    {
      name: "sections",
      lang: "bash",
      match: /personalization\/sections\?/,
      verify: (b) => {
        expectEqual([b.sections.map((s) => [s.placement, s.variant?.name]), b.missing], [[["home.hero", "Picked for your home"], ["home.grid", "Everyone"]], []], "sections for the visitor")
        expect(b.sections.every((s) => s.products.length > 0), "both sections have products")
      },
    },
    {
      name: "offers",
      lang: "bash",
      match: /personalization\/offers/,
      verify: (b) => expect(b.promotions.some((p) => p.code === manifest.promotionCode) && b.price_lists.length > 0, `the member's offers: ${JSON.stringify(b).slice(0, 200)}`),
    },
    {
      name: "gate",
      lang: "bash",
      match: /\/gate /,
      verify: (b) => expectEqual([b.gate?.segment_id, b.gate?.promotion_id, b.gate?.changed], [vars.SEGMENT, vars.PROMOTION, false], "gate (already gated on the demo)"),
    },
    {
      name: "recommendations",
      lang: "bash",
      match: /personalization\/recommendations\?product_id/,
      verify: (b) => expectEqual([b.strategy, b.region_id, b.recommendations.length > 0], ["similar", vars.REGION, true], "recommendations for a product"),
    },
    {
      name: "js-sdk sections",
      lang: "ts",
      match: /personalization\/sections/,
      verify: (o) => expect(o.sections?.length && o.sections[0].products.length > 0, `sections: ${JSON.stringify(o.sections)?.slice(0, 200)}`),
    },
    {
      name: "js-sdk offers",
      lang: "ts",
      match: /personalization\/offers/,
      verify: (o) => expect(o.promotions?.some((p) => p.code === manifest.promotionCode), `offers: ${JSON.stringify(o).slice(0, 200)}`),
    },
    {
      name: "js-sdk recommendations",
      lang: "ts",
      match: /personalization\/recommendations/,
      verify: (o) => expect(o.recommendations?.length > 0, `recommendations: ${JSON.stringify(o).slice(0, 200)}`),
    },
  ]
}
