import { LoaderOptions } from "@medusajs/framework/types"
import { parsePluginOptions } from "../options"

// Fails the boot with a precise message when the plugin options are wrong.
export default async function validateOptionsLoader({ options }: LoaderOptions) {
  parsePluginOptions(options)
}
