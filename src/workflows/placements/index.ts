export * from "./create-placement"
export * from "./update-placement"
export * from "./delete-placement"
export * from "./placement-variants"
