export * from "./create-segment"
export * from "./update-segment"
export * from "./delete-segment"
