import { defineMiddlewares } from "@medusajs/framework/http"
// Analytics, drift alerts and experiments (issue #8)
import { AdminSegmentAnalytics } from "./admin/personalization/analytics/segments/validators"
import { AdminAcknowledgeAlert, AdminListAlerts, AdminListSegmentAlerts } from "./admin/personalization/alerts/validators"
import {
  AdminCreateExperiment,
  AdminExperimentEmpty,
  AdminListExperiments,
  AdminUpdateExperiment,
} from "./admin/personalization/experiments/validators"
import { validateBody, validateQuery } from "./utils/validate"
import { AdminCreateSegment, AdminListSegments, AdminUpdateSegment } from "./admin/personalization/segments/validators"
import {
  AdminExplainMember,
  AdminListCustomerSegments,
  AdminListSegmentMembers,
  AdminRefreshSegment,
} from "./admin/personalization/membership-validators"
import { authenticate, type MedusaRequest, type MiddlewareFunction, type MiddlewareRoute } from "@medusajs/framework/http"
import { jsonBody } from "./utils/json-body"
import { AdminTrackEvents, EmptyQuery, StoreSetConsent, StoreTrackEvents } from "./store/personalization/validators"
import { AdminListAudit } from "./admin/personalization/audit/validators"
import { mergeVisitorOnCartTransfer } from "./store/personalization/merge-on-transfer"
// RFM, churn model and discovered segments (issue #8, points 3–5)
import { AdminAnalyticsMlEmptyQuery, AdminTrainChurn } from "./admin/personalization/models/validators"
import { AdminCreateSegmentFromCluster, AdminDiscover } from "./admin/personalization/discover/validators"
import { AdminGetCatalog } from "./admin/personalization/catalog/validators"
import { AdminExportSegments, AdminImportSegments } from "./admin/personalization/segments/import/validators"
import { rateLimit } from "../lib/rate-limit"
// Recommendations and their offline quality (issue #6, points 3-4)
import {
  AdminBuildSimilarityBody,
  AdminRecommendationQualityQuery,
  StoreRecommendationsQuery,
} from "./store/personalization/recommendations/validators"
// Storefront sections, placements and segment offers (issue #6, points 1-2)
import {
  AdminCreatePlacement,
  AdminCreatePlacementVariant,
  AdminListPlacements,
  AdminUpdatePlacement,
  AdminUpdatePlacementVariant,
} from "./admin/personalization/placements/validators"
import { AdminGateSegment } from "./admin/personalization/segments/[id]/gate/validators"
import { StoreGetSections } from "./store/personalization/sections/validators"
// Segment preview (dry run)
import { AdminPreviewSegment } from "./admin/personalization/segments/preview/validators"
// Managed customer groups: Medusa's own member-edit routes refuse them (issue #16)
import { refuseManagedGroupMembersEdit, refuseManagedGroupsOfCustomerEdit } from "./utils/managed-group-guard"
// Placement preview for one customer (admin Placements page, issue #7)
import { AdminPreviewPlacement } from "./admin/personalization/placements/[id]/preview/validators"

// Body limits (bytes) of the plugin's routes; docs/security.md lists them.
const ADMIN_BODY_LIMIT = 64 * 1024
const IMPORT_BODY_LIMIT = 2 * 1024 * 1024
const EVENTS_BODY_LIMIT = 300 * 1024 // 100 events × 2 KiB properties, plus ids and types
const SMALL_BODY_LIMIT = 16 * 1024

/** The body limit of a plugin route. */
function bodyLimit(req: MedusaRequest): number {
  const p = req.path.replace(/\/+$/, "")
  if (p === "/store/personalization/events" || p === "/admin/personalization/events") return EVENTS_BODY_LIMIT
  if (p === "/admin/personalization/segments/import") return IMPORT_BODY_LIMIT
  return p.startsWith("/store/") ? SMALL_BODY_LIMIT : ADMIN_BODY_LIMIT
}

// Abuse limits (issues #10, #21): 429 + Retry-After before the body is read, one pair of buckets per route.
const STORE_RATE_LIMITS: Record<string, MiddlewareFunction> = {
  "/store/personalization/events": rateLimit("events"),
  "/store/personalization/consent": rateLimit("consent"),
  "/store/personalization/identify": rateLimit("identify"),
}
const storeRateLimits: MiddlewareFunction = (req, res, next) => {
  const limit = STORE_RATE_LIMITS[req.path.replace(/\/+$/, "")]
  return limit ? limit(req, res, next) : next()
}

/**
 * Strict transports (issue #21): Medusa's body parser is off for every plugin route with a body, which all go through
 * jsonBody instead — JSON content type (415), the route's size limit (413), UTF-8 JSON (400), no __proto__ /
 * constructor / prototype keys and only exact, safe numbers (400 naming the path). Wildcard entries run before the
 * routes' own middlewares, and their `bodyParser: false` applies to every route below that configures none.
 */
const BODY_METHODS: MiddlewareRoute["methods"] = ["POST", "PUT", "PATCH", "DELETE"]
function transportRoutes(): MiddlewareRoute[] {
  return [
    { matcher: "/store/personalization/*", methods: BODY_METHODS, bodyParser: false, middlewares: [storeRateLimits, jsonBody(bodyLimit)] },
    { matcher: "/admin/personalization/*", methods: BODY_METHODS, bodyParser: false, middlewares: [jsonBody(bodyLimit)] },
  ]
}

export default defineMiddlewares({
  routes: [
    ...transportRoutes(),
    {
      matcher: "/admin/personalization/segments",
      methods: ["GET"],
      middlewares: [validateQuery(AdminListSegments)],
    },
    {
      matcher: "/admin/personalization/segments",
      methods: ["POST"],
      middlewares: [validateBody(AdminCreateSegment)],
    },
    {
      matcher: "/admin/personalization/segments/:id",
      methods: ["POST"],
      // Express also matches POST /segments/import|preview here: those validate their own bodies.
      middlewares: exceptCollectionActions([validateBody(AdminUpdateSegment)]),
    },
    {
      matcher: "/admin/personalization/segments/:id/refresh",
      methods: ["POST"],
      middlewares: [validateBody(AdminRefreshSegment)],
    },
    {
      matcher: "/admin/personalization/segments/:id/members",
      methods: ["GET"],
      middlewares: [validateQuery(AdminListSegmentMembers)],
    },
    {
      matcher: "/admin/personalization/segments/:id/explain/:customer_id",
      methods: ["GET"],
      middlewares: [validateQuery(AdminExplainMember)],
    },
    {
      matcher: "/admin/personalization/customers/:id/segments",
      methods: ["GET"],
      middlewares: [validateQuery(AdminListCustomerSegments)],
    },
    // Consent, tracking and privacy (issue #5); bodies and rate limits in transportRoutes().
    ...privacyRoutes(),
    // Admin dashboard (issue #7): the rule editor's catalogue, segments as code.
    ...adminUiRoutes(),
    // Segment KPIs, drift alerts and experiments (issue #8).
    ...analyticsRoutes(),
    // RFM distribution, churn model, discovered segments (issue #8, points 3–5).
    ...analyticsMlRoutes(),
    // Recommendations, similarity builds and offline quality (issue #6).
    ...recommendationRoutes(),
    // Placements, storefront sections and segment offers (issue #6).
    ...storefrontRoutes(),
    // Segment preview: a read-only dry run of a rule (admin editor's live preview, benchmark).
    {
      matcher: "/admin/personalization/segments/preview",
      methods: ["POST"],
      middlewares: [validateBody(AdminPreviewSegment)],
    },
    // A segment's managed group changes only with the segment: hand edits through Medusa's routes are a 409.
    { matcher: "/admin/customer-groups/:id/customers", methods: ["POST"], middlewares: [refuseManagedGroupMembersEdit] },
    { matcher: "/admin/customers/:id/customer-groups", methods: ["POST"], middlewares: [refuseManagedGroupsOfCustomerEdit] },
  ],
})

function privacyRoutes(): MiddlewareRoute[] {
  const customerOnly = authenticate("customer", ["session", "bearer"])
  return [
    { matcher: "/store/personalization/events", methods: ["POST"], middlewares: [validateBody(StoreTrackEvents)] },
    { matcher: "/store/personalization/consent", methods: ["GET"], middlewares: [validateQuery(EmptyQuery)] },
    { matcher: "/store/personalization/consent", methods: ["POST"], middlewares: [validateBody(StoreSetConsent)] },
    { matcher: "/store/personalization/identify", methods: ["POST"], middlewares: [customerOnly, validateBody(EmptyQuery)] },
    { matcher: "/store/personalization/me", methods: ["GET"], middlewares: [validateQuery(EmptyQuery)] },
    { matcher: "/store/personalization/me/data", methods: ["GET", "DELETE"],
      middlewares: [customerOnly, validateQuery(EmptyQuery)] },
    { matcher: "/admin/personalization/events", methods: ["POST"], middlewares: [validateBody(AdminTrackEvents)] },
    { matcher: "/admin/personalization/audit", methods: ["GET"], middlewares: [validateQuery(AdminListAudit)] },
    { matcher: "/admin/personalization/customers/:id/consent", methods: ["GET"], middlewares: [validateQuery(EmptyQuery)] },
    { matcher: "/admin/personalization/customers/:id/profile", methods: ["GET", "DELETE"],
      middlewares: [validateQuery(EmptyQuery)] },
    // Identity stitching on Medusa's own cart transfer, when the storefront sends x-visitor-id with it.
    { matcher: "/store/carts/:id/customer", methods: ["POST"], middlewares: [mergeVisitorOnCartTransfer] },
  ]
}

function adminUiRoutes(): MiddlewareRoute[] {
  return [
    { matcher: "/admin/personalization/catalog", methods: ["GET"], middlewares: [validateQuery(AdminGetCatalog)] },
    { matcher: "/admin/personalization/segments/export", methods: ["GET"], middlewares: [validateQuery(AdminExportSegments)] },
    { matcher: "/admin/personalization/segments/import", methods: ["POST"],
      middlewares: [validateBody(AdminImportSegments)] },
  ]
}

// Paths under /segments/ that are actions on the collection, not segment ids.
const SEGMENT_COLLECTION_ACTIONS = new Set(["import", "export", "preview"])

/** Skips the given middlewares when `:id` is really a collection action (POST /segments/import, …). */
function exceptCollectionActions(middlewares: MiddlewareFunction[]): MiddlewareFunction[] {
  return middlewares.map((mw) => (req, res, next) =>
    SEGMENT_COLLECTION_ACTIONS.has((req.params as Record<string, string>)?.id) ? next() : mw(req, res, next)
  )
}

function analyticsRoutes(): MiddlewareRoute[] {
  return [
    { matcher: "/admin/personalization/analytics/segments", methods: ["GET"], middlewares: [validateQuery(AdminSegmentAnalytics)] },
    { matcher: "/admin/personalization/alerts", methods: ["GET"], middlewares: [validateQuery(AdminListAlerts)] },
    { matcher: "/admin/personalization/alerts/:id/acknowledge", methods: ["POST"],
      middlewares: [validateBody(AdminAcknowledgeAlert)] },
    { matcher: "/admin/personalization/segments/:id/alerts", methods: ["GET"], middlewares: [validateQuery(AdminListSegmentAlerts)] },
    { matcher: "/admin/personalization/experiments", methods: ["GET"], middlewares: [validateQuery(AdminListExperiments)] },
    { matcher: "/admin/personalization/experiments", methods: ["POST"],
      middlewares: [validateBody(AdminCreateExperiment)] },
    { matcher: "/admin/personalization/experiments/:id", methods: ["GET", "DELETE"], middlewares: [validateQuery(AdminExperimentEmpty)] },
    { matcher: "/admin/personalization/experiments/:id", methods: ["POST"],
      middlewares: [validateBody(AdminUpdateExperiment)] },
    { matcher: "/admin/personalization/experiments/:id/stop", methods: ["POST"],
      middlewares: [validateBody(AdminExperimentEmpty)] },
  ]
}

function recommendationRoutes(): MiddlewareRoute[] {
  return [
    { matcher: "/store/personalization/recommendations", methods: ["GET"],
      middlewares: [validateQuery(StoreRecommendationsQuery)] },
    { matcher: "/admin/personalization/recommendations/quality", methods: ["GET"],
      middlewares: [validateQuery(AdminRecommendationQualityQuery)] },
    { matcher: "/admin/personalization/recommendations/build", methods: ["POST"],
      middlewares: [validateBody(AdminBuildSimilarityBody)] },
  ]
}

function storefrontRoutes(): MiddlewareRoute[] {
  const empty = validateQuery(EmptyQuery)
  return [
    { matcher: "/admin/personalization/placements", methods: ["GET"], middlewares: [validateQuery(AdminListPlacements)] },
    { matcher: "/admin/personalization/placements", methods: ["POST"],
      middlewares: [validateBody(AdminCreatePlacement)] },
    { matcher: "/admin/personalization/placements/:id", methods: ["GET", "DELETE"], middlewares: [empty] },
    { matcher: "/admin/personalization/placements/:id", methods: ["POST"],
      middlewares: [validateBody(AdminUpdatePlacement)] },
    // Placement preview for one customer (admin Placements page)
    { matcher: "/admin/personalization/placements/:id/preview", methods: ["GET"], middlewares: [validateQuery(AdminPreviewPlacement)] },
    { matcher: "/admin/personalization/placements/:id/variants", methods: ["POST"],
      middlewares: [validateBody(AdminCreatePlacementVariant)] },
    { matcher: "/admin/personalization/placements/:id/variants/:variant_id", methods: ["POST"],
      middlewares: [validateBody(AdminUpdatePlacementVariant)] },
    { matcher: "/admin/personalization/placements/:id/variants/:variant_id", methods: ["DELETE"], middlewares: [empty] },
    { matcher: "/admin/personalization/segments/:id/gate", methods: ["POST"],
      middlewares: [validateBody(AdminGateSegment)] },
    { matcher: "/store/personalization/sections", methods: ["GET"], middlewares: [validateQuery(StoreGetSections)] },
    { matcher: "/store/personalization/offers", methods: ["GET"], middlewares: [empty] },
  ]
}

function analyticsMlRoutes(): MiddlewareRoute[] {
  return [
    { matcher: "/admin/personalization/analytics/rfm", methods: ["GET"], middlewares: [validateQuery(AdminAnalyticsMlEmptyQuery)] },
    { matcher: "/admin/personalization/models/churn", methods: ["GET"], middlewares: [validateQuery(AdminAnalyticsMlEmptyQuery)] },
    { matcher: "/admin/personalization/models/churn/train", methods: ["POST"],
      middlewares: [validateBody(AdminTrainChurn)] },
    { matcher: "/admin/personalization/discover", methods: ["GET"], middlewares: [validateQuery(AdminDiscover)] },
    { matcher: "/admin/personalization/discover/segments", methods: ["POST"],
      middlewares: [validateBody(AdminCreateSegmentFromCluster)] },
  ]
}
