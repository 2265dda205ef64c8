package io.runstream.auth.org;

import io.runstream.auth.tenant.TenantView;
import io.runstream.auth.tenant.Tenants;
import io.runstream.auth.web.Limits;
import io.runstream.platform.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;

/** Trainwave's organizations: an organization is a tenant as that dialect sees it. */
@RestController
@RequestMapping("/api/v1/organizations")
class OrganizationController {

    private final Tenants tenants;

    OrganizationController(Tenants tenants) {
        this.tenants = tenants;
    }

    record Organization(String id, String name, OffsetDateTime createdAt) {
        static Organization of(TenantView tenant) {
            return new Organization(tenant.id(), tenant.name(), tenant.createdAt());
        }
    }

    record CreateOrganization(@Size(max = 63) String id,
                              @NotBlank @Pattern(regexp = Limits.DISPLAY_NAME, message = "must be 1-100 letters, digits, spaces or ._'&()-") String name) {
    }

    @GetMapping({"", "/"})
    public Mono<Envelope<Envelope.Paged<Organization>>> list(Caller caller, ServerHttpRequest request,
                                                             @RequestParam(defaultValue = "20") int limit,
                                                             @RequestParam(defaultValue = "0") int offset) {
        Paging.check(limit, offset);
        return tenants.visible(caller, offset, limit)
                .map(listing -> Envelope.ok(Paging.page(request.getURI(),
                        listing.tenants().stream().map(Organization::of).toList(), listing.total(), limit, offset)));
    }

    @PostMapping({"", "/"})
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<Envelope<Organization>> create(Caller caller, @Valid @RequestBody CreateOrganization request) {
        return tenants.create(caller, new Tenants.NewTenant(request.id(), request.name()))
                .map(tenant -> Envelope.ok(Organization.of(tenant)));
    }

    @GetMapping({"/{orgId}", "/{orgId}/"})
    public Mono<Envelope<Organization>> get(Caller caller, @PathVariable String orgId) {
        return tenants.get(caller, orgId).map(tenant -> Envelope.ok(Organization.of(tenant)));
    }
}
