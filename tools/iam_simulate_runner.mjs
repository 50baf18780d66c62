// Run @cloud-copilot/iam-simulate on questions in course.iam's contract shape (docs/specs/iam-request.md).
//
// Not part of the course and not run in CI: the benchmark (benchmarks/iam_throughput.py) and the
// differential tester (tools/iam_differential.py) start it as a separate process. iam-simulate is
// AGPL-3.0 and is never shipped or vendored: install it next to this script's callers with
//     npm install --prefix /tmp/iam-simulate @cloud-copilot/iam-simulate
// and point IAM_SIMULATE_DIR at that prefix.
//
// Input: JSON Lines, one question per line, on stdin. Output: one line per question,
// {"decision": "Allow" | "ImplicitDeny" | "ExplicitDeny"} or {"error": "..."}.
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import path from 'node:path'

const prefix = process.env.IAM_SIMULATE_DIR || '/tmp/iam-simulate'
const entry = path.join(prefix, 'node_modules', '@cloud-copilot', 'iam-simulate', 'dist', 'esm', 'index.js')
const { runSimulation, anonymousPrincipal } = await import(pathToFileURL(entry).href)

const DECISIONS = { Allowed: 'Allow', ImplicitlyDenied: 'ImplicitDeny', ExplicitlyDenied: 'ExplicitDeny' }
const ARN_ACCOUNT = /^arn:[\w-]+:[\w-]*:[\w-]*:(\d{12}):/

function levels(value, kind) {
  return (value || []).map((level, li) => ({
    orgIdentifier: `${kind}-level-${li}`,
    policies: (Array.isArray(level) ? level : [level]).map((p, i) => ({ name: `${kind}[${li}][${i}]`, policy: p })),
  }))
}

function principalAccount(principal) {
  const m = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(principal || '')
  return m ? m[1] : undefined
}

function convert(q) {
  const r = q.request
  const p = q.policies || {}
  const account = r.resourceAccount || (ARN_ACCOUNT.exec(r.resource) || [])[1] || r.principalAccount ||
    principalAccount(r.principal) || '111122223333'
  const sim = {
    request: {
      principal: r.principal === 'anonymous' ? anonymousPrincipal : r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: account },
      contextVariables: r.context || {},
    },
    identityPolicies: (p.identity || []).map((policy, i) => ({ name: `identity[${i}]`, policy })),
    serviceControlPolicies: levels(p.scps, 'scps'),
    resourceControlPolicies: levels(p.rcps, 'rcps'),
  }
  if (p.resource) sim.resourcePolicy = p.resource
  if (p.boundary) sim.permissionBoundaryPolicies = [{ name: 'boundary', policy: p.boundary }]
  if (p.session) sim.sessionPolicy = p.session
  const bpa = r.settings?.s3BlockPublicAccess?.RestrictPublicBuckets
  if (bpa !== undefined) sim.additionalSettings = { s3: { blockPublicAccess: bpa } }
  return sim
}

async function answer(line) {
  try {
    const result = await runSimulation(convert(JSON.parse(line)), {})
    if (result.resultType === 'error') return { error: JSON.stringify(result.errors).slice(0, 400) }
    return { decision: DECISIONS[result.overallResult] || result.overallResult }
  } catch (e) {
    return { error: String(e && e.message ? e.message : e).slice(0, 400) }
  }
}

const out = []
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of rl) {
  if (line.trim()) out.push(JSON.stringify(await answer(line)))
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''))
