package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.sql.Parser;
import io.cloudevents.sql.Result;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

// the linear LIKE against the SDK's regular expression, which it replaces: same answers on values without line
// terminators (where the SDK's "." stops, see LikePattern)
class LikePatternTest {

    @ParameterizedTest(name = "''{1}'' LIKE ''{0}'' is {2}")
    @CsvSource(delimiter = '|', value = {
            "%@%.example.com|ann@mail.example.com|true",
            "%@%.example.com|ann@example.com|false",
            "a_c|abc|true",
            "a_c|ac|false",
            "a_c|a\uD83D\uDE00c|true",
            "%|''|true",
            "''|''|true",
            "''|a|false",
            "a%|a|true",
            "%a|ba|true",
            "%a%b%|xaybz|true",
            "%a%b%|xbyaz|false",
            "%ab%ab%|abab|true",
            "%ab%ab%|aba|false",
            "\\%|%|true",
            "\\%|a|false",
            "\\_|_|true",
            "\\_|a|false",
            "a\\b|a\\b|true",
            "_%_|a|false",
            "_%_|ab|true"})
    void matchesAsTheSpecificationSays(String pattern, String value, boolean expected) {
        assertThat(LikePattern.compile(pattern).matches(value)).isEqualTo(expected);
        assertThat(sdk(pattern, value)).as("the SDK agrees").isEqualTo(expected);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void answersAsTheSdkOnRandomPatternsAndValues(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            // a pattern ending in a backslash cannot be written as a literal: it would escape the closing quote
            String pattern = random(random, "ab%_\\", random.nextInt(8)) + "a";
            String value = random(random, "ab%_\\", random.nextInt(10));
            assertThat(LikePattern.compile(pattern).matches(value))
                    .as("'%s' LIKE '%s'", value, pattern).isEqualTo(sdk(pattern, value));
        }
    }

    private static String random(Random random, String alphabet, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static boolean sdk(String pattern, String value) {
        CloudEvent event = TestEvents.event("a.B", "x").withExtension("value", value).build();
        Result result = Parser.parseDefault("value LIKE '" + pattern.replace("'", "\\'") + "'").evaluate(event);
        return !result.isFailed() && Boolean.TRUE.equals(result.value());
    }
}
