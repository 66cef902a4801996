import { defineMiddlewares } from "@medusajs/framework/http"
import { maxBodySize, validateBody, validateQuery } from "./utils/validate"
import { AdminCreateSegment, AdminListSegments, AdminUpdateSegment } from "./admin/personalization/segments/validators"
import {
  AdminExplainMember,
  AdminListCustomerSegments,
  AdminListSegmentMembers,
  AdminRefreshSegment,
} from "./admin/personalization/membership-validators"

const ADMIN_BODY_LIMIT = 64 * 1024
// Let the JSON parser accept more than we allow, so an oversized body gets our 400 naming `body`, not a bare 413.
const bodyParser = { sizeLimit: "4mb" }

export default defineMiddlewares({
  routes: [
    {
      matcher: "/admin/personalization/segments",
      methods: ["GET"],
      middlewares: [validateQuery(AdminListSegments)],
    },
    {
      matcher: "/admin/personalization/segments",
      methods: ["POST"],
      bodyParser,
      middlewares: [maxBodySize(ADMIN_BODY_LIMIT), validateBody(AdminCreateSegment)],
    },
    {
      matcher: "/admin/personalization/segments/:id",
      methods: ["POST"],
      bodyParser,
      middlewares: [maxBodySize(ADMIN_BODY_LIMIT), validateBody(AdminUpdateSegment)],
    },
    {
      matcher: "/admin/personalization/segments/:id/refresh",
      methods: ["POST"],
      middlewares: [maxBodySize(ADMIN_BODY_LIMIT), validateBody(AdminRefreshSegment)],
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
  ],
})
