/** Who the demo seed's audit entries name: the system, in the tenant it writes. */
export const seedActor = (tenantId: string) => ({ requestId: "seed", ip: null, user: null, role: "system", tenant: { id: tenantId } });
