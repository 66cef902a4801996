export * from "./refresh-customer-profile"
export { SEGMENT_ENTERED, SEGMENT_EXITED, type SegmentEventData } from "./steps/membership-events"
export * from "./evaluate-profile"
