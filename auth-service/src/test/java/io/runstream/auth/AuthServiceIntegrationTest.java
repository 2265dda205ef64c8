package io.runstream.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.runstream.auth.token.OwnKeys;
import io.runstream.auth.token.RotatingStores;
import io.runstream.platform.test.RealInfrastructure;
import io.runstream.platform.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * auth-service end to end over HTTP against a real PostgreSQL: one Spring context for the whole
 * suite; every test makes its own tenant and users so that tests do not depend on each other.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "runstream.auth.service-secret=" + AuthServiceIntegrationTest.SERVICE_SECRET,
        "runstream.auth.bootstrap-admin.username=root",
        "runstream.auth.bootstrap-admin.password=" + AuthServiceIntegrationTest.ROOT_PASSWORD,
        "runstream.auth.bootstrap-admin.email=root@runstream.test",
        "runstream.auth.keys.encryption-secret=test-encryption-secret",
        // behaviour, not cost, is under test here: a cheap Argon2id keeps the suite fast
        // (production parameters are measured in bench/auth and docs/auth-service.md)
        "runstream.auth.passwords.argon2-memory-kib=1024",
        "runstream.auth.passwords.argon2-iterations=1",
})
@AutoConfigureWebTestClient
@RealInfrastructure
class AuthServiceIntegrationTest {

    static final String SERVICE_SECRET = "s3rvice-secret-for-tests";
    static final String ROOT_PASSWORD = "Root-passw0rd";
    static final String PASSWORD = "Passw0rd-ok";
    private static final AtomicInteger SEQ = new AtomicInteger();

    @Autowired
    WebTestClient web;
    @Autowired
    ApplicationContext context;
    @Autowired
    DatabaseClient db;
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    // ------------------------------------------------------------------ login

    @Test
    void login_withCorrectPassword_returnsBearerTokensWithPlatformClaims() throws Exception {
        Tenant t = newTenant();
        Map<String, Object> tokens = loginOk(t.viewerName, PASSWORD);

        assertThat(tokens.get("token_type")).isEqualTo("bearer");
        assertThat(((Number) tokens.get("expires_in")).longValue()).isEqualTo(600);
        assertThat((String) tokens.get("refresh_token")).startsWith("rt_");
        SignedJWT jwt = SignedJWT.parse((String) tokens.get("access_token"));
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(OwnKeys.currentKid(context));
        assertThat(claims.getIssuer()).isEqualTo("runstream");
        assertThat(claims.getAudience()).containsExactly("runstream-api");
        assertThat(claims.getSubject()).isEqualTo(String.valueOf(t.viewerId));
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo(t.viewerName);
        assertThat(claims.getStringClaim("tenant")).isEqualTo(t.id);
        assertThat(claims.getStringListClaim("roles")).containsExactly("viewer");
        assertThat(claims.getStringListClaim("permissions")).containsExactlyInAnyOrder("runs:read", "datasets:read", "models:read");
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(600_000);
    }

    @Test
    void login_usernameIsCaseInsensitive() {
        Tenant t = newTenant();
        loginOk(t.viewerName.toUpperCase(), PASSWORD);
    }

    @Test
    void login_wrongPasswordAndUnknownUser_answerTheSame401() {
        Tenant t = newTenant();
        var wrong = login(t.viewerName, "Wrong-passw0rd").expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(Map.class).returnResult().getResponseBody();
        var unknown = login("nobody-" + SEQ.incrementAndGet(), PASSWORD).expectStatus().isUnauthorized()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(wrong.get("detail")).isEqualTo(unknown.get("detail")).isEqualTo("Incorrect username or password");
        assertThat(wrong.get("type")).isEqualTo(unknown.get("type"));
    }

    @Test
    void login_inactiveUser_isRefused() {
        Tenant t = newTenant();
        web.post().uri("/api/v1/users/{id}/deactivate", t.viewerId).header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.is_active").isEqualTo(false);

        login(t.viewerName, PASSWORD).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("https://runstream.io/problems/inactive-user");
    }

    @Test
    void login_missingFields_answers422NamingThem() {
        web.post().uri("/api/v1/login/access-token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("grant_type", "password"))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("username")
                .jsonPath("$.errors[1].field").isEqualTo("password");
        web.post().uri("/api/v1/login/access-token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("username", "someone"))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("password");
        // no form at all (e.g. JSON sent by mistake)
        web.post().uri("/api/v1/login/access-token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"username\":\"a\",\"password\":\"b\"}")
                .exchange().expectStatus().isEqualTo(422);
    }

    @Test
    void login_unsupportedGrantType_answers400() {
        web.post().uri("/api/v1/login/access-token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("grant_type", "implicit").with("username", "a").with("password", "b"))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("unsupported_grant_type");
    }

    @Test
    void login_oversizeAndInjectedValues_areHarmless() {
        String huge = "x".repeat(10_000);
        login(huge, PASSWORD).expectStatus().isEqualTo(422);
        login("admin", huge).expectStatus().isEqualTo(422);
        login("' OR '1'='1", "' OR '1'='1").expectStatus().isUnauthorized();
        login("root'--", "anything1").expectStatus().isUnauthorized();
    }

    @Test
    void login_withAnOlderHash_verifies_andUpgradesItToTheConfiguredArgon2id() {
        Tenant t = newTenant();
        String bcrypt = "{bcrypt}" + new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4).encode(PASSWORD);
        db.sql("update app_user set password_hash = :h where id = :id").bind("h", bcrypt).bind("id", t.viewerId)
                .fetch().rowsUpdated().block();

        loginOk(t.viewerName, PASSWORD);

        String stored = db.sql("select password_hash from app_user where id = :id").bind("id", t.viewerId)
                .map((row, meta) -> row.get(0, String.class)).one().block();
        assertThat(stored).startsWith("{argon2}$argon2id$");
        loginOk(t.viewerName, PASSWORD);
    }

    @Test
    void bootstrapAdmin_logsInAsPlatformAdminOfDefaultTenant() throws ParseException {
        var claims = SignedJWT.parse(rootToken()).getJWTClaimsSet();
        assertThat(claims.getStringClaim("tenant")).isEqualTo("default");
        assertThat(claims.getStringListClaim("roles")).contains("admin", "platform_admin");
        assertThat(claims.getStringListClaim("permissions")).contains("can_manage_users", "can_manage_roles", "api_keys:manage",
                "can_train_models", "runs:cancel");
    }

    // ------------------------------------------------------------------ client credentials

    @Test
    void clientCredentials_withServiceSecret_issuesServiceTokenWithoutRefreshToken() throws ParseException {
        var body = serviceLogin("training-service", SERVICE_SECRET).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).doesNotContainKey("refresh_token");
        assertThat(body.get("token_type")).isEqualTo("bearer");
        var claims = SignedJWT.parse((String) body.get("access_token")).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("training-service");
        assertThat(claims.getStringClaim("tenant")).isEqualTo("system");
        assertThat(claims.getStringListClaim("roles")).containsExactly("service");
    }

    @Test
    void clientCredentials_withWrongSecretOrMissingFields_isRefused() {
        serviceLogin("training-service", "guess").expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client");
        serviceLogin("Bad Name!", SERVICE_SECRET).expectStatus().isUnauthorized();
        web.post().uri("/api/v1/login/access-token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("grant_type", "client_credentials").with("client_id", "x"))
                .exchange().expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("client_secret");
    }

    // ------------------------------------------------------------------ token checks

    @Test
    void tokens_forgedOrMalformed_answer401() {
        Tenant t = newTenant();
        String valid = t.viewerToken;
        String[] parts = valid.split("\\.");
        String tamperedPayload = parts[0] + "." + base64(claimsJson(t, "admin")) + "." + parts[2];
        String badSignature = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";

        for (String token : List.of(tamperedPayload, badSignature, "not-a-jwt", valid + "x")) {
            testToken(token).expectStatus().isUnauthorized()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        testToken(valid).expectStatus().isOk();
    }

    @Test
    void tokens_algNone_unknownKey_expired_wrongIssuerOrAudience_answer401() {
        Tenant t = newTenant();
        String subject = String.valueOf(t.viewerId);
        // alg none and a key auth-service never had
        testToken(TestTokens.user(t.viewerName).subject(subject).tenant(t.id).unsigned()).expectStatus().isUnauthorized();
        testToken(TestTokens.user(t.viewerName).subject(subject).tenant(t.id).sign()).expectStatus().isUnauthorized();
        testToken(TestTokens.user(t.viewerName).subject(subject).tenant(t.id).signWithUnknownKey()).expectStatus().isUnauthorized();
        // signed with auth-service's own current key, so each fails for the reason it names
        testToken(own(claims(subject, t.id).build())).expectStatus().isOk();
        testToken(own(claims(subject, t.id).expirationTime(Date.from(Instant.now().minusSeconds(120))).build()))
                .expectStatus().isUnauthorized();
        testToken(own(claims(subject, t.id).issuer("evil").build())).expectStatus().isUnauthorized();
        testToken(own(claims(subject, t.id).audience("another-api").build())).expectStatus().isUnauthorized();
        testToken(own(claims(subject, null).build())).expectStatus().isUnauthorized();
        // no token at all
        web.post().uri("/api/v1/login/test-token").exchange().expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }

    @Test
    void testToken_answersTheCallerInTheSeedShape() {
        Tenant t = newTenant();
        testToken(t.viewerToken).expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo((int) t.viewerId)
                .jsonPath("$.tenant_id").isEqualTo(t.id)
                .jsonPath("$.username").isEqualTo(t.viewerName)
                .jsonPath("$.email").isEqualTo(t.viewerName + "@example.com")
                .jsonPath("$.first_name").isEqualTo("Vera")
                .jsonPath("$.is_active").isEqualTo(true)
                .jsonPath("$.password").doesNotExist()
                .jsonPath("$.password_hash").doesNotExist();
    }

    @Test
    void validateToken_describesAValidToken_and401sOtherwise() {
        Tenant t = newTenant();
        web.get().uri("/api/v1/validate-token").header(HttpHeaders.AUTHORIZATION, "Bearer " + t.viewerToken)
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.valid").isEqualTo(true)
                .jsonPath("$.subject").isEqualTo(String.valueOf(t.viewerId))
                .jsonPath("$.tenant").isEqualTo(t.id)
                .jsonPath("$.expires_at").exists()
                .jsonPath("$.expires_in").value(v -> assertThat(((Number) v).intValue()).isBetween(590, 600));
        web.get().uri("/api/v1/validate-token").header(HttpHeaders.AUTHORIZATION, "Bearer nonsense")
                .exchange().expectStatus().isUnauthorized();
    }

    @Test
    void jwks_publishesTheSigningKey_andRotationKeepsOldTokensValid() throws Exception {
        Tenant t = newTenant();
        String before = t.viewerToken;
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();
        assertThat(jwksKids()).contains(oldKid);

        String newKid = (String) web.post().uri("/api/v1/keys/rotate").header(HttpHeaders.AUTHORIZATION, "Bearer " + rootToken())
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("kid");
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(jwksKids()).contains(oldKid, newKid);

        testToken(before).expectStatus().isOk();
        String after = (String) loginOk(t.viewerName, PASSWORD).get("access_token");
        assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
        testToken(after).expectStatus().isOk();
        // only platform admins rotate
        web.post().uri("/api/v1/keys/rotate").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void keys_olderThanTheRotationPeriod_areReplaced_andStayPublishedUntilTheirTokensExpire() throws Exception {
        var replica = RotatingStores.withRotationPeriod(context, Duration.ofSeconds(1));
        String before = RotatingStores.activeKid(replica);
        Thread.sleep(1_100);
        String after = RotatingStores.activeKid(replica);

        assertThat(after).isNotEqualTo(before);
        var published = replica.publicKeys().block().getKeys().stream().map(k -> k.getKeyID()).toList();
        assertThat(published).contains(before, after);
        // the retired key stays published for the longest token lifetime (10 min) + refresh interval + skew
        Long graceSeconds = db.sql("select extract(epoch from expires_at - retired_at)::bigint from signing_key where kid = :kid")
                .bind("kid", before).map((row, meta) -> row.get(0, Long.class)).one().block();
        assertThat(graceSeconds).isBetween(600L + 60L, 600L + 60L + 60L);
        // the service, whose cached ring predates the new key, reloads on the unknown kid and accepts the token
        // (reloads forced by unknown kids are rate-limited to one per 5 s, hence the polling)
        String token = RotatingStores.sign(replica, claims(String.valueOf(1), "default").build());
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> testToken(token).expectStatus().isOk());
    }

    @Test
    void otherServices_validateIssuedTokens_throughTheJwksWithThePlatformDecoder() {
        Tenant t = newTenant();
        var decoder = org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder
                .withJwkSetUri("http://localhost:" + port + "/.well-known/jwks.json").build();
        decoder.setJwtValidator(io.runstream.platform.security.TokenValidators.forPlatform("runstream", "runstream-api"));

        var caller = io.runstream.platform.security.Caller.from(decoder.decode(t.scientistToken).block());

        assertThat(caller.userId()).isEqualTo(String.valueOf(t.scientistId));
        assertThat(caller.username()).isEqualTo(t.scientistName);
        assertThat(caller.tenant()).isEqualTo(t.id);
        assertThat(caller.roles()).containsExactly("data_scientist");
        assertThat(caller.can("can_train_models")).isTrue();
        assertThat(caller.can("can_manage_users")).isFalse();
    }

    @Test
    void jwks_exposesNoPrivateKeyMaterial_andStoredKeysAreEncrypted() {
        var body = web.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys = (List<Map<String, Object>>) body.get("keys");
        assertThat(keys).isNotEmpty().allSatisfy(key -> {
            assertThat(key).containsKeys("kty", "kid", "n", "e").doesNotContainKeys("d", "p", "q", "dp", "dq", "qi");
            assertThat(key.get("alg")).isEqualTo("RS256");
        });
        List<String> stored = db.sql("select private_key from signing_key").map((row, meta) -> row.get(0, String.class))
                .all().collectList().block();
        // base64 ciphertext only: no JSON (a stored JWK would be `{"kty":"RSA","d":...}`)
        assertThat(stored).isNotEmpty().allSatisfy(ciphertext -> assertThat(ciphertext).matches("[A-Za-z0-9+/]+=*"));
    }

    // ------------------------------------------------------------------ refresh and logout

    @Test
    void refresh_rotates_andReuseOfASpentTokenRevokesTheFamily() {
        Tenant t = newTenant();
        String first = (String) loginOk(t.viewerName, PASSWORD).get("refresh_token");

        var second = refresh(first).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        String secondRefresh = (String) second.get("refresh_token");
        assertThat(secondRefresh).isNotEqualTo(first);
        testToken((String) second.get("access_token")).expectStatus().isOk();

        // replaying the spent token: refused, and the live token of the same family dies with it
        refresh(first).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("https://runstream.io/problems/invalid-refresh-token");
        refresh(secondRefresh).expectStatus().isUnauthorized();

        // another login (another family) is unaffected
        String other = (String) loginOk(t.viewerName, PASSWORD).get("refresh_token");
        refresh(other).expectStatus().isOk();
    }

    @Test
    void refresh_withUnknownOrMissingToken_isRefused() {
        refresh("rt_unknown").expectStatus().isUnauthorized();
        refresh("eyJhbGciOiJIUzI1NiJ9.e30.x").expectStatus().isUnauthorized();
        web.post().uri("/api/v1/refresh").exchange().expectStatus().isEqualTo(422);
    }

    @Test
    void refreshTokens_areStoredOnlyAsDigests() {
        Tenant t = newTenant();
        String refresh = (String) loginOk(t.viewerName, PASSWORD).get("refresh_token");
        Long plain = db.sql("select count(*) from refresh_token where token_hash = :t").bind("t", refresh)
                .map((row, meta) -> row.get(0, Long.class)).one().block();
        assertThat(plain).isZero();
    }

    @Test
    void logout_revokesTheRefreshToken() {
        Tenant t = newTenant();
        var tokens = loginOk(t.viewerName, PASSWORD);
        String refresh = (String) tokens.get("refresh_token");
        web.post().uri(uri -> uri.path("/api/v1/logout").queryParam("refresh_token", refresh).build())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.get("access_token"))
                .exchange().expectStatus().isOk();
        refresh(refresh).expectStatus().isUnauthorized();
    }

    @Test
    void logout_ofSomeoneElsesToken_changesNothing() {
        Tenant t = newTenant();
        String victims = (String) loginOk(t.viewerName, PASSWORD).get("refresh_token");
        web.post().uri(uri -> uri.path("/api/v1/logout").queryParam("refresh_token", victims).build())
                .header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isNotFound();
        refresh(victims).expectStatus().isOk();
    }

    // ------------------------------------------------------------------ reset password

    @Test
    void resetPassword_bySelf_changesItAndRevokesRefreshTokens() {
        Tenant t = newTenant();
        String refresh = (String) loginOk(t.viewerName, PASSWORD).get("refresh_token");
        resetPassword(t.viewerToken, t.viewerName, "Brand-new-passw0rd").expectStatus().isOk();

        login(t.viewerName, PASSWORD).expectStatus().isUnauthorized();
        loginOk(t.viewerName, "Brand-new-passw0rd");
        refresh(refresh).expectStatus().isUnauthorized();
    }

    @Test
    void resetPassword_byTenantAdmin_works_byStranger_is403_byOtherTenantAdmin_is404() {
        Tenant t = newTenant();
        Tenant other = newTenant();
        resetPassword(t.adminToken, t.viewerName, "Admin-set-passw0rd").expectStatus().isOk();
        loginOk(t.viewerName, "Admin-set-passw0rd");

        resetPassword(t.scientistToken, t.viewerName, "Stranger-passw0rd").expectStatus().isForbidden();
        resetPassword(other.adminToken, t.viewerName, "Foreign-passw0rd").expectStatus().isNotFound();
        loginOk(t.viewerName, "Admin-set-passw0rd");
    }

    @Test
    void resetPassword_enforcesThePolicy_andNeedsAToken() {
        Tenant t = newTenant();
        resetPassword(t.viewerToken, t.viewerName, "short1").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("new_password");
        resetPassword(t.viewerToken, t.viewerName, "onlyletters").expectStatus().isBadRequest();
        resetPassword(t.viewerToken, t.viewerName, "x".repeat(129) + "1").expectStatus().isBadRequest();
        web.post().uri(uri -> uri.path("/api/v1/reset-password").queryParam("user_name", t.viewerName)
                .queryParam("new_password", "Anon-passw0rd").build()).exchange().expectStatus().isUnauthorized();
        web.post().uri("/api/v1/reset-password").header(HttpHeaders.AUTHORIZATION, "Bearer " + t.viewerToken)
                .exchange().expectStatus().isBadRequest();
        loginOk(t.viewerName, PASSWORD);
    }

    // ------------------------------------------------------------------ users

    @Test
    void users_createReadListUpdate() {
        Tenant t = newTenant();
        String name = "jane" + SEQ.incrementAndGet();
        var created = createUser(t.adminBearer, Map.of("tenant_id", t.id, "first_name", "jane", "last_name", "doe",
                "email", name + "@example.com", "username", name, "password", "Password123!"))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(created).containsEntry("username", name).containsEntry("tenant_id", t.id).containsEntry("is_active", true)
                .doesNotContainKeys("password", "password_hash");
        long id = ((Number) created.get("id")).longValue();

        web.get().uri("/api/v1/users/{id}", id).header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.email").isEqualTo(name + "@example.com");
        web.get().uri("/api/v1/users/read-users/?skip=0&limit=2").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.count").isEqualTo(4)
                .jsonPath("$.data.length()").isEqualTo(2)
                .jsonPath("$.data[0].password_hash").doesNotExist();
        web.patch().uri("/api/v1/users/{id}", id).header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .bodyValue(Map.of("first_name", "Janet")).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.first_name").isEqualTo("Janet").jsonPath("$.last_name").isEqualTo("doe");
        // the new user can log in and has the default role
        assertThat(roles((String) loginOk(name, "Password123!").get("access_token"))).containsExactly("viewer");
    }

    @Test
    void users_duplicateUsernameOrEmail_answers409() {
        Tenant t = newTenant();
        createUser(t.adminBearer, user(t.id, t.viewerName.toUpperCase(), "fresh" + SEQ.incrementAndGet() + "@example.com"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.type").isEqualTo("https://runstream.io/problems/username-taken");
        createUser(t.adminBearer, user(t.id, "fresh" + SEQ.incrementAndGet(), t.viewerName + "@example.com"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.type").isEqualTo("https://runstream.io/problems/email-taken");
    }

    @Test
    void users_viewerCannotManageUsers_butCanReadThemself() {
        Tenant t = newTenant();
        createUser(t.viewerBearer, user(t.id, "nope" + SEQ.incrementAndGet(), "nope" + SEQ.incrementAndGet() + "@example.com"))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("https://runstream.io/problems/permission-denied");
        web.get().uri("/api/v1/users/read-users/").header(HttpHeaders.AUTHORIZATION, t.viewerBearer)
                .exchange().expectStatus().isForbidden();
        web.get().uri("/api/v1/users/{id}", t.viewerId).header(HttpHeaders.AUTHORIZATION, t.viewerBearer)
                .exchange().expectStatus().isOk();
        web.get().uri("/api/v1/users/{id}", t.adminId).header(HttpHeaders.AUTHORIZATION, t.viewerBearer)
                .exchange().expectStatus().isForbidden();
        web.patch().uri("/api/v1/users/{id}", t.viewerId).header(HttpHeaders.AUTHORIZATION, t.viewerBearer)
                .bodyValue(Map.of("is_active", false)).exchange().expectStatus().isForbidden();
    }

    @Test
    void users_rolesBeyondViewerAtCreation_needCanManageRoles() {
        Tenant t = newTenant();
        // a custom role holding only can_manage_users
        long roleId = createRole(t.adminBearer, "user_clerk");
        long permissionId = permissionId(t, "can_manage_users");
        grant(t.adminBearer, roleId, permissionId).expectStatus().isOk();
        assign(t.adminBearer, t.viewerId, roleId).expectStatus().isOk();
        String clerk = "Bearer " + loginOk(t.viewerName, PASSWORD).get("access_token");

        var body = new HashMap<>(user(t.id, "boss" + SEQ.incrementAndGet(), "boss" + SEQ.incrementAndGet() + "@example.com"));
        body.put("roles", List.of("admin"));
        createUser(clerk, body).expectStatus().isForbidden();
        body.remove("roles");
        createUser(clerk, body).expectStatus().isCreated();
    }

    // ------------------------------------------------------------------ RBAC

    @Test
    void rbac_viewerLacksPermissions_403() {
        Tenant t = newTenant();
        web.post().uri("/api/v1/rbac/roles/").header(HttpHeaders.AUTHORIZATION, t.viewerBearer)
                .bodyValue(Map.of("name", "sneaky", "tenant_id", t.id)).exchange().expectStatus().isForbidden();
        web.post().uri("/api/v1/rbac/permissions/").header(HttpHeaders.AUTHORIZATION, t.scientistBearer)
                .bodyValue(Map.of("name", "can_sneak", "tenant_id", t.id)).exchange().expectStatus().isForbidden();
        web.post().uri("/api/v1/projects/").header(HttpHeaders.AUTHORIZATION, t.viewerBearer)
                .bodyValue(Map.of("name", "viewer project")).exchange().expectStatus().isForbidden();
        assertThat(permissions(t.viewerToken)).doesNotContain("can_train_models");
        assertThat(permissions(t.scientistToken)).contains("can_train_models").doesNotContain("can_manage_users");
    }

    @Test
    void rbac_createRoleAndPermission_grant_assign_revoke_reachTheNextToken() {
        Tenant t = newTenant();
        long roleId = createRole(t.adminBearer, "reporter");
        var permission = web.post().uri("/api/v1/rbac/permissions/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .bodyValue(Map.of("name", "can_view_reports", "tenant_id", t.id)).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(permission).containsEntry("name", "can_view_reports").containsEntry("tenant_id", t.id);
        long permissionId = ((Number) permission.get("id")).longValue();

        grant(t.adminBearer, roleId, permissionId).expectStatus().isOk()
                .expectBody().jsonPath("$.permissions[0]").isEqualTo("can_view_reports");
        assign(t.adminBearer, t.viewerId, roleId).expectStatus().isOk()
                .expectBody().jsonPath("$.roles").value(r -> assertThat((List<Object>) r).contains("reporter", "viewer"));
        assertThat(permissions((String) loginOk(t.viewerName, PASSWORD).get("access_token"))).contains("can_view_reports");

        web.delete().uri("/api/v1/rbac/users/{u}/roles/{r}", t.viewerId, roleId).header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isOk();
        assertThat(permissions((String) loginOk(t.viewerName, PASSWORD).get("access_token"))).doesNotContain("can_view_reports");

        web.get().uri("/api/v1/rbac/roles/").header(HttpHeaders.AUTHORIZATION, t.adminBearer).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.count").isEqualTo(4);
        web.post().uri("/api/v1/rbac/roles/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .bodyValue(Map.of("name", "reporter", "tenant_id", t.id)).exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT);
        web.post().uri("/api/v1/rbac/roles/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .bodyValue(Map.of("name", "platform_admin", "tenant_id", t.id)).exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT);
    }

    @Test
    void rbac_builtinRolesAreFixed_andAdminsCannotDemoteThemselves() {
        Tenant t = newTenant();
        long adminRole = roleId(t, "admin");
        grant(t.adminBearer, adminRole, permissionId(t, "runs:read")).expectStatus().isEqualTo(HttpStatus.CONFLICT);
        web.delete().uri("/api/v1/rbac/roles/{r}", adminRole).header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT);
        web.delete().uri("/api/v1/rbac/users/{u}/roles/{r}", t.adminId, adminRole).header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT);
    }

    // ------------------------------------------------------------------ tenant isolation

    @Test
    void tenantIsolation_everyIdTakingEndpointAnswers404ForAnotherTenantsObject() {
        Tenant a = newTenant();
        Tenant b = newTenant();
        long roleA = createRole(a.adminBearer, "a_only");
        long permissionA = permissionId(a, "runs:read");
        String keyA = (String) createKey(a.adminBearer, List.of("runs:read")).get("id");
        String projectA = (String) ((Map<?, ?>) web.post().uri("/api/v1/projects/").header(HttpHeaders.AUTHORIZATION, a.adminBearer)
                .bodyValue(Map.of("name", "secret project")).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("data")).get("id");
        String bearer = b.adminBearer;

        web.get().uri("/api/v1/users/{id}", a.viewerId).header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isNotFound();
        web.patch().uri("/api/v1/users/{id}", a.viewerId).header(HttpHeaders.AUTHORIZATION, bearer)
                .bodyValue(Map.of("first_name", "Hacked")).exchange().expectStatus().isNotFound();
        web.post().uri("/api/v1/users/{id}/deactivate", a.viewerId).header(HttpHeaders.AUTHORIZATION, bearer)
                .exchange().expectStatus().isNotFound();
        createUser(bearer, user(a.id, "intruder" + SEQ.incrementAndGet(), "intruder" + SEQ.incrementAndGet() + "@example.com"))
                .expectStatus().isNotFound();
        web.get().uri("/api/v1/rbac/roles/{r}", roleA).header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isNotFound();
        web.delete().uri("/api/v1/rbac/roles/{r}", roleA).header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isNotFound();
        grant(bearer, roleA, permissionA).expectStatus().isNotFound();
        web.delete().uri("/api/v1/rbac/permissions/{p}", permissionA).header(HttpHeaders.AUTHORIZATION, bearer)
                .exchange().expectStatus().isNotFound();
        assign(bearer, a.viewerId, roleId(b, "admin")).expectStatus().isNotFound();
        assign(bearer, b.viewerId, roleA).expectStatus().isNotFound();
        web.get().uri("/api/v1/rbac/users/{u}/roles", a.viewerId).header(HttpHeaders.AUTHORIZATION, bearer)
                .exchange().expectStatus().isNotFound();
        web.post().uri("/api/v1/rbac/roles/").header(HttpHeaders.AUTHORIZATION, bearer)
                .bodyValue(Map.of("name", "planted", "tenant_id", a.id)).exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/api-keys/{k}", keyA).header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isNotFound();
        web.delete().uri("/api/v1/api-keys/{k}", keyA).header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/projects/{p}/", projectA).header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/tenants/{t}", a.id).header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/organizations/{t}/", a.id).header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isNotFound();
        resetPassword(b.adminToken, a.viewerName, "Takeover-passw0rd").expectStatus().isNotFound();

        // lists show only the caller's tenant
        web.get().uri("/api/v1/users/read-users/").header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.count").isEqualTo(3);
        web.get().uri("/api/v1/projects/?org=" + a.id).header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data.count").isEqualTo(0);
        web.get().uri("/api/v1/api-keys/?all=true").header(HttpHeaders.AUTHORIZATION, bearer).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.count").isEqualTo(0);

        // and nothing of A changed
        web.get().uri("/api/v1/users/{id}", a.viewerId).header(HttpHeaders.AUTHORIZATION, a.adminBearer).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.first_name").isEqualTo("Vera").jsonPath("$.is_active").isEqualTo(true);
        web.get().uri("/api/v1/api-keys/{k}", keyA).header(HttpHeaders.AUTHORIZATION, a.adminBearer).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.revoked_at").isEmpty();
    }

    // ------------------------------------------------------------------ tenants, organizations, projects

    @Test
    void tenants_onlyPlatformAdminsCreateThem_andAdminsSeeTheirOwn() {
        Tenant t = newTenant();
        web.post().uri("/api/v1/tenants/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .bodyValue(Map.of("name", "Rogue")).exchange().expectStatus().isForbidden();
        web.get().uri("/api/v1/tenants/").header(HttpHeaders.AUTHORIZATION, t.adminBearer).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.count").isEqualTo(1).jsonPath("$.data[0].id").isEqualTo(t.id);
        web.post().uri("/api/v1/tenants/").header(HttpHeaders.AUTHORIZATION, "Bearer " + rootToken())
                .bodyValue(Map.of("id", t.id, "name", "Again")).exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT);
        web.post().uri("/api/v1/tenants/").header(HttpHeaders.AUTHORIZATION, "Bearer " + rootToken())
                .bodyValue(Map.of("id", "system", "name", "System")).exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT);
        web.post().uri("/api/v1/tenants/").header(HttpHeaders.AUTHORIZATION, "Bearer " + rootToken())
                .bodyValue(Map.of("id", "Bad_Id;--", "name", "Bad")).exchange().expectStatus().isBadRequest();
    }

    @Test
    void organizations_andProjects_speakTrainwavesShapes() {
        Tenant t = newTenant();
        web.get().uri("/api/v1/organizations/").header(HttpHeaders.AUTHORIZATION, t.viewerBearer).exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.success").isEqualTo(true)
                .jsonPath("$.data.count").isEqualTo(1)
                .jsonPath("$.data.results[0].id").isEqualTo(t.id)
                .jsonPath("$.data.next").isEmpty()
                .jsonPath("$.data.previous").isEmpty();
        for (int i = 0; i < 3; i++) {
            web.post().uri("/api/v1/projects/").header(HttpHeaders.AUTHORIZATION, t.scientistBearer)
                    .bodyValue(Map.of("name", "project " + i, "description", "d", "org", t.id))
                    .exchange().expectStatus().isCreated()
                    .expectBody().jsonPath("$.success").isEqualTo(true).jsonPath("$.data.id").value(id -> assertThat((String) id).startsWith("p-"));
        }
        web.post().uri("/api/v1/projects/").header(HttpHeaders.AUTHORIZATION, t.scientistBearer)
                .bodyValue(Map.of("name", "project 0")).exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT);
        web.get().uri("/api/v1/projects/?org=" + t.id + "&limit=2&offset=0").header(HttpHeaders.AUTHORIZATION, t.viewerBearer)
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data.count").isEqualTo(3)
                .jsonPath("$.data.results.length()").isEqualTo(2)
                .jsonPath("$.data.results[0].name").isEqualTo("project 0")
                .jsonPath("$.data.next").value(next -> assertThat((String) next).contains("offset=2").contains("limit=2"))
                .jsonPath("$.data.previous").isEmpty();
        web.get().uri("/api/v1/projects/?limit=0").header(HttpHeaders.AUTHORIZATION, t.viewerBearer)
                .exchange().expectStatus().isBadRequest();
        web.get().uri("/api/v1/projects/?limit=abc").header(HttpHeaders.AUTHORIZATION, t.viewerBearer)
                .exchange().expectStatus().isBadRequest();
    }

    // ------------------------------------------------------------------ API keys

    @Test
    void apiKey_create_exchange_revoke() throws ParseException {
        Tenant t = newTenant();
        var created = createKey(t.scientistBearer, List.of("runs:read", "can_train_models"));
        String key = (String) created.get("key");
        assertThat(key).startsWith("rsk_").hasSize(44);
        assertThat((String) created.get("prefix")).isEqualTo(key.substring(0, 12));

        // listed without its secret
        web.get().uri("/api/v1/api-keys/").header(HttpHeaders.AUTHORIZATION, t.scientistBearer).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.count").isEqualTo(1)
                .jsonPath("$.data[0].prefix").isEqualTo(key.substring(0, 12))
                .jsonPath("$.data[0].key").doesNotExist()
                .jsonPath("$.data[0].last_used_at").isEmpty();
        Long stored = db.sql("select count(*) from api_key where secret_hash = :k or prefix = :k").bind("k", key)
                .map((row, meta) -> row.get(0, Long.class)).one().block();
        assertThat(stored).isZero();

        String service = serviceToken();
        var exchanged = exchange(service, key).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(((Number) exchanged.get("expires_in")).intValue()).isLessThanOrEqualTo(60);
        var claims = SignedJWT.parse((String) exchanged.get("access_token")).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(String.valueOf(t.scientistId));
        assertThat(claims.getStringClaim("tenant")).isEqualTo(t.id);
        assertThat(claims.getStringListClaim("permissions")).containsExactlyInAnyOrder("runs:read", "can_train_models");
        assertThat(claims.getStringListClaim("roles")).containsExactly("api_key");
        testToken((String) exchanged.get("access_token")).expectStatus().isOk();
        web.get().uri("/api/v1/api-keys/").header(HttpHeaders.AUTHORIZATION, t.scientistBearer).exchange()
                .expectBody().jsonPath("$.data[0].last_used_at").isNotEmpty();

        web.delete().uri("/api/v1/api-keys/{id}", created.get("id")).header(HttpHeaders.AUTHORIZATION, t.scientistBearer)
                .exchange().expectStatus().isNoContent();
        exchange(service, key).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("https://runstream.io/problems/invalid-api-key");
    }

    @Test
    void apiKey_pastItsExpiry_stopsWorking() {
        Tenant t = newTenant();
        var created = web.post().uri("/api/v1/api-keys/").header(HttpHeaders.AUTHORIZATION, t.scientistBearer)
                .bodyValue(Map.of("name", "short lived", "scopes", List.of("runs:read"), "expires_in_days", 1))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(created.get("expires_at")).isNotNull();
        String key = (String) created.get("key");
        exchange(serviceToken(), key).expectStatus().isOk();

        db.sql("update api_key set expires_at = now() - interval '1 second' where id = :id")
                .bind("id", java.util.UUID.fromString((String) created.get("id"))).fetch().rowsUpdated().block();
        exchange(serviceToken(), key).expectStatus().isUnauthorized();
    }

    @Test
    void apiKey_exchange_needsAServiceCaller_andAKnownKey() {
        Tenant t = newTenant();
        String key = (String) createKey(t.adminBearer, List.of("runs:read")).get("key");
        exchange(t.adminToken, key).expectStatus().isForbidden();
        web.post().uri("/internal/v1/api-keys/exchange").header("X-API-KEY", key).exchange().expectStatus().isUnauthorized();
        exchange(serviceToken(), "rsk_" + "0".repeat(40)).expectStatus().isUnauthorized();
        exchange(serviceToken(), "' or 1=1 --").expectStatus().isUnauthorized();
        web.post().uri("/internal/v1/api-keys/exchange").header(HttpHeaders.AUTHORIZATION, "Bearer " + serviceToken())
                .exchange().expectStatus().isUnauthorized();
    }

    @Test
    void apiKey_scopesBeyondTheOwnersPermissions_areRefused_andShrinkWithTheOwner() throws ParseException {
        Tenant t = newTenant();
        web.post().uri("/api/v1/api-keys/").header(HttpHeaders.AUTHORIZATION, t.viewerBearer)
                .bodyValue(Map.of("name", "too much", "scopes", List.of("runs:read", "can_manage_users")))
                .exchange().expectStatus().isForbidden();
        String key = (String) createKey(t.viewerBearer, List.of("runs:read")).get("key");
        // the owner deactivated: the key stops working
        web.post().uri("/api/v1/users/{id}/deactivate", t.viewerId).header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isOk();
        exchange(serviceToken(), key).expectStatus().isUnauthorized();
        // a key-derived token cannot mint keys
        String scientistKey = (String) createKey(t.scientistBearer, List.of("runs:read")).get("key");
        String keyToken = (String) exchange(serviceToken(), scientistKey).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("access_token");
        web.post().uri("/api/v1/api-keys/").header(HttpHeaders.AUTHORIZATION, "Bearer " + keyToken)
                .bodyValue(Map.of("name", "child", "scopes", List.of("runs:read"))).exchange().expectStatus().isForbidden();
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInput_injectionAndOversizeStringsInEveryField_are4xx_andStoreNothing() {
        Tenant t = newTenant();
        long usersBefore = count("app_user");
        String injection = "x'); drop table app_user; --";
        String huge = "a".repeat(5_000);
        List<Map<String, Object>> bodies = List.of(
                user(t.id, injection, "inj" + SEQ.incrementAndGet() + "@example.com"),
                user(t.id, huge, "big" + SEQ.incrementAndGet() + "@example.com"),
                user(t.id, "ok" + SEQ.incrementAndGet(), injection),
                user(t.id, "ok" + SEQ.incrementAndGet(), huge + "@example.com"),
                with(user(t.id, "ok" + SEQ.incrementAndGet(), "n" + SEQ.incrementAndGet() + "@example.com"), "first_name", injection),
                with(user(t.id, "ok" + SEQ.incrementAndGet(), "n" + SEQ.incrementAndGet() + "@example.com"), "last_name", huge),
                with(user(t.id, "ok" + SEQ.incrementAndGet(), "n" + SEQ.incrementAndGet() + "@example.com"), "password", huge),
                with(user(t.id, "ok" + SEQ.incrementAndGet(), "n" + SEQ.incrementAndGet() + "@example.com"), "tenant_id", injection),
                with(user(t.id, "ok" + SEQ.incrementAndGet(), "n" + SEQ.incrementAndGet() + "@example.com"), "tenant_id", huge),
                with(user(t.id, "ok" + SEQ.incrementAndGet(), "n" + SEQ.incrementAndGet() + "@example.com"), "roles", List.of(injection)));
        for (Map<String, Object> body : bodies) {
            createUser(t.adminBearer, body).expectStatus().value(status -> assertThat(status).isBetween(400, 499));
        }
        assertThat(count("app_user")).isEqualTo(usersBefore);

        long rolesBefore = count("role");
        for (String name : List.of(injection, huge, "Admin", "")) {
            web.post().uri("/api/v1/rbac/roles/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                    .bodyValue(Map.of("name", name, "tenant_id", t.id)).exchange().expectStatus().isBadRequest();
            web.post().uri("/api/v1/rbac/permissions/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                    .bodyValue(Map.of("name", name, "tenant_id", t.id)).exchange().expectStatus().isBadRequest();
        }
        assertThat(count("role")).isEqualTo(rolesBefore);

        long keysBefore = count("api_key");
        web.post().uri("/api/v1/api-keys/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .bodyValue(Map.of("name", injection, "scopes", List.of("runs:read"))).exchange().expectStatus().isBadRequest();
        web.post().uri("/api/v1/api-keys/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .bodyValue(Map.of("name", "fine", "scopes", List.of(huge))).exchange().expectStatus().isBadRequest();
        assertThat(count("api_key")).isEqualTo(keysBefore);

        long projectsBefore = count("project");
        web.post().uri("/api/v1/projects/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .bodyValue(Map.of("name", injection)).exchange().expectStatus().isBadRequest();
        web.post().uri("/api/v1/projects/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .bodyValue(Map.of("name", "fine", "description", huge)).exchange().expectStatus().isBadRequest();
        assertThat(count("project")).isEqualTo(projectsBefore);

        // path and query parameters
        web.get().uri("/api/v1/users/{id}", "1 or 1=1").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isBadRequest();
        // (the security firewall already refuses the ';' in these paths with a 400)
        web.get().uri("/api/v1/tenants/{id}", injection).header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().is4xxClientError();
        web.get().uri("/api/v1/projects/{id}/", injection).header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().is4xxClientError();
        web.get().uri("/api/v1/tenants/{id}", "x' or '1'='1").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/projects/{id}/", "p-1' or '1'='1").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isNotFound();
        web.get().uri("/api/v1/users/read-users/?limit=100000").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isBadRequest();
    }

    @Test
    void badInput_malformedJson_wrongTypes_andHugeBodies_areClear4xx() {
        Tenant t = newTenant();
        long before = count("app_user");
        web.post().uri("/api/v1/users/create-user").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"username\": \"x\", ")
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.post().uri("/api/v1/users/create-user").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"username\":\"typed" + SEQ.incrementAndGet() + "\",\"email\":\"t@example.com\",\"password\":\"Passw0rd-ok\",\"roles\":{\"a\":1}}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("roles");
        web.post().uri("/api/v1/users/create-user").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors.length()").isEqualTo(3);
        web.post().uri("/api/v1/users/create-user").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"username\":\"" + "a".repeat(2_000_000) + "\"}")
                .exchange().expectStatus().isEqualTo(413);
        web.post().uri("/api/v1/api-keys/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":\"k\",\"scopes\":[\"runs:read\"],\"expires_in_days\":\"soon\"}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("expires_in_days");
        assertThat(count("app_user")).isEqualTo(before);
    }

    // ================================================================== helpers

    /** A fresh tenant (made by the platform admin) with an admin, a data scientist and a viewer, all logged in. */
    private Tenant newTenant() {
        int n = SEQ.incrementAndGet();
        String id = "tenant-" + n;
        web.post().uri("/api/v1/tenants/").header(HttpHeaders.AUTHORIZATION, "Bearer " + rootToken())
                .bodyValue(Map.of("id", id, "name", "Tenant " + n)).exchange().expectStatus().isCreated();
        Tenant t = new Tenant();
        t.id = id;
        String root = "Bearer " + rootToken();
        t.adminName = "admin" + n;
        t.scientistName = "sci" + n;
        t.viewerName = "viewer" + n;
        t.adminId = newUser(root, id, t.adminName, "Ada", "admin");
        t.scientistId = newUser(root, id, t.scientistName, "Sam", "data_scientist");
        t.viewerId = newUser(root, id, t.viewerName, "Vera", "viewer");
        t.adminToken = (String) loginOk(t.adminName, PASSWORD).get("access_token");
        t.scientistToken = (String) loginOk(t.scientistName, PASSWORD).get("access_token");
        t.viewerToken = (String) loginOk(t.viewerName, PASSWORD).get("access_token");
        t.adminBearer = "Bearer " + t.adminToken;
        t.scientistBearer = "Bearer " + t.scientistToken;
        t.viewerBearer = "Bearer " + t.viewerToken;
        return t;
    }

    private long newUser(String bearer, String tenant, String username, String firstName, String role) {
        var body = new HashMap<>(user(tenant, username, username + "@example.com"));
        body.put("first_name", firstName);
        body.put("roles", List.of(role));
        var created = createUser(bearer, body).expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) created.get("id")).longValue();
    }

    private static Map<String, Object> user(String tenant, String username, String email) {
        return Map.of("tenant_id", tenant, "username", username, "email", email, "password", PASSWORD, "last_name", "Doe");
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        var copy = new HashMap<>(body);
        copy.put(field, value);
        return copy;
    }

    private WebTestClient.ResponseSpec createUser(String bearer, Map<String, ?> body) {
        return web.post().uri("/api/v1/users/create-user").header(HttpHeaders.AUTHORIZATION, bearer).bodyValue(body).exchange();
    }

    private static String cachedRoot;

    private String rootToken() {
        if (cachedRoot == null) {
            cachedRoot = (String) loginOk("root", ROOT_PASSWORD).get("access_token");
        }
        return cachedRoot;
    }

    private WebTestClient.ResponseSpec login(String username, String password) {
        return web.post().uri("/api/v1/login/access-token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("username", username).with("password", password))
                .exchange();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> loginOk(String username, String password) {
        return login(username, password).expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.CACHE_CONTROL, "no-store")
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec serviceLogin(String clientId, String secret) {
        return web.post().uri("/api/v1/login/access-token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("grant_type", "client_credentials").with("client_id", clientId)
                        .with("client_secret", secret))
                .exchange();
    }

    private String serviceToken() {
        return (String) serviceLogin("gateway", SERVICE_SECRET).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("access_token");
    }

    private WebTestClient.ResponseSpec testToken(String token) {
        return web.post().uri("/api/v1/login/test-token").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
    }

    private WebTestClient.ResponseSpec refresh(String refreshToken) {
        return web.post().uri(uri -> uri.path("/api/v1/refresh").queryParam("refresh_token", refreshToken).build()).exchange();
    }

    private WebTestClient.ResponseSpec resetPassword(String token, String userName, String newPassword) {
        return web.post().uri(uri -> uri.path("/api/v1/reset-password").queryParam("user_name", userName)
                        .queryParam("new_password", newPassword).build())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
    }

    private long createRole(String bearer, String name) {
        var role = web.post().uri("/api/v1/rbac/roles/").header(HttpHeaders.AUTHORIZATION, bearer)
                .bodyValue(Map.of("name", name)).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) role.get("id")).longValue();
    }

    @SuppressWarnings("unchecked")
    private long roleId(Tenant t, String name) {
        var roles = (List<Map<String, Object>>) web.get().uri("/api/v1/rbac/roles/").header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("data");
        return roles.stream().filter(r -> name.equals(r.get("name"))).map(r -> ((Number) r.get("id")).longValue()).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private long permissionId(Tenant t, String name) {
        var permissions = (List<Map<String, Object>>) web.get().uri("/api/v1/rbac/permissions/")
                .header(HttpHeaders.AUTHORIZATION, t.adminBearer)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("data");
        return permissions.stream().filter(p -> name.equals(p.get("name"))).map(p -> ((Number) p.get("id")).longValue())
                .findFirst().orElseThrow();
    }

    private WebTestClient.ResponseSpec grant(String bearer, long roleId, long permissionId) {
        return web.put().uri("/api/v1/rbac/roles/{r}/permissions/{p}", roleId, permissionId)
                .header(HttpHeaders.AUTHORIZATION, bearer).exchange();
    }

    private WebTestClient.ResponseSpec assign(String bearer, long userId, long roleId) {
        return web.put().uri("/api/v1/rbac/users/{u}/roles/{r}", userId, roleId).header(HttpHeaders.AUTHORIZATION, bearer).exchange();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> createKey(String bearer, List<String> scopes) {
        return web.post().uri("/api/v1/api-keys/").header(HttpHeaders.AUTHORIZATION, bearer)
                .bodyValue(Map.of("name", "ci key", "scopes", scopes)).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec exchange(String serviceToken, String key) {
        return web.post().uri("/internal/v1/api-keys/exchange").header(HttpHeaders.AUTHORIZATION, "Bearer " + serviceToken)
                .header("X-API-KEY", key).exchange();
    }

    @SuppressWarnings("unchecked")
    private List<String> jwksKids() {
        var keys = (List<Map<String, Object>>) web.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("keys");
        return keys.stream().map(k -> (String) k.get("kid")).toList();
    }

    private long count(String table) {
        return db.sql("select count(*) from " + table).map((row, meta) -> row.get(0, Long.class)).one().block();
    }

    private String own(JWTClaimsSet claims) {
        return OwnKeys.sign(context, claims);
    }

    private static JWTClaimsSet.Builder claims(String subject, String tenant) {
        Instant now = Instant.now();
        var builder = new JWTClaimsSet.Builder().issuer("runstream").audience("runstream-api").subject(subject)
                .claim("preferred_username", "someone").claim("roles", List.of()).claim("permissions", List.of())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        if (tenant != null) {
            builder.claim("tenant", tenant);
        }
        return builder;
    }

    private static String claimsJson(Tenant t, String role) {
        return claims(String.valueOf(t.viewerId), t.id).claim("roles", List.of(role))
                .claim("permissions", List.of("can_manage_users")).build().toString();
    }

    private static String base64(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<String> roles(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("roles");
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> permissions(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("permissions");
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Tenant {
        String id;
        String adminName;
        String scientistName;
        String viewerName;
        long adminId;
        long scientistId;
        long viewerId;
        String adminToken;
        String scientistToken;
        String viewerToken;
        String adminBearer;
        String scientistBearer;
        String viewerBearer;
    }
}
