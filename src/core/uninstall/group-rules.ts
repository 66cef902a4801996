// What uninstalling does to one customer-group rule of a promotion or price list (`customer.groups.id` with the
// values listed). Values that are ours (the plugin's managed groups, experiments' holdout markers) go; the rest stay.
// A rule left with no values goes too. When that rule was a gate (`in` / `eq`: only these groups qualify) and the
// offer is active, the offer is deactivated as well: without the rule it would apply to every customer, and a
// discount meant for a segment must never silently become a discount for everyone.
// An exclusion (`ne` / `nin`) that loses its last value simply goes: the excluded groups no longer exist.

export type GroupRule = { operator: string; values: string[] }

export type GroupRuleChange =
  | { kind: "none" }
  | { kind: "keep"; removed: string[]; values: string[] }
  | { kind: "remove"; removed: string[]; deactivate: boolean }

const GATES = new Set(["in", "eq"])

export function planGroupRuleChange(rule: GroupRule, isOurs: (value: string) => boolean, offerActive: boolean): GroupRuleChange {
  const removed = rule.values.filter((v) => isOurs(v))
  if (!removed.length) return { kind: "none" }
  const values = rule.values.filter((v) => !isOurs(v))
  if (values.length) return { kind: "keep", removed, values }
  return { kind: "remove", removed, deactivate: offerActive && GATES.has(rule.operator) }
}

/** One line for the dry run: what happens to the rule (and the offer). */
export function describeGroupRuleChange(change: GroupRuleChange, offerStatusWhenDeactivated: string): string {
  switch (change.kind) {
    case "none":
      return "unchanged"
    case "keep":
      return `rule keeps ${change.values.join(", ")} (removes ${change.removed.join(", ")})`
    case "remove":
      return change.deactivate
        ? `rule removed and the offer set to "${offerStatusWhenDeactivated}" (it would otherwise apply to every customer)`
        : `rule removed (removes ${change.removed.join(", ")})`
  }
}
