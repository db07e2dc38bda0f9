package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

// RUP-17: what a hostile subscriber could put in an expression is refused before the parser sees it, and what
// is accepted costs a bounded evaluation
class FilterExpressionTest {

    /** Generous on purpose: each case takes milliseconds; before the limits they took minutes or never ended. */
    private static final Duration MINUTES_NOT_MILLISECONDS = Duration.ofSeconds(10);

    static Stream<Arguments> overLimits() {
        return Stream.of(
                Arguments.of("1,990 levels of parentheses", "(".repeat(1990) + "true" + ")".repeat(1990),
                        "parentheses nested 33 deep"),
                Arguments.of("33 levels of parentheses", "(".repeat(33) + "true" + ")".repeat(33),
                        "parentheses nested 33 deep"),
                Arguments.of("1,300 NOTs", "NOT ".repeat(1300) + "true", "characters (at most 4000)"),
                Arguments.of("33 NOTs", "NOT ".repeat(33) + "true", "33 NOTs"),
                Arguments.of("4,001 characters", "subject = '" + "x".repeat(3989) + "'", "4001 characters"),
                Arguments.of("257 operators", "1" + " + 1".repeat(256) + " = 257", "257 operators"),
                Arguments.of("257 function calls", "subject = ''" + " OR LENGTH(subject) = 0".repeat(129),
                        "257 operators"),
                Arguments.of("a huge LIKE of %", "subject LIKE '" + "%".repeat(1000) + "'", "1000 characters"),
                Arguments.of("a huge LIKE of _", "subject LIKE '" + "_".repeat(3000) + "'", "3000 characters"),
                Arguments.of("a LIKE of 257 characters", "subject LIKE '" + "a".repeat(257) + "'", "257 characters"),
                Arguments.of("a LIKE with 17 wildcards", "subject LIKE '" + "a%".repeat(17) + "'", "17 wildcards"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overLimits")
    void expressionsOverALimitAreRefusedByName(String description, String expression, String named) {
        assertThatThrownBy(() -> assertTimeoutPreemptively(MINUTES_NOT_MILLISECONDS,
                () -> FilterExpression.check(expression)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds a limit")
                .hasMessageContaining(named);
    }

    static Stream<Arguments> atLimits() {
        return Stream.of(
                Arguments.of("(".repeat(32) + "subject = 'x'" + ")".repeat(32)),
                Arguments.of("NOT ".repeat(32) + "(subject = 'x')"),
                Arguments.of("-".repeat(100) + "1 = 1 AND subject = 'x'"),
                Arguments.of("LENGTH(subject)" + " + 1".repeat(254) + " < 0"),
                Arguments.of("subject LIKE '" + "%a_".repeat(8) + "b".repeat(232) + "'"),
                Arguments.of("subject = '" + "x".repeat(3988) + "'"),
                Arguments.of("subject LIKE '\\%\\_" + "x".repeat(100) + "%'"));
    }

    @ParameterizedTest
    @MethodSource("atLimits")
    void expressionsAtTheLimitsAreAccepted(String expression) {
        FilterExpression.check(expression);
        assertThat(FilterExpression.parse(expression).holds(TestEvents.event("a.B", "y").build())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void anEmptyExpressionIsRefused(String empty) {
        assertThatThrownBy(() -> FilterExpression.check(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"FOO(subject)", "foo(subject) = 1", "ABS(1, 2) = 1", "subject = 'a' OR BAR() = 1"})
    void unknownFunctionsAreRefused(String expression) {
        assertThatThrownBy(() -> FilterExpression.check(expression))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no function");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1/0 = 1", "1 % 0 = 1", "subject = 'a' AND 1/0 = 1", "FALSE AND 1/0 = 1",
            "INT('x') = 1", "'abc' > 1"})
    void partsThatFailForEveryEventAreRefused(String expression) {
        assertThatThrownBy(() -> FilterExpression.check(expression))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fails for every event");
    }

    @ParameterizedTest
    @ValueSource(strings = {"subject = 'a' ; ", "subject = 'a' #", "subject = $"})
    void charactersTheLexerCannotReadAreRefused(String expression) {
        assertThatThrownBy(() -> FilterExpression.check(expression))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid CloudEvents SQL expression");
    }

    @ParameterizedTest
    @ValueSource(strings = {"messagesize / 0 = 1", "ABS(messagesize) > 1", "LENGTH(subject) > 3",
            "subject LIKE 'mailto:%'", "EXISTS mailbox", "'yes'", "true"})
    void expressionsThatMayHoldForSomeEventAreAccepted(String expression) {
        FilterExpression.check(expression);
    }

    @Test
    void aHostileEventAgainstTheIssuesLikeCostsMilliseconds() {
        // a 200 KB subject full of '@' and no ".example.com" at its end: the SDK's regular expression backtracks
        // over every pair of positions
        CloudEvent hostile = TestEvents.event("a.B", "mailto:" + "@a".repeat(100_000)).build();
        FilterExpression filter = FilterExpression.parse("subject LIKE '%@%.example.com'");

        boolean matched = assertTimeoutPreemptively(MINUTES_NOT_MILLISECONDS, () -> filter.holds(hostile));

        assertThat(matched).isFalse();
    }

    @Test
    void theWorstAcceptedLikeAgainstAHugeSubjectCostsMilliseconds() {
        CloudEvent hostile = TestEvents.event("a.B", "a".repeat(200_000)).build();
        String worst = "subject LIKE '" + "%" + "a".repeat(15) + "b" + "%_".repeat(7) + "%'";
        FilterExpression filter = FilterExpression.parse(worst);

        boolean matched = assertTimeoutPreemptively(MINUTES_NOT_MILLISECONDS, () -> filter.holds(hostile));

        assertThat(matched).isFalse();
    }
}
