package io.runstream.auth.tenant;

import io.runstream.platform.security.Caller;
import reactor.core.publisher.Mono;

import java.util.List;

/** Tenants: every other object belongs to exactly one. */
public interface Tenants {

    /** Creates the tenant with the platform permissions and built-in roles, unless it exists; returns it. */
    Mono<TenantView> ensure(String id, String name);

    /** Creates a tenant (platform admins only); 409 when the id is taken. */
    Mono<TenantView> create(Caller caller, NewTenant tenant);

    /** The tenants the caller may see: all for a platform admin, else its own; with the total. */
    Mono<Listing> visible(Caller caller, int offset, int limit);

    /** One tenant the caller may see, or a 404 problem. */
    Mono<TenantView> get(Caller caller, String id);

    record NewTenant(String id, String name) {
    }

    record Listing(List<TenantView> tenants, long total) {
    }
}
