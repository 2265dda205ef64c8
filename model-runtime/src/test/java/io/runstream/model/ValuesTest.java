package io.runstream.model;

import org.junit.jupiter.api.Test;

import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

class ValuesTest {

    @Test
    void number_parsesPlainAndDecoratedNumbers_alike() {
        assertThat(Values.number("1.5")).hasValue(1.5);
        assertThat(Values.number("-2e3")).hasValue(-2000);
        assertThat(Values.number("+.25")).hasValue(0.25);
        assertThat(Values.number(" 7 ")).hasValue(7);
        assertThat(Values.number("1_000")).hasValue(1000);
        assertThat(Values.number("3\u2003")).hasValue(3);
        assertThat(Values.number("12 ")).hasValue(12);
    }

    @Test
    void plainDecimal_answersExactlyWhatParseDoubleAnswers() {
        java.util.Random random = new java.util.Random(1);
        String[] formats = {"%.5f", "%.3e", "%.15g", "%.1f", "%.0f", "%.17g", "%.10E", "%.20f"};
        for (int i = 0; i < 200_000; i++) {
            double x = switch (i % 4) {
                case 0 -> random.nextGaussian();
                case 1 -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
                case 2 -> random.nextInt(1_000_000) - 500_000;
                default -> random.nextDouble() * 1e-3;
            };
            String text = String.format(java.util.Locale.ROOT, formats[i % formats.length], x);
            double fast = Values.plainDecimal(text);
            if (!Double.isNaN(fast)) {
                assertThat(Double.doubleToRawLongBits(fast)).as(text).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
            }
            assertThat(Values.number(text)).as(text).hasValue(Double.parseDouble(text));
        }
        for (String text : new String[]{"0", "-0", "0.0", "00012", "1.", ".5", "-.5e-3", "1e22", "1e-22", "123456789012345",
                "9007199254740993", "1e23", "4.9e-324", "0e999"}) {
            double fast = Values.plainDecimal(text);
            if (!Double.isNaN(fast)) {
                assertThat(Double.doubleToRawLongBits(fast)).as(text).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
            }
        }
        for (String text : new String[]{".", "-", "1e", "1e+", "1.2.3", "1d", "0x1p3", "1_0", "1 ", "e5"}) {
            assertThat(Values.plainDecimal(text)).as(text).isNaN();
        }
    }

    @Test
    void plainDecimal_onChars_answersWhatTheStringVersionAnswers_andNumberAgrees() {
        java.util.Random random = new java.util.Random(5);
        String alphabet = "0123456789012345678901234567890123456789+-.eE _x\u2003";
        String[] formats = {"%.5f", "%.3e", "%.15g", "%.1f", "%.0f", "%.17g", "%.10E", "%.20f"};
        for (int i = 0; i < 200_000; i++) {
            String text;
            if (i % 2 == 0) {
                text = String.format(java.util.Locale.ROOT, formats[i % formats.length],
                        random.nextGaussian() * Math.pow(10, random.nextInt(50) - 25));
            } else {
                StringBuilder soup = new StringBuilder();
                for (int k = random.nextInt(12); k > 0; k--) {
                    soup.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                text = soup.toString();
            }
            // the text inside a larger buffer, as a CSV reader holds it
            char[] buffer = ("x," + text + ",y").toCharArray();
            double fromChars = Values.plainDecimal(buffer, 2, text.length());
            double fromString = text.isEmpty() ? Double.NaN : Values.plainDecimal(text);
            boolean plainStart = !text.isEmpty() && "0123456789+-.".indexOf(text.charAt(0)) >= 0;
            assertThat(Double.doubleToRawLongBits(fromChars)).as(text)
                    .isEqualTo(Double.doubleToRawLongBits(plainStart ? fromString : Double.NaN));
            if (!Double.isNaN(fromChars)) {
                assertThat(Double.doubleToRawLongBits(Values.number(text).orElseThrow())).as(text)
                        .isEqualTo(Double.doubleToRawLongBits(fromChars));
            }
        }
        assertThat(Values.plainDecimal(new char[]{'1', '2'}, 1, 0)).isNaN();
        assertThat(Values.plainDecimal("-0".toCharArray(), 0, 2)).isEqualTo(-0.0);
        assertThat(Values.plainDecimal("12,5".toCharArray(), 0, 2)).isEqualTo(12.0);
    }

    @Test
    void number_refusesMissingTextAndNonFiniteValues() {
        assertThat(Values.number(null)).isEqualTo(OptionalDouble.empty());
        assertThat(Values.number("")).isEmpty();
        assertThat(Values.number("NaN")).isEmpty();
        assertThat(Values.number("-Infinity")).isEmpty();
        assertThat(Values.number("1e999")).isEmpty();
        assertThat(Values.number("12abc")).isEmpty();
        assertThat(Values.number("-")).isEmpty();
        assertThat(Values.number("n/a")).isEmpty();
    }
}
