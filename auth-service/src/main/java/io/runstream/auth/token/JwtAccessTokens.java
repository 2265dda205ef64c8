package io.runstream.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.runstream.auth.support.Randoms;
import io.runstream.platform.security.Caller;
import io.runstream.platform.security.SecurityProperties;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** RS256 JWTs with the current key's {@code kid}: iss, aud, sub, preferred_username, tenant, roles, permissions, iat, exp, jti. */
@Component
class JwtAccessTokens implements AccessTokens {

    private final SigningKeyStore keys;
    private final SecurityProperties security;

    JwtAccessTokens(SigningKeyStore keys, SecurityProperties security) {
        this.keys = keys;
        this.security = security;
    }

    @Override
    public Mono<IssuedToken> issue(TokenSubject subject, Duration ttl) {
        return keys.ring().flatMap(ring -> Mono.fromCallable(() -> {
            Instant now = Instant.now();
            Instant expires = now.plus(ttl);
            String jti = Randoms.urlSafe(16);
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                    .issuer(security.issuer())
                    .audience(security.audience())
                    .subject(subject.subject())
                    .claim(Caller.USERNAME_CLAIM, subject.username())
                    .claim(Caller.TENANT_CLAIM, subject.tenant())
                    .claim(Caller.ROLES_CLAIM, List.copyOf(subject.roles().stream().sorted().toList()))
                    .claim(Caller.PERMISSIONS_CLAIM, List.copyOf(subject.permissions().stream().sorted().toList()))
                    .issueTime(Date.from(now))
                    .notBeforeTime(Date.from(now))
                    .expirationTime(Date.from(expires))
                    .jwtID(jti);
            subject.extraClaims().forEach(claims::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID(ring.active().getKeyID()).type(JOSEObjectType.JWT).build(), claims.build());
            try {
                jwt.sign(new RSASSASigner(ring.active()));
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot sign an access token", e);
            }
            return new IssuedToken(jwt.serialize(), jti, expires, ttl.toSeconds());
            // RSA signing draws blinding randomness from the platform SecureRandom, which may read /dev/urandom
        }).subscribeOn(Schedulers.boundedElastic()));
    }
}
