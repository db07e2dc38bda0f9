package org.tidings.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubjectOrderTest {

    private static final String ANN = CrashEvents.subject(0);
    private static final String BOB = CrashEvents.subject(1);

    @Test
    void anEventThatArrivesAfterALaterOneOfItsSubjectIsCountedOnce() {
        var app = new CrashEvents("app", 2);
        var order = new SubjectOrder();
        order.arrived(ANN, app.id(0));
        order.arrived(BOB, app.id(1));
        order.arrived(ANN, app.id(4));
        order.arrived(ANN, app.id(2)); // overtaken by 4
        order.arrived(BOB, app.id(3)); // another subject: in order
        order.arrived(ANN, app.id(6));
        assertThat(order.outOfOrder()).isEqualTo(1);
    }

    /**
     * Each scenario numbers its events from 0 on the same subjects: a notification of the app-crash scenario that
     * reaches the sink during the broker-crash scenario's drain (its sender never had it confirmed, the broker kept
     * it) is not out of order against the other scenario's numbers.
     */
    @Test
    void numbersAreComparedWithinOneScenarioOnly() {
        var app = new CrashEvents("app", 2);
        var broker = new CrashEvents("broker", 2);
        var order = new SubjectOrder();
        order.arrived(ANN, broker.id(0));
        order.arrived(ANN, broker.id(2));
        order.arrived(ANN, app.id(9998));
        order.arrived(ANN, broker.id(4));
        assertThat(order.outOfOrder()).isZero();
        order.arrived(ANN, app.id(9996));
        assertThat(order.outOfOrder()).as("within the app scenario, 9996 after 9998").isEqualTo(1);
    }
}
