import { Module } from "@medusajs/framework/utils"
import PersonalizationModuleService from "./service"
import validateOptionsLoader from "./loaders/validate-options"

export const PERSONALIZATION_MODULE = "personalization"

export default Module(PERSONALIZATION_MODULE, {
  service: PersonalizationModuleService,
  loaders: [validateOptionsLoader],
})

export { PersonalizationModuleService }
