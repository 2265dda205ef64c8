package io.runstream.platform.logging;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CommonsLoggingTest {

    /** A message whose rendering is counted, as Spring's {@code LogMessage} renders lazily in {@code toString}. */
    private record CountedMessage(AtomicInteger renderings) {
        @Override
        public String toString() {
            renderings.incrementAndGet();
            return "rendered";
        }
    }

    @Test
    void aMessageBelowTheLoggersLevel_isNeverRendered() {
        Log log = LogFactory.getLog("io.runstream.platform.logging.quiet");
        assertThat(log.isDebugEnabled()).isFalse();
        AtomicInteger renderings = new AtomicInteger();

        log.debug(new CountedMessage(renderings));
        log.trace(new CountedMessage(renderings));

        assertThat(renderings).hasValue(0);
    }

    @Test
    void aMessageAtAnEnabledLevel_isRenderedOnce() {
        Log log = LogFactory.getLog("io.runstream.platform.logging.quiet");
        AtomicInteger renderings = new AtomicInteger();

        log.warn(new CountedMessage(renderings));

        assertThat(renderings).hasValue(1);
    }
}
