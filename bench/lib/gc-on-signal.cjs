// Preloaded into the bench's Medusa processes (node --expose-gc -r …): on SIGUSR2, a full garbage collection, then
// process.memoryUsage() written to $MP_BENCH_MEM_DIR/mem-<pid>.json. RSS "after the load" otherwise depends on when
// V8 last collected (the heap grows by hundreds of MB of garbage under load before a major GC).
const fs = require("fs")
const path = require("path")
process.on("SIGUSR2", () => {
  if (typeof global.gc === "function") global.gc()
  const out = path.join(process.env.MP_BENCH_MEM_DIR || "/tmp", `mem-${process.pid}.json`)
  fs.writeFileSync(out + ".tmp", JSON.stringify(process.memoryUsage()))
  fs.renameSync(out + ".tmp", out)
})
