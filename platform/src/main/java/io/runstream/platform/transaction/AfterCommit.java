package io.runstream.platform.transaction;

import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * Runs an action once the current reactive transaction has committed — typically a nudge telling a
 * background worker that there is committed work for it — or at once when there is no transaction.
 * The action must be cheap and must not block: it runs on the thread that completed the commit.
 */
public final class AfterCommit {

    private AfterCommit() {
    }

    public static Mono<Void> run(Runnable action) {
        return TransactionSynchronizationManager.forCurrentTransaction()
                .doOnNext(tsm -> {
                    if (tsm.isSynchronizationActive()) {
                        tsm.registerSynchronization(new TransactionSynchronization() {
                            @Override
                            public Mono<Void> afterCommit() {
                                return Mono.fromRunnable(action);
                            }
                        });
                    } else {
                        action.run();
                    }
                })
                .onErrorResume(NoTransactionException.class, e -> Mono.fromRunnable(action))
                .then();
    }
}
