package io.runstream.dataset.storage;

import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where files live: one area per tenant, objects addressed by a relative key of safe segments
 * ({@link ObjectKeys}). Nothing outside the tenant's area can be named. The local folder is the
 * default implementation; an S3-compatible store implements the same contract.
 */
public interface ObjectStore {

    /** Streams {@code content} into the object (replacing it) and answers its size; fails with 413 past {@code maxBytes}. */
    Mono<Long> write(String tenant, String key, Flux<DataBuffer> content, long maxBytes);

    /**
     * Like {@link #write(String, String, Flux, long)}, and meanwhile lets {@code follower} read the bytes as they are
     * stored (see {@link FollowedWrite}); a failed or cancelled write fails the follower.
     */
    Mono<Long> write(String tenant, String key, Flux<DataBuffer> content, long maxBytes, FollowedWrite follower);

    /** The object's bytes, streamed; an error {@link NoSuchObjectException} when it does not exist. */
    Flux<DataBuffer> read(String tenant, String key);

    /** The object's size, or empty when it does not exist. */
    Mono<Long> size(String tenant, String key);

    Mono<Void> move(String tenant, String fromKey, String toKey);

    Mono<Void> delete(String tenant, String key);

    /** Deletes every object whose key starts with {@code prefix/}. */
    Mono<Void> deleteTree(String tenant, String prefix);

    /** Blocking read for parsers: call on a blocking-capable scheduler. */
    InputStream openInput(String tenant, String key) throws IOException;

    /** Blocking write for parsers' outputs: call on a blocking-capable scheduler. */
    OutputStream openOutput(String tenant, String key) throws IOException;

    class NoSuchObjectException extends IOException {
        public NoSuchObjectException(String key) {
            super("no object " + key);
        }
    }
}
