// The "Try it" lines: printed by `npm run dev` with the store's real key and ids filled in, and kept in README.md
// (the `readme` flavour: the key and ids looked up by lines of their own, as shell variables). Both flavours are one
// list, so they cannot drift apart; integration-tests/journeys/demo.journey.mjs runs every line of both against the
// seeded demo store and checks README.md holds exactly the `readme` flavour.
//
// Each entry: { id, text } — `text` is one shell line (a `# …` comment line when id is null). Lines that log in or look
// something up set a shell variable (`sets`); the others print one JSON answer. In the banner every request line
// logs in by itself (copy-paste any one line); the README's lines use the variables its login lines set.
const manifest = require("../../src/scripts/demo/manifest.json")

const VISITOR = manifest.visitors.browsingHome
const tokenOf = `sed -E 's/.*"token":"([^"]+)".*/\\1/'`
const login = (base, actor, who) =>
  `curl -s -X POST ${base}/auth/${actor}/emailpass -H 'content-type: application/json' -d '${JSON.stringify({ email: who.email, password: who.password })}' | ${tokenOf}`
// the first `"<field>":"<prefix>_…"` of a JSON answer (no jq needed)
const first = (field, prefix) => `grep -o '"${field}":"${prefix}_[^"]*"' | head -1 | cut -d'"' -f4`
const firstId = (prefix) => first("id", prefix)

/**
 * @param {{ base: string, flavour?: "banner" | "readme", publishableKey?: string, productId?: string, experimentId?: string }} o
 *   banner: the key and ids as given (from the database); readme: `$PK`, `$PRODUCT`, `$EXPERIMENT`, set by lookup lines.
 */
function tryItEntries({ base, flavour = "banner", publishableKey, productId, experimentId }) {
  const readme = flavour === "readme"
  const pk = readme ? "$PK" : publishableKey
  const product = readme ? "$PRODUCT" : productId
  const experiment = readme ? "$EXPERIMENT" : experimentId
  const store = (extra) => `-H "x-publishable-api-key: ${pk}"${extra ? ` ${extra}` : ""}`
  // banner: every line stands alone (its token fetched inside it), so any one can be pasted by itself;
  // readme: the tokens come from the login lines above, as shell variables.
  const bearer = (variable, actor, who) => `-H "authorization: Bearer ${readme ? `$${variable}` : `$(${login(base, actor, who)})`}"`
  const asMember = bearer("MEMBER", "customer", manifest.shoppers.member)
  const asNonmember = bearer("NONMEMBER", "customer", manifest.shoppers.nonmember)
  const asVisitor = `-H "x-visitor-id: ${VISITOR}"`
  const admin = bearer("TOKEN", "user", manifest.admin)
  const c = (text) => ({ id: null, text: `# ${text}` })
  const e = (id, text, sets) => ({ id, text, ...(sets ? { sets } : {}) })
  const { member, nonmember } = manifest.shoppers

  const entries = [
    c(`log in: the admin, ${member.email} (VIP + repeat buyer), ${nonmember.email} (lapsed: in neither gated segment)`),
    e("login-admin", `TOKEN=$(${login(base, "user", manifest.admin)})`, "TOKEN"),
    e("login-member", `MEMBER=$(${login(base, "customer", member)})`, "MEMBER"),
    e("login-nonmember", `NONMEMBER=$(${login(base, "customer", nonmember)})`, "NONMEMBER"),
  ]
  if (readme) {
    entries.push(
      c("the demo's key and ids (npm run dev prints the lines below with them filled in); the examples further down use them too"),
      e("lookup-pk", `PK=$(curl -s "${base}/admin/api-keys?type=publishable&title=Demo%20storefront" ${admin} | ${first("token", "pk")})`, "PK"),
      e("lookup-product", `PRODUCT=$(curl -s "${base}/store/products?handle=${manifest.tryProductHandle}&fields=id" ${store()} | ${firstId("prod")})`, "PRODUCT"),
      e("lookup-experiment", `EXPERIMENT=$(curl -s "${base}/admin/personalization/experiments?status=running&target_type=placement_variant" ${admin} | ${firstId("pexp")})`, "EXPERIMENT"),
      e("lookup-region", `REGION=$(curl -s ${base}/store/regions ${store()} | ${firstId("reg")})`, "REGION"),
      e("lookup-segment", `SEGMENT=$(curl -s "${base}/admin/personalization/segments?q=vip" ${admin} | ${firstId("pseg")})`, "SEGMENT"),
      e("lookup-promotion", `PROMOTION=$(curl -s "${base}/admin/promotions?code=${manifest.promotionCode}" ${admin} | ${firstId("promo")})`, "PROMOTION"),
      e("lookup-category", `CATEGORY=$(curl -s "${base}/store/product-categories?handle=home" ${store()} | ${firstId("pcat")})`, "CATEGORY"),
      e("lookup-visitor", `VID=${VISITOR}`, "VID")
    )
  }
  entries.push(
    c(`who they are: the member's public segments; the visitor ${VISITOR} (consented, browsed home products)`),
    e("me-member", `curl -s ${base}/store/personalization/me ${store(asMember)}`),
    e("me-visitor", `curl -s ${base}/store/personalization/me ${store(asVisitor)}`),
    c("the home page hero: member (Welcome back, member prices), non-member (We miss you), visitor (Picked for your home), anyone (New in)"),
    e("hero-member", `curl -s "${base}/store/personalization/sections?placement=home.hero&limit=4" ${store(asMember)}`),
    e("hero-nonmember", `curl -s "${base}/store/personalization/sections?placement=home.hero&limit=4" ${store(asNonmember)}`),
    e("hero-visitor", `curl -s "${base}/store/personalization/sections?placement=home.hero&limit=4" ${store(asVisitor)}`),
    e("hero-anonymous", `curl -s "${base}/store/personalization/sections?placement=home.hero&limit=4" ${store()}`),
    c(`offers their segments unlock: ${manifest.promotionCode} and '${manifest.priceListTitle}' for the member, nothing for the non-member`),
    e("offers-member", `curl -s ${base}/store/personalization/offers ${store(asMember)}`),
    e("offers-nonmember", `curl -s ${base}/store/personalization/offers ${store(asNonmember)}`),
    c("recommendations: for the member (from what they bought), and a product page's 'bought together' for the visitor"),
    e("recs-member", `curl -s "${base}/store/personalization/recommendations?limit=4" ${store(asMember)}`),
    e("recs-product", `curl -s "${base}/store/personalization/recommendations?product_id=${product}&limit=4" ${store(asVisitor)}`),
    c("admin: preview a rule (count + sample, nothing saved); the running experiment's results"),
    e(
      "preview",
      `curl -s -X POST ${base}/admin/personalization/segments/preview ${admin} -H 'content-type: application/json' -d '{"rule_text":"orders_count >= 6 AND total_spent >= 2000","sample_size":3}'`
    ),
    e("experiment", `curl -s ${base}/admin/personalization/experiments/${experiment} ${admin}`)
  )
  return entries
}

/** The lines as text (one per entry). */
const tryItText = (o) => tryItEntries(o).map((x) => x.text).join("\n")

module.exports = { tryItEntries, tryItText, VISITOR }
