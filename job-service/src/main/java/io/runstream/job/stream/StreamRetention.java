package io.runstream.job.stream;

import io.runstream.job.config.JobProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;

/** Drops stream events (and with them log lines) older than the retention; their cursors then answer 410. */
@Component
class StreamRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StreamRetention.class);
    private final StreamLog streamLog;
    private final Duration retention;
    private volatile Disposable loop;

    StreamRetention(StreamLog streamLog, JobProperties properties) {
        this.streamLog = streamLog;
        this.retention = properties.stream().retention();
    }

    @Override
    public void start() {
        loop = Flux.interval(Duration.ofMinutes(1), Duration.ofMinutes(10))
                .concatMap(tick -> streamLog.purgeBefore(Instant.now().minus(retention))
                        .onErrorResume(error -> {
                            log.warn("stream retention failed, will retry: {}", error.toString());
                            return Mono.empty();
                        }))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable running = loop;
        loop = null;
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }
}
