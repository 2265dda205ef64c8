package io.runstream.job.support;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds envelopes with ids from a non-blocking generator: {@code UUID.randomUUID()} reads the
 * kernel's entropy device and must not run on an event loop. Event ids need uniqueness, not secrecy.
 */
public final class Events {

    private Events() {
    }

    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    public static EventEnvelope create(EventCodec codec, String source, String type, String runId, String tenant,
                                       Object payload) {
        return new EventEnvelope(EventEnvelope.SPEC_VERSION, newId(), source, type, runId, Instant.now(),
                "application/json", tenant, payload instanceof tools.jackson.databind.JsonNode node ? node : codec.toData(payload));
    }
}
