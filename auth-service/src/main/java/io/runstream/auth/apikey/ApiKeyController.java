package io.runstream.auth.apikey;

import io.runstream.auth.web.Page;
import io.runstream.platform.security.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.UUID;

@RestController
class ApiKeyController {

    private final ApiKeyService keys;

    ApiKeyController(ApiKeyService keys) {
        this.keys = keys;
    }

    @PostMapping({"/api/v1/api-keys", "/api/v1/api-keys/"})
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<ApiKeyViews.CreatedApiKey> create(Caller caller, @Valid @RequestBody ApiKeyViews.CreateApiKey request) {
        return keys.create(caller, request);
    }

    @GetMapping({"/api/v1/api-keys", "/api/v1/api-keys/"})
    public Mono<Page<ApiKeyViews.ApiKeyView>> list(Caller caller, @RequestParam(defaultValue = "false") boolean all) {
        return keys.list(caller, all);
    }

    @GetMapping("/api/v1/api-keys/{keyId}")
    public Mono<ApiKeyViews.ApiKeyView> get(Caller caller, @PathVariable UUID keyId) {
        return keys.get(caller, keyId);
    }

    @DeleteMapping("/api/v1/api-keys/{keyId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> revoke(Caller caller, @PathVariable UUID keyId) {
        return keys.revoke(caller, keyId);
    }

    /** Internal (never routed by the gateway): the gateway trades a client's X-API-KEY for a short-lived JWT. */
    @PostMapping("/internal/v1/api-keys/exchange")
    public Mono<ApiKeyViews.Exchanged> exchange(Caller caller, @RequestHeader(name = "X-API-KEY", required = false) String apiKey) {
        return keys.exchange(caller, apiKey);
    }
}
