import Medusa from "@medusajs/js-sdk"

// The dashboard's own session: admin extensions call the plugin's routes as the logged-in user.
export const sdk = new Medusa({
  baseUrl: import.meta.env.VITE_BACKEND_URL || "/",
  debug: import.meta.env.DEV,
  auth: { type: "session" },
})
