export * from "./repair-segment-consistency"
