package io.runstream.dataset.template;

import io.runstream.platform.security.Caller;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

@RestController
@RequestMapping("/api/v1/template")
class TemplateController {

    private final TemplateService templates;

    TemplateController(TemplateService templates) {
        this.templates = templates;
    }

    record TemplateList(long total, List<Template.Summary> data) {
    }

    @PostMapping({"", "/"})
    @ResponseStatus(HttpStatus.CREATED)
    @PreAuthorize("hasAuthority('templates:write')")
    Mono<Template> create(@Valid @RequestBody TemplateRequest request, Caller caller) {
        return templates.create(caller, request);
    }

    @GetMapping("/list")
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<TemplateList> list(Caller caller) {
        return templates.list(caller).map(Template::summary).collectList()
                .map(data -> new TemplateList(data.size(), data));
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<Template> get(@PathVariable long id, Caller caller) {
        return templates.get(caller.tenant(), id);
    }

    @PutMapping("/update/{id}")
    @PreAuthorize("hasAuthority('templates:write')")
    Mono<Template> update(@PathVariable long id, @Valid @RequestBody TemplateRequest request, Caller caller) {
        return templates.update(caller, id, request);
    }

    @DeleteMapping("/{id}")
    @PreAuthorize("hasAuthority('templates:write')")
    Mono<Map<String, Object>> delete(@PathVariable long id, Caller caller) {
        return templates.delete(caller, id).thenReturn(Map.of("id", id, "message", "Template deleted successfully"));
    }
}
