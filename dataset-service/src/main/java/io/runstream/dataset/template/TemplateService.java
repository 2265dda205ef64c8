package io.runstream.dataset.template;

import io.runstream.platform.security.Caller;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Templates of the caller's tenant. Unknown ids (or another tenant's) signal a 404 problem. */
public interface TemplateService {

    Mono<Template> create(Caller caller, TemplateRequest request);

    Flux<Template> list(Caller caller);

    Mono<Template> get(String tenant, long id);

    Mono<Template> update(Caller caller, long id, TemplateRequest request);

    Mono<Void> delete(Caller caller, long id);
}
