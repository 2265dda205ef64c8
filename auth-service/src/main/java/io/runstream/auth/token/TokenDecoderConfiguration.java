package io.runstream.auth.token;

import io.runstream.platform.security.SecurityProperties;
import io.runstream.platform.security.TokenValidators;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * auth-service is the issuer: it checks tokens against its own key ring directly instead of fetching
 * its own JWKS over HTTP. Same validators as every other service.
 */
@Configuration(proxyBeanMethods = false)
class TokenDecoderConfiguration {

    @Bean
    ReactiveJwtDecoder jwtDecoder(SigningKeyStore keys, SecurityProperties security) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
                .withJwkSource(jwt -> keys.verificationKeys(jwt.getHeader().getKeyID()))
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .build();
        decoder.setJwtValidator(TokenValidators.forPlatform(security.issuer(), security.audience()));
        return decoder;
    }
}
