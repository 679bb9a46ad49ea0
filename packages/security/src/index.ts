export { diffPolicy, policyLines, readBaseline } from './baseline.ts';
export { type BuildResult, buildFiles, buildSecurity, readBuiltCsp } from './build.ts';
export {
  type CspDirectives,
  cspTemplate,
  hashSources,
  pageCsp,
  parseCsp,
  serializeCsp,
} from './csp.ts';
export { type CspFinding, judgeCsp } from './csp-judge.ts';
export {
  type CacheTier,
  cacheTierForPath,
  cacheTiers,
  type HeaderList,
  hstsValue,
  type SecurityHeaderOptions,
  securityHeaderNames,
  securityHeaders,
} from './headers.ts';
export { loaderSource, secureHtml } from './html.ts';
export {
  type AppLimits,
  defaultAppLimits,
  defaultEdgeLimits,
  EDGE_ERRORS,
  type EdgeLimits,
  edgeErrorBodies,
  maxUrlBytes,
  type NginxOptions,
  renderNginxConfig,
  upstreamReadTimeoutS,
} from './nginx.ts';
export { auditNginxHeaders, parseNginxConfig } from './nginx-audit.ts';
export { integrity } from './sri.ts';
export { trustedProxyRanges } from './trusted-proxies.ts';
