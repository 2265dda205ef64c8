package io.runstream.platform.test.demo;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.EventOutbox;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A minimal service on the platform, used to test the platform end to end with real infrastructure. */
@SpringBootApplication
public class DemoApplication {

    @org.springframework.context.annotation.Bean
    io.runstream.platform.run.BuiltInJob demoJob() {
        return new io.runstream.platform.run.BuiltInJob("demo/echo", "1", "Echoes its message",
                "{\"type\":\"object\",\"required\":[\"message\"]}", 2, 30);
    }

    public record NoteRequest(@NotBlank @Size(max = 100) String title, @Min(0) @Max(9) Integer priority) {
    }

    public record Note(long id, String title) {
    }

    public record NoteCreated(long id, String title) {
    }

    @Service
    public static class NoteService {
        private final DatabaseClient db;
        private final EventOutbox outbox;
        private final Topics topics;
        private final EventCodec codec;

        NoteService(DatabaseClient db, EventOutbox outbox, Topics topics, EventCodec codec) {
            this.db = db;
            this.outbox = outbox;
            this.topics = topics;
            this.codec = codec;
        }

        @Transactional
        public Mono<Note> create(Caller caller, NoteRequest request, boolean failAfterwards) {
            return db.sql("insert into note (tenant_id, title) values (:tenant, :title) returning id")
                    .bind("tenant", caller.tenant()).bind("title", request.title())
                    .map(row -> row.get("id", Long.class)).one()
                    .flatMap(id -> outbox.append(topics.runEvents(), codec.event("/runstream/demo", EventTypes.RUN_CREATED,
                                    "note-" + id, caller.tenant(), new NoteCreated(id, request.title())))
                            .thenReturn(new Note(id, request.title())))
                    .flatMap(note -> failAfterwards ? Mono.error(new IllegalStateException("after the outbox write")) : Mono.just(note));
        }

        public Mono<Note> get(Caller caller, long id) {
            return db.sql("select id, title from note where id = :id and tenant_id = :tenant")
                    .bind("id", id).bind("tenant", caller.tenant())
                    .map(row -> new Note(row.get("id", Long.class), row.get("title", String.class))).one()
                    .switchIfEmpty(Mono.error(() -> Problems.notFound("note", Long.toString(id))));
        }

        public Mono<Long> count() {
            return db.sql("select count(*) as n from note").map(row -> row.get("n", Long.class)).one();
        }
    }

    static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.runstream.demo.notes");

    @RestController
    @RequestMapping("/api/v1/notes")
    static class NoteController {
        private final NoteService notes;

        NoteController(NoteService notes) {
            this.notes = notes;
        }

        @PostMapping
        Mono<Note> create(@Valid @RequestBody NoteRequest request, Caller caller) {
            return notes.create(caller, request, false);
        }

        @PostMapping("/failing")
        Mono<Note> createThenFail(@Valid @RequestBody NoteRequest request, Caller caller) {
            return notes.create(caller, request, true);
        }

        @GetMapping("/{id}")
        Mono<Note> get(@PathVariable long id, Caller caller) {
            return notes.get(caller, id).doOnNext(note -> LOG.info("read note {}", note.id()));
        }

        @GetMapping("/admin")
        @PreAuthorize("hasAuthority('notes:admin')")
        Mono<Map<String, String>> admin(Caller caller) {
            return Mono.just(Map.of("tenant", caller.tenant()));
        }
    }

    /** Receives decoded envelopes; a record that is not one goes to the dead-letter topic. */
    @Component
    public static class EventLog {
        public final List<EventEnvelope> received = new CopyOnWriteArrayList<>();

        @KafkaListener(id = "demo-event-log", topics = "#{@topics.runEvents()}")
        void on(EventEnvelope event) {
            received.add(event);
        }
    }
}
