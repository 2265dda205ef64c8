package io.runstream.auth.web;

import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import reactor.core.publisher.Mono;

/** Permission checks shared by auth-service's features. */
public final class Access {

    public static final String MANAGE_USERS = "can_manage_users";
    public static final String MANAGE_ROLES = "can_manage_roles";
    public static final String MANAGE_API_KEYS = "api_keys:manage";
    public static final String SERVICE_ROLE = "service";

    private Access() {
    }

    public static boolean isPlatformAdmin(Caller caller) {
        return caller.roles().contains(Caller.PLATFORM_ADMIN_ROLE);
    }

    public static Mono<Caller> requiring(Caller caller, String permission) {
        return caller.can(permission) ? Mono.just(caller)
                : Mono.error(Problems.forbidden("This operation needs the permission '" + permission + "'"));
    }

    public static Mono<Caller> requiringPlatformAdmin(Caller caller) {
        return isPlatformAdmin(caller) ? Mono.just(caller)
                : Mono.error(Problems.forbidden("This operation needs the role 'platform_admin'"));
    }

    /**
     * The tenant a request addresses: the caller's own when none is named; another tenant only for a
     * platform admin — for anyone else it does not exist (404, like a missing one).
     */
    public static Mono<String> targetTenant(Caller caller, String requested) {
        if (requested == null || requested.isBlank() || requested.equals(caller.tenant())) {
            return Mono.just(caller.tenant());
        }
        return isPlatformAdmin(caller) ? Mono.just(requested) : Mono.error(Problems.notFound("tenant", requested));
    }
}
