// Risk classes ("IT Security"): what a tool may do, as policy sees it. Shared by the config and tool schemas.
export const risks = ['read', 'write', 'exec', 'network'] as const;
export type Risk = (typeof risks)[number];
