package io.runstream.platform.security;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BearerTokenConverter} and {@link FirewallRules} replace regular expressions of Spring Security
 * with loops: they must decide exactly as Spring does, which these tests check against Spring's own code.
 */
class SpringRuleParityTest {

    static final String JWT = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLV8-";

    @Test
    void bearerTokens_areReadAndRefusedAsSpringDoes() {
        List<String> headers = new ArrayList<>(List.of(
                "Bearer " + JWT, "bearer " + JWT, "BEARER " + JWT, "Bearer abc==", "Bearer abc=", "Bearer a+/~._-9",
                "Bearer", "Bearer ", "Bearer  " + JWT, "Bearer =", "Bearer abc=d", "Bearer abc def", "Bearer abc\t",
                "Bearer\t" + JWT, "Bearerabc", "Basic dXNlcjpwYXNz", "Token abc", "", "B", "Bear", "Bearer é",
                "Bearer " + JWT + " ", " Bearer " + JWT, "Bearer ab%3D"));
        Random random = new Random(7);
        String alphabet = "aZ09-._~+/= \t%é";
        for (int n = 0; n < 2000; n++) {
            StringBuilder value = new StringBuilder(random.nextBoolean() ? "Bearer " : "bearer");
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                value.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            headers.add(value.toString());
        }
        ServerBearerTokenAuthenticationConverter spring = new ServerBearerTokenAuthenticationConverter();
        BearerTokenConverter ours = new BearerTokenConverter();
        for (String header : headers) {
            assertThat(outcome(ours::convert, header)).as("Authorization: [%s]", header)
                    .isEqualTo(outcome(spring::convert, header));
        }
        assertThat(outcome(ours::convert, "Bearer " + JWT)).isEqualTo("token " + JWT);
        assertThat(outcome(ours::convert, "Bearer a b")).isEqualTo("invalid_token");
        assertThat(outcome(ours::convert, null)).isEqualTo("none");
    }

    private static String outcome(Function<MockServerWebExchange, reactor.core.publisher.Mono<Authentication>> converter,
                                  String header) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/api/v1/jobs");
        if (header != null) {
            request.header("Authorization", header);
        }
        try {
            Authentication authentication = converter.apply(MockServerWebExchange.from(request)).block();
            return authentication == null ? "none" : "token " + ((BearerTokenAuthenticationToken) authentication).getToken();
        } catch (OAuth2AuthenticationException e) {
            return e.getError().getErrorCode();
        }
    }

    @Test
    void firewallCharacterRules_matchSpringsExpressions_onEveryCodePointClass() {
        List<String> samples = new ArrayList<>(List.of("", "Authorization", "Bearer abc", "a\tb", "\t", "a\nb", "a\rb",
                "\u0000", "\u001f", "\u007f", "\u0080", "\u009f", "\u00a0", "é", "日本語", "\u0378", "\uFFFF",
                "\uD83D\uDE00", "\uD83D", "\uDE00x", "x\uD83D", "\u2028", "\u200B", "\uE000", "\uDB7F\uDFFF",
                "text/event-stream; charset=utf-8", "\u0085"));
        Random random = new Random(11);
        for (int n = 0; n < 20000; n++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(4);
            for (int i = 0; i < length; i++) {
                int pick = random.nextInt(4);
                int codePoint = pick == 0 ? random.nextInt(0x100) : pick == 1 ? random.nextInt(0x10000)
                        : pick == 2 ? random.nextInt(0x110000) : "\t\n\u007f\u0085\u0378".charAt(random.nextInt(5));
                text.appendCodePoint(codePoint);
            }
            samples.add(text.toString());
        }
        for (String sample : samples) {
            assertThat(FirewallRules.assignedAndNotControl(sample, false)).as("name or parameter name %s", codes(sample))
                    .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(sample))
                    .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_PARAMETER_NAMES.test(sample));
            assertThat(FirewallRules.assignedAndNotControl(sample, true)).as("header value %s", codes(sample))
                    .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(sample));
        }
        assertThat(FirewallRules.assignedAndNotControl(null, false)).isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(null));
        assertThat(FirewallRules.assignedAndNotControl(null, true)).isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(null));
        assertThat(FirewallRules.assignedAndNotControl("a\tb", true)).isTrue();
        assertThat(FirewallRules.assignedAndNotControl("a\tb", false)).isFalse();
        assertThat(FirewallRules.assignedAndNotControl("\u0378", true)).isFalse();
    }

    private static String codes(String text) {
        return text.codePoints().mapToObj(c -> String.format("U+%04X", c)).toList().toString();
    }
}
