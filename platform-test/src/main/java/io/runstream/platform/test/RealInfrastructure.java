package io.runstream.platform.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a Spring Boot test class real infrastructure: its own fresh database on a shared real
 * PostgreSQL server, its own Kafka topic prefix on a shared real Kafka broker, a JWKS endpoint
 * serving {@link TestTokens}' signing key, its own storage folder, and a service token signer.
 *
 * <p>The servers start once per test JVM: as Testcontainers when a container engine answers,
 * otherwise as embedded real servers (PostgreSQL binaries, an in-process KRaft broker). Override
 * with {@code -Drunstream.test.infrastructure=embedded|containers}.
 *
 * <p>With {@code restartableKafka = true} the class gets a Kafka broker of its own on fixed ports instead,
 * available as a {@link KraftBroker} bean, so that a test can {@link KraftBroker#stop() stop} Kafka and
 * {@link KraftBroker#restart() bring it back} while the application keeps running.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface RealInfrastructure {

    boolean restartableKafka() default false;
}
