package io.runstream.auth.tenant;

import io.runstream.auth.web.Limits;
import io.runstream.auth.web.Page;
import io.runstream.platform.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Tenants: platform admins create them and see all; anyone else sees only their own. */
@RestController
@RequestMapping("/api/v1/tenants")
class TenantController {

    private final Tenants tenants;

    TenantController(Tenants tenants) {
        this.tenants = tenants;
    }

    record CreateTenant(@Size(max = 63) String id,
                        @NotBlank @Pattern(regexp = Limits.DISPLAY_NAME, message = "must be 1-100 letters, digits, spaces or ._'&()-") String name) {
    }

    @PostMapping({"", "/"})
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<TenantView> create(Caller caller, @Valid @RequestBody CreateTenant request) {
        return tenants.create(caller, new Tenants.NewTenant(request.id(), request.name()));
    }

    @GetMapping({"", "/"})
    public Mono<Page<TenantView>> list(Caller caller, @RequestParam(defaultValue = "0") int skip,
                                       @RequestParam(defaultValue = "100") int limit) {
        return tenants.visible(caller, skip, limit).map(listing -> new Page<>(listing.tenants(), listing.total()));
    }

    @GetMapping("/{tenantId}")
    public Mono<TenantView> get(Caller caller, @PathVariable String tenantId) {
        return tenants.get(caller, tenantId);
    }
}
